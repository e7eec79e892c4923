import type { AuditLog } from '../domain/audit.js';
import { FileAuditLog } from '../storage/audit-log.js';
import { LowdbStore } from '../storage/lowdb-store.js';
import { migrateStore, type MigrationSide } from '../storage/migrate-store.js';
import { PgAuditLog, PgPseudonymKeys } from '../storage/pg-services.js';
import { FilePseudonymKeys } from '../storage/pseudonym-keys.js';
import { PgStore } from '../storage/pg-store.js';
import { UsageError, type CliCommand } from './common.js';

const USAGE = `  migrate --from DIR|postgres://… --to postgres://…|DIR [--json]
      copy every user, project, audit entry and pseudonym key between the embedded store (a data directory)
      and PostgreSQL, in either direction; the target must be empty; sessions are not copied.
      Opening a PostgreSQL database applies its schema migrations.`;

const isUrl = (s: string): boolean => /^postgres(ql)?:\/\//.test(s);

/** Open one side: a PostgreSQL URL or a data directory, each with its audit log. */
async function openSide(location: string): Promise<MigrationSide & { close: () => Promise<void>; label: string }> {
  if (isUrl(location)) {
    const store = await PgStore.open(location);
    const audit: AuditLog = new PgAuditLog(store.pool);
    return { store, audit, keys: new PgPseudonymKeys(store.pool), close: () => store.close(), label: 'PostgreSQL' };
  }
  const store = await LowdbStore.open(location);
  return { store, audit: new FileAuditLog(location), keys: new FilePseudonymKeys(location), close: () => store.close(), label: location };
}

/** `sichtbar migrate --from A --to B`. */
export const migrateCommand: CliCommand = {
  name: 'migrate',
  usage: USAGE,
  needsData: false,
  options: { from: { type: 'string' }, to: { type: 'string' } },
  run: async ({ values, positionals, io, json }) => {
    const from = values['from'];
    const to = values['to'];
    if (typeof from !== 'string' || typeof to !== 'string' || from === '' || to === '') throw new UsageError('migrate: --from and --to are required');
    if (positionals.length > 0) throw new UsageError(`migrate takes no arguments (got "${positionals[0]}")`);
    if (isUrl(from) === isUrl(to)) throw new UsageError('migrate: one side is a data directory, the other a postgres:// URL');
    const source = await openSide(from);
    try {
      const target = await openSide(to);
      try {
        const counts = await migrateStore(source, target, json ? undefined : (line) => io.stderr(`${line}\n`));
        if (json) io.stdout(`${JSON.stringify({ migrated: counts }, null, 2)}\n`);
        else io.stdout(`Migrated ${counts.users} users and ${counts.projects} projects (${counts.documents} documents, ${counts.segments} segments, ${counts.auditEntries} audit entries) from ${source.label} to ${target.label}.\n`);
        return 0;
      } finally {
        await target.close();
      }
    } finally {
      await source.close();
    }
  },
};
