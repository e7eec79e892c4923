import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyCode } from '../../../server/domain/coding.js';
import { Conflict, InvalidInput, NotFound } from '../../../server/domain/errors.js';
import { nextProject } from '../../../server/domain/projects.js';
import type { Store } from '../../../server/domain/store.js';
import { LowdbStore } from '../../../server/storage/lowdb-store.js';
import { DataDirectoryLocked } from '../../../server/storage/dir-lock.js';
import { ALICE, adapters, seedProject, tempDir } from '../helpers.js';

for (const adapter of adapters) {
  describe(`store contract: ${adapter.name}`, () => {
    let cleanup: () => Promise<void> = async () => undefined;
    afterEach(() => cleanup());

    it('refuses the project id reserved for the server-wide audit log', async () => {
      const opened = await adapter.open();
      cleanup = opened.cleanup;
      await expect(opened.store.createProject({ id: '_server', name: 'x', description: '', language: 'de', created: '2026-01-01T00:00:00.000Z', crosswalk: [], version: 1 })).rejects.toBeInstanceOf(InvalidInput);
      expect(await opened.store.listProjects()).toEqual([]);
    });

    it('applies a change and rejects a stale version with Conflict, leaving the state unchanged', async () => {
      const opened = await adapter.open();
      cleanup = opened.cleanup;
      const { deps, projectId, docA, codes } = await seedProject(opened.store);
      const seg = await applyCode(deps, projectId, ALICE, { documentId: docA, codeId: codes.greet!, start: 0, end: 3 });
      await opened.store.commit(projectId, { segments: { put: [{ ...seg, end: 5, version: 2 }] } });
      await expect(opened.store.commit(projectId, { segments: { put: [{ ...seg, end: 7, version: 2 }] } })).rejects.toBeInstanceOf(Conflict);
      expect((await opened.store.getSegment(projectId, seg.id))?.end).toBe(5);
    });

    it('rejects a whole change when one part fails (atomic)', async () => {
      const opened = await adapter.open();
      cleanup = opened.cleanup;
      const { deps, projectId, docA, codes } = await seedProject(opened.store);
      const seg = await applyCode(deps, projectId, ALICE, { documentId: docA, codeId: codes.greet!, start: 0, end: 3 });
      const fresh = { ...seg, id: 'new-one', version: 1 };
      await expect(
        opened.store.commit(projectId, { segments: { put: [fresh, { ...seg, codeId: 'no-such-code', version: 2 }] } }),
      ).rejects.toBeInstanceOf(NotFound);
      expect(await opened.store.getSegment(projectId, 'new-one')).toBeUndefined();
    });

    it('loses nothing with 50 concurrent segment writes', async () => {
      const opened = await adapter.open();
      cleanup = opened.cleanup;
      const { deps, projectId, docA, docB, codes } = await seedProject(opened.store);
      const writes = Array.from({ length: 50 }, (_, i) =>
        applyCode(deps, projectId, ALICE, { documentId: i % 2 ? docA : docB, codeId: codes.greet!, start: i, end: i + 5 }),
      );
      const created = await Promise.all(writes);
      expect(new Set(created.map((s) => s.id)).size).toBe(50);
      expect((await opened.store.listSegments(projectId)).length).toBe(50);
      if (opened.reopen) {
        const again = await opened.reopen();
        expect((await again.listSegments(projectId)).map((s) => s.id).sort()).toEqual(created.map((s) => s.id).sort());
      }
    });

    it('the project record is versioned: of two racing read-modify-write changes one gets a Conflict', async () => {
      const opened = await adapter.open();
      cleanup = opened.cleanup;
      const { projectId } = await seedProject(opened.store);
      const before = (await opened.store.getProject(projectId))!;
      expect(before.version).toBe(1);
      const results = await Promise.allSettled([
        opened.store.commit(projectId, { project: nextProject(before, { description: 'eins' }) }),
        opened.store.commit(projectId, { project: nextProject(before, { description: 'zwei' }) }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(Conflict);
      const after = (await opened.store.getProject(projectId))!;
      expect(after.version).toBe(2);
      expect(['eins', 'zwei']).toContain(after.description);
    });

    it('concurrent updates of one segment: exactly one wins, the other gets 409', async () => {
      const opened = await adapter.open();
      cleanup = opened.cleanup;
      const { deps, projectId, docA, codes } = await seedProject(opened.store);
      const seg = await applyCode(deps, projectId, ALICE, { documentId: docA, codeId: codes.greet!, start: 0, end: 3 });
      const results = await Promise.allSettled([
        opened.store.commit(projectId, { segments: { put: [{ ...seg, memo: 'eins', version: 2 }] } }),
        opened.store.commit(projectId, { segments: { put: [{ ...seg, memo: 'zwei', version: 2 }] } }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(rejected.reason).toBeInstanceOf(Conflict);
      expect((rejected.reason as Conflict).current).toMatchObject({ id: seg.id, version: 2 });
    });
  });
}

describe('lowdb store on disk', () => {
  let cleanup: () => Promise<void> = async () => undefined;
  afterEach(() => cleanup());

  async function openTemp(): Promise<{ dir: string; store: Store }> {
    const t = await tempDir();
    const store = await LowdbStore.open(t.dir);
    cleanup = async () => {
      await store.close();
      await t.cleanup();
    };
    return { dir: t.dir, store };
  }

  it('round-trips a project through real files', async () => {
    const { dir, store } = await openTemp();
    const { deps, projectId, docA, codes } = await seedProject(store);
    await applyCode(deps, projectId, ALICE, { documentId: docA, codeId: codes.greet!, start: 15, end: 44, memo: 'Begrüßung 😀' });
    const byId = <T extends { id: string }>(list: T[]): T[] => [...list].sort((a, b) => a.id.localeCompare(b.id));
    const before = {
      docs: byId(await store.listDocuments(projectId)),
      codes: byId(await store.listCodes(projectId)),
      segments: byId(await store.listSegments(projectId)),
      text: (await store.getDocument(projectId, docA))?.text,
    };
    await store.close();
    const files = await readdir(join(dir, 'projects', projectId, 'segments'));
    expect(files).toEqual([`${docA}.json`]);
    const again = await LowdbStore.open(dir);
    cleanup = async () => {
      await again.close();
    };
    expect(byId(await again.listDocuments(projectId))).toEqual(before.docs);
    expect(byId(await again.listCodes(projectId))).toEqual(before.codes);
    expect(byId(await again.listSegments(projectId))).toEqual(before.segments);
    expect((await again.getDocument(projectId, docA))?.text).toBe(before.text);
  });

  it('a failed disk write is undone in memory and the files keep the last good state', async () => {
    const { dir, store } = await openTemp();
    const { deps, projectId, docA, docB, codes } = await seedProject(store);
    const kept = await applyCode(deps, projectId, ALICE, { documentId: docA, codeId: codes.greet!, start: 0, end: 3 });
    // A directory where docB's segment file belongs makes the rename fail (EISDIR/ENOTEMPTY) mid-write.
    await mkdir(join(dir, 'projects', projectId, 'segments', `${docB}.json`, 'blocker'), { recursive: true });
    await expect(applyCode(deps, projectId, ALICE, { documentId: docB, codeId: codes.greet!, start: 0, end: 3 })).rejects.toThrow();
    expect((await store.listSegments(projectId)).map((s) => s.id)).toEqual([kept.id]);
    await store.close();
    await rm(join(dir, 'projects', projectId, 'segments', `${docB}.json`), { recursive: true });
    const again = await LowdbStore.open(dir);
    expect((await again.listSegments(projectId)).map((s) => s.id)).toEqual([kept.id]);
    await again.close();
  });

  it('replays an intact journal and discards a torn one', async () => {
    const { dir, store } = await openTemp();
    const { deps, projectId, docA, codes } = await seedProject(store);
    const seg = await applyCode(deps, projectId, ALICE, { documentId: docA, codeId: codes.greet!, start: 0, end: 3 });
    await store.close();
    const pdir = join(dir, 'projects', projectId);
    const segFile = join(pdir, 'segments', `${docA}.json`);
    const current = JSON.parse(await readFile(segFile, 'utf8')) as { segments: { memo: string }[] };
    // A torn journal (crash while writing it): the change was never acknowledged, so it is dropped.
    await writeFile(join(pdir, 'journal.json'), '{"files":[{"path":"projects/');
    let again = await LowdbStore.open(dir);
    expect((await again.getSegment(projectId, seg.id))?.memo).toBe('');
    await again.close();
    // An intact journal (crash after writing it, before all files were replaced) is completed.
    current.segments[0]!.memo = 'aus dem Journal';
    await writeFile(
      join(pdir, 'journal.json'),
      JSON.stringify({ files: [{ path: `projects/${projectId}/segments/${docA}.json`, content: JSON.stringify(current) }] }),
    );
    await writeFile(`${segFile}.abc.tmp`, '{"half');
    again = await LowdbStore.open(dir);
    expect((await again.getSegment(projectId, seg.id))?.memo).toBe('aus dem Journal');
    await again.close();
    await expect(readdir(pdir)).resolves.not.toContain('journal.json');
  });

  it('refuses a second writer on the same directory with a clear message', async () => {
    const { dir } = await openTemp();
    await expect(LowdbStore.open(dir)).rejects.toBeInstanceOf(DataDirectoryLocked);
    await expect(LowdbStore.open(dir)).rejects.toThrow(/in use by another Sichtbar process/);
  });

  it('takes over a lock left by a process that no longer runs', async () => {
    const t = await tempDir();
    cleanup = t.cleanup;
    await writeFile(join(t.dir, 'sichtbar.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, started: 'gestern' }));
    const store = await LowdbStore.open(t.dir);
    await store.close();
  });
});
