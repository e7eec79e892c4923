import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withAudit } from '../../../server/domain/audit.js';
import { makeDeps } from '../../../server/domain/deps.js';
import type { Store } from '../../../server/domain/store.js';
import { createDemoProject } from '../../../server/demo.js';
import { createUser } from '../../../server/domain/users.js';
import { FileAuditLog } from '../../../server/storage/audit-log.js';
import { LowdbStore } from '../../../server/storage/lowdb-store.js';
import { FilePseudonymKeys } from '../../../server/storage/pseudonym-keys.js';
import { SERVER_AUDIT } from '../../../server/schemas/audit.js';
import { pgTestSchema, tempDir, TEST_DATABASE_URL } from '../helpers.js';
import { onlyJson, runCliCaptured } from '../support.js';

const byId = <T extends { id: string }>(list: T[]): T[] => [...list].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/** Everything a store holds, in a canonical order, for comparison. */
async function contents(store: Store): Promise<unknown> {
  const projects = byId(await store.listProjects());
  const out: Record<string, unknown> = { users: byId(await store.listUsers()), projects };
  for (const p of projects) {
    const metas = byId(await store.listDocuments(p.id));
    out[p.id] = {
      metas,
      documents: await Promise.all(metas.map((m) => store.getDocument(p.id, m.id))),
      codes: byId(await store.listCodes(p.id)),
      segments: byId(await store.listSegments(p.id)),
      memos: byId(await store.listMemos(p.id)),
      sets: byId(await store.listSets(p.id)),
    };
  }
  return out;
}

describe.skipIf(!TEST_DATABASE_URL)('sichtbar migrate between lowdb and PostgreSQL', () => {
  const cleanups: (() => Promise<void>)[] = [];
  let source: string;
  let databaseUrl: string;
  let expected: unknown;
  let expectedAudit: unknown[];
  let expectedServerAudit: unknown[];
  let expectedKey: unknown;

  beforeAll(async () => {
    const dir = await tempDir();
    cleanups.push(dir.cleanup);
    source = dir.dir;
    // The demo project through the audited store, so there is an audit trail to carry over too.
    const raw = await LowdbStore.open(source);
    const store = withAudit(raw, { log: new FileAuditLog(source), currentActor: () => ({ userId: 'mara' }) });
    const deps = makeDeps(store);
    await createUser(deps, { login: 'admin', displayName: 'Administration', role: 'admin', password: 'migrations-passwort' });
    const projectId = (await createDemoProject(deps)).project.id;
    // A user whose version is past 1 must keep it.
    const admin = (await store.findUserByLogin('admin'))!;
    await store.putUser({ ...admin, displayName: 'Admin (geändert)', version: admin.version + 1 });
    // A pseudonym key at version 2 must arrive with its version, apart from the project data.
    const keys = new FilePseudonymKeys(source);
    const entry = { real: 'Schneider', pseudonym: 'Berger', category: 'person' as const };
    await keys.put({ projectId, entries: [entry], modified: '2026-01-02T00:00:00.000Z', version: 1 });
    await keys.put({ projectId, entries: [entry, { real: 'Lüneburg', pseudonym: 'Neustadt', category: 'place' }], modified: '2026-01-03T00:00:00.000Z', version: 2 });
    expectedKey = await keys.get(projectId);
    expected = await contents(store);
    expectedAudit = await new FileAuditLog(source).list(projectId, { limit: 1_000_000 });
    expectedServerAudit = await new FileAuditLog(source).list(SERVER_AUDIT, { limit: 1_000_000 });
    await store.close();
    const pg = await pgTestSchema();
    cleanups.push(pg.cleanup);
    databaseUrl = `${pg.url}${pg.url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${pg.schema}`)}`;
  }, 120_000);

  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  it('copies lowdb → PostgreSQL → lowdb without losing or changing anything', async () => {
    const there = await runCliCaptured(['migrate', '--from', source, '--to', databaseUrl, '--json']);
    expect(there.stderr).toBe('');
    expect(there.code).toBe(0);
    const counts = onlyJson<{ migrated: { users: number; projects: number; segments: number; auditEntries: number } }>(there.stdout).migrated;
    expect(counts.projects).toBe(1);
    expect(counts.auditEntries).toBe(expectedAudit.length + expectedServerAudit.length);
    expect(expectedServerAudit.length).toBeGreaterThan(0);
    expect(expectedAudit.length).toBeGreaterThan(0);

    const back = await tempDir();
    cleanups.push(back.cleanup);
    const again = await runCliCaptured(['migrate', '--from', databaseUrl, '--to', back.dir]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^Migrated 3 users and 1 projects/);

    const store = await LowdbStore.open(back.dir);
    try {
      const actual = await contents(store);
      // Deep and strict: every field, every version, every offset.
      expect(actual).toStrictEqual(expected);
      const projectId = (await store.listProjects())[0]!.id;
      expect(await new FileAuditLog(back.dir).list(projectId, { limit: 1_000_000 })).toStrictEqual(expectedAudit);
      expect(await new FileAuditLog(back.dir).list(SERVER_AUDIT, { limit: 1_000_000 })).toStrictEqual(expectedServerAudit);
      expect(await new FilePseudonymKeys(back.dir).get(projectId)).toStrictEqual(expectedKey);
      // The counts agree with what arrived.
      expect(counts.segments).toBe((await store.listSegments(projectId)).length);
      expect(counts.users).toBe((await store.listUsers()).length);
    } finally {
      await store.close();
    }
  }, 180_000);

  it('refuses a target that already holds data, and bad usage', async () => {
    const refused = await runCliCaptured(['migrate', '--from', source, '--to', databaseUrl]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/already holds 3 users and 1 projects; migrate into an empty store/);
    const usage = await runCliCaptured(['migrate', '--from', source, '--to', source]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/one side is a data directory, the other a postgres:\/\/ URL/);
  }, 60_000);
});
