import { beforeAll, describe, expect, it } from 'vitest';
import { testStore } from '../helpers.js';
import { createDemoProject } from '../../../server/demo.js';
import { compareSets, pairedByCase } from '../../../server/domain/comparison.js';
import { makeDeps } from '../../../server/domain/deps.js';
import type { Code } from '../../../server/schemas/code.js';
import type { ComparisonResult, ComparisonRow, Section } from '../../../server/schemas/comparison.js';

/**
 * The result the product must reproduce (DOMAIN.md): on the demo project, with the default sets
 * (A = observation protocols, B = interviews + documentation records) and default thresholds.
 */
let result: ComparisonResult;
let codes: Code[];

beforeAll(async () => {
  const deps = makeDeps(await testStore());
  const demo = await createDemoProject(deps);
  codes = await deps.store.listCodes(demo.project.id);
  result = await compareSets(deps, demo.project.id);
});

function byKey(key: string): ComparisonRow {
  const code = codes.find((c) => c.key === key);
  if (!code) throw new Error(`no code with key ${key}`);
  const row = result.rows.find((r) => r.kind !== 'crosswalk' && r.codes[0]?.id === code.id);
  if (!row) throw new Error(`no row for ${key}`);
  return row;
}

function crosswalkRow(label: string): ComparisonRow {
  const row = result.rows.find((r) => r.kind === 'crosswalk' && r.label === label);
  if (!row) throw new Error(`no crosswalk row ${label}`);
  return row;
}

describe('the demo project reproduces the research result', () => {
  it('the crosswalk of relevanzmarkierungen.json landed in the project and builds four rows', () => {
    expect(result.rows.filter((r) => r.kind === 'crosswalk').map((r) => r.label)).toEqual([
      'Thematische Zusammenfassung und Beratungsergebnis',
      'Ziele für den weiteren Hilfeverlauf',
      'Schwerpunktsetzung der Fachkraft',
      'Formalitäten mit Jugendamt/Landkreis',
    ]);
  });

  it('atmosphere markings (greeting, drinks, asking how the client is) are only in A: invisible in documentation', () => {
    for (const key of ['herzlich-begruessen', 'getraenke-anbieten', 'nach-befinden-fragen', 'umarmung-handschlag']) {
      const row = byKey(key);
      expect(row.section, key).toBe('only-a');
      expect(row.b.segments, key).toBe(0);
      expect(row.evidence.every((q) => q.side === 'a'), key).toBe(true);
    }
    expect(byKey('atmosphaere')).toMatchObject({ kind: 'parent', section: 'only-a' });
    // So are the goodbye, switching roles, the structuring of the conversation and verbal and non-verbal openness.
    for (const key of [
      'abschluss',
      'verabschiedung-einleiten',
      'herzlich-verabschieden',
      'zur-tuer-begleiten',
      'rollenwechsel',
      'strukturierung',
      'anliegen-klaeren',
      'gespraech-lenken',
      'verbale-offenheit',
      'nonverbale-offenheit',
    ]) {
      expect(byKey(key).section, key).toBe('only-a');
      expect(byKey(key).b.segments, key).toBe(0);
    }
  });

  it('reflections on the software are only in B: new in documentation', () => {
    expect(byKey('reflexion-software')).toMatchObject({ kind: 'parent', section: 'only-b' });
    for (const key of ['umgang-software', 'anforderungen-software', 'nicht-erfassbares-benennen', 'zeitaufwand-reflektieren']) {
      expect(byKey(key).section, key).toBe('only-b');
      expect(byKey(key).a.segments, key).toBe(0);
      expect(byKey(key).evidence.every((q) => q.side === 'b'), key).toBe(true);
    }
  });

  it('chances of digital documentation, data protection and legal rules, and reflecting on one\'s own work are only in B', () => {
    for (const key of ['dok-digital', 'reflexion-recht', 'reflexion-arbeit']) expect(byKey(key), key).toMatchObject({ kind: 'parent', section: 'only-b' });
    for (const key of [
      'papierloses-buero',
      'gute-datenpflege',
      'datenschutz-achten',
      'gesetzliche-vorgaben',
      'paedagogische-arbeit-reflektieren',
      'voraussetzungen-guten-arbeitens',
      'professionalitaet-reflektieren',
    ]) {
      const row = byKey(key);
      expect(row.section, key).toBe('only-b');
      // Carried by at least three documents, so not "too rare to say" with the default threshold.
      expect(row.b.documents, key).toBeGreaterThanOrEqual(result.thresholds.minDocuments);
      expect(row.a.segments, key).toBe(0);
    }
  });

  it('summaries and goals are visible in both, through the crosswalk rows', () => {
    const summary = crosswalkRow('Thematische Zusammenfassung und Beratungsergebnis');
    expect(summary.section).toBe('both');
    expect(summary.a.documents).toBeGreaterThan(0);
    expect(summary.b.documents).toBeGreaterThan(0);
    expect(summary.codes.filter((c) => c.side === 'b').map((c) => c.name)).toEqual(['Informationen zusammenfassen', 'Verlauf und Ergebnis der Beratung festhalten']);
    expect(crosswalkRow('Ziele für den weiteren Hilfeverlauf').section).toBe('both');
    expect(crosswalkRow('Schwerpunktsetzung der Fachkraft').section).toBe('both');
    expect(crosswalkRow('Formalitäten mit Jugendamt/Landkreis').section).toBe('both');
    // Each crosswalk row has quotes from both sides.
    for (const r of result.rows.filter((x) => x.kind === 'crosswalk')) expect(new Set(r.evidence.map((q) => q.side))).toEqual(new Set(['a', 'b']));
  });

  it('crosswalked codes have no rows of their own', () => {
    for (const key of ['thematisch-zusammenfassen', 'ziele-formulieren', 'ziele-festhalten', 'informationen-zusammenfassen']) {
      const code = codes.find((c) => c.key === key)!;
      expect(result.rows.some((r) => r.id === `code:${code.id}`), key).toBe(false);
    }
  });

  it('pairs the consultations with their records by case', () => {
    const cases = ['F-2023-004', 'F-2023-009', 'F-2023-017', 'F-2023-021', 'F-2023-041', 'F-2023-044'];
    // Every observation protocol with a documentation record of the same case is coded on both sides:
    // beo-07 ↔ dok-07, beo-02 ↔ dok-02, beo-01 ↔ dok-01, beo-04 ↔ dok-04, beo-06 ↔ dok-06, beo-09 ↔ dok-09.
    for (const r of result.rows) expect(r.paired.cases, r.label).toBe(6);
    // Summaries and goals reappear in the record of every pair; the drinks in none.
    expect(crosswalkRow('Thematische Zusammenfassung und Beratungsergebnis').paired).toMatchObject({ both: 6, onlyA: 0, onlyB: 0 });
    expect(crosswalkRow('Ziele für den weiteren Hilfeverlauf').paired).toMatchObject({ both: 6, onlyA: 0, onlyB: 0 });
    expect(byKey('getraenke-anbieten').paired).toMatchObject({ both: 0, onlyA: 6, onlyACases: cases });
    expect(byKey('zur-tuer-begleiten').paired).toMatchObject({ onlyA: 6, onlyACases: cases });
    expect(pairedByCase(result).map((p) => p.case)).toEqual(cases);
    for (const p of pairedByCase(result)) expect(p.onlyA, p.case).toContain('Getränke anbieten');
  });

  it('the demo codings cover every document, by two coders', () => {
    expect(result.a).toMatchObject({ documents: 10, baseDocuments: 10 });
    expect(result.b).toMatchObject({ documents: 17, baseDocuments: 17 });
    for (const side of [result.a, result.b]) expect(side.coders.map((c) => c.name).sort()).toEqual(['Jonas Petersen', 'Mara Lindqvist']);
  });

  it('every section is populated and counts add up', () => {
    const sections = new Set<Section>(result.rows.map((r) => r.section));
    expect(sections).toEqual(new Set(['both', 'only-a', 'only-b', 'rare']));
    // What stays too rare to say are codes outside the research result, seen in one or two documents.
    for (const key of ['formalitaeten-andere-srb', 'schneller-zugriff']) expect(byKey(key).section, key).toBe('rare');
    for (const r of result.rows) {
      expect(r.a.documents).toBeLessThanOrEqual(result.a.baseDocuments);
      expect(r.b.documents).toBeLessThanOrEqual(result.b.baseDocuments);
      expect(r.a.segments).toBeGreaterThanOrEqual(r.a.documents);
    }
  });
});
