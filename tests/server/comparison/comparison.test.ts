import { beforeAll, describe, expect, it } from 'vitest';
import { classify, compareSets, pairedByCase, pseudonymise, quoteAround } from '../../../server/domain/comparison.js';
import { addDocuments, createSet } from '../../../server/domain/corpus.js';
import { createCode } from '../../../server/domain/codebook.js';
import { makeDeps } from '../../../server/domain/deps.js';
import { InvalidInput, NotFound } from '../../../server/domain/errors.js';
import { createProject } from '../../../server/domain/projects.js';
import { fisherExact2x2, logRatio, raysonGarsideLL } from '../../../server/domain/statistics.js';
import { describeSide, parseSideConditions, type ComparisonResult, type ComparisonRow } from '../../../server/schemas/comparison.js';
import type { NewDocument } from '../../../server/schemas/document.js';
import { MemoryStore } from '../../../server/storage/memory-store.js';
import { buildFixture, Coder, doc, JONAS, type Fixture } from './fixture.js';

function row(result: ComparisonResult, id: string): ComparisonRow {
  const r = result.rows.find((x) => x.id === id);
  if (!r) throw new Error(`no row ${id}; rows: ${result.rows.map((x) => x.id).join(', ')}`);
  return r;
}

let f: Fixture;
let result: ComparisonResult;

beforeAll(async () => {
  f = await buildFixture();
  result = await compareSets(f.deps, f.projectId);
});

describe('compareSets: sets, sizes and rows', () => {
  it('defaults to A = observations and B = interviews + documentation, over the coded documents', () => {
    expect(result.a).toMatchObject({ definition: 'kind=observation', documents: 5, baseDocuments: 4, segments: 11 });
    expect(result.b).toMatchObject({ definition: 'kind=interview,documentation', documents: 5, baseDocuments: 5, segments: 7 });
    expect(result.a.coders).toEqual([
      { id: 'mara', name: 'Mara L.', segments: 10 },
      { id: 'jonas', name: 'Jonas P.', segments: 1 },
    ]);
    expect(result.thresholds).toEqual({ minDocuments: 3, presentDocuments: 1, minCellDocuments: 3, base: 'coded', evidence: 2, pairBy: 'case', by: null });
    expect(Object.keys(result).sort()).toEqual(['a', 'b', 'rows', 'thresholds']);
  });

  it('builds crosswalk rows first, then the tree in pre-order; crosswalked codes get no rows of their own', () => {
    const c = f.codes;
    expect(result.rows.map((r) => r.id)).toEqual([
      `crosswalk:${f.crosswalkId}`,
      `parent:${c.beratung!.id}`,
      `parent:${c.atmo!.id}`,
      `code:${c.greet!.id}`,
      `code:${c.drinks!.id}`,
      `parent:${c.dokumentation!.id}`,
      `code:${c.software!.id}`,
      `code:${c.rare!.id}`,
    ]);
    const ids = result.rows.map((r) => r.id);
    for (const code of [c.summary!, c.info!, c.course!]) expect(ids).not.toContain(`code:${code.id}`);
  });

  it('a crosswalk row counts its A codes in A and its B codes in B, each document once (n:m)', () => {
    const r = row(result, `crosswalk:${f.crosswalkId}`);
    expect(r.kind).toBe('crosswalk');
    expect(r.label).toBe('Zusammenfassung');
    expect(r.note).toBe('Bündeln ↔ Festhalten');
    expect(r.codes.map((c) => [c.name, c.side, c.path.join(' › ')])).toEqual([
      ['Zusammenfassen', 'a', 'Beratung › Zusammenfassen'],
      ['Informationen zusammenfassen', 'b', 'Dokumentation › Informationen zusammenfassen'],
      ['Verlauf festhalten', 'b', 'Dokumentation › Verlauf festhalten'],
    ]);
    // A: o1 and o2 (the B code "Informationen zusammenfassen" in o3 does not count on side A).
    expect(r.a).toMatchObject({ segments: 2, documents: 2, documentShare: 2 / 4 });
    // B: d1 carries both B codes (three segments) and counts once; d3 one.
    expect(r.b).toMatchObject({ segments: 4, documents: 2, documentShare: 2 / 5 });
    expect(r.section).toBe('both');
  });

  it('share of text counts overlapping segments once', async () => {
    const r = row(result, `crosswalk:${f.crosswalkId}`);
    const d1 = (await f.store.getDocument(f.projectId, 'd1'))!.text;
    const d3 = (await f.store.getDocument(f.projectId, 'd3'))!.text;
    // In d1: "Anlass: …" (info) and "Verlauf: … aufgenommen." (course, which contains Jonas's "Ergebnis: Kontakt zur Schule").
    const covered = 'Anlass: Schulverweigerung des Sohnes.'.length + 'Verlauf: KM schildert die Lage. Ergebnis: Kontakt zur Schule wird aufgenommen.'.length + 'Ergebnis: Termin bei der Schuldnerberatung.'.length;
    expect(d1.length + d3.length).toBeGreaterThan(covered);
    expect(r.b.textShare).toBeCloseTo(covered / result.b.textLength, 12);
    const lengths = await Promise.all(['d1', 'd2', 'd3', 'i1', 'i2'].map(async (id) => (await f.store.getDocument(f.projectId, id))!.text.length));
    expect(result.b.textLength).toBe(lengths.reduce((s, n) => s + n, 0));
  });

  it('a parent row aggregates itself and all its sub-codes on both sides', () => {
    const atmo = row(result, `parent:${f.codes.atmo!.id}`);
    expect(atmo.kind).toBe('parent');
    expect(atmo.a).toMatchObject({ segments: 7, documents: 4, documentShare: 1 });
    expect(atmo.b).toMatchObject({ segments: 0, documents: 0 });
    expect(atmo.section).toBe('only-a');
    const beratung = row(result, `parent:${f.codes.beratung!.id}`);
    expect(beratung.a).toMatchObject({ segments: 9, documents: 4 });
    // The Dokumentation tree also counts its code found in observation o3 (parents count the subtree on both sides).
    const dok = row(result, `parent:${f.codes.dokumentation!.id}`);
    expect(dok.a).toMatchObject({ segments: 1, documents: 1 });
    expect(dok.b).toMatchObject({ segments: 7, documents: 5 });
    expect(dok.section).toBe('both');
  });

  it('single codes: counts, sections and statistics from the counts', () => {
    const greet = row(result, `code:${f.codes.greet!.id}`);
    expect(greet.a).toMatchObject({ segments: 5, documents: 4 });
    expect(greet.section).toBe('only-a');
    expect(greet.stats.logLikelihood).toBeCloseTo(raysonGarsideLL(5, 0, 11, 7).ll, 12);
    expect(greet.stats.logLikelihoodForm).toBe('Rayson & Garside 2000, two-cell');
    expect(greet.stats.fisherP).toBeCloseTo(fisherExact2x2([[4, 0], [0, 5]]).twoSided, 14);
    expect(greet.stats.logRatio).toBeCloseTo(logRatio(5, 0, 11, 7) as number, 12);
    expect(row(result, `code:${f.codes.software!.id}`)).toMatchObject({ section: 'only-b', b: { documents: 3, segments: 3 } });
    expect(row(result, `code:${f.codes.drinks!.id}`)).toMatchObject({ section: 'rare', a: { documents: 2 } });
    expect(row(result, `code:${f.codes.rare!.id}`)).toMatchObject({ section: 'rare', a: { documents: 1 } });
  });
});

describe('classification and thresholds', () => {
  it('classify: rare below minDocuments (A and B together), else by the sides present', () => {
    const t = { minDocuments: 3, presentDocuments: 1 };
    expect(classify(2, 0, t)).toBe('rare');
    expect(classify(1, 1, t)).toBe('rare');
    expect(classify(3, 0, t)).toBe('only-a');
    expect(classify(0, 3, t)).toBe('only-b');
    expect(classify(2, 1, t)).toBe('both');
    // presentDocuments 2: one document does not make a side present.
    expect(classify(4, 1, { minDocuments: 3, presentDocuments: 2 })).toBe('only-a');
    expect(classify(1, 1, { minDocuments: 1, presentDocuments: 2 })).toBe('rare');
  });

  it('thresholds change the sections and travel with the result', async () => {
    const strict = await compareSets(f.deps, f.projectId, { minDocuments: 5, presentDocuments: 2 });
    expect(strict.thresholds).toMatchObject({ minDocuments: 5, presentDocuments: 2 });
    // Greeting: 4 documents in A, none in B → under 5 → rare.
    expect(row(strict, `code:${f.codes.greet!.id}`).section).toBe('rare');
    // Dokumentation tree: 1 in A (not present with presentDocuments 2), 5 in B → only-b.
    expect(row(strict, `parent:${f.codes.dokumentation!.id}`).section).toBe('only-b');
    const loose = await compareSets(f.deps, f.projectId, { minDocuments: 1 });
    expect(row(loose, `code:${f.codes.rare!.id}`).section).toBe('only-a');
  });

  it("base 'all' counts uncoded documents in the denominators", async () => {
    const all = await compareSets(f.deps, f.projectId, { base: 'all' });
    expect(all.a.baseDocuments).toBe(5);
    expect(row(all, `code:${f.codes.greet!.id}`).a.documentShare).toBeCloseTo(4 / 5, 12);
    expect(all.thresholds.base).toBe('all');
  });

  it('includeUnused lists codes without segments as rare rows', async () => {
    await createCode(f.deps, f.projectId, { name: 'Ungenutzt', parentId: null });
    const without = await compareSets(f.deps, f.projectId);
    expect(without.rows.some((r) => r.label === 'Ungenutzt')).toBe(false);
    const withUnused = await compareSets(f.deps, f.projectId, { includeUnused: true });
    expect(withUnused.rows.find((r) => r.label === 'Ungenutzt')).toMatchObject({ section: 'rare', a: { segments: 0 }, b: { segments: 0 }, stats: { logRatio: null, fisherP: 1 } });
  });

  it("a codable code with sub-codes gets a row of its own segments only when it has some", async () => {
    const store = new MemoryStore();
    const deps = makeDeps(store);
    const project = await createProject(deps, { name: 'Eltern' });
    const docs = await addDocuments(deps, project.id, [doc('o', 'observation', 'Eins zwei drei.'), doc('d', 'documentation', 'Vier fünf sechs.')]);
    const parent = await createCode(deps, project.id, { name: 'Oben' });
    const child = await createCode(deps, project.id, { name: 'Unten', parentId: parent.id });
    const lonely = await createCode(deps, project.id, { name: 'Allein' });
    await createCode(deps, project.id, { name: 'Darunter', parentId: lonely.id });
    const c = new Coder(new Map(docs.map((d) => [d.id, d])));
    c.code('o', parent.id, 'Eins');
    c.code('d', child.id, 'Vier');
    await store.commit(project.id, { segments: { put: c.segments } });
    const r = await compareSets(deps, project.id, { includeUnused: true, minDocuments: 1 });
    expect(r.rows.map((x) => x.id)).toEqual([`parent:${parent.id}`, `code:${parent.id}`, `code:${child.id}`, `parent:${lonely.id}`, expect.stringMatching(/^code:/)]);
    expect(row(r, `parent:${parent.id}`)).toMatchObject({ section: 'both', a: { documents: 1 }, b: { documents: 1 } });
    expect(row(r, `code:${parent.id}`)).toMatchObject({ kind: 'code', section: 'only-a' });
    expect(r.rows.some((x) => x.id === `code:${lonely.id}`)).toBe(false);
  });

  it('counts only the chosen coders', async () => {
    const jonas = await compareSets(f.deps, f.projectId, { coders: [JONAS] });
    expect(jonas.a).toMatchObject({ baseDocuments: 1, segments: 1 });
    expect(jonas.b).toMatchObject({ baseDocuments: 1, segments: 1 });
    expect(jonas.a.coders.map((c) => c.id)).toEqual([JONAS]);
    expect(row(jonas, `crosswalk:${f.crosswalkId}`).b.segments).toBe(1);
  });
});

describe('sets', () => {
  it('sides may be filters, attribute conditions and named document sets', async () => {
    await createSet(f.deps, f.projectId, { name: 'Region 1', definition: { type: 'filter', filter: { attributes: [{ name: 'region', anyOf: ['R1'] }] } } });
    const r = await compareSets(f.deps, f.projectId, {
      a: { kinds: ['observation'], sets: ['Region 1'] },
      b: { kinds: ['documentation'], attributes: [{ name: 'region', anyOf: ['r1'] }] },
    });
    expect(r.a).toMatchObject({ documents: 3, baseDocuments: 3, definition: 'kind=observation;set=Region 1', label: 'Beobachtungsprotokolle, Menge „Region 1“' });
    expect(r.b).toMatchObject({ documents: 2, definition: 'kind=documentation;region=r1' });
  });

  it('refuses overlapping sides, empty sides and unknown sets', async () => {
    await expect(compareSets(f.deps, f.projectId, { a: { attributes: [{ name: 'region', anyOf: ['R1'] }] }, b: { kinds: ['documentation'] } })).rejects.toThrow(InvalidInput);
    await expect(compareSets(f.deps, f.projectId, { a: { kinds: ['other'] } })).rejects.toThrow(/set A has no coded documents/);
    await expect(compareSets(f.deps, f.projectId, { a: { sets: ['Gibt es nicht'] } })).rejects.toThrow(NotFound);
    await expect(compareSets(f.deps, 'no-such-project')).rejects.toThrow(NotFound);
  });
});

describe('paired comparison by case', () => {
  it('per row: cases with documents on both sides, and where the row occurs in A but not in its record', () => {
    const r = row(result, `crosswalk:${f.crosswalkId}`);
    // C1 (o1 ↔ d1), C2 (o2 ↔ d2), C3 (o3 ↔ d3); C4 has no record, C5's observation is uncoded.
    expect(r.paired).toEqual({ cases: 3, both: 1, onlyA: 1, onlyB: 1, neither: 0, onlyACases: ['C2'], onlyBCases: ['C3'] });
    const greet = row(result, `code:${f.codes.greet!.id}`);
    expect(greet.paired).toMatchObject({ cases: 3, onlyA: 3, onlyACases: ['C1', 'C2', 'C3'] });
  });

  it('per case: which markings occur in the consultation and not in its documentation record', () => {
    const perCase = pairedByCase(result);
    expect(perCase.map((c) => c.case)).toEqual(['C1', 'C2', 'C3']);
    const c2 = perCase.find((c) => c.case === 'C2')!;
    expect(c2.onlyA).toEqual(['Zusammenfassung', 'Begrüßen']);
    expect(c2.onlyB).toEqual(['Software reflektieren']);
    const c1 = perCase.find((c) => c.case === 'C1')!;
    expect(c1.onlyA).toEqual(['Begrüßen', 'Getränke anbieten']);
    // Parent rows are not repeated per case.
    expect(c1.onlyA).not.toContain('Atmosphäre');
  });

  it('pairs by another attribute when asked', async () => {
    const byRegion = await compareSets(f.deps, f.projectId, { pairBy: 'region' });
    expect(row(byRegion, `crosswalk:${f.crosswalkId}`).paired.cases).toBe(2);
  });
});

describe('breakdown by attribute with small-cell suppression', () => {
  /** Regions: A R1 4 docs, R2 4, R3 2; B R1 3, R2 3, R3 3. Code X: A R1 3, R2 1, R3 2; B R2 3. Code Y: A R1 4, R2 4. */
  async function regional() {
    const store = new MemoryStore();
    const deps = makeDeps(store);
    const project = await createProject(deps, { name: 'Regionen' });
    const docs: NewDocument[] = [];
    const add = (prefix: string, kind: NewDocument['kind'], region: string, n: number): string[] =>
      Array.from({ length: n }, (_, i) => {
        const id = `${prefix}-${region}-${i + 1}`;
        docs.push(doc(id, kind, `Satz eins in ${id}. Satz zwei in ${id}.`, { region }));
        return id;
      });
    const a = { R1: add('a', 'observation', 'R1', 4), R2: add('a', 'observation', 'R2', 4), R3: add('a', 'observation', 'R3', 2) };
    const b = { R1: add('b', 'documentation', 'R1', 3), R2: add('b', 'documentation', 'R2', 3), R3: add('b', 'documentation', 'R3', 3) };
    const stored = await addDocuments(deps, project.id, docs);
    const x = await createCode(deps, project.id, { name: 'X' });
    const y = await createCode(deps, project.id, { name: 'Y' });
    const z = await createCode(deps, project.id, { name: 'Z' });
    const c = new Coder(new Map(stored.map((d) => [d.id, d])));
    const mark = (ids: string[], codeId: string): void => void ids.forEach((id) => c.code(id, codeId, 'Satz eins'));
    mark([...a.R1.slice(0, 3), ...a.R2.slice(0, 1), ...a.R3], x.id);
    mark(b.R2, x.id);
    mark([...a.R1, ...a.R2], y.id);
    // Every document coded (Z), so every one is a base document.
    for (const d of stored) c.code(d.id, z.id, 'Satz zwei');
    await store.commit(project.id, { segments: { put: c.segments } });
    return { deps, projectId: project.id, x, y };
  }

  it('hides cells under k documents (base or hits) and one more where the hidden one could be worked out', async () => {
    const { deps, projectId, x, y } = await regional();
    const r = await compareSets(deps, projectId, { by: 'region' });
    expect(r.thresholds).toMatchObject({ by: 'region', minCellDocuments: 3 });
    const bx = row(r, `code:${x.id}`).breakdown!;
    expect(bx.map((g) => g.value)).toEqual(['R1', 'R2', 'R3']);
    // A: R1 3 of 4 shown; R2 has 1 hit (< 3), R3 rests on 2 documents: both hidden, two hidden → no secondary.
    expect(bx[0]!.a).toEqual({ suppressed: null, baseDocuments: 4, segments: 3, documents: 3, documentShare: 0.75 });
    expect(bx[1]!.a).toEqual({ suppressed: 'small', baseDocuments: null, segments: null, documents: null, documentShare: null });
    expect(bx[2]!.a.suppressed).toBe('small');
    // B: 0, 3, 0 of 3 each: nothing under k (a zero is not a small count).
    expect(bx.map((g) => g.b.documents)).toEqual([0, 3, 0]);
    expect(bx.map((g) => g.section)).toEqual(['only-a', null, null]);
    // Y: A R1 4/4, R2 4/4, R3 hidden (base 2) → one of the others hidden too, so R3 = total − visible is impossible.
    const by = row(r, `code:${y.id}`).breakdown!;
    expect(by.map((g) => g.a.suppressed)).toEqual(['secondary', null, 'small']);
    expect(by[1]!.a.documents).toBe(4);
    // No visible number is below k, except zeros.
    for (const rr of r.rows) {
      for (const g of rr.breakdown ?? []) {
        for (const cell of [g.a, g.b]) {
          if (cell.suppressed !== null) continue;
          expect(cell.baseDocuments!).toBeGreaterThanOrEqual(3);
          expect(cell.documents === 0 || cell.documents! >= 3).toBe(true);
        }
      }
    }
  });

  it('k is configurable; with k = 1 every cell shows and the cells add up to the row', async () => {
    const { deps, projectId, x } = await regional();
    const r = await compareSets(deps, projectId, { by: 'region', minCellDocuments: 1 });
    const rx = row(r, `code:${x.id}`);
    expect(rx.breakdown!.every((g) => g.a.suppressed === null && g.b.suppressed === null)).toBe(true);
    expect(rx.breakdown!.reduce((s, g) => s + (g.a.documents ?? 0), 0)).toBe(rx.a.documents);
    expect(rx.breakdown!.reduce((s, g) => s + (g.b.segments ?? 0), 0)).toBe(rx.b.segments);
  });

  it('documents without the attribute form their own group, listed last', async () => {
    const r = await compareSets(f.deps, f.projectId, { by: 'case', minCellDocuments: 1 });
    const groups = row(r, `code:${f.codes.software!.id}`).breakdown!.map((g) => g.value);
    expect(groups.at(-1)).toBe('');
    expect(groups.slice(0, -1)).toEqual(['C1', 'C2', 'C3', 'C4']);
  });
});

describe('evidence', () => {
  it('quotes complete sentences carrying the coded text, from different documents, with the coded text marked', () => {
    const greet = row(result, `code:${f.codes.greet!.id}`);
    expect(greet.evidence.map((q) => [q.side, q.documentId])).toEqual([
      ['a', 'o1'],
      ['a', 'o2'],
    ]);
    const [first] = greet.evidence;
    // "Frau K." does not end the sentence.
    expect(first!.text).toBe('Die Fachkraft begrüßt Frau K. herzlich an der Tür.');
    expect(first!.text.slice(first!.highlight.start, first!.highlight.end)).toBe('begrüßt Frau K. herzlich');
    expect(first!.documentTitle).toBe('o1');
  });

  it('crosswalk rows carry quotes from both sides; transcript timestamps are left out', () => {
    const r = row(result, `crosswalk:${f.crosswalkId}`);
    expect(r.evidence.map((q) => `${q.side}:${q.documentId}`)).toEqual(['a:o1', 'a:o2', 'b:d1', 'b:d3']);
    const software = row(result, `code:${f.codes.software!.id}`);
    const i1 = software.evidence.find((q) => q.documentId === 'i1');
    expect(software.evidence.map((q) => q.documentId)).toEqual(['d2', 'i1']);
    expect(i1?.text ?? '').not.toBe('');
    expect(i1?.text).toBe('FK: Die Software ist umständlich.');
  });

  it('the number of quotes is configurable, down to none', async () => {
    const none = await compareSets(f.deps, f.projectId, { evidence: 0 });
    expect(none.rows.every((r) => r.evidence.length === 0)).toBe(true);
    const three = await compareSets(f.deps, f.projectId, { evidence: 3 });
    expect(row(three, `code:${f.codes.greet!.id}`).evidence.map((q) => q.documentId)).toEqual(['o1', 'o2', 'o3']);
  });

  it('quoteAround: sentence boundaries, abbreviations, ordinals, and shortening at word boundaries', () => {
    const text = 'Erster Satz. Sohn J. (9 J., 3. Klasse GS) fehlt z. B. montags oft. Dritter Satz!';
    const at = text.indexOf('fehlt');
    expect(quoteAround(text, at, at + 5, 300)).toEqual({ before: 'Sohn J. (9 J., 3. Klasse GS) ', coded: 'fehlt', after: ' z. B. montags oft.' });
    const long = `Anfang ${'sehr '.repeat(40)}wichtig und ${'lang '.repeat(40)}Ende.`;
    const w = long.indexOf('wichtig');
    const q = quoteAround(long, w, w + 7, 60);
    const joined = q.before + q.coded + q.after;
    expect(q.coded).toBe('wichtig');
    expect(joined.length).toBeLessThanOrEqual(60);
    expect(q.before.startsWith('…')).toBe(true);
    expect(q.after.endsWith('…')).toBe(true);
    expect(joined).not.toMatch(/\bsehr\w|\w…\w/);
    // A coded text longer than the limit is cut itself.
    const all = quoteAround(long, 0, long.length, 60);
    expect(all.coded.length).toBeLessThanOrEqual(60);
    expect(all.coded.endsWith('…')).toBe(true);
    // A paragraph break ends the quote.
    const para = 'Erste Zeile ohne Punkt\nZweite Zeile mit Code darin\nDritte';
    const p = para.indexOf('Code');
    expect(quoteAround(para, p, p + 4, 300)).toEqual({ before: 'Zweite Zeile mit ', coded: 'Code', after: ' darin' });
  });

  it('pseudonymise is the (for now identity) hook every quote goes through', () => {
    expect(pseudonymise('Frau K. sagt')).toBe('Frau K. sagt');
  });
});

describe('the condition syntax (HTTP ?a= and CLI --a)', () => {
  it('parses kinds, attributes and sets; repeats and ";" join conditions', () => {
    expect(parseSideConditions(['kind=interview,documentation'])).toEqual({ ok: true, spec: { kinds: ['interview', 'documentation'], attributes: [], sets: [] } });
    expect(parseSideConditions(['kind=observation;region=Region 1', 'set=Beobachtungen'])).toEqual({
      ok: true,
      spec: { kinds: ['observation'], attributes: [{ name: 'region', anyOf: ['Region 1'] }], sets: ['Beobachtungen'] },
    });
    expect(parseSideConditions(['sozialraumbuero=SRB Bleckede,SRB Amt Neuhaus'])).toMatchObject({ ok: true, spec: { attributes: [{ name: 'sozialraumbuero', anyOf: ['SRB Bleckede', 'SRB Amt Neuhaus'] }] } });
  });

  it('a backslash escapes separators, and describeSide writes the same syntax back', () => {
    const parsed = parseSideConditions(['titel=A\\,B\\;C\\=D']);
    expect(parsed).toMatchObject({ ok: true, spec: { attributes: [{ name: 'titel', anyOf: ['A,B;C=D'] }] } });
    if (!parsed.ok) throw new Error('parse failed');
    expect(describeSide(parsed.spec)).toBe('titel=A\\,B\\;C\\=D');
    expect(parseSideConditions([describeSide(parsed.spec)])).toEqual(parsed);
  });

  it('rejects what it cannot read', () => {
    expect(parseSideConditions(['kind=bogus'])).toMatchObject({ ok: false, message: expect.stringContaining('kind must be one of') });
    expect(parseSideConditions(['region'])).toMatchObject({ ok: false });
    expect(parseSideConditions(['region='])).toMatchObject({ ok: false });
    expect(parseSideConditions(['set=a,b'])).toMatchObject({ ok: false });
    expect(parseSideConditions(['__proto__=x'])).toMatchObject({ ok: false });
    expect(parseSideConditions([''])).toMatchObject({ ok: false, message: 'a side needs at least one condition' });
  });
});
