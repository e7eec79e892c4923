import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createCode, deleteCode, exportCodebook, importCodebook, mergeCodes } from '../../../server/domain/codebook.js';
import { getCrosswalk, setCrosswalk } from '../../../server/domain/crosswalk.js';
import { makeDeps, type Deps } from '../../../server/domain/deps.js';
import { InvalidInput } from '../../../server/domain/errors.js';
import { createProject, exportProject, restoreProject } from '../../../server/domain/projects.js';
import type { CodebookFile } from '../../../server/schemas/codebook.js';
import { ProjectSchema } from '../../../server/schemas/project.js';
import { LowdbStore } from '../../../server/storage/lowdb-store.js';
import { MemoryStore } from '../../../server/storage/memory-store.js';
import { tempDir } from '../helpers.js';

const RELEVANZ = fileURLToPath(new URL('../../../codebooks/relevanzmarkierungen.json', import.meta.url));

async function relevanz(): Promise<CodebookFile> {
  return JSON.parse(await readFile(RELEVANZ, 'utf8')) as CodebookFile;
}

function fresh(): { deps: Deps; store: MemoryStore } {
  const store = new MemoryStore();
  return { store, deps: makeDeps(store) };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('crosswalk storage', () => {
  it('a project starts with an empty crosswalk; older project records parse with one', async () => {
    const { deps } = fresh();
    const p = await createProject(deps, { name: 'Leer' });
    expect(p.crosswalk).toEqual([]);
    expect(await getCrosswalk(deps, p.id)).toEqual({ rows: [] });
    expect(ProjectSchema.parse({ id: 'p', name: 'Alt', created: '2025-01-01T00:00:00.000Z' }).crosswalk).toEqual([]);
  });

  it('importCodebook translates the file crosswalk from keys to ids, and a re-import adds nothing', async () => {
    const { deps, store } = fresh();
    const p = await createProject(deps, { name: 'Import' });
    const book = await relevanz();
    const first = await importCodebook(deps, p.id, book);
    expect(first.crosswalkRows).toBe(book.crosswalk.length);
    const codes = await store.listCodes(p.id);
    const keyOf = new Map(codes.map((c) => [c.id, c.key]));
    const { rows } = await getCrosswalk(deps, p.id);
    expect(rows.map((r) => ({ label: r.label, a: r.a.map((id) => keyOf.get(id)), b: r.b.map((id) => keyOf.get(id)), note: r.note }))).toEqual(book.crosswalk);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);

    const again = await importCodebook(deps, p.id, book);
    expect(again.crosswalkRows).toBe(0);
    expect((await getCrosswalk(deps, p.id)).rows).toEqual(rows);
  });

  it('a row already present (same codes on both sides) is skipped; new rows are appended', async () => {
    const { deps } = fresh();
    const p = await createProject(deps, { name: 'Anhängen' });
    const book = await relevanz();
    await importCodebook(deps, p.id, { ...book, crosswalk: book.crosswalk.slice(0, 1) });
    const more = { ...book, crosswalk: [{ ...book.crosswalk[0]!, label: 'Anders benannt', a: [...book.crosswalk[0]!.a].reverse() }, book.crosswalk[1]!] };
    const result = await importCodebook(deps, p.id, more);
    expect(result.crosswalkRows).toBe(1);
    expect((await getCrosswalk(deps, p.id)).rows.map((r) => r.label)).toEqual([book.crosswalk[0]!.label, book.crosswalk[1]!.label]);
  });

  it('exportCodebook writes the crosswalk back as keys; a code without a key leaves its row', async () => {
    const { deps, store } = fresh();
    const p = await createProject(deps, { name: 'Export' });
    const book = await relevanz();
    await importCodebook(deps, p.id, book);
    const own = await createCode(deps, p.id, { name: 'Ohne Schlüssel' });
    const codes = await store.listCodes(p.id);
    const { rows } = await getCrosswalk(deps, p.id);
    const keyed = codes.find((c) => c.key === 'herzlich-begruessen')!;
    await setCrosswalk(deps, p.id, { rows: [...rows, { label: 'Gemischt', a: [keyed.id, own.id], b: [rows[0]!.b[0]!] }, { label: 'Nur ohne Schlüssel', a: [own.id], b: [keyed.id] }] });
    const project = (await store.getProject(p.id))!;
    const exported = exportCodebook(await store.listCodes(p.id), { name: 'export', title: 'Export' }, project.crosswalk);
    expect(exported.crosswalk.slice(0, book.crosswalk.length)).toEqual(book.crosswalk);
    expect(exported.crosswalk[book.crosswalk.length]).toEqual({ label: 'Gemischt', a: ['herzlich-begruessen'], b: [book.crosswalk[0]!.b[0]], note: '' });
    expect(exported.crosswalk).toHaveLength(book.crosswalk.length + 1);

    // Round trip into a fresh project: same rows by key.
    const target = await createProject(deps, { name: 'Ziel' });
    await importCodebook(deps, target.id, JSON.parse(JSON.stringify(exported)));
    const targetProject = (await store.getProject(target.id))!;
    expect(exportCodebook(await store.listCodes(target.id), { name: 'export', title: 'Export' }, targetProject.crosswalk).crosswalk).toEqual(exported.crosswalk);
  });

  it('setCrosswalk checks that every code exists and gives new rows ids', async () => {
    const { deps } = fresh();
    const p = await createProject(deps, { name: 'Setzen' });
    const a = await createCode(deps, p.id, { name: 'A' });
    const b = await createCode(deps, p.id, { name: 'B' });
    const err = await setCrosswalk(deps, p.id, { rows: [{ label: 'x', a: [a.id], b: ['nope', b.id] }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInput);
    expect((err as InvalidInput).issues).toEqual([{ path: ['rows', 0, 'b', 0], message: 'code nope not found' }]);
    expect((await getCrosswalk(deps, p.id)).rows).toEqual([]);
    const { rows } = await setCrosswalk(deps, p.id, { rows: [{ label: 'x', a: [a.id, a.id], b: [b.id] }, { id: 'keep-me', label: 'y', a: [b.id], b: [a.id], note: 'n' }] });
    expect(rows[0]).toMatchObject({ label: 'x', a: [a.id], b: [b.id], note: '' });
    expect(rows[0]!.id).toMatch(/.+/);
    expect(rows[1]).toEqual({ id: 'keep-me', label: 'y', a: [b.id], b: [a.id], note: 'n' });
    await expect(setCrosswalk(deps, p.id, { rows: [{ id: 'same', label: 'x', a: [a.id], b: [b.id] }, { id: 'same', label: 'y', a: [a.id], b: [b.id] }] })).rejects.toThrow(InvalidInput);
    await expect(setCrosswalk(deps, p.id, { rows: [{ label: 'x', a: [], b: [b.id] }] })).rejects.toThrow();
  });

  it('merging a code moves its crosswalk links to the target; deleting drops them (and rows left empty)', async () => {
    const { deps, store } = fresh();
    const p = await createProject(deps, { name: 'Pflege' });
    const [a1, a2, b1, b2] = [await createCode(deps, p.id, { name: 'a1' }), await createCode(deps, p.id, { name: 'a2' }), await createCode(deps, p.id, { name: 'b1' }), await createCode(deps, p.id, { name: 'b2' })];
    await setCrosswalk(deps, p.id, { rows: [{ id: 'r1', label: 'eins', a: [a1!.id], b: [b1!.id, b2!.id] }, { id: 'r2', label: 'zwei', a: [a2!.id], b: [b2!.id] }] });
    await mergeCodes(deps, p.id, { sourceId: a1!.id, targetId: a2!.id, sourceVersion: a1!.version, targetVersion: (await store.listCodes(p.id)).find((c) => c.id === a2!.id)!.version });
    expect((await getCrosswalk(deps, p.id)).rows.map((r) => [r.id, r.a, r.b])).toEqual([
      ['r1', [a2!.id], [b1!.id, b2!.id]],
      ['r2', [a2!.id], [b2!.id]],
    ]);
    const b2now = (await store.listCodes(p.id)).find((c) => c.id === b2!.id)!;
    await deleteCode(deps, p.id, b2!.id, { version: b2now.version, segments: { action: 'delete' }, children: 'delete' });
    expect((await getCrosswalk(deps, p.id)).rows.map((r) => [r.id, r.a, r.b])).toEqual([['r1', [a2!.id], [b1!.id]]]);
  });

  it('the lowdb store keeps the crosswalk across a reopen; export and restore carry it', async () => {
    const { dir, cleanup } = await tempDir();
    let store = await LowdbStore.open(dir);
    cleanups.push(async () => {
      await store.close();
      await cleanup();
    });
    let deps = makeDeps(store);
    const p = await createProject(deps, { name: 'Datei' });
    await importCodebook(deps, p.id, await relevanz());
    const before = (await getCrosswalk(deps, p.id)).rows;
    expect(before.length).toBeGreaterThan(0);
    await store.close();
    store = await LowdbStore.open(dir);
    deps = makeDeps(store);
    expect((await getCrosswalk(deps, p.id)).rows).toEqual(before);

    const exported = await exportProject(deps, p.id);
    expect(exported.project.crosswalk).toEqual(before);
    const restored = await restoreProject(deps, JSON.parse(JSON.stringify(exported)), { asNewId: true });
    expect((await getCrosswalk(deps, restored.project.id)).rows).toEqual(before);
    // A hand-edited export naming unknown codes loses those links on restore.
    const edited = JSON.parse(JSON.stringify(exported)) as typeof exported;
    edited.project.crosswalk = [{ id: 'x', label: 'kaputt', a: ['unknown'], b: [before[0]!.b[0]!], note: '' }, ...edited.project.crosswalk];
    const again = await restoreProject(deps, edited, { asNewId: true });
    expect((await getCrosswalk(deps, again.project.id)).rows).toEqual(before);
  });
});
