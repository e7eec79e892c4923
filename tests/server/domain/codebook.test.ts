import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  childrenOf,
  codebookToMarkdown,
  createCode,
  deleteCode,
  exportCodebook,
  importCodebook,
  mergeCodes,
  moveCode,
  splitCode,
  updateCode,
} from '../../../server/domain/codebook.js';
import { applyCode } from '../../../server/domain/coding.js';
import type { Deps } from '../../../server/domain/deps.js';
import { Conflict, InvalidInput, NotFound } from '../../../server/domain/errors.js';
import { createMemo } from '../../../server/domain/memos.js';
import { createProject } from '../../../server/domain/projects.js';
import type { Store } from '../../../server/domain/store.js';
import type { Code } from '../../../server/schemas/code.js';
import { CodebookFileSchema, type CodebookEntry, type CodebookFile } from '../../../server/schemas/codebook.js';
import { ALICE, BOB, seedProject, testStore } from '../helpers.js';

const RELEVANZ = fileURLToPath(new URL('../../../codebooks/relevanzmarkierungen.json', import.meta.url));

let store: Store;
let deps: Deps;
let projectId: string;
let docA: string;
let docB: string;
/** folder "Beratung" (not codable) › atmo "Atmosphäre" › greet "Begrüßen"; folder › summary "Zusammenfassen". */
let ids: Record<'folder' | 'atmo' | 'greet' | 'summary', string>;

beforeEach(async () => {
  store = await testStore();
  const seeded = await seedProject(store);
  ({ deps, projectId, docA, docB } = seeded);
  ids = seeded.codes as typeof ids;
});

async function codes(): Promise<Code[]> {
  return store.listCodes(projectId);
}

async function code(id: string): Promise<Code> {
  const found = (await codes()).find((c) => c.id === id);
  if (!found) throw new Error(`test: code ${id} is gone`);
  return found;
}

/** Names of the children of `parentId`, in sibling order. */
async function names(parentId: string | null): Promise<string[]> {
  return childrenOf(await codes(), parentId).map((c) => c.name);
}

/** Every sibling group is numbered 0..n-1. */
async function expectOrdersDense(): Promise<void> {
  const all = await codes();
  const parents = new Set(all.map((c) => c.parentId));
  for (const p of parents) {
    const orders = all.filter((c) => c.parentId === p).map((c) => c.order).sort((a, b) => a - b);
    expect(orders, `orders below ${p ?? 'the top'}`).toEqual(orders.map((_, i) => i));
  }
}

/** "Parent › Child" path of a code within `list`. */
function pathIn(list: readonly Code[]): (c: Code) => string {
  const byId = new Map(list.map((c) => [c.id, c]));
  const pathOf = (c: Code): string => (c.parentId === null ? c.name : `${pathOf(byId.get(c.parentId) as Code)} › ${c.name}`);
  return pathOf;
}

/** Paths of every code, sorted. */
function paths(list: readonly Code[]): string[] {
  return list.map(pathIn(list)).sort();
}

/** What a codebook round trip must keep, per code, ids left out. */
function shape(list: readonly Code[]) {
  const pathOf = pathIn(list);
  return list
    .map((c) => ({ path: pathOf(c), key: c.key, order: c.order, isCodable: c.isCodable, colour: c.colour, definition: c.definition }))
    .sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}

function countEntries(entries: CodebookEntry[]): number {
  return entries.reduce((n, e) => n + 1 + countEntries(e.children ?? []), 0);
}

function allEntries(entries: CodebookEntry[], parentKey: string | null = null): { entry: CodebookEntry; parentKey: string | null }[] {
  return entries.flatMap((e) => [{ entry: e, parentKey }, ...allEntries(e.children ?? [], e.key ?? null)]);
}

async function readRelevanz(): Promise<CodebookFile> {
  return CodebookFileSchema.parse(JSON.parse(await readFile(RELEVANZ, 'utf8')));
}

describe('createCode', () => {
  it('appends by default and inserting at a position shifts the later siblings', async () => {
    const last = await createCode(deps, projectId, { name: 'Dokumentieren', parentId: ids.folder });
    expect(last.order).toBe(2);
    const first = await createCode(deps, projectId, { name: 'Anliegen', parentId: ids.folder, order: 0 });
    expect(first).toMatchObject({ order: 0, version: 1, parentId: ids.folder, isCodable: true });
    expect(await names(ids.folder)).toEqual(['Anliegen', 'Atmosphäre', 'Zusammenfassen', 'Dokumentieren']);
    // The shifted siblings carry their new order with a bumped version.
    expect(await code(ids.atmo)).toMatchObject({ order: 1, version: 2 });
    expect(await code(ids.summary)).toMatchObject({ order: 2, version: 2 });
    expect(await code(first.id)).toMatchObject({ order: 0, version: 1 });
    await expectOrdersDense();
  });

  it('clamps an order beyond the end to the last place', async () => {
    const c = await createCode(deps, projectId, { name: 'Spät', parentId: ids.folder, order: 99 });
    expect(c.order).toBe(2);
    expect(await names(ids.folder)).toEqual(['Atmosphäre', 'Zusammenfassen', 'Spät']);
  });

  it('refuses a sibling of the same name and an unknown parent', async () => {
    await expect(createCode(deps, projectId, { name: 'Zusammenfassen', parentId: ids.folder })).rejects.toBeInstanceOf(Conflict);
    await expect(createCode(deps, projectId, { name: 'X', parentId: 'no-such-code' })).rejects.toBeInstanceOf(NotFound);
    // The same name one level lower is fine.
    const nested = await createCode(deps, projectId, { name: 'Zusammenfassen', parentId: ids.atmo });
    expect(nested.parentId).toBe(ids.atmo);
  });
});

describe('updateCode', () => {
  it('renames, but a sibling name clash is a Conflict and nothing changes', async () => {
    const atmo = await code(ids.atmo);
    await expect(updateCode(deps, projectId, ids.atmo, { name: 'Zusammenfassen', version: atmo.version })).rejects.toBeInstanceOf(Conflict);
    expect((await code(ids.atmo)).name).toBe('Atmosphäre');
    const renamed = await updateCode(deps, projectId, ids.atmo, { name: 'Gesprächsatmosphäre', definition: { inclusion: 'Wärme' }, version: atmo.version });
    expect(renamed).toMatchObject({ name: 'Gesprächsatmosphäre', version: atmo.version + 1 });
    expect(renamed.definition).toEqual({ description: '', inclusion: 'Wärme', exclusion: '', anchors: [], rules: '' });
  });

  it('rejects a stale version with the current code', async () => {
    const atmo = await code(ids.atmo);
    await updateCode(deps, projectId, ids.atmo, { colour: '#112233', version: atmo.version });
    const err = await updateCode(deps, projectId, ids.atmo, { name: 'Neu', version: atmo.version }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Conflict);
    expect((err as Conflict).current).toMatchObject({ id: ids.atmo, colour: '#112233', version: atmo.version + 1 });
  });
});

describe('moveCode', () => {
  it('re-parents a code; old and new siblings stay numbered 0..n-1', async () => {
    for (const name of ['A', 'B', 'C']) await createCode(deps, projectId, { name, parentId: ids.folder });
    expect(await names(ids.folder)).toEqual(['Atmosphäre', 'Zusammenfassen', 'A', 'B', 'C']);
    const summary = await code(ids.summary);
    const moved = await moveCode(deps, projectId, ids.summary, { parentId: null, order: 0, version: summary.version });
    expect(moved).toMatchObject({ parentId: null, order: 0, version: summary.version + 1 });
    expect(await names(null)).toEqual(['Zusammenfassen', 'Beratung']);
    expect(await names(ids.folder)).toEqual(['Atmosphäre', 'A', 'B', 'C']);
    await expectOrdersDense();
  });

  it('moves a code below a new parent at a position', async () => {
    const greet = await code(ids.greet);
    await moveCode(deps, projectId, ids.greet, { parentId: ids.folder, order: 1, version: greet.version });
    expect(await names(ids.folder)).toEqual(['Atmosphäre', 'Begrüßen', 'Zusammenfassen']);
    expect(await names(ids.atmo)).toEqual([]);
    await expectOrdersDense();
  });

  it('reorders among the same siblings', async () => {
    for (const name of ['A', 'B']) await createCode(deps, projectId, { name, parentId: ids.folder });
    const b = (await codes()).find((c) => c.name === 'B') as Code;
    await moveCode(deps, projectId, b.id, { parentId: ids.folder, order: 0, version: b.version });
    expect(await names(ids.folder)).toEqual(['B', 'Atmosphäre', 'Zusammenfassen', 'A']);
    const a = (await codes()).find((c) => c.name === 'A') as Code;
    await moveCode(deps, projectId, a.id, { parentId: ids.folder, order: 1, version: a.version });
    expect(await names(ids.folder)).toEqual(['B', 'A', 'Atmosphäre', 'Zusammenfassen']);
    await expectOrdersDense();
  });

  it('refuses to move a code below itself or its descendants', async () => {
    const folder = await code(ids.folder);
    await expect(moveCode(deps, projectId, ids.folder, { parentId: ids.folder, version: folder.version })).rejects.toBeInstanceOf(InvalidInput);
    await expect(moveCode(deps, projectId, ids.folder, { parentId: ids.greet, version: folder.version })).rejects.toBeInstanceOf(InvalidInput);
    await expect(moveCode(deps, projectId, ids.folder, { parentId: 'nowhere', version: folder.version })).rejects.toBeInstanceOf(NotFound);
    expect(await code(ids.folder)).toEqual(folder);
  });

  it('refuses a stale version and a move next to a sibling of the same name', async () => {
    const greet = await code(ids.greet);
    await expect(moveCode(deps, projectId, ids.greet, { parentId: null, version: greet.version + 1 })).rejects.toBeInstanceOf(Conflict);
    await createCode(deps, projectId, { name: 'Begrüßen', parentId: ids.folder });
    await expect(moveCode(deps, projectId, ids.greet, { parentId: ids.folder, version: greet.version })).rejects.toBeInstanceOf(Conflict);
    expect((await code(ids.greet)).parentId).toBe(ids.atmo);
  });
});

describe('mergeCodes', () => {
  it('moves segments, collapses twins with joined memos, moves sub-codes and retargets memos', async () => {
    const source = await createCode(deps, projectId, { name: 'Quelle', parentId: ids.folder, definition: { anchors: [{ text: 'Anker Q' }] } });
    const target = await createCode(deps, projectId, { name: 'Ziel', parentId: ids.folder, definition: { anchors: [{ text: 'Anker Z' }] } });
    const targetKid = await createCode(deps, projectId, { name: 'Ziel-Kind', parentId: target.id });
    const kid1 = await createCode(deps, projectId, { name: 'Kind 1', parentId: source.id });
    const kid2 = await createCode(deps, projectId, { name: 'Kind 2', parentId: source.id });

    const twin = await applyCode(deps, projectId, ALICE, { documentId: docA, codeId: source.id, start: 0, end: 5, memo: 'aus der Quelle' });
    const moved = await applyCode(deps, projectId, ALICE, { documentId: docA, codeId: source.id, start: 10, end: 20 });
    const bobs = await applyCode(deps, projectId, BOB, { documentId: docA, codeId: source.id, start: 0, end: 5 });
    const kept = await applyCode(deps, projectId, ALICE, { documentId: docA, codeId: target.id, start: 0, end: 5, memo: 'im Ziel' });
    const codeMemo = await createMemo(deps, projectId, ALICE, { target: { type: 'code', id: source.id }, text: 'über die Quelle' });
    const segMemo = await createMemo(deps, projectId, ALICE, { target: { type: 'segment', id: twin.id }, text: 'zum Zwilling' });

    const result = await mergeCodes(deps, projectId, {
      sourceId: source.id,
      targetId: target.id,
      sourceVersion: (await code(source.id)).version,
      targetVersion: (await code(target.id)).version,
    });
    expect(result.movedSegments).toBe(2);
    expect(result.collapsedSegments).toBe(1);
    expect(result.target.definition.anchors).toEqual([{ text: 'Anker Z' }, { text: 'Anker Q' }]);

    expect((await codes()).some((c) => c.id === source.id)).toBe(false);
    const segs = await store.listSegments(projectId, { codeIds: [target.id] });
    expect(segs.map((s) => s.id).sort()).toEqual([moved.id, bobs.id, kept.id].sort());
    expect(await store.getSegment(projectId, twin.id)).toBeUndefined();
    expect((await store.getSegment(projectId, kept.id))?.memo).toBe('im Ziel\n\naus der Quelle');
    expect(await store.listSegments(projectId, { codeIds: [source.id] })).toEqual([]);

    // Sub-codes of the source come after the target's own children.
    expect(await names(target.id)).toEqual(['Ziel-Kind', 'Kind 1', 'Kind 2']);
    expect((await code(kid1.id)).parentId).toBe(target.id);
    expect((await code(targetKid.id)).order).toBe(0);

    const memos = await store.listMemos(projectId);
    expect(memos.find((m) => m.id === codeMemo.id)?.target).toEqual({ type: 'code', id: target.id });
    // The memo of the collapsed segment now belongs to the segment it collapsed into.
    expect(memos.find((m) => m.id === segMemo.id)?.target).toEqual({ type: 'segment', id: kept.id });
    expect(kid2.id).toBeTypeOf('string');
    await expectOrdersDense();
  });

  it('keeps the target in its place among its siblings', async () => {
    const source = await createCode(deps, projectId, { name: 'Quelle', parentId: ids.folder });
    const target = await createCode(deps, projectId, { name: 'Ziel', parentId: ids.folder });
    await createCode(deps, projectId, { name: 'Danach', parentId: ids.folder });
    expect(await names(ids.folder)).toEqual(['Atmosphäre', 'Zusammenfassen', 'Quelle', 'Ziel', 'Danach']);
    await mergeCodes(deps, projectId, { sourceId: source.id, targetId: target.id, sourceVersion: source.version, targetVersion: (await code(target.id)).version });
    expect(await names(ids.folder)).toEqual(['Atmosphäre', 'Zusammenfassen', 'Ziel', 'Danach']);
    await expectOrdersDense();
  });

  it('merges a sub-code into its parent without leaving a gap', async () => {
    await createCode(deps, projectId, { name: 'Lächeln', parentId: ids.greet });
    await createCode(deps, projectId, { name: 'Nachbar', parentId: ids.atmo });
    expect(await names(ids.atmo)).toEqual(['Begrüßen', 'Nachbar']);
    await mergeCodes(deps, projectId, {
      sourceId: ids.greet,
      targetId: ids.atmo,
      sourceVersion: (await code(ids.greet)).version,
      targetVersion: (await code(ids.atmo)).version,
    });
    expect(await names(ids.atmo)).toEqual(['Nachbar', 'Lächeln']);
    await expectOrdersDense();
  });

  it('refuses to merge a coded code into a category folder; an uncoded one may go there', async () => {
    const seg = await applyCode(deps, projectId, ALICE, { documentId: docA, codeId: ids.summary, start: 0, end: 3 });
    const summary = await code(ids.summary);
    const folder = await code(ids.folder);
    await expect(
      mergeCodes(deps, projectId, { sourceId: ids.summary, targetId: ids.folder, sourceVersion: summary.version, targetVersion: folder.version }),
    ).rejects.toBeInstanceOf(InvalidInput);
    expect((await store.getSegment(projectId, seg.id))?.codeId).toBe(ids.summary);
    const empty = await createCode(deps, projectId, { name: 'Leerer Ordner', isCodable: false });
    const result = await mergeCodes(deps, projectId, { sourceId: empty.id, targetId: ids.folder, sourceVersion: empty.version, targetVersion: folder.version });
    expect(result).toMatchObject({ movedSegments: 0, collapsedSegments: 0 });
    expect(await names(null)).toEqual(['Beratung']);
  });

  it('refuses stale versions, self-merges and merges into a sub-code, changing nothing', async () => {
    const atmo = await code(ids.atmo);
    const summary = await code(ids.summary);
    const seg = await applyCode(deps, projectId, ALICE, { documentId: docB, codeId: ids.atmo, start: 0, end: 4 });
    await expect(
      mergeCodes(deps, projectId, { sourceId: ids.atmo, targetId: ids.summary, sourceVersion: atmo.version + 1, targetVersion: summary.version }),
    ).rejects.toBeInstanceOf(Conflict);
    await expect(
      mergeCodes(deps, projectId, { sourceId: ids.atmo, targetId: ids.summary, sourceVersion: atmo.version, targetVersion: summary.version + 1 }),
    ).rejects.toBeInstanceOf(Conflict);
    await expect(
      mergeCodes(deps, projectId, { sourceId: ids.atmo, targetId: ids.atmo, sourceVersion: atmo.version, targetVersion: atmo.version }),
    ).rejects.toBeInstanceOf(InvalidInput);
    await expect(
      mergeCodes(deps, projectId, { sourceId: ids.atmo, targetId: ids.greet, sourceVersion: atmo.version, targetVersion: (await code(ids.greet)).version }),
    ).rejects.toBeInstanceOf(InvalidInput);
    expect(await store.getSegment(projectId, seg.id)).toEqual(seg);
    expect(await code(ids.atmo)).toEqual(atmo);
  });
});

describe('splitCode', () => {
  it('moves the chosen segments to a new sibling', async () => {
    const s1 = await applyCode(deps, projectId, ALICE, { documentId: docA, codeId: ids.greet, start: 0, end: 3 });
    const s2 = await applyCode(deps, projectId, ALICE, { documentId: docA, codeId: ids.greet, start: 4, end: 8 });
    const s3 = await applyCode(deps, projectId, BOB, { documentId: docB, codeId: ids.greet, start: 0, end: 2 });
    const greet = await code(ids.greet);
    const { code: created, movedSegments } = await splitCode(deps, projectId, ids.greet, { name: 'Förmlich begrüßen', segmentIds: [s1.id, s3.id], version: greet.version });
    expect(movedSegments).toBe(2);
    expect(created).toMatchObject({ parentId: ids.atmo, name: 'Förmlich begrüßen', order: 1, isCodable: true, version: 1 });
    expect(await names(ids.atmo)).toEqual(['Begrüßen', 'Förmlich begrüßen']);
    expect((await store.listSegments(projectId, { codeIds: [created.id] })).map((s) => s.id).sort()).toEqual([s1.id, s3.id].sort());
    expect((await store.listSegments(projectId, { codeIds: [ids.greet] })).map((s) => s.id)).toEqual([s2.id]);
    await expectOrdersDense();
  });

  it('refuses a segment of another code, an empty choice and a clashing name', async () => {
    const own = await applyCode(deps, projectId, ALICE, { documentId: docA, codeId: ids.greet, start: 0, end: 3 });
    const other = await applyCode(deps, projectId, ALICE, { documentId: docA, codeId: ids.summary, start: 0, end: 3 });
    const version = (await code(ids.greet)).version;
    await expect(splitCode(deps, projectId, ids.greet, { name: 'Neu', segmentIds: [own.id, other.id], version })).rejects.toBeInstanceOf(InvalidInput);
    await expect(splitCode(deps, projectId, ids.greet, { name: 'Neu', segmentIds: [], version })).rejects.toBeInstanceOf(InvalidInput);
    await expect(splitCode(deps, projectId, ids.greet, { name: 'Begrüßen', segmentIds: [own.id], version })).rejects.toBeInstanceOf(Conflict);
    expect((await codes()).length).toBe(4);
    expect((await store.getSegment(projectId, own.id))?.codeId).toBe(ids.greet);
  });
});

describe('deleteCode', () => {
  it('segments delete + children delete: the subtree goes, memos are kept and retargeted', async () => {
    const seg = await applyCode(deps, projectId, ALICE, { documentId: docA, codeId: ids.greet, start: 0, end: 3 });
    const atmoSeg = await applyCode(deps, projectId, ALICE, { documentId: docB, codeId: ids.atmo, start: 0, end: 3 });
    const other = await applyCode(deps, projectId, ALICE, { documentId: docB, codeId: ids.summary, start: 0, end: 3 });
    const segMemo = await createMemo(deps, projectId, ALICE, { target: { type: 'segment', id: seg.id }, text: 'Segmentmemo' });
    const codeMemo = await createMemo(deps, projectId, ALICE, { target: { type: 'code', id: ids.greet }, text: 'Codememo' });

    const result = await deleteCode(deps, projectId, ids.atmo, { version: (await code(ids.atmo)).version, segments: { action: 'delete' }, children: 'delete' });
    expect(result).toEqual({ deletedCodes: 2, deletedSegments: 2, movedSegments: 0, liftedCodes: 0 });
    expect((await codes()).map((c) => c.id).sort()).toEqual([ids.folder, ids.summary].sort());
    expect((await store.listSegments(projectId)).map((s) => s.id)).toEqual([other.id]);
    expect(await store.getSegment(projectId, atmoSeg.id)).toBeUndefined();
    expect(await names(ids.folder)).toEqual(['Zusammenfassen']);
    await expectOrdersDense();

    const memos = await store.listMemos(projectId);
    const rescued = memos.find((m) => m.id === segMemo.id);
    expect(rescued?.target).toEqual({ type: 'document', id: docA });
    expect(rescued?.text.startsWith('Segmentmemo')).toBe(true);
    expect(rescued?.text).toContain(seg.id);
    expect(memos.find((m) => m.id === codeMemo.id)?.target).toEqual({ type: 'project' });
    expect(memos).toHaveLength(2);
  });

  it('segments move to another code; a twin there collapses and its memo is rescued', async () => {
    const s1 = await applyCode(deps, projectId, ALICE, { documentId: docA, codeId: ids.greet, start: 0, end: 3 });
    const s2 = await applyCode(deps, projectId, ALICE, { documentId: docA, codeId: ids.greet, start: 5, end: 9 });
    const there = await applyCode(deps, projectId, ALICE, { documentId: docA, codeId: ids.summary, start: 0, end: 3 });
    const memo = await createMemo(deps, projectId, ALICE, { target: { type: 'segment', id: s1.id }, text: 'zum Zwilling' });
    const result = await deleteCode(deps, projectId, ids.greet, {
      version: (await code(ids.greet)).version,
      segments: { action: 'move', toCodeId: ids.summary },
      children: 'delete',
    });
    expect(result).toEqual({ deletedCodes: 1, deletedSegments: 1, movedSegments: 1, liftedCodes: 0 });
    expect((await store.listSegments(projectId, { codeIds: [ids.summary] })).map((s) => s.id).sort()).toEqual([s2.id, there.id].sort());
    expect(await store.getSegment(projectId, s1.id)).toBeUndefined();
    expect((await store.listMemos(projectId)).find((m) => m.id === memo.id)?.target).toEqual({ type: 'document', id: docA });
  });

  it('segments move + children delete: the segments of the whole subtree move', async () => {
    const own = await applyCode(deps, projectId, ALICE, { documentId: docA, codeId: ids.atmo, start: 0, end: 3 });
    const kid = await applyCode(deps, projectId, BOB, { documentId: docB, codeId: ids.greet, start: 4, end: 9 });
    const result = await deleteCode(deps, projectId, ids.atmo, {
      version: (await code(ids.atmo)).version,
      segments: { action: 'move', toCodeId: ids.summary },
      children: 'delete',
    });
    expect(result).toEqual({ deletedCodes: 2, deletedSegments: 0, movedSegments: 2, liftedCodes: 0 });
    const moved = await store.listSegments(projectId, { codeIds: [ids.summary] });
    expect(moved.map((s) => [s.id, s.coder, s.start, s.end, s.version]).sort()).toEqual(
      [
        [own.id, 'alice', 0, 3, 2],
        [kid.id, 'bob', 4, 9, 2],
      ].sort(),
    );
    expect(await names(ids.folder)).toEqual(['Zusammenfassen']);
    await expectOrdersDense();
  });

  it('children lift: they take the deleted code’s place, in their own order', async () => {
    const before = await createCode(deps, projectId, { name: 'Davor', parentId: ids.folder, order: 0 });
    const kids = [];
    for (const name of ['Kind 1', 'Kind 2', 'Kind 3']) kids.push(await createCode(deps, projectId, { name, parentId: ids.atmo }));
    expect(await names(ids.folder)).toEqual(['Davor', 'Atmosphäre', 'Zusammenfassen']);
    expect(await names(ids.atmo)).toEqual(['Begrüßen', 'Kind 1', 'Kind 2', 'Kind 3']);
    const seg = await applyCode(deps, projectId, ALICE, { documentId: docA, codeId: ids.atmo, start: 0, end: 3 });
    const kidSeg = await applyCode(deps, projectId, ALICE, { documentId: docA, codeId: ids.greet, start: 0, end: 3 });

    const result = await deleteCode(deps, projectId, ids.atmo, { version: (await code(ids.atmo)).version, segments: { action: 'delete' }, children: 'lift' });
    expect(result).toEqual({ deletedCodes: 1, deletedSegments: 1, movedSegments: 0, liftedCodes: 4 });
    expect(await names(ids.folder)).toEqual(['Davor', 'Begrüßen', 'Kind 1', 'Kind 2', 'Kind 3', 'Zusammenfassen']);
    expect((await code(before.id)).order).toBe(0);
    expect(await store.getSegment(projectId, seg.id)).toBeUndefined();
    expect((await store.getSegment(projectId, kidSeg.id))?.codeId).toBe(ids.greet);
    await expectOrdersDense();
  });

  it('refuses a stale version, moving segments into the deleted subtree or to an unknown code', async () => {
    const atmo = await code(ids.atmo);
    await expect(deleteCode(deps, projectId, ids.atmo, { version: atmo.version + 1, segments: { action: 'delete' }, children: 'delete' })).rejects.toBeInstanceOf(Conflict);
    await expect(
      deleteCode(deps, projectId, ids.atmo, { version: atmo.version, segments: { action: 'move', toCodeId: ids.greet }, children: 'delete' }),
    ).rejects.toBeInstanceOf(InvalidInput);
    await expect(
      deleteCode(deps, projectId, ids.atmo, { version: atmo.version, segments: { action: 'move', toCodeId: 'nowhere' }, children: 'delete' }),
    ).rejects.toBeInstanceOf(NotFound);
    expect((await codes()).length).toBe(4);
  });

  it('refuses to move segments onto a category folder', async () => {
    const seg = await applyCode(deps, projectId, ALICE, { documentId: docA, codeId: ids.greet, start: 0, end: 3 });
    await expect(
      deleteCode(deps, projectId, ids.greet, { version: (await code(ids.greet)).version, segments: { action: 'move', toCodeId: ids.folder }, children: 'delete' }),
    ).rejects.toBeInstanceOf(InvalidInput);
    expect((await store.getSegment(projectId, seg.id))?.codeId).toBe(ids.greet);
  });
});

describe('codebook files', () => {
  it('imports relevanzmarkierungen.json with every code and key, and a re-import skips all', async () => {
    const raw: unknown = JSON.parse(await readFile(RELEVANZ, 'utf8'));
    const book = await readRelevanz();
    const total = countEntries(book.codes);
    expect(total).toBeGreaterThan(50);
    const fresh = await createProject(deps, { name: 'Codebuch' });

    const first = await importCodebook(deps, fresh.id, raw);
    expect(first.created).toHaveLength(total);
    expect(first.skipped).toBe(0);
    const stored = await store.listCodes(fresh.id);
    expect(stored).toHaveLength(total);
    const byKey = new Map(stored.map((c) => [c.key, c]));
    for (const { entry, parentKey } of allEntries(book.codes)) {
      const c = byKey.get(entry.key);
      expect(c, entry.key).toBeDefined();
      expect(c?.name).toBe(entry.name);
      expect(c?.isCodable).toBe(entry.isCodable ?? true);
      expect(c?.parentId).toBe(parentKey === null ? null : byKey.get(parentKey)?.id);
    }
    const atmosphere = byKey.get('atmosphaere') as Code;
    expect(childrenOf(stored, atmosphere.id).map((c) => c.key)).toEqual(book.codes[0]?.children?.[0]?.children?.map((e) => e.key));

    const again = await importCodebook(deps, fresh.id, raw);
    expect(again.created).toEqual([]);
    expect(again.skipped).toBe(total);
    expect(await store.listCodes(fresh.id)).toHaveLength(total);
  });

  it('a re-import of a grown codebook appends the new codes without gaps', async () => {
    const full = await readRelevanz();
    const trimmed = structuredClone(full);
    const atmosphere = trimmed.codes[0]?.children?.[0];
    expect(atmosphere?.key).toBe('atmosphaere');
    const dropped = atmosphere?.children?.pop();
    expect(dropped?.key).toBe('nonverbale-offenheit');
    const fresh = await createProject(deps, { name: 'Wachsend' });
    await importCodebook(deps, fresh.id, trimmed);
    const grown = await importCodebook(deps, fresh.id, full);
    expect(grown.created.map((c) => c.key)).toEqual(['nonverbale-offenheit']);
    const stored = await store.listCodes(fresh.id);
    const parent = stored.find((c) => c.key === 'atmosphaere') as Code;
    const kids = childrenOf(stored, parent.id);
    expect(kids.map((c) => c.order)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(kids.at(-1)?.key).toBe('nonverbale-offenheit');
  });

  it('rejects an invalid codebook with issues', async () => {
    const err = await importCodebook(deps, projectId, { format: 'sichtbar-codebook', formatVersion: 1, name: 'x', title: 'X', codes: [{ key: 'Bad Key', name: 'A' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInput);
    expect((err as InvalidInput).issues?.[0]?.path).toEqual(['codes', 0, 'key']);
  });

  it('exportCodebook → importCodebook into a fresh project gives the same tree', async () => {
    const source = await createProject(deps, { name: 'Quelle' });
    await importCodebook(deps, source.id, await readRelevanz());
    // Some codes without keys and with edited definitions, too.
    const extra = await createCode(deps, source.id, { name: 'Eigener Code', definition: { description: 'selbst', anchors: [{ text: '„Zitat“' }] } });
    await createCode(deps, source.id, { name: 'Unterpunkt', parentId: extra.id });
    const exported = exportCodebook(await store.listCodes(source.id), { name: 'export', title: 'Export' });

    const target = await createProject(deps, { name: 'Ziel' });
    await importCodebook(deps, target.id, JSON.parse(JSON.stringify(exported)));
    const a = await store.listCodes(source.id);
    const b = await store.listCodes(target.id);
    expect(paths(b)).toEqual(paths(a));
    expect(shape(b)).toEqual(shape(a));
    expect(exportCodebook(b, { name: 'export', title: 'Export' })).toEqual(exported);
  });

  it('codebookToMarkdown has the headings, criteria and anchor examples', async () => {
    const book = await readRelevanz();
    const md = codebookToMarkdown(book);
    expect(md.startsWith(`# ${book.title}\n`)).toBe(true);
    expect(md).toContain('## Übersicht');
    const beratung = book.codes[0] as CodebookEntry;
    const atmosphere = beratung.children?.[0] as CodebookEntry;
    const greet = atmosphere.children?.[0] as CodebookEntry;
    expect(md).toContain(`\n- ${beratung.name} (Kategorie)\n`);
    expect(md).toContain(`\n    - ${greet.name}\n`);
    expect(md).toContain(`\n## ${beratung.name} › ${atmosphere.name} › ${greet.name}\n`);
    const def = greet.definition ?? {};
    expect(def.inclusion?.length ?? 0).toBeGreaterThan(20); // a real criterion, so the next line checks something
    expect(md).toContain(`**Einschlusskriterien**\n\n${def.inclusion}\n`);
    expect(md).toContain(`**Ausschlusskriterien und Abgrenzung**\n\n${def.exclusion}\n`);
    expect(md).toContain(`**Kodierregeln**\n\n${def.rules}\n`);
    const anchor = def.anchors?.[0]?.text ?? '';
    expect(anchor.length).toBeGreaterThan(0);
    expect(md).toContain(`**Ankerbeispiele**\n\n> ${anchor.replace(/\n/g, '\n> ')}\n`);
    expect(md).toContain('## Zuordnung Beratung ↔ Dokumentation');
    const row = book.crosswalk[0];
    expect(md).toContain(`| ${row?.label} | ${nameOfKey(book, row?.a[0])} |`);
  });
});

function nameOfKey(book: CodebookFile, key: string | undefined): string {
  return allEntries(book.codes).find((e) => e.entry.key === key)?.entry.name ?? 'missing';
}
