import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, call, exportedSegmentIds, seedOverApi, signIn, startServer, type ServerProcess } from '../../../bench/load.js';
import { tempDir } from '../helpers.js';

/**
 * Crash safety of the whole server: SIGKILL the real process while a client streams segment
 * writes, restart it on the same data directory (taking over the stale lock) and check that
 * every write it acknowledged with 201 is there, exactly once.
 */
describe('crash safety of the server process', () => {
  let server: ServerProcess | undefined;
  let cleanup: () => Promise<void> = async () => undefined;
  afterEach(async () => {
    await server?.kill();
    await cleanup();
  });

  it('keeps every acknowledged segment across repeated SIGKILLs', async () => {
    const t = await tempDir('sichtbar-crash-server-');
    cleanup = t.cleanup;
    server = await startServer(t.dir);
    const seed = await seedOverApi(await signIn(server.url, 'admin', ADMIN_PASSWORD));
    const acknowledged: string[] = [];
    let random = 12345;
    const next = (): number => (random = (random * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    // One counter over all rounds: every write is a new range (the same code on the same range is a 409).
    let written = 0;
    const span = seed.length - 60;

    for (let round = 0; round < 5; round++) {
      const client = await signIn(server.url, 'admin', ADMIN_PASSWORD);
      const target = 5 + Math.floor(next() * 40);
      let acks = 0;
      const current = server;
      // Four writers in flight, so the kill lands while requests are being committed.
      const writers = Array.from({ length: 4 }, async () => {
        for (;;) {
          const n = written++;
          const start = n % span;
          let res: Response;
          try {
            res = await call(client, 'POST', `/api/projects/${seed.projectId}/segments`, { documentId: seed.documentId, codeId: seed.codeId, start, end: start + 1 + Math.floor(n / span) });
          } catch {
            return; // the connection died with the server: this write was never acknowledged
          }
          let body: { id?: string };
          try {
            body = (await res.json()) as { id?: string };
          } catch {
            return;
          }
          expect(res.status).toBe(201);
          acknowledged.push(body.id as string);
          if (++acks === target) void current.kill();
        }
      });
      await Promise.all(writers);
      await current.kill();

      server = await startServer(t.dir);
      const admin = await signIn(server.url, 'admin', ADMIN_PASSWORD);
      const ids = await exportedSegmentIds(admin, seed.projectId);
      const stored = new Set(ids);
      expect(ids.length, 'no duplicated segment').toBe(stored.size);
      expect(acknowledged.filter((id) => !stored.has(id)), `round ${round}: lost acknowledged writes`).toEqual([]);
      // A write may be on disk without its 201 having arrived, never the other way round.
      expect(stored.size).toBeGreaterThanOrEqual(acknowledged.length);
    }
    expect(acknowledged.length).toBeGreaterThan(25);
  }, 60_000);
});
