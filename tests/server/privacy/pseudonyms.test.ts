import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { addDocuments } from '../../../server/domain/corpus.js';
import { createCode } from '../../../server/domain/codebook.js';
import { applyCode } from '../../../server/domain/coding.js';
import { makeDeps, type Actor, type Deps } from '../../../server/domain/deps.js';
import { Conflict, Forbidden, InvalidInput } from '../../../server/domain/errors.js';
import { createMemo } from '../../../server/domain/memos.js';
import { createProject, exportProject } from '../../../server/domain/projects.js';
import { applyPseudonymisation, getPseudonymKey, previewPseudonymisation, pseudonymiseImports, putPseudonymKey, suggestForProject, type PseudonymKeys } from '../../../server/domain/pseudonyms.js';
import { search } from '../../../server/domain/search.js';
import type { Store } from '../../../server/domain/store.js';
import { CodePointIndex, cpLength } from '../../../server/domain/text.js';
import { createBackup } from '../../../server/export/backup.js';
import { exportQdpx } from '../../../server/export/refi-export.js';
import type { PseudonymEntry } from '../../../server/schemas/pseudonym.js';
import { LowdbStore } from '../../../server/storage/lowdb-store.js';
import { FilePseudonymKeys, MemoryPseudonymKeys } from '../../../server/storage/pseudonym-keys.js';
import { adapters, tempDir } from '../helpers.js';

const ADMIN: Actor = { userId: 'admin', role: 'admin' };
const RITA: Actor = { userId: 'rita', role: 'researcher' };

// Fictitious names only.
const ENTRIES: PseudonymEntry[] = [
  { real: 'Schneider', pseudonym: 'Berger', category: 'person' },
  { real: 'Jörg', pseudonym: 'Till', category: 'person' },
  { real: 'Ölsdorf', pseudonym: 'Ort A', category: 'place' },
  { real: 'Lindenschule', pseudonym: 'Schule B', category: 'institution' },
];

const TEXT = [
  'FK: Guten Tag, Frau Schneider kam heute mit Jörg 😀 aus Ölsdorf.',
  'Frau Schneider: Ja, Jörg geht auf die Lindenschule. Schneiders Tochter auch.',
  'FK: Danke.',
].join('\n');

/** One turn per line "Speaker: text", offsets in code points. */
function turnsOf(text: string) {
  let at = 0;
  return text.split('\n').map((line) => {
    const label = line.slice(0, line.indexOf(': ') + 2);
    const turn = { speaker: label.slice(0, -2), start: at, end: at + cpLength(line), textStart: at + cpLength(label) };
    at += cpLength(line) + 1;
    return turn;
  });
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function seed(store: Store, keys: PseudonymKeys = new MemoryPseudonymKeys()) {
  const deps: Deps = makeDeps(store, { pseudonymKeys: keys });
  const project = await createProject(deps, { name: 'Pseudonyme' });
  const turns = turnsOf(TEXT);
  const [doc] = await addDocuments(deps, project.id, [{ title: 'Interview Schneider', kind: 'interview', text: TEXT, turns }]);
  const code = await createCode(deps, project.id, { name: 'Begrüßen' });
  const cp = new CodePointIndex(TEXT);
  const at = (part: string, from = 0): [number, number] => {
    const u = TEXT.indexOf(part, from);
    return [cp.toCodePoint(u), cp.toCodePoint(u + part.length)];
  };
  const seg = async (start: number, end: number, memo = '') => applyCode(deps, project.id, RITA, { documentId: doc!.id, codeId: code.id, start, end, memo });
  const [a0, a1] = at('Frau Schneider kam');
  const [b0, b1] = at('Guten Tag');
  const [c0] = at('neider kam heute');
  const [d0, d1] = at('Lindenschule. Schneiders Tochter auch.');
  const [e0, e1] = at('FK: Danke.');
  const [f0, f1] = at('Frau Schn', 60);
  const segments = {
    covering: await seg(a0, a1, 'Jörg wirkt müde'),
    before: await seg(b0, b1),
    startsInside: await seg(c0, c0 + 'neider kam heute'.length),
    afterAstral: await seg(d0, d1),
    last: await seg(e0, e1),
    endsInside: await seg(f0, f1),
  };
  const memo = await createMemo(deps, project.id, RITA, { target: { type: 'segment', id: segments.covering.id }, title: 'Über Schneider', text: 'Frau Schneider und die Lindenschule' });
  const projectMemo = await createMemo(deps, project.id, RITA, { target: { type: 'project' }, text: 'Schneider bleibt hier' });
  await putPseudonymKey(deps, ADMIN, project.id, { entries: ENTRIES, version: 0 });
  return { deps, projectId: project.id, docId: doc!.id, segments, memo, projectMemo };
}

async function textOf(deps: Deps, projectId: string, segmentId: string): Promise<string> {
  const s = (await deps.store.getSegment(projectId, segmentId))!;
  const doc = (await deps.store.getDocument(projectId, s.documentId))!;
  return new CodePointIndex(doc.text).slice(s.start, s.end);
}

for (const adapter of adapters) {
  describe(`applying the key to a coded document (${adapter.name})`, () => {
    it('moves segments, turns and memos with the text, in one commit, and survives a reopen', async () => {
      const opened = await adapter.open();
      cleanups.push(opened.cleanup);
      const { deps, projectId, docId, segments, memo, projectMemo } = await seed(opened.store);

      const preview = await previewPseudonymisation(deps, ADMIN, projectId);
      expect(preview.total).toBe(7);
      expect(preview.documents[0]).toMatchObject({ documentId: docId, replacements: 7, memos: 1 });
      expect(preview.documents[0]!.byEntry).toEqual([
        { real: 'Schneider', pseudonym: 'Berger', count: 3 },
        { real: 'Jörg', pseudonym: 'Till', count: 2 },
        { real: 'Lindenschule', pseudonym: 'Schule B', count: 1 },
        { real: 'Ölsdorf', pseudonym: 'Ort A', count: 1 },
      ]);
      // A preview writes nothing.
      expect((await deps.store.getDocument(projectId, docId))!.version).toBe(1);

      const result = await applyPseudonymisation(deps, ADMIN, projectId);
      expect(result.documents[0]).toMatchObject({ replacements: 7, version: 2 });
      const check = async (d: Deps) => {
        const doc = (await d.store.getDocument(projectId, docId))!;
        expect(doc.text).toBe(
          ['FK: Guten Tag, Frau Berger kam heute mit Till 😀 aus Ort A.', 'Frau Berger: Ja, Till geht auf die Schule B. Bergers Tochter auch.', 'FK: Danke.'].join('\n'),
        );
        expect(doc.title).toBe('Interview Berger');
        expect(doc.version).toBe(2);
        const cp = new CodePointIndex(doc.text);
        expect(doc.turns.map((t) => [t.speaker, cp.slice(t.start, t.end), cp.slice(t.textStart, t.end)])).toEqual([
          ['FK', 'FK: Guten Tag, Frau Berger kam heute mit Till 😀 aus Ort A.', 'Guten Tag, Frau Berger kam heute mit Till 😀 aus Ort A.'],
          ['Frau Berger', 'Frau Berger: Ja, Till geht auf die Schule B. Bergers Tochter auch.', 'Ja, Till geht auf die Schule B. Bergers Tochter auch.'],
          ['FK', 'FK: Danke.', 'Danke.'],
        ]);
        expect(await textOf(d, projectId, segments.covering.id)).toBe('Frau Berger kam');
        expect(await textOf(d, projectId, segments.before.id)).toBe('Guten Tag');
        expect(await textOf(d, projectId, segments.startsInside.id)).toBe('Berger kam heute');
        expect(await textOf(d, projectId, segments.afterAstral.id)).toBe('Schule B. Bergers Tochter auch.');
        expect(await textOf(d, projectId, segments.last.id)).toBe('FK: Danke.');
        expect(await textOf(d, projectId, segments.endsInside.id)).toBe('Frau Berger');
        // Unmoved segments keep their version; moved ones get version + 1.
        expect((await d.store.getSegment(projectId, segments.before.id))!.version).toBe(1);
        expect((await d.store.getSegment(projectId, segments.covering.id))!).toMatchObject({ version: 2, memo: 'Till wirkt müde' });
        const memos = await d.store.listMemos(projectId);
        expect(memos.find((m) => m.id === memo.id)).toMatchObject({ title: 'Über Berger', text: 'Frau Berger und die Schule B', version: 2 });
        // Project memos are not the document's: left alone.
        expect(memos.find((m) => m.id === projectMemo.id)).toMatchObject({ text: 'Schneider bleibt hier', version: 1 });
      };
      await check(deps);
      if (opened.reopen) {
        const store = await opened.reopen();
        await check(makeDeps(store, { pseudonymKeys: deps.pseudonymKeys! }));
      }
    });
  });
}

describe('the store rule for replaced texts', () => {
  for (const adapter of adapters) {
    it(`a text changes only with replaceTexts and version + 1; remaining segments must fit (${adapter.name})`, async () => {
      const opened = await adapter.open();
      cleanups.push(opened.cleanup);
      const { deps, projectId, docId, segments } = await seed(opened.store);
      const doc = (await deps.store.getDocument(projectId, docId))!;
      await expect(deps.store.commit(projectId, { documents: { put: [{ ...doc, text: 'kurz', version: 2 }] } })).rejects.toThrow(InvalidInput);
      await expect(deps.store.commit(projectId, { replaceTexts: [docId], documents: { put: [{ ...doc, text: `${doc.text}!`, version: 3 }] } })).rejects.toThrow(Conflict);
      // The last segment would end beyond a shortened text.
      await expect(deps.store.commit(projectId, { replaceTexts: [docId], documents: { put: [{ ...doc, text: doc.text.slice(0, 20), version: 2 }] } })).rejects.toThrow(/beyond/);
      expect((await deps.store.getDocument(projectId, docId))!.text).toBe(doc.text);
      expect((await deps.store.getSegment(projectId, segments.last.id))!.version).toBe(1);
    });
  }
});

describe('the search index after applying', () => {
  it('finds the pseudonym and no longer the real name', async () => {
    const { deps, projectId } = await seed(new (await import('../../../server/storage/memory-store.js')).MemoryStore());
    expect((await search(deps, projectId, { query: '=Schneider' })).total).toBe(2);
    await applyPseudonymisation(deps, ADMIN, projectId);
    expect((await search(deps, projectId, { query: '=Schneider' })).total).toBe(0);
    expect((await search(deps, projectId, { query: '=Jörg' })).total).toBe(0);
    const hits = await search(deps, projectId, { query: '=Berger' });
    expect(hits.total).toBe(2);
    const doc = (await deps.store.listDocuments(projectId))[0]!;
    const text = (await deps.store.getDocument(projectId, doc.id))!.text;
    for (const h of hits.hits) expect(new CodePointIndex(text).slice(h.start, h.end)).toBe('Berger');
    expect((await search(deps, projectId, { query: 'Till' })).total).toBe(2);
  });
});

describe('roles, versions and repeated runs', () => {
  it('only admins read, change, preview or apply the key; stale versions are 409', async () => {
    const { MemoryStore } = await import('../../../server/storage/memory-store.js');
    const { deps, projectId } = await seed(new MemoryStore());
    await expect(getPseudonymKey(deps, RITA, projectId)).rejects.toThrow(Forbidden);
    await expect(putPseudonymKey(deps, RITA, projectId, { entries: [], version: 1 })).rejects.toThrow(Forbidden);
    await expect(previewPseudonymisation(deps, RITA, projectId)).rejects.toThrow(Forbidden);
    await expect(applyPseudonymisation(deps, { userId: 'l', role: 'lead' }, projectId)).rejects.toThrow(Forbidden);
    await expect(suggestForProject(deps, { userId: 'p', role: 'product-owner' }, projectId)).rejects.toThrow(Forbidden);
    const key = await getPseudonymKey(deps, ADMIN, projectId);
    expect(key).toMatchObject({ projectId, version: 1, entries: ENTRIES });
    await putPseudonymKey(deps, ADMIN, projectId, { entries: ENTRIES.slice(1), version: 1 });
    const stale = putPseudonymKey(deps, ADMIN, projectId, { entries: ENTRIES, version: 1 });
    await expect(stale).rejects.toThrow(Conflict);
    await expect(stale).rejects.toMatchObject({ current: { version: 2 } });
    await expect(putPseudonymKey(deps, ADMIN, projectId, { entries: [{ real: 'A', pseudonym: 'A', category: 'person' }], version: 2 })).rejects.toThrow(InvalidInput);
  });

  it('applying twice changes nothing the second time', async () => {
    const { MemoryStore } = await import('../../../server/storage/memory-store.js');
    const { deps, projectId, docId } = await seed(new MemoryStore());
    await applyPseudonymisation(deps, ADMIN, projectId);
    const again = await applyPseudonymisation(deps, ADMIN, projectId);
    expect(again).toMatchObject({ total: 0, documents: [] });
    expect((await deps.store.getDocument(projectId, docId))!.version).toBe(2);
  });

  it('a document changed meanwhile makes the apply fail with 409 and writes nothing for it', async () => {
    const { MemoryStore } = await import('../../../server/storage/memory-store.js');
    const store = new MemoryStore();
    const { deps, projectId, docId } = await seed(store);
    // Another writer bumps the document between our read and our commit.
    const original = store.commit.bind(store);
    let bumped = false;
    store.commit = async (pid, change) => {
      if (!bumped && change.replaceTexts) {
        bumped = true;
        const doc = (await store.getDocument(pid, docId))!;
        await original(pid, { documents: { put: [{ ...doc, title: 'Neu', version: doc.version + 1 }] } });
      }
      return original(pid, change);
    };
    await expect(applyPseudonymisation(deps, ADMIN, projectId)).rejects.toThrow(Conflict);
    expect((await store.getDocument(projectId, docId))!.text).toBe(TEXT);
  });
});

describe('on import', () => {
  it('replaces names, turns and title before the document is stored', async () => {
    const { MemoryStore } = await import('../../../server/storage/memory-store.js');
    const { deps, projectId } = await seed(new MemoryStore());
    const [doc] = await pseudonymiseImports(deps, projectId, [
      { title: 'Gespräch mit Jörg', kind: 'interview', text: 'Jörg: Ich wohne in Ölsdorf.\nI: Seit wann?', turns: turnsOf('Jörg: Ich wohne in Ölsdorf.\nI: Seit wann?'), sha256: 'a'.repeat(64) },
    ]);
    expect(doc).toMatchObject({ title: 'Gespräch mit Till', text: 'Till: Ich wohne in Ort A.\nI: Seit wann?' });
    expect(doc!.turns).toEqual(turnsOf('Till: Ich wohne in Ort A.\nI: Seit wann?'));
    expect(doc!.sha256).toBeUndefined();
    const empty = makeDeps(deps.store, { pseudonymKeys: new MemoryPseudonymKeys() });
    await expect(pseudonymiseImports(empty, projectId, [doc!])).rejects.toThrow(/no pseudonym key/);
  });
});

describe('the key file', () => {
  it('lives in data/keys/, outside the project folder, durably, with versions; never in exports or backups', async () => {
    const { dir, cleanup } = await tempDir('sichtbar-keys-');
    cleanups.push(cleanup);
    const store = await LowdbStore.open(dir);
    cleanups.unshift(() => store.close());
    const keys = new FilePseudonymKeys(dir);
    const { deps, projectId } = await seed(store, keys);
    const path = keys.path(projectId);
    expect(path).toBe(join(dir, 'keys', `${projectId}.json`));
    expect((await stat(join(dir, 'keys'))).mode & 0o777).toBe(0o700);
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ projectId, version: 1, entries: ENTRIES });
    // A second instance (a restarted server) reads the same key and keeps the version rule.
    const reopened = new FilePseudonymKeys(dir);
    expect((await reopened.get(projectId))!.version).toBe(1);
    await expect(reopened.put({ projectId, entries: [], modified: null, version: 1 })).rejects.toThrow(Conflict);
    await reopened.put({ projectId, entries: ENTRIES.slice(0, 1), modified: deps.now(), version: 2 });
    expect((await keys.get(projectId))!.entries).toEqual(ENTRIES.slice(0, 1));
    // Nothing about the key inside the project folder.
    const files = await readdir(join(dir, 'projects'), { recursive: true });
    expect(files.filter((f) => /key|pseudonym/i.test(f))).toEqual([]);
    // No leftovers of the durable write.
    expect(await readdir(join(dir, 'keys'))).toEqual([`${projectId}.json`]);

    // The normal exports: JSON, REFI-QDA, backup. None contains a real-name → pseudonym pair or the key.
    const exported = await exportProject(deps, projectId);
    const json = JSON.stringify(exported);
    expect(json).not.toMatch(/pseudonymKey|"pseudonym"/);
    expect(json).not.toContain('Ort A');
    const { bytes, manifest } = await createBackup(deps, projectId);
    expect(manifest.pseudonymKey).toBe(false);
    const entries = unzipSync(bytes);
    expect(Object.keys(entries).sort()).toEqual(['manifest.json', 'project.json']);
    for (const content of Object.values(entries)) expect(strFromU8(content)).not.toMatch(/"pseudonym"|Ort A|Schule B/);
    const qdpx = exportQdpx(exported);
    for (const content of Object.values(unzipSync(qdpx.zip))) expect(strFromU8(content)).not.toMatch(/"pseudonym"|Ort A|Schule B/);
    await keys.delete(projectId);
    expect(await keys.get(projectId)).toBeUndefined();
  });

  it('a damaged key file fails loudly with its path', async () => {
    const { dir, cleanup } = await tempDir('sichtbar-keys-');
    cleanups.push(cleanup);
    const keys = new FilePseudonymKeys(dir);
    await keys.put({ projectId: 'p1', entries: ENTRIES, modified: null, version: 1 });
    const { writeFile } = await import('node:fs/promises');
    await writeFile(keys.path('p1'), '{"projectId":');
    await expect(keys.get('p1')).rejects.toThrow(/p1\.json is damaged/);
    expect(() => keys.path('../x')).toThrow(/unsafe/);
  });
});

describe('the audit trail', () => {
  it('records who changed the key (server-wide log), without the names', async () => {
    const { withAudit, MemoryAuditLog } = await import('../../../server/domain/audit.js');
    const { MemoryStore } = await import('../../../server/storage/memory-store.js');
    const store = withAudit(new MemoryStore(), { log: new MemoryAuditLog(), currentActor: () => undefined });
    const { projectId } = await seed(store);
    const entries = await store.listAudit('_server', { limit: 100 });
    const keyEntries = entries.filter((e) => e.fields?.includes('pseudonymKey'));
    expect(keyEntries).toEqual([expect.objectContaining({ userId: 'admin', kind: 'project', id: projectId, action: 'changed', version: 1, detail: 'pseudonym key: 4 entries' })]);
    expect(JSON.stringify(entries)).not.toMatch(/Berger|Ort A/);
  });
});
