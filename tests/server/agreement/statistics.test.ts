import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  bootstrapAlpha,
  brennanPredigerKappa,
  cohenKappa,
  fleissKappa,
  krippendorffAlpha,
  percentAgreement,
  percentAgreementOfTable,
  randolphKappa,
  unitDistance,
  unitizingAlpha,
  unitizingAlphaOverall,
  unitizingDisagreement,
  weightedKappa,
  type AlphaLevel,
  type ContinuumUnit,
  type Value,
} from '../../../server/domain/agreement-statistics.js';

const VECTORS = new URL('../../fixtures/vectors/', import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const load = (name: string): any => JSON.parse(readFileSync(new URL(name, VECTORS), 'utf8'));

/** "a/b" → a/b. */
const fraction = (s: string): number => {
  const [a, b] = s.split('/').map(Number);
  return (a as number) / (b as number);
};

interface KrippCase {
  id: string;
  level: AlphaLevel;
  reliability_data: (Value | null)[][];
  coincidences?: Record<string, number>;
  coincidence_matrix_values_1_to_5?: (number | string)[][];
  marginals?: Record<string, number>;
  expected: { alpha: number; alpha_exact?: string; alpha_float: number; D_o?: number; D_e?: number; percent_agreement?: number };
}

describe('Krippendorff 2011 (every case of krippendorff_2011_computing_alpha.json)', () => {
  const file = load('krippendorff_2011_computing_alpha.json') as { cases: KrippCase[] };
  it('holds six cases', () => expect(file.cases).toHaveLength(6));
  for (const c of file.cases) {
    it(`${c.id}: alpha ${c.expected.alpha} (${c.level})`, () => {
      const r = krippendorffAlpha(c.reliability_data, c.level);
      expect(r.alpha).not.toBeNull();
      expect(Number((r.alpha as number).toFixed(3))).toBe(c.expected.alpha);
      expect(r.alpha).toBeCloseTo(c.expected.alpha_float, 12);
      if (c.expected.alpha_exact) expect(r.alpha).toBeCloseTo(fraction(c.expected.alpha_exact), 12);
      if (c.expected.D_o !== undefined) expect(r.observed).toBeCloseTo(c.expected.D_o, 12);
      if (c.expected.D_e !== undefined) expect(r.expected).toBeCloseTo(c.expected.D_e, 12);
      if (c.expected.percent_agreement !== undefined) expect(percentAgreement(c.reliability_data)).toBeCloseTo(c.expected.percent_agreement, 12);
      if (c.marginals) {
        const { n, ...rest } = c.marginals;
        expect(r.n).toBe(n);
        for (const [value, count] of Object.entries(rest)) {
          const i = r.values.findIndex((v) => String(v) === value);
          expect(r.coincidences[i]!.reduce((s, x) => s + x, 0)).toBeCloseTo(count, 12);
        }
      }
      if (c.coincidences) {
        const at = (a: number, b: number): number => r.coincidences[r.values.indexOf(a)]![r.values.indexOf(b)]!;
        expect(at(0, 0)).toBe(c.coincidences['o_00']);
        expect(at(0, 1)).toBe(c.coincidences['o_01']);
        expect(at(1, 0)).toBe(c.coincidences['o_10']);
        expect(at(1, 1)).toBe(c.coincidences['o_11']);
        expect(r.n).toBe(c.coincidences['n']);
      }
      if (c.coincidence_matrix_values_1_to_5) {
        c.coincidence_matrix_values_1_to_5.forEach((row, a) =>
          row.forEach((cell, b) => {
            const value = typeof cell === 'string' ? fraction(cell) : cell;
            expect(r.coincidences[r.values.indexOf(a + 1)]![r.values.indexOf(b + 1)]).toBeCloseTo(value, 12);
          }),
        );
      }
    });
  }

  it('alpha is null without variation, and 1 for perfect agreement with variation', () => {
    expect(krippendorffAlpha([[1, 1, 1], [1, 1, 1]]).alpha).toBeNull();
    expect(krippendorffAlpha([['a', 'b', 'a'], ['a', 'b', 'a']]).alpha).toBe(1);
    expect(krippendorffAlpha([[1, null], [null, 2]]).alpha).toBeNull();
    expect(krippendorffAlpha([]).alpha).toBeNull();
  });

  it('ordinal, interval and ratio refuse non-numeric values', () => {
    expect(() => krippendorffAlpha([['a', 'b'], ['a', 'b']], 'interval')).toThrow(RangeError);
  });
});

interface TableCase {
  id: string;
  table?: number[][];
  table_A_rows_B_cols_yes_no?: number[][];
  counts_subject_by_category?: number[][];
  expected: Record<string, unknown>;
}

describe('Cohen and Fleiss (every case of cohen_fleiss_kappa_textbook.json)', () => {
  const file = load('cohen_fleiss_kappa_textbook.json') as { cases: TableCase[] };
  const byId = new Map(file.cases.map((c) => [c.id, c]));
  it('holds nine cases, each tested below', () => expect(file.cases.map((c) => c.id)).toEqual([
    'wikipedia_cohen_grant_readers',
    'wikipedia_cohen_same_po_different_marginals_1',
    'wikipedia_cohen_same_po_different_marginals_2',
    'sklearn_artstein_poesio_table1',
    'sklearn_artstein_poesio_table4_multiclass',
    'sklearn_weighted',
    'statsmodels_SAS_table10',
    'wikipedia_fleiss_10subjects_14raters',
    'fleiss1971_diagnoses',
  ]));

  for (const id of ['wikipedia_cohen_grant_readers', 'wikipedia_cohen_same_po_different_marginals_1', 'wikipedia_cohen_same_po_different_marginals_2']) {
    it(`${id}: p_o, p_e, kappa`, () => {
      const c = byId.get(id)!;
      const e = c.expected as { p_o: number; p_e: number; kappa: number; kappa_exact?: string };
      const r = cohenKappa(c.table ?? c.table_A_rows_B_cols_yes_no!);
      expect(r.po).toBeCloseTo(e.p_o, 12);
      expect(r.pe).toBeCloseTo(e.p_e, 12);
      expect(r.kappa).toBeCloseTo(e.kappa, 4);
      expect(Number(r.kappa!.toFixed(4))).toBe(e.kappa);
      if (e.kappa_exact) expect(r.kappa).toBeCloseTo(fraction(e.kappa_exact), 12);
      expect(percentAgreementOfTable(c.table ?? c.table_A_rows_B_cols_yes_no!)).toBeCloseTo(e.p_o, 12);
    });
  }

  it('sklearn_artstein_poesio_table1: 8/23, symmetric, labels, self-agreement', () => {
    const c = byId.get('sklearn_artstein_poesio_table1')!;
    const e = c.expected as { kappa_round3: number; kappa_exact: string };
    const r = cohenKappa(c.table!);
    expect(Number(r.kappa!.toFixed(3))).toBe(e.kappa_round3);
    expect(r.kappa).toBeCloseTo(fraction(e.kappa_exact), 12);
    // kappa(y1, y2) == kappa(y2, y1): the transposed table.
    const t = c.table!;
    expect(cohenKappa([[t[0]![0]!, t[1]![0]!], [t[0]![1]!, t[1]![1]!]]).kappa).toBeCloseTo(r.kappa!, 12);
    // kappa(y1, y1) == 1
    expect(cohenKappa([[40, 0], [0, 60]]).kappa).toBe(1);
    // Appending 4 units labelled 2 to both and restricting to labels [0, 1] leaves the table as it is.
    expect(cohenKappa([[20, 20], [10, 50]]).kappa).toBeCloseTo(r.kappa!, 12);
  });

  it('sklearn_artstein_poesio_table4_multiclass: 121/151', () => {
    const c = byId.get('sklearn_artstein_poesio_table4_multiclass')!;
    const e = c.expected as { kappa_round4: number; kappa_exact: string };
    const r = cohenKappa(c.table!);
    expect(Number(r.kappa!.toFixed(4))).toBe(e.kappa_round4);
    expect(r.kappa).toBeCloseTo(fraction(e.kappa_exact), 12);
  });

  it('sklearn_weighted: unweighted, linear and quadratic', () => {
    const c = byId.get('sklearn_weighted')!;
    const e = c.expected as { unweighted: number; linear: number; quadratic: number; exact: Record<string, string> };
    expect(cohenKappa(c.table!).kappa).toBeCloseTo(fraction(e.exact['unweighted']!), 12);
    expect(weightedKappa(c.table!, 'linear').kappa).toBeCloseTo(fraction(e.exact['linear']!), 12);
    expect(weightedKappa(c.table!, 'quadratic').kappa).toBeCloseTo(fraction(e.exact['quadratic']!), 12);
    expect(Number(weightedKappa(c.table!, 'linear').kappa!.toFixed(4))).toBe(e.linear);
    expect(Number(weightedKappa(c.table!, 'quadratic').kappa!.toFixed(4))).toBe(e.quadratic);
    expect(Number(cohenKappa(c.table!).kappa!.toFixed(4))).toBe(e.unweighted);
  });

  it('statsmodels_SAS_table10: kappa, ASE, CI, z and p-values, weighted kappa with its ASE and CI', () => {
    const c = byId.get('statsmodels_SAS_table10')!;
    const e = c.expected as {
      kappa: number;
      ASE: number;
      ci95: [number, number];
      ASE_H0: number;
      z: number;
      p_one_sided: number;
      p_two_sided: number;
      weighted_kappa_linear_weights_0_1_2: number;
      weighted_ASE: number;
      weighted_ci95: [number, number];
    };
    const r = cohenKappa(c.table!);
    const r4 = (x: number | null | undefined): number => Number((x as number).toFixed(4));
    expect(r4(r.kappa)).toBe(e.kappa);
    expect(Number(r.ase!.toFixed(3))).toBe(e.ASE);
    expect(r4(r.ci95![0])).toBe(e.ci95[0]);
    expect(r4(r.ci95![1])).toBe(e.ci95[1]);
    expect(r4(r.aseH0)).toBe(e.ASE_H0);
    expect(r4(r.z)).toBe(e.z);
    expect(r4(r.pOneSided)).toBe(e.p_one_sided);
    expect(r4(r.pTwoSided)).toBe(e.p_two_sided);
    const w = weightedKappa(c.table!, 'linear', [0, 1, 2]);
    expect(r4(w.kappa)).toBe(e.weighted_kappa_linear_weights_0_1_2);
    expect(r4(w.ase)).toBe(e.weighted_ASE);
    expect(r4(w.ci95![0])).toBe(e.weighted_ci95[0]);
    expect(r4(w.ci95![1])).toBe(e.weighted_ci95[1]);
  });

  it('wikipedia_fleiss_10subjects_14raters: p_j, P_i, P̄, P̄_e, kappa and Randolph/Brennan–Prediger', () => {
    const c = byId.get('wikipedia_fleiss_10subjects_14raters')!;
    const e = c.expected as {
      p_j: number[];
      P_i: number[];
      P_bar: number;
      P_e_bar: number;
      kappa: number;
      exact: { P_bar: number; P_e_bar: number; kappa: number };
      randolph_free_marginal_brennan_prediger_q5: number;
    };
    const r = fleissKappa(c.counts_subject_by_category!)!;
    r.pj.forEach((x, i) => expect(Number(x.toFixed(3))).toBe(e.p_j[i]));
    r.pi.forEach((x, i) => expect(Number(x.toFixed(3))).toBe(e.P_i[i]));
    expect(Number(r.pBar.toFixed(3))).toBe(e.P_bar);
    expect(Number(r.pe.toFixed(3))).toBe(e.P_e_bar);
    expect(Number(r.kappa!.toFixed(2))).toBe(e.kappa);
    expect(r.pBar).toBeCloseTo(e.exact.P_bar, 14);
    expect(r.pe).toBeCloseTo(e.exact.P_e_bar, 14);
    expect(r.kappa).toBeCloseTo(e.exact.kappa, 14);
    expect(randolphKappa(c.counts_subject_by_category!)).toBeCloseTo(e.randolph_free_marginal_brennan_prediger_q5, 14);
  });

  it('fleiss1971_diagnoses: kappa, Brennan–Prediger (Randolph) and nominal alpha on the same data', () => {
    // The vector names R irr's `diagnoses` (Fleiss 1971: 30 patients, 6 psychiatrists, 5 diagnoses).
    // The rater-by-rater table is transcribed from statsmodels' test_inter_rater.py (the same data
    // as R irr::diagnoses, category codes 1–5); its column totals are 26, 26, 30, 55, 43.
    const diagnoses = [
      [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5], [2, 2, 2, 4, 4, 4],
      [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4], [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5],
      [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4], [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5],
      [3, 3, 3, 3, 3, 5], [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
      [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4], [1, 4, 4, 4, 4, 5],
      [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4], [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
    ];
    const counts = diagnoses.map((row) => [1, 2, 3, 4, 5].map((v) => row.filter((x) => x === v).length));
    expect([0, 1, 2, 3, 4].map((j) => counts.reduce((s, row) => s + row[j]!, 0))).toEqual([26, 26, 30, 55, 43]);
    const e = byId.get('fleiss1971_diagnoses')!.expected as { kappa: number; brennan_prediger_randolph_q5: number; krippendorff_alpha_nominal_same_data: number };
    expect(fleissKappa(counts)!.kappa).toBeCloseTo(e.kappa, 10);
    expect(randolphKappa(counts)).toBeCloseTo(e.brennan_prediger_randolph_q5, 14);
    // coders × units for alpha: transpose.
    const byCoder = [0, 1, 2, 3, 4, 5].map((i) => diagnoses.map((row) => row[i]!));
    expect(krippendorffAlpha(byCoder, 'nominal').alpha).toBeCloseTo(e.krippendorff_alpha_nominal_same_data, 14);
  });

  it('edge cases: empty tables, one category used by both, unequal rating counts', () => {
    expect(cohenKappa([]).kappa).toBeNull();
    expect(cohenKappa([[5, 0], [0, 0]]).kappa).toBeNull(); // p_e = 1
    expect(fleissKappa([])).toBeNull();
    expect(fleissKappa([[2, 0], [1, 0]])).toBeNull();
    expect(fleissKappa([[2, 0], [2, 0]])!.kappa).toBeNull();
    expect(percentAgreementOfTable([[0]])).toBeNull();
  });
});

describe('Brennan & Prediger (every case of brennan_prediger_maxqda_segment_agreement.json)', () => {
  const file = load('brennan_prediger_maxqda_segment_agreement.json') as { cases: { id: string; q?: number; p_o?: number; expected?: { kappa_n: number } }[] };
  for (const c of file.cases.filter((x) => x.q !== undefined)) {
    it(`${c.id}: kappa_n = ${c.expected!.kappa_n}`, () => {
      expect(brennanPredigerKappa(c.p_o!, c.q!)).toBeCloseTo(c.expected!.kappa_n, 12);
    });
  }
  it('the segment-overlap case is tested with the segment matcher (agreement.test.ts)', () => {
    expect(file.cases.some((c) => c.id === 'synthetic_maxqda_segment_overlap_90')).toBe(true);
  });
  it('is undefined with fewer than two categories', () => {
    expect(brennanPredigerKappa(1, 1)).toBeNull();
    expect(brennanPredigerKappa(1, 0)).toBeNull();
  });
});

describe('bootstrap interval for alpha', () => {
  const data = load('krippendorff_2011_computing_alpha.json').cases[2].reliability_data as (Value | null)[][];
  it('is deterministic for a seed and brackets the estimate', () => {
    const a = bootstrapAlpha(data, 'nominal', { samples: 500, seed: 7 })!;
    const b = bootstrapAlpha(data, 'nominal', { samples: 500, seed: 7 })!;
    expect(a).toEqual(b);
    expect(a.lower).toBeLessThanOrEqual(0.7434);
    expect(a.upper).toBeGreaterThanOrEqual(0.7434);
    expect(a.upper).toBeLessThanOrEqual(1);
    const c = bootstrapAlpha(data, 'nominal', { samples: 500, seed: 8 })!;
    expect(c).not.toEqual(a);
  });
  it('is null with fewer than two pairable units', () => {
    expect(bootstrapAlpha([[1, null], [1, 2]])).toBeNull();
  });
});

describe('unitizing alpha (Krippendorff 2004, p. 254 example, as in DKPro Statistics)', () => {
  // Continuum [150, 450); coder 0 and coder 1; categories c and k.
  const units: ContinuumUnit[] = [
    { coder: 0, start: 225, end: 295, category: 'c' },
    { coder: 0, start: 370, end: 400, category: 'c' },
    { coder: 1, start: 220, end: 300, category: 'c' },
    { coder: 1, start: 355, end: 375, category: 'c' },
    { coder: 1, start: 400, end: 420, category: 'c' },
    { coder: 0, start: 180, end: 240, category: 'k' },
    { coder: 0, start: 300, end: 350, category: 'k' },
    { coder: 1, start: 180, end: 240, category: 'k' },
    { coder: 1, start: 300, end: 350, category: 'k' },
  ];
  it('reproduces D_o, D_e and alpha per category and overall', () => {
    const c = unitizingAlpha(units, 2, 150, 300, 'c');
    expect(c.observed).toBeCloseTo(0.0144, 4);
    expect(c.expected).toBeCloseTo(0.0532, 4);
    expect(c.alpha).toBeCloseTo(0.7286, 4);
    const k = unitizingAlpha(units, 2, 150, 300, 'k');
    expect(k.observed).toBe(0);
    expect(k.expected).toBeCloseTo(0.049, 4);
    expect(k.alpha).toBe(1);
    expect(Math.abs(unitizingAlphaOverall(units, 2, 150, 300, ['c', 'k']).alpha! - 0.8591)).toBeLessThan(0.0005);
  });
  it('δ² of sections (the book\'s and DKPro\'s distance examples)', () => {
    expect(unitDistance({ start: 225, length: 70, unit: true }, { start: 220, length: 80, unit: true })).toBe(50);
    expect(unitDistance({ start: 370, length: 30, unit: true }, { start: 355, length: 20, unit: true })).toBe(850);
    expect(unitDistance({ start: 400, length: 50, unit: false }, { start: 400, length: 20, unit: true })).toBe(400);
    expect(unitDistance({ start: 5, length: 6, unit: true }, { start: 7, length: 2, unit: true })).toBe(8);
    expect(unitDistance({ start: 0, length: 1, unit: false }, { start: 0, length: 2, unit: false })).toBe(0);
  });
  it('no units: D_e = 0 and alpha null; a single unit: alpha ≤ 0', () => {
    expect(unitizingAlpha([], 3, 0, 20, 'X').alpha).toBeNull();
    const one = unitizingAlpha([{ coder: 0, start: 0, end: 1, category: 'X' }], 3, 0, 20, 'X');
    expect(one.alpha).not.toBeNull();
    expect(one.alpha!).toBeLessThanOrEqual(0);
    expect(unitizingDisagreement([], 1, 0, 10, 'X')).toEqual({ observed: 0, expected: 0 });
  });
});
