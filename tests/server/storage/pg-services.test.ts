import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MemoryAuditLog } from '../../../server/domain/audit.js';
import { Conflict, TooManyRequests } from '../../../server/domain/errors.js';
import { SESSION_TTL_MS } from '../../../server/domain/sessions.js';
import type { AuditEntry } from '../../../server/schemas/audit.js';
import { PgAuditLog, PgLoginLimits, PgPseudonymKeys, PgSessions } from '../../../server/storage/pg-services.js';
import { PgStore } from '../../../server/storage/pg-store.js';
import { pgTestSchema, TEST_DATABASE_URL } from '../helpers.js';

describe.skipIf(!TEST_DATABASE_URL)('what PostgreSQL keeps for every server process', () => {
  let store: PgStore;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const schema = await pgTestSchema();
    cleanup = schema.cleanup;
    store = await PgStore.open(schema.url, { schema: schema.schema, max: 4 });
  });
  afterAll(async () => {
    await store?.close();
    await cleanup?.();
  });

  it('sessions: stored as a hash of the token, expire, end for one user (but the current one)', async () => {
    const sessions = new PgSessions(store.pool);
    const a1 = await sessions.create('anna');
    const a2 = await sessions.create('anna');
    const b = await sessions.create('bert');
    expect(await sessions.get(a1.token)).toEqual(a1);
    // The table never holds the token itself.
    const stored = await store.pool.query<{ token_hash: string }>('SELECT token_hash FROM sessions');
    expect(stored.rows.map((r) => r.token_hash)).not.toContain(a1.token);
    await sessions.deleteForUser('anna', a2.token);
    expect(await sessions.get(a1.token)).toBeUndefined();
    expect(await sessions.get(a2.token)).toEqual(a2);
    await sessions.deleteForUser('anna');
    expect(await sessions.get(a2.token)).toBeUndefined();
    expect(await sessions.get(b.token)).toEqual(b);
    const now = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(now + SESSION_TTL_MS + 1000);
    try {
      expect(await sessions.get(b.token)).toBeUndefined();
    } finally {
      clock.mockRestore();
    }
    expect(await sessions.get(undefined)).toBeUndefined();
    expect(await sessions.get('x'.repeat(500))).toBeUndefined();
  });

  it('login limits: the sixth failure within the window is refused, success clears', async () => {
    const limits = new PgLoginLimits(store.pool, 5, 60_000);
    const keys = ['login:zoe', 'addr:10.0.0.1'];
    for (let i = 0; i < 5; i++) {
      await limits.check(keys);
      await limits.fail(keys);
    }
    await expect(limits.check(['login:zoe'])).rejects.toThrow(TooManyRequests);
    await limits.succeed(keys);
    await expect(limits.check(keys)).resolves.toBeUndefined();
  });

  it('the audit log answers every query as the in-memory log does', async () => {
    const pgLog = new PgAuditLog(store.pool);
    const memory = new MemoryAuditLog();
    const entries: AuditEntry[] = Array.from({ length: 30 }, (_, i) => ({
      at: `2026-01-01T00:00:${String(i).padStart(2, '0')}.000Z`,
      projectId: 'p1',
      userId: i % 3 === 0 ? 'anna' : 'bert',
      kind: i % 2 === 0 ? 'segment' : 'code',
      id: `e${i}`,
      action: 'created',
    }) as AuditEntry);
    for (const log of [pgLog, memory]) {
      await log.append('p1', entries.slice(0, 10));
      await log.append('p1', entries.slice(10));
      await log.append('p2', entries.slice(0, 2));
    }
    const queries = [
      { limit: 100 },
      { limit: 5, offset: 3 },
      { limit: 7, order: 'desc' as const },
      { limit: 100, userId: 'anna' },
      { limit: 100, kind: 'code' as const, since: '2026-01-01T00:00:15.000Z' },
      { limit: 4, offset: 2, order: 'desc' as const, userId: 'bert' },
    ];
    for (const q of queries) expect(await pgLog.list('p1', q), JSON.stringify(q)).toStrictEqual(await memory.list('p1', q));
    expect(await pgLog.list('p2', { limit: 100 })).toHaveLength(2);
  });

  it('pseudonym keys: the version rule, and restore keeps a version', async () => {
    const keys = new PgPseudonymKeys(store.pool);
    const entry = { real: 'Schneider', pseudonym: 'Berger', category: 'person' as const };
    await keys.put({ projectId: 'p1', entries: [entry], modified: '2026-01-01T00:00:00.000Z', version: 1 });
    await expect(keys.put({ projectId: 'p1', entries: [], modified: '2026-01-01T00:00:00.000Z', version: 1 })).rejects.toThrow(Conflict);
    expect((await keys.get('p1'))?.entries).toEqual([entry]);
    await keys.restore({ projectId: 'p2', entries: [entry], modified: null, version: 7 });
    expect((await keys.get('p2'))?.version).toBe(7);
    await keys.delete('p1');
    expect(await keys.get('p1')).toBeUndefined();
  });
});
