import { beforeEach, describe, expect, it } from 'vitest';
import { applyCode, codeInVivo, removeSegment, retrieveSegments, updateSegment } from '../../../server/domain/coding.js';
import { addDocuments, createSet } from '../../../server/domain/corpus.js';
import type { Actor, Deps } from '../../../server/domain/deps.js';
import { Conflict, Forbidden, InvalidInput, NotFound } from '../../../server/domain/errors.js';
import { createMemo } from '../../../server/domain/memos.js';
import type { Store } from '../../../server/domain/store.js';
import type { Document } from '../../../server/schemas/document.js';
import { ALICE, BOB, seedProject, testStore } from '../helpers.js';

const ADMIN: Actor = { userId: 'root', role: 'admin' };

/** The text between two code-point offsets, computed independently of the code under test. */
function cpSlice(text: string, start: number, end: number): string {
  return [...text].slice(start, end).join('');
}

/** Code-point offset of the first occurrence of `needle`. */
function cpIndexOf(text: string, needle: string): number {
  const u = text.indexOf(needle);
  if (u < 0) throw new Error(`test: "${needle}" not in the text`);
  return [...text.slice(0, u)].length;
}

/**
 * Astral characters (a ZWJ family, a flag, an emoji) and combining marks that NFC keeps apart
 * (x + U+0301, q + U+0307 have no precomposed form).
 */
const TRICKY = 'Frau K. 👩‍👩‍👧 sagt: „Das ist x\u0301 q\u0307 gut“ 🇩🇪 und lacht 😀. Ende.';

let store: Store;
let deps: Deps;
let projectId: string;
let docA: string;
let docB: string;
let ids: Record<'folder' | 'atmo' | 'greet' | 'summary', string>;
let tricky: Document;

beforeEach(async () => {
  store = await testStore();
  const seeded = await seedProject(store);
  ({ deps, projectId, docA, docB } = seeded);
  ids = seeded.codes as typeof ids;
  const [doc] = await addDocuments(deps, projectId, [{ title: 'Zeichen', kind: 'other', text: TRICKY, attributes: { dauer: { type: 'number', value: 45 } } }]);
  tricky = doc as Document;
});

describe('applyCode', () => {
  it('uses code-point offsets: astral and combining characters count as the code points they are', async () => {
    expect(tricky.text).toBe(TRICKY);
    const family = cpIndexOf(TRICKY, '👩');
    const familyLength = [...'👩‍👩‍👧'].length;
    expect(familyLength).toBe(5);
    const marks = cpIndexOf(TRICKY, 'x\u0301');
    const flagEnd = cpIndexOf(TRICKY, ' und lacht');
    const cases = [
      { start: family, end: family + familyLength, expected: '👩‍👩‍👧' },
      { start: marks, end: marks + 4, expected: 'x\u0301 q' },
      { start: marks + 1, end: flagEnd, expected: cpSlice(TRICKY, marks + 1, flagEnd) },
      { start: 0, end: [...TRICKY].length, expected: TRICKY },
    ];
    for (const c of cases) {
      const seg = await applyCode(deps, projectId, ALICE, { documentId: tricky.id, codeId: ids.greet, start: c.start, end: c.end });
      expect(seg).toMatchObject({ start: c.start, end: c.end, coder: 'alice', codeId: ids.greet, memo: '', version: 1 });
    }
    const { segments } = await retrieveSegments(deps, projectId, { documentId: [tricky.id], context: 0 });
    expect(segments).toHaveLength(cases.length);
    for (const s of segments) {
      expect(s.text).toBe(cpSlice(TRICKY, s.start, s.end));
      expect(s.documentTitle).toBe('Zeichen');
    }
    expect(segments.map((s) => s.text).sort()).toEqual(cases.map((c) => c.expected).sort());
  });

  it('refuses a range beyond the end, an unknown document or code, and a category folder', async () => {
    const length = [...TRICKY].length;
    await expect(applyCode(deps, projectId, ALICE, { documentId: tricky.id, codeId: ids.greet, start: length - 1, end: length + 1 })).rejects.toBeInstanceOf(InvalidInput);
    // In UTF-16 units the text is longer; those offsets are out of range in code points.
    await expect(applyCode(deps, projectId, ALICE, { documentId: tricky.id, codeId: ids.greet, start: 0, end: TRICKY.length })).rejects.toBeInstanceOf(InvalidInput);
    await expect(applyCode(deps, projectId, ALICE, { documentId: tricky.id, codeId: ids.folder, start: 0, end: 3 })).rejects.toBeInstanceOf(InvalidInput);
    await expect(applyCode(deps, projectId, ALICE, { documentId: 'nope', codeId: ids.greet, start: 0, end: 3 })).rejects.toBeInstanceOf(NotFound);
    await expect(applyCode(deps, projectId, ALICE, { documentId: tricky.id, codeId: 'nope', start: 0, end: 3 })).rejects.toBeInstanceOf(NotFound);
    expect(await store.listSegments(projectId)).toEqual([]);
    const last = await applyCode(deps, projectId, ALICE, { documentId: tricky.id, codeId: ids.greet, start: length - 1, end: length });
    expect(last.end).toBe(length);
  });

  it('allows overlapping and nested segments; an exact duplicate by the same coder is a Conflict', async () => {
    const outer = await applyCode(deps, projectId, ALICE, { documentId: docA, codeId: ids.greet, start: 0, end: 20 });
    await applyCode(deps, projectId, ALICE, { documentId: docA, codeId: ids.greet, start: 5, end: 10 });
    await applyCode(deps, projectId, ALICE, { documentId: docA, codeId: ids.greet, start: 15, end: 30 });
    await applyCode(deps, projectId, ALICE, { documentId: docA, codeId: ids.atmo, start: 0, end: 20 });
    const err = await applyCode(deps, projectId, ALICE, { documentId: docA, codeId: ids.greet, start: 0, end: 20 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Conflict);
    expect((err as Conflict).current).toEqual(outer);
    // Another coder may code the very same range.
    await applyCode(deps, projectId, BOB, { documentId: docA, codeId: ids.greet, start: 0, end: 20 });
    expect(await store.listSegments(projectId)).toHaveLength(5);
  });
});

describe('updateSegment and removeSegment', () => {
  it('resizes, recodes and annotates, bumping the version each time', async () => {
    const seg = await applyCode(deps, projectId, ALICE, { documentId: docA, codeId: ids.greet, start: 0, end: 5 });
    const resized = await updateSegment(deps, projectId, ALICE, seg.id, { start: 4, end: 13, version: 1 });
    expect(resized).toMatchObject({ start: 4, end: 13, codeId: ids.greet, version: 2 });
    const recoded = await updateSegment(deps, projectId, ALICE, seg.id, { codeId: ids.summary, version: 2 });
    expect(recoded).toMatchObject({ start: 4, end: 13, codeId: ids.summary, version: 3 });
    const noted = await updateSegment(deps, projectId, ALICE, seg.id, { memo: 'freundlich', version: 3 });
    expect(noted).toMatchObject({ memo: 'freundlich', codeId: ids.summary, version: 4 });
    expect(await store.getSegment(projectId, seg.id)).toEqual(noted);
    const { segments } = await retrieveSegments(deps, projectId, { codeId: [ids.summary] });
    expect(segments[0]?.text).toBe('Fachkraft');
  });

  it('refuses a stale version, a range beyond the end, a folder and a resize onto an own twin', async () => {
    const seg = await applyCode(deps, projectId, ALICE, { documentId: docA, codeId: ids.greet, start: 0, end: 5 });
    await applyCode(deps, projectId, ALICE, { documentId: docA, codeId: ids.greet, start: 10, end: 20 });
    await expect(updateSegment(deps, projectId, ALICE, seg.id, { memo: 'x', version: 2 })).rejects.toBeInstanceOf(Conflict);
    await expect(updateSegment(deps, projectId, ALICE, seg.id, { end: 10_000, version: 1 })).rejects.toBeInstanceOf(InvalidInput);
    await expect(updateSegment(deps, projectId, ALICE, seg.id, { start: 5, version: 1 })).rejects.toBeInstanceOf(InvalidInput);
    await expect(updateSegment(deps, projectId, ALICE, seg.id, { codeId: ids.folder, version: 1 })).rejects.toBeInstanceOf(InvalidInput);
    await expect(updateSegment(deps, projectId, ALICE, seg.id, { start: 10, end: 20, version: 1 })).rejects.toBeInstanceOf(Conflict);
    await expect(updateSegment(deps, projectId, ALICE, 'nope', { memo: 'x', version: 1 })).rejects.toBeInstanceOf(NotFound);
    expect(await store.getSegment(projectId, seg.id)).toEqual(seg);
  });

  it('another researcher may not change or remove my segment; an admin may', async () => {
    const seg = await applyCode(deps, projectId, ALICE, { documentId: docA, codeId: ids.greet, start: 0, end: 5 });
    await expect(updateSegment(deps, projectId, BOB, seg.id, { memo: 'von Bob', version: 1 })).rejects.toBeInstanceOf(Forbidden);
    await expect(removeSegment(deps, projectId, BOB, seg.id, 1)).rejects.toBeInstanceOf(Forbidden);
    expect(await store.getSegment(projectId, seg.id)).toEqual(seg);
    const byAdmin = await updateSegment(deps, projectId, ADMIN, seg.id, { memo: 'von der Administration', version: 1 });
    // The coder stays the coder.
    expect(byAdmin).toMatchObject({ coder: 'alice', memo: 'von der Administration', version: 2 });
    const memo = await createMemo(deps, projectId, BOB, { target: { type: 'segment', id: seg.id }, text: 'Notiz' });
    await removeSegment(deps, projectId, ADMIN, seg.id, 2);
    expect(await store.getSegment(projectId, seg.id)).toBeUndefined();
    expect((await store.listMemos(projectId)).find((m) => m.id === memo.id)?.target).toEqual({ type: 'document', id: docA });
  });
});

describe('codeInVivo', () => {
  it('creates a code named after the selection in „…“ and applies it', async () => {
    const text = (await store.getDocument(projectId, docA))?.text ?? '';
    const start = cpIndexOf(text, 'Kaffee an.');
    const end = cpIndexOf(text, ' das Thema');
    expect(cpSlice(text, start, end)).toBe('Kaffee an.\nDann fasst sie');
    const { code, segment } = await codeInVivo(deps, projectId, ALICE, { documentId: docA, start, end, parentId: ids.atmo });
    expect(code).toMatchObject({ name: '„Kaffee an. Dann fasst sie“', parentId: ids.atmo, isCodable: true, order: 1 });
    expect(segment).toMatchObject({ documentId: docA, codeId: code.id, start, end, coder: 'alice' });
    expect((await store.listCodes(projectId)).filter((c) => c.id === code.id)).toHaveLength(1);
    const { segments } = await retrieveSegments(deps, projectId, { codeId: [code.id] });
    expect(segments.map((s) => s.text)).toEqual(['Kaffee an.\nDann fasst sie']);
  });

  it('names after astral text and refuses a selection of blanks', async () => {
    const start = cpIndexOf(TRICKY, '👩');
    const { code } = await codeInVivo(deps, projectId, ALICE, { documentId: tricky.id, start, end: start + 5, parentId: null });
    expect(code.name).toBe('„👩‍👩‍👧“');
    const blank = cpIndexOf(TRICKY, ' sagt');
    await expect(codeInVivo(deps, projectId, ALICE, { documentId: tricky.id, start: blank, end: blank + 1, parentId: null })).rejects.toBeInstanceOf(InvalidInput);
  });
});

describe('retrieveSegments', () => {
  async function seedSegments() {
    return {
      aGreet: await applyCode(deps, projectId, ALICE, { documentId: docA, codeId: ids.greet, start: 14, end: 21 }),
      aAtmo: await applyCode(deps, projectId, ALICE, { documentId: docA, codeId: ids.atmo, start: 0, end: 40 }),
      bAtmo: await applyCode(deps, projectId, BOB, { documentId: docB, codeId: ids.atmo, start: 76, end: 86 }),
      bSummary: await applyCode(deps, projectId, BOB, { documentId: docB, codeId: ids.summary, start: 30, end: 50 }),
      aSummary: await applyCode(deps, projectId, BOB, { documentId: docA, codeId: ids.summary, start: 63, end: 97 }),
    };
  }

  it('by code, with and without sub-codes', async () => {
    const s = await seedSegments();
    const without = await retrieveSegments(deps, projectId, { codeId: [ids.atmo] });
    expect(without.total).toBe(2);
    expect(without.segments.map((x) => x.id)).toEqual([s.aAtmo.id, s.bAtmo.id]);
    const withSub = await retrieveSegments(deps, projectId, { codeId: [ids.atmo], includeSubcodes: true });
    expect(withSub.segments.map((x) => x.id)).toEqual([s.aAtmo.id, s.aGreet.id, s.bAtmo.id]);
    const folder = await retrieveSegments(deps, projectId, { codeId: [ids.folder], includeSubcodes: true });
    expect(folder.total).toBe(5);
    expect(withSub.segments.find((x) => x.id === s.aGreet.id)?.text).toBe('begrüßt');
  });

  it('by document, by coder and combined', async () => {
    const s = await seedSegments();
    expect((await retrieveSegments(deps, projectId, { documentId: [docB] })).segments.map((x) => x.id)).toEqual([s.bSummary.id, s.bAtmo.id]);
    expect((await retrieveSegments(deps, projectId, { coder: ['bob'] })).segments.map((x) => x.id)).toEqual([s.aSummary.id, s.bSummary.id, s.bAtmo.id]);
    expect((await retrieveSegments(deps, projectId, { coder: ['alice'], documentId: [docB] })).total).toBe(0);
    expect((await retrieveSegments(deps, projectId, { coder: ['bob'], codeId: [ids.summary], documentId: [docA] })).segments.map((x) => x.id)).toEqual([s.aSummary.id]);
  });

  it('by set: a filter on kind and on an attribute', async () => {
    const s = await seedSegments();
    await applyCode(deps, projectId, ALICE, { documentId: tricky.id, codeId: ids.greet, start: 0, end: 4 });
    const interviews = await createSet(deps, projectId, { name: 'Interviews', definition: { type: 'filter', filter: { kinds: ['interview'], attributes: [] } } });
    expect((await retrieveSegments(deps, projectId, { setId: interviews.id })).segments.map((x) => x.id)).toEqual([s.bSummary.id, s.bAtmo.id]);
    const region1 = await createSet(deps, projectId, {
      name: 'Region 1',
      definition: { type: 'filter', filter: { attributes: [{ name: 'region', anyOf: ['REGION 1'] }] } },
    });
    expect((await retrieveSegments(deps, projectId, { setId: region1.id })).segments.map((x) => x.id)).toEqual([s.aAtmo.id, s.aGreet.id, s.aSummary.id]);
    // A set and a code together.
    expect((await retrieveSegments(deps, projectId, { setId: region1.id, codeId: [ids.summary] })).segments.map((x) => x.id)).toEqual([s.aSummary.id]);
    // A set and documents outside it give nothing.
    expect((await retrieveSegments(deps, projectId, { setId: region1.id, documentId: [docB] })).total).toBe(0);
    await expect(retrieveSegments(deps, projectId, { setId: 'nope' })).rejects.toBeInstanceOf(NotFound);
  });

  it('gives a context window of the requested length in code points', async () => {
    const start = cpIndexOf(TRICKY, 'sagt');
    const seg = await applyCode(deps, projectId, ALICE, { documentId: tricky.id, codeId: ids.greet, start, end: start + 4 });
    const { segments } = await retrieveSegments(deps, projectId, { documentId: [tricky.id], context: 7 });
    const r = segments[0];
    expect(r?.id).toBe(seg.id);
    expect(r?.text).toBe('sagt');
    expect(r?.before).toBe(cpSlice(TRICKY, start - 7, start));
    expect(r?.before).toBe(' 👩‍👩‍👧 ');
    expect([...(r?.before ?? '')].length).toBe(7);
    expect(r?.after).toBe(': „Das ');
    // At the edges the window is cut.
    const total = [...TRICKY].length;
    await applyCode(deps, projectId, ALICE, { documentId: tricky.id, codeId: ids.atmo, start: 0, end: 4 });
    await applyCode(deps, projectId, ALICE, { documentId: tricky.id, codeId: ids.summary, start: total - 3, end: total });
    const all = (await retrieveSegments(deps, projectId, { documentId: [tricky.id], context: 10 })).segments;
    expect(all.map((x) => [x.before, x.text, x.after])).toEqual([
      ['', 'Frau', ' K. 👩‍👩‍👧 '],
      [cpSlice(TRICKY, start - 10, start), 'sagt', cpSlice(TRICKY, start + 4, start + 14)],
      [cpSlice(TRICKY, total - 13, total - 3), 'de.', ''],
    ]);
    expect((await retrieveSegments(deps, projectId, { documentId: [tricky.id], context: 0 })).segments.map((x) => x.before + x.after)).toEqual(['', '', '']);
  });

  it('orders by document title, then start, then end; limit cuts but total counts all', async () => {
    const a3 = await applyCode(deps, projectId, ALICE, { documentId: docA, codeId: ids.greet, start: 10, end: 30 });
    const b1 = await applyCode(deps, projectId, ALICE, { documentId: docB, codeId: ids.greet, start: 0, end: 5 });
    const a2 = await applyCode(deps, projectId, ALICE, { documentId: docA, codeId: ids.greet, start: 10, end: 12 });
    const z1 = await applyCode(deps, projectId, ALICE, { documentId: tricky.id, codeId: ids.greet, start: 0, end: 5 });
    const a1 = await applyCode(deps, projectId, ALICE, { documentId: docA, codeId: ids.greet, start: 2, end: 40 });
    // "Beobachtung 1" < "Interview 1" < "Zeichen"
    const all = await retrieveSegments(deps, projectId, { codeId: [ids.greet] });
    expect(all.segments.map((x) => x.id)).toEqual([a1.id, a2.id, a3.id, b1.id, z1.id]);
    const limited = await retrieveSegments(deps, projectId, { codeId: [ids.greet], limit: 2 });
    expect(limited.total).toBe(5);
    expect(limited.segments.map((x) => x.id)).toEqual([a1.id, a2.id]);
  });
});
