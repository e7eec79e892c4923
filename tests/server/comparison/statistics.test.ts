import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  bic,
  chiSquareP,
  conditionalMleOddsRatio,
  degreesOfFreedom,
  expectedFrequencies,
  fisherExact2x2,
  fisherExactRxC,
  gSquared,
  gSquaredFit,
  logFactorial,
  logGamma,
  logRatio,
  pearsonChiSquare,
  percentDiff,
  raysonGarsideLL,
  relativeRisk,
  sampleOddsRatio,
  type Table,
} from '../../../server/domain/statistics.js';

const VECTORS = fileURLToPath(new URL('../../fixtures/vectors/corpus_frequency_comparison.json', import.meta.url));
const raw = readFileSync(VECTORS, 'utf8');

interface Case {
  id: string;
  a?: number;
  b?: number;
  c?: number;
  d?: number;
  table?: number[][];
  observed?: number[];
  expected: Record<string, number | string | number[][]>;
}
const file = JSON.parse(raw) as { cases: Case[] };

/**
 * The number literal of `key` as written in the case's part of the file, so a value is compared to
 * exactly the precision the file states: ±half a unit in the last written decimal ("0.2429" → ±5e-5,
 * "5.110347008e-05" → ±5e-15). A literal ending in ".0" states an exact value (±1e-9 relative). Some
 * literals are SciPy's full 17-digit doubles, beyond what two independent double computations
 * agree on; for those the tolerance does not go below 1e-14 relative (about 50 units in the last place).
 */
function tolerance(caseId: string, key: string): number {
  const start = raw.indexOf(`"id": "${caseId}"`);
  const next = raw.indexOf('"id": "', start + 1);
  const part = raw.slice(start, next < 0 ? undefined : next);
  const m = new RegExp(`"${key}": (-?[0-9.]+(?:[eE][-+]?[0-9]+)?)`).exec(part);
  if (!m) throw new Error(`no literal for ${caseId}.${key}`);
  const literal = m[1] as string;
  const [mantissa = '', exponent = '0'] = literal.toLowerCase().split('e');
  const decimals = (mantissa.split('.')[1] ?? '').length - Number(exponent);
  if (/\.0$/.test(mantissa)) return 1e-9 * Math.max(1, Math.abs(Number(literal)));
  return Math.max(0.5 * 10 ** -decimals, 1e-14 * Math.abs(Number(literal)));
}

function close(caseId: string, key: string, actual: number | null, expected: number): void {
  expect(actual, `${caseId}.${key}`).not.toBeNull();
  const tol = tolerance(caseId, key);
  expect(Math.abs((actual as number) - expected), `${caseId}.${key}: ${actual} vs ${expected} (±${tol})`).toBeLessThanOrEqual(tol * (1 + 1e-9));
}

/**
 * What each expected key means, computed from the case. R's conditional MLE of the odds ratio is
 * checked separately (below): R finds it with uniroot at a tolerance of about 1e-4, so its printed
 * digits are more than R computed.
 */
function compute(c: Case, key: string): number | string | number[][] | null | undefined {
  const table: Table | undefined = c.table ?? (c.a !== undefined ? [[c.a, (c.c as number) - c.a], [c.b as number, (c.d as number) - (c.b as number)]] : undefined);
  const freq = c.a !== undefined ? ([c.a, c.b, c.c, c.d] as [number, number, number, number]) : undefined;
  const rg = freq ? raysonGarsideLL(...freq) : undefined;
  switch (key) {
    case 'E1':
      return rg?.e1;
    case 'E2':
      return rg?.e2;
    case 'LL_rayson_garside':
      return rg?.ll;
    case 'LL_p_value_chi2_1df':
    case 'LL_p':
      return rg ? chiSquareP(rg.ll, 1) : undefined;
    case 'sign':
      return rg?.sign;
    case 'G2_full_2x2':
    case 'G2':
      return table ? gSquared(table) : undefined;
    case 'G2_p':
      return table ? chiSquareP(gSquared(table), degreesOfFreedom(table)) : undefined;
    case 'pearson_chi2':
    case 'chi2':
      return table ? pearsonChiSquare(table) : undefined;
    case 'pearson_p':
    case 'p':
      if (c.observed) return chiSquareP(gSquaredFit(c.observed), c.observed.length - 1);
      return table ? chiSquareP(pearsonChiSquare(table), degreesOfFreedom(table)) : undefined;
    case 'yates_chi2':
      return table ? pearsonChiSquare(table, { yates: true }) : undefined;
    case 'yates_p':
      return table ? chiSquareP(pearsonChiSquare(table, { yates: true }), 1) : undefined;
    case 'fisher_two_sided_p':
    case 'two_sided_p':
    case 'two_sided_p_R':
      return table ? fisherExactRxC(table) : undefined;
    case 'fisher_greater_p':
    case 'greater_p':
    case 'greater_p_exact':
      return table ? fisherExact2x2(table).greater : undefined;
    case 'less_p':
      return table ? fisherExact2x2(table).less : undefined;
    case 'log_ratio':
      return freq ? logRatio(...freq) : undefined;
    case 'percent_diff':
      return freq ? percentDiff(...freq) : undefined;
    case 'relative_risk':
      return freq ? relativeRisk(...freq) : undefined;
    case 'sample_odds_ratio':
      return table ? sampleOddsRatio(table) : undefined;
    case 'dof':
      return table ? degreesOfFreedom(table) : undefined;
    case 'expected_freq':
      return table ? expectedFrequencies(table) : undefined;
    case 'G2_log_likelihood':
      return c.observed ? gSquaredFit(c.observed) : undefined;
    default:
      return undefined;
  }
}

describe('statistics against the published vectors (tests/fixtures/vectors/corpus_frequency_comparison.json)', () => {
  it('the file has the cases this test knows', () => {
    expect(file.cases.length).toBeGreaterThanOrEqual(9);
  });

  for (const c of file.cases) {
    it(`reproduces every value of ${c.id}`, () => {
      let checked = 0;
      for (const [key, expected] of Object.entries(c.expected)) {
        if (key === 'R_conditional_MLE_odds_ratio') continue;
        const actual = compute(c, key);
        expect(actual, `${c.id}.${key} is computed`).not.toBeUndefined();
        if (typeof expected === 'string') expect(actual, `${c.id}.${key}`).toBe(expected);
        else if (Array.isArray(expected)) expect(actual, `${c.id}.${key}`).toEqual(expected);
        else close(c.id, key, actual as number | null, expected);
        checked++;
      }
      expect(checked).toBeGreaterThan(0);
    });
  }

  it("matches R's conditional MLE odds ratio to R's own root-finding tolerance, and solves its equation exactly", () => {
    const cases = file.cases.filter((c) => typeof c.expected['R_conditional_MLE_odds_ratio'] === 'number');
    expect(cases.length).toBe(2);
    for (const c of cases) {
      const table = c.table as number[][];
      const psi = conditionalMleOddsRatio(table);
      const r = c.expected['R_conditional_MLE_odds_ratio'] as number;
      // uniroot(tol = .Machine$double.eps^0.25) in R: agreement to about 1e-4 relative.
      expect(Math.abs(psi - r) / r, c.id).toBeLessThan(1e-4);
      // The estimate makes the noncentral hypergeometric mean equal the observed cell.
      const [[x = 0, b = 0] = [], [cc = 0, d = 0] = []] = table;
      const m = x + cc;
      const n = b + d;
      const k = x + b;
      let total = 0;
      let mean = 0;
      for (let s = Math.max(0, k - n); s <= Math.min(k, m); s++) {
        const w = Math.exp(logFactorial(m) - logFactorial(s) - logFactorial(m - s) + logFactorial(n) - logFactorial(k - s) - logFactorial(n - k + s) + s * Math.log(psi));
        total += w;
        mean += s * w;
      }
      expect(Math.abs(mean / total - x)).toBeLessThan(1e-9);
    }
  });
});

describe('statistics: edges and conventions', () => {
  it('logGamma and logFactorial agree with exact factorials', () => {
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 14);
    expect(logFactorial(10)).toBeCloseTo(Math.log(3628800), 12);
    expect(logFactorial(2000)).toBeCloseTo(logGamma(2001), 8);
  });

  it('log-likelihood: zero cells contribute nothing; the sign says which corpus uses the item more', () => {
    const only = raysonGarsideLL(5, 0, 100, 100);
    expect(only.ll).toBeCloseTo(2 * 5 * Math.log(5 / 2.5), 12);
    expect(only.sign).toBe('+');
    expect(raysonGarsideLL(0, 0, 100, 100)).toEqual({ e1: 0, e2: 0, ll: 0, sign: '=' });
    expect(raysonGarsideLL(1, 3, 10, 10).sign).toBe('-');
  });

  it('log ratio replaces a zero by 0.5 and is null when there is nothing to compare', () => {
    expect(logRatio(4, 0, 100, 100)).toBeCloseTo(Math.log2(4 / 0.5), 12);
    expect(logRatio(0, 4, 100, 100)).toBeCloseTo(-3, 12);
    expect(logRatio(0, 0, 100, 100)).toBeNull();
    expect(logRatio(3, 3, 0, 100)).toBeNull();
  });

  it('Fisher 2×2: one-sided tails and two-sided p add up; a fixed table gives 1', () => {
    const f = fisherExact2x2([
      [4, 0],
      [0, 5],
    ]);
    // P(x) = C(4, x) C(5, 4 − x) / C(9, 4): the observed x = 4 has 1/126, x = 0 has 5/126 (more likely).
    expect(f.twoSided).toBeCloseTo(1 / 126, 14);
    expect(f.greater).toBeCloseTo(1 / 126, 14);
    expect(f.less).toBeCloseTo(1, 14);
    const g = fisherExact2x2([
      [2, 2],
      [2, 3],
    ]);
    expect(g.greater + g.less).toBeGreaterThan(1);
    expect(g.twoSided).toBeLessThanOrEqual(1);
    expect(fisherExact2x2([
      [0, 0],
      [3, 4],
    ])).toEqual({ twoSided: 1, greater: 1, less: 1 });
  });

  it('Fisher r×c refuses tables too large to enumerate instead of hanging', () => {
    expect(() => fisherExactRxC([[1, 3, 10, 6], [2, 3, 10, 7], [1, 6, 14, 12], [0, 1, 9, 11]], { maxNodes: 1000 })).toThrow(RangeError);
  });

  it('BIC is LL − ln(c + d)', () => {
    expect(bic(10, 240, 410)).toBeCloseTo(10 - Math.log(650), 12);
  });
});
