import { beforeAll, describe, expect, it } from 'vitest';
import { createDemoProject } from '../../../server/demo.js';
import { compareSets } from '../../../server/domain/comparison.js';
import { makeDeps } from '../../../server/domain/deps.js';
import type { Code } from '../../../server/schemas/code.js';
import type { ComparisonResult, ComparisonRow, Section } from '../../../server/schemas/comparison.js';
import { MemoryStore } from '../../../server/storage/memory-store.js';

/**
 * The result the product must reproduce (DOMAIN.md): on the demo project, with the default sets
 * (A = observation protocols, B = interviews + documentation records) and default thresholds.
 */
let result: ComparisonResult;
let codes: Code[];

beforeAll(async () => {
  const deps = makeDeps(new MemoryStore());
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
    // So are the goodbye and the structuring of the conversation.
    for (const key of ['abschluss', 'herzlich-verabschieden', 'zur-tuer-begleiten', 'rollenwechsel', 'strukturierung']) expect(byKey(key).section, key).toBe('only-a');
  });

  it('reflections on the software are only in B: new in documentation', () => {
    expect(byKey('reflexion-software')).toMatchObject({ kind: 'parent', section: 'only-b' });
    for (const key of ['umgang-software', 'anforderungen-software']) {
      expect(byKey(key).section, key).toBe('only-b');
      expect(byKey(key).a.segments, key).toBe(0);
    }
    // The other software reflections and digital-documentation codes are in fewer than three documents.
    for (const key of ['nicht-erfassbares-benennen', 'zeitaufwand-reflektieren', 'papierloses-buero', 'gute-datenpflege']) expect(byKey(key).section, key).toBe('rare');
    for (const key of ['datenschutz-achten', 'reflexion-recht', 'reflexion-arbeit', 'professionalitaet-reflektieren']) expect(byKey(key).section, key).toBe('only-b');
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
    const summary = crosswalkRow('Thematische Zusammenfassung und Beratungsergebnis');
    // Coded pairs in the demo: F-2023-017 (beo-01 ↔ dok-01) and F-2023-021 (beo-04 ↔ dok-04).
    expect(summary.paired.cases).toBe(2);
    expect(byKey('getraenke-anbieten').paired).toMatchObject({ onlyA: 2, onlyACases: ['F-2023-017', 'F-2023-021'] });
  });

  it('every section is populated and counts add up', () => {
    const sections = new Set<Section>(result.rows.map((r) => r.section));
    expect(sections).toEqual(new Set(['both', 'only-a', 'only-b', 'rare']));
    for (const r of result.rows) {
      expect(r.a.documents).toBeLessThanOrEqual(result.a.baseDocuments);
      expect(r.b.documents).toBeLessThanOrEqual(result.b.baseDocuments);
      expect(r.a.segments).toBeGreaterThanOrEqual(r.a.documents);
    }
  });
});
