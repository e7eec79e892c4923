import { withAudit, type AuditedStore } from '../domain/audit.js';
import type { ChangeBus } from '../domain/events.js';
import type { Store } from '../domain/store.js';
import type { LoginLimits, Sessions } from '../domain/sessions.js';
import { FileAuditLog } from './audit-log.js';
import { LowdbStore } from './lowdb-store.js';
import type { PseudonymKeys } from '../domain/pseudonyms.js';
import { PgChangeBus, PgAuditLog, PgLoginLimits, PgPseudonymKeys, PgSessions } from './pg-services.js';
import { FilePseudonymKeys } from './pseudonym-keys.js';
import type { PgOptions } from './pg-schema.js';
import { PgStore } from './pg-store.js';

/** Where the data lives: the embedded lowdb files, or PostgreSQL when a database URL is given. */
export interface StoreLocation {
  dataDir: string;
  /** postgres://… (SICHTBAR_DATABASE_URL); when set, the data directory holds no project data. */
  databaseUrl?: string;
  pg?: PgOptions;
}

/** An opened store and, for PostgreSQL, the shared services several server processes need. */
export interface Backend {
  store: AuditedStore;
  /** Undefined for the embedded store: the app keeps sessions and limits in memory. */
  sessions?: Sessions;
  loginLimits?: LoginLimits;
  bus?: ChangeBus;
  /** Pseudonym keys, apart from the project data (a folder beside it, or a table of their own). */
  pseudonymKeys: PseudonymKeys;
  /** Whether the data directory holds the projects (snapshots apply only then). */
  embedded: boolean;
  close(): Promise<void>;
}

/** Open the raw store (CLI tools, migrate): lowdb on the directory, or PostgreSQL. */
export function openStore(location: StoreLocation): Promise<Store> {
  return location.databaseUrl ? PgStore.open(location.databaseUrl, location.pg) : LowdbStore.open(location.dataDir);
}

/** The pseudonym keys that belong with an opened store (a folder beside lowdb's data, or a table). */
export function pseudonymKeysFor(store: Store, dataDir: string): PseudonymKeys {
  return store instanceof PgStore ? new PgPseudonymKeys(store.pool) : new FilePseudonymKeys(dataDir);
}

/** Open the store with its audit trail and the services the server needs. */
export async function openBackend(location: StoreLocation, currentActor: () => { userId: string } | undefined): Promise<Backend> {
  if (!location.databaseUrl) {
    const store = withAudit(await LowdbStore.open(location.dataDir), { log: new FileAuditLog(location.dataDir), currentActor });
    return { store, pseudonymKeys: pseudonymKeysFor(store, location.dataDir), embedded: true, close: () => store.close() };
  }
  const raw = await PgStore.open(location.databaseUrl, location.pg);
  try {
    const store = withAudit(raw, { log: new PgAuditLog(raw.pool), currentActor });
    const bus = await PgChangeBus.open(() => raw.newClient());
    return {
      store,
      sessions: new PgSessions(raw.pool),
      loginLimits: new PgLoginLimits(raw.pool),
      bus,
      pseudonymKeys: pseudonymKeysFor(raw, location.dataDir),
      embedded: false,
      close: async () => {
        await bus.close();
        await store.close();
      },
    };
  } catch (e) {
    await raw.close();
    throw e;
  }
}
