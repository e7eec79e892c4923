/**
 * Inter-coder agreement statistics: percent agreement, Cohen's kappa (plain and weighted, with the
 * asymptotic standard errors SAS PROC FREQ prints), Fleiss' kappa, Brennan & Prediger's kappa,
 * Krippendorff's alpha (nominal, ordinal, interval, ratio; missing values allowed), Krippendorff's
 * unitizing alpha for a continuum with gaps, and a seeded bootstrap interval for alpha.
 *
 * Pure functions without dependencies; checked against tests/fixtures/vectors/ (a copy of the published vectors)
 * (krippendorff_2011_computing_alpha.json, cohen_fleiss_kappa_textbook.json,
 * brennan_prediger_maxqda_segment_agreement.json) in tests/server/agreement/statistics.test.ts.
 *
 * Conventions: a statistic that is undefined for the data (0/0, e.g. kappa when both coders used one
 * and the same category for everything, alpha without variation) is `null`, never NaN.
 */
import { gammaQ } from './statistics.js';

/** A square contingency table: rows = coder 1's category, columns = coder 2's. */
export type Table = readonly (readonly number[])[];

const sum = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0);

/** Standard normal upper tail P(Z ≥ z), via Q(½, z²/2) = erfc(|z|/√2). */
export function normalUpperTail(z: number): number {
  const tail = 0.5 * gammaQ(0.5, (z * z) / 2);
  return z >= 0 ? tail : 1 - tail;
}

/** Proportion of units on which two coders agree (the diagonal of the table). Null for an empty table. */
export function percentAgreementOfTable(table: Table): number | null {
  const n = sum(table.map(sum));
  if (n === 0) return null;
  return sum(table.map((row, i) => row[i] ?? 0)) / n;
}

/**
 * Percent agreement of several coders on units (coders × units, null = missing): the mean over
 * units with at least two values of the share of agreeing ordered pairs (Fleiss' P_i). For two coders
 * this is simply the share of units where both gave the same value.
 */
export function percentAgreement(data: readonly (readonly (Value | null)[])[]): number | null {
  const units = data[0]?.length ?? 0;
  let total = 0;
  let count = 0;
  for (let u = 0; u < units; u++) {
    const values = data.map((row) => row[u]).filter((v): v is Value => v !== null && v !== undefined);
    const m = values.length;
    if (m < 2) continue;
    const freq = new Map<Value, number>();
    for (const v of values) freq.set(v, (freq.get(v) ?? 0) + 1);
    total += ([...freq.values()].reduce((s, f) => s + f * (f - 1), 0)) / (m * (m - 1));
    count++;
  }
  return count === 0 ? null : total / count;
}

export interface CohenKappa {
  n: number;
  /** Observed agreement p_o = Σ n_ii / n. */
  po: number;
  /** Chance agreement p_e = Σ n_i. n_.i / n². */
  pe: number;
  kappa: number | null;
  /** Asymptotic standard error (Fleiss, Cohen & Everitt 1969), as SAS PROC FREQ prints "ASE". */
  ase: number | null;
  /** ASE under H0: κ = 0, for the z test. */
  aseH0: number | null;
  z: number | null;
  pOneSided: number | null;
  pTwoSided: number | null;
  /** κ ± 1.96 ASE. */
  ci95: [number, number] | null;
}

/**
 * Cohen's kappa (Cohen 1960, Educational and Psychological Measurement 20: 37–46):
 * κ = (p_o − p_e)/(1 − p_e), p_o = Σ_i n_ii/n, p_e = Σ_i n_i. n_.i / n².
 * Standard errors after Fleiss, Cohen & Everitt (1969, Psychological Bulletin 72: 323–327), the
 * formulas of SAS PROC FREQ (AGREE): var(κ) = (A + B − C)/((1 − p_e)² n) with
 * A = Σ_i p_ii [1 − (p_i. + p_.i)(1 − κ)]², B = (1 − κ)² Σ_{i≠j} p_ij (p_.i + p_j.)²,
 * C = [κ − p_e (1 − κ)]²; var₀(κ) = [p_e + p_e² − Σ_i p_i. p_.i (p_i. + p_.i)]/((1 − p_e)² n).
 */
export function cohenKappa(table: Table): CohenKappa {
  const k = table.length;
  const n = sum(table.map(sum));
  const empty: CohenKappa = { n, po: 0, pe: 0, kappa: null, ase: null, aseH0: null, z: null, pOneSided: null, pTwoSided: null, ci95: null };
  if (n === 0) return empty;
  const p = table.map((row) => row.map((v) => v / n));
  const rowP = p.map(sum);
  const colP = Array.from({ length: k }, (_, j) => sum(p.map((row) => row[j] ?? 0)));
  const po = sum(p.map((row, i) => row[i] ?? 0));
  const pe = sum(rowP.map((r, i) => r * (colP[i] ?? 0)));
  if (pe === 1) return { ...empty, po, pe };
  const kappa = (po - pe) / (1 - pe);
  let a = 0;
  let b = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const pij = p[i]?.[j] ?? 0;
      if (i === j) a += pij * (1 - ((rowP[i] ?? 0) + (colP[i] ?? 0)) * (1 - kappa)) ** 2;
      else b += pij * ((colP[i] ?? 0) + (rowP[j] ?? 0)) ** 2;
    }
  }
  b *= (1 - kappa) ** 2;
  const c = (kappa - pe * (1 - kappa)) ** 2;
  const ase = Math.sqrt(Math.max(0, a + b - c)) / ((1 - pe) * Math.sqrt(n));
  const h0 = pe + pe * pe - sum(rowP.map((r, i) => r * (colP[i] ?? 0) * (r + (colP[i] ?? 0))));
  const aseH0 = Math.sqrt(Math.max(0, h0)) / ((1 - pe) * Math.sqrt(n));
  const z = aseH0 > 0 ? kappa / aseH0 : null;
  return {
    n,
    po,
    pe,
    kappa,
    ase,
    aseH0,
    z,
    pOneSided: z === null ? null : normalUpperTail(z),
    pTwoSided: z === null ? null : Math.min(1, 2 * normalUpperTail(Math.abs(z))),
    ci95: [kappa - 1.959963984540054 * ase, kappa + 1.959963984540054 * ase],
  };
}

export interface WeightedKappa {
  kappa: number | null;
  ase: number | null;
  ci95: [number, number] | null;
}

/**
 * Weighted kappa (Cohen 1968, Psychological Bulletin 70: 213–220) with disagreement weights over
 * category scores: κ_w = 1 − Σ v_ij n_ij / (Σ v_ij n_i. n_.j / n), v_ij = |s_i − s_j| (linear) or
 * (s_i − s_j)² (quadratic); scores default to the positions 0, 1, 2, … The ASE follows
 * Fleiss, Cohen & Everitt (1969) with agreement weights w_ij = 1 − v_ij / max v (SAS PROC FREQ):
 * var = [Σ p_ij (w_ij − (w̄_i. + w̄_.j)(1 − κ_w))² − (κ_w − p_e(w)(1 − κ_w))²] / ((1 − p_e(w))² n),
 * w̄_i. = Σ_j p_.j w_ij, w̄_.j = Σ_i p_i. w_ij.
 */
export function weightedKappa(table: Table, weighting: 'linear' | 'quadratic', scores?: readonly number[]): WeightedKappa {
  const k = table.length;
  const s = scores ?? Array.from({ length: k }, (_, i) => i);
  const n = sum(table.map(sum));
  if (n === 0) return { kappa: null, ase: null, ci95: null };
  const v = (i: number, j: number): number => {
    const d = Math.abs((s[i] ?? 0) - (s[j] ?? 0));
    return weighting === 'linear' ? d : d * d;
  };
  let vmax = 0;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) vmax = Math.max(vmax, v(i, j));
  if (vmax === 0) return { kappa: null, ase: null, ci95: null };
  const w = (i: number, j: number): number => 1 - v(i, j) / vmax;
  const p = table.map((row) => row.map((x) => x / n));
  const rowP = p.map(sum);
  const colP = Array.from({ length: k }, (_, j) => sum(p.map((row) => row[j] ?? 0)));
  let po = 0;
  let pe = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      po += w(i, j) * (p[i]?.[j] ?? 0);
      pe += w(i, j) * (rowP[i] ?? 0) * (colP[j] ?? 0);
    }
  }
  if (pe === 1) return { kappa: null, ase: null, ci95: null };
  const kappa = (po - pe) / (1 - pe);
  const wRow = Array.from({ length: k }, (_, i) => sum(Array.from({ length: k }, (_, j) => (colP[j] ?? 0) * w(i, j))));
  const wCol = Array.from({ length: k }, (_, j) => sum(Array.from({ length: k }, (_, i) => (rowP[i] ?? 0) * w(i, j))));
  let acc = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) acc += (p[i]?.[j] ?? 0) * (w(i, j) - ((wRow[i] ?? 0) + (wCol[j] ?? 0)) * (1 - kappa)) ** 2;
  }
  const variance = (acc - (kappa - pe * (1 - kappa)) ** 2) / ((1 - pe) ** 2 * n);
  const ase = Math.sqrt(Math.max(0, variance));
  return { kappa, ase, ci95: [kappa - 1.959963984540054 * ase, kappa + 1.959963984540054 * ase] };
}

export interface FleissKappa {
  /** Per subject: P_i = (Σ_j n_ij² − n)/(n(n − 1)). */
  pi: number[];
  /** Per category: p_j = Σ_i n_ij/(N n). */
  pj: number[];
  pBar: number;
  pe: number;
  kappa: number | null;
}

/**
 * Fleiss' kappa (Fleiss 1971, Psychological Bulletin 76: 378–382) from a subjects × categories count
 * table with the same number n of ratings per subject: κ = (P̄ − P̄_e)/(1 − P̄_e).
 */
export function fleissKappa(counts: Table): FleissKappa | null {
  const N = counts.length;
  if (N === 0) return null;
  const n = sum(counts[0] as number[]);
  if (n < 2 || counts.some((row) => sum(row) !== n)) return null;
  const q = (counts[0] as number[]).length;
  const pi = counts.map((row) => (sum(row.map((x) => x * x)) - n) / (n * (n - 1)));
  const pj = Array.from({ length: q }, (_, j) => sum(counts.map((row) => row[j] ?? 0)) / (N * n));
  const pBar = sum(pi) / N;
  const pe = sum(pj.map((x) => x * x));
  return { pi, pj, pBar, pe, kappa: pe === 1 ? null : (pBar - pe) / (1 - pe) };
}

/**
 * Brennan & Prediger's kappa (1981, Educational and Psychological Measurement 41: 687–699; the same
 * as Bennett, Alpert & Goldstein's S, 1954, and Randolph's free-marginal kappa, 2005):
 * κ_n = (p_o − 1/q)/(1 − 1/q) for q categories. Null for q < 2.
 */
export function brennanPredigerKappa(po: number, q: number): number | null {
  if (!(q >= 2)) return null;
  return (po - 1 / q) / (1 - 1 / q);
}

/** Randolph's free-marginal multirater kappa: Brennan & Prediger with p_o = Fleiss' P̄. */
export function randolphKappa(counts: Table): number | null {
  const f = fleissKappa(counts);
  return f ? brennanPredigerKappa(f.pBar, (counts[0] as number[]).length) : null;
}

// ---------------------------------------------------------------------------------------------
// Krippendorff's alpha

export type Value = string | number | boolean;
export type AlphaLevel = 'nominal' | 'ordinal' | 'interval' | 'ratio';

export interface KrippendorffAlpha {
  alpha: number | null;
  /** Observed disagreement D_o = Σ_c Σ_k o_ck δ²_ck / n. */
  observed: number;
  /** Expected disagreement D_e = Σ_c Σ_k n_c n_k δ²_ck / (n(n − 1)). */
  expected: number;
  /** Number of pairable values n (values in units with at least two values). */
  n: number;
  /** Units with at least two values. */
  units: number;
  /** The distinct values in order, and the coincidence matrix over them. */
  values: Value[];
  coincidences: number[][];
}

/** Values in the order of the metric: numbers ascending, otherwise first appearance (nominal). */
function orderValues(values: Value[], level: AlphaLevel): Value[] {
  const distinct = [...new Set(values)];
  if (level === 'nominal') return distinct;
  if (distinct.some((v) => typeof v !== 'number')) throw new RangeError(`${level} alpha needs numeric values`);
  return (distinct as number[]).sort((a, b) => a - b);
}

/**
 * Krippendorff's alpha by the coincidence-matrix method (Krippendorff 2011, "Computing
 * Krippendorff's Alpha-Reliability", ScholarlyCommons asc_papers/43): data are coders × units with
 * null for a missing value. Each unit u with m_u ≥ 2 values adds, for every ordered pair of values
 * (c, k) from different coders, 1/(m_u − 1) to o_ck; n_c = Σ_k o_ck, n = Σ_c n_c;
 * α = 1 − D_o/D_e with D_o = Σ o_ck δ²_ck / n and D_e = Σ n_c n_k δ²_ck / (n(n − 1)).
 * Metrics δ²: nominal 0/1; ordinal (Σ_{g=c..k} n_g − (n_c + n_k)/2)²; interval (c − k)²;
 * ratio ((c − k)/(c + k))². α is null when D_e = 0 (no variation: nothing to be reliable about).
 */
export function krippendorffAlpha(data: readonly (readonly (Value | null | undefined)[])[], level: AlphaLevel = 'nominal'): KrippendorffAlpha {
  const unitCount = Math.max(0, ...data.map((row) => row.length));
  const unitValues: Value[][] = [];
  for (let u = 0; u < unitCount; u++) {
    const values = data.map((row) => row[u]).filter((v): v is Value => v !== null && v !== undefined);
    if (values.length >= 2) unitValues.push(values);
  }
  return alphaFromUnits(unitValues, level);
}

/** Alpha from the pairable values of each unit (units with fewer than two values are ignored). */
export function alphaFromUnits(unitValues: readonly (readonly Value[])[], level: AlphaLevel): KrippendorffAlpha {
  const pairable = unitValues.filter((u) => u.length >= 2);
  const values = orderValues(pairable.flat(), level);
  const index = new Map(values.map((v, i) => [v, i]));
  const q = values.length;
  const o = Array.from({ length: q }, () => new Array<number>(q).fill(0));
  for (const unit of pairable) {
    const m = unit.length;
    const counts = new Array<number>(q).fill(0);
    for (const v of unit) counts[index.get(v) as number]! += 1;
    for (let c = 0; c < q; c++) {
      const nc = counts[c] as number;
      if (nc === 0) continue;
      for (let k = 0; k < q; k++) {
        const nk = counts[k] as number;
        if (nk === 0) continue;
        // Ordered pairs of different coders: n_c n_k, or n_c (n_c − 1) on the diagonal.
        (o[c] as number[])[k]! += (c === k ? nc * (nc - 1) : nc * nk) / (m - 1);
      }
    }
  }
  const nc = o.map(sum);
  const n = sum(nc);
  const delta = metric(level, values, nc);
  let dObs = 0;
  let dExp = 0;
  for (let c = 0; c < q; c++) {
    for (let k = 0; k < q; k++) {
      const d = delta(c, k);
      if (d === 0) continue;
      dObs += ((o[c] as number[])[k] as number) * d;
      dExp += (nc[c] as number) * (nc[k] as number) * d;
    }
  }
  const observed = n > 0 ? dObs / n : 0;
  const expected = n > 1 ? dExp / (n * (n - 1)) : 0;
  return { alpha: expected > 0 ? 1 - observed / expected : null, observed, expected, n, units: pairable.length, values, coincidences: o };
}

function metric(level: AlphaLevel, values: Value[], nc: number[]): (c: number, k: number) => number {
  switch (level) {
    case 'nominal':
      return (c, k) => (c === k ? 0 : 1);
    case 'interval':
      return (c, k) => ((values[c] as number) - (values[k] as number)) ** 2;
    case 'ratio':
      return (c, k) => {
        const a = values[c] as number;
        const b = values[k] as number;
        return a + b === 0 ? 0 : ((a - b) / (a + b)) ** 2;
      };
    case 'ordinal': {
      // Cumulative marginals, so Σ_{g=c..k} n_g is a difference of prefix sums.
      const prefix = [0];
      for (const x of nc) prefix.push((prefix[prefix.length - 1] as number) + x);
      return (c, k) => {
        const lo = Math.min(c, k);
        const hi = Math.max(c, k);
        const between = (prefix[hi + 1] as number) - (prefix[lo] as number);
        return (between - ((nc[c] as number) + (nc[k] as number)) / 2) ** 2;
      };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Bootstrap

/** mulberry32: a small, fast, seeded PRNG (public domain, Tommy Ettinger) – deterministic intervals. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface BootstrapInterval {
  lower: number;
  upper: number;
  level: number;
  samples: number;
  seed: number;
  /** Share of resamples whose alpha was undefined (no variation) and so left out. */
  undefinedShare: number;
}

/**
 * Percentile bootstrap confidence interval for Krippendorff's alpha, resampling units with
 * replacement (the procedure Zapf et al. 2016, BMC Medical Research Methodology 16: 93, recommend for
 * alpha and evaluate for nominal data; Hayes & Krippendorff 2007, Communication Methods and Measures
 * 1: 77–89, bootstrap alpha as well). Seeded, so the same data and seed give the same interval.
 * Null with fewer than two pairable units.
 */
export function bootstrapAlpha(
  data: readonly (readonly (Value | null | undefined)[])[],
  level: AlphaLevel = 'nominal',
  options: { samples?: number; seed?: number; confidence?: number } = {},
): BootstrapInterval | null {
  const samples = options.samples ?? 1000;
  const seed = options.seed ?? 20_110_101;
  const confidence = options.confidence ?? 0.95;
  const unitCount = Math.max(0, ...data.map((row) => row.length));
  const units: Value[][] = [];
  for (let u = 0; u < unitCount; u++) {
    const values = data.map((row) => row[u]).filter((v): v is Value => v !== null && v !== undefined);
    if (values.length >= 2) units.push(values);
  }
  if (units.length < 2) return null;
  const random = seededRandom(seed);
  const alphas: number[] = [];
  for (let s = 0; s < samples; s++) {
    const resample = Array.from({ length: units.length }, () => units[Math.floor(random() * units.length)] as Value[]);
    const a = alphaFromUnits(resample, level).alpha;
    if (a !== null) alphas.push(a);
  }
  if (alphas.length === 0) return null;
  alphas.sort((a, b) => a - b);
  const pick = (p: number): number => alphas[Math.min(alphas.length - 1, Math.max(0, Math.floor(p * alphas.length)))] as number;
  const tail = (1 - confidence) / 2;
  return { lower: pick(tail), upper: pick(1 - tail), level: confidence, samples, seed, undefinedShare: 1 - alphas.length / samples };
}

// ---------------------------------------------------------------------------------------------
// Unitizing alpha

/** A unit one coder marked on the continuum: [start, end) with its category. */
export interface ContinuumUnit {
  coder: number;
  start: number;
  end: number;
  category: string;
}

/** A section of one coder's continuum for one category: a unit or the gap between units. */
interface Section {
  start: number;
  length: number;
  unit: boolean;
}

/** Split [begin, begin + length) into this coder's units of the category and the gaps between them. */
function sectionsOf(units: readonly ContinuumUnit[], begin: number, length: number): Section[] {
  const sorted = [...units].sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Section[] = [];
  let pos = begin;
  for (const u of sorted) {
    const start = Math.max(u.start, pos);
    const end = Math.min(u.end, begin + length);
    if (end <= start) continue; // overlapping units of one coder and one category are merged in effect
    if (start > pos) out.push({ start: pos, length: start - pos, unit: false });
    if (start === pos && out.length > 0 && out[out.length - 1]!.unit && u.start < pos) {
      // The unit overlaps the previous one: extend it (one coder cannot disagree with themself).
      out[out.length - 1]!.length += end - start;
    } else out.push({ start, length: end - start, unit: true });
    pos = end;
  }
  if (pos < begin + length) out.push({ start: pos, length: begin + length - pos, unit: false });
  return out;
}

/**
 * δ² of two sections g (coder i) and h (coder j) – Krippendorff (2004, Content Analysis, 2nd ed.,
 * §11.6, p. 253): (b_g − b_h)² + (e_g − e_h)² for two overlapping units; l_g² for a unit g that lies
 * wholly inside a gap h (and l_h² the other way round); 0 otherwise (two gaps, or a unit only partly
 * in a gap – that part is counted through the unit it overlaps).
 */
export function unitDistance(g: { start: number; length: number; unit: boolean }, h: { start: number; length: number; unit: boolean }): number {
  const beginDiff = g.start - h.start;
  const lengthDiff = g.length - h.length;
  if (g.unit && h.unit && -g.length < beginDiff && beginDiff < h.length) return beginDiff ** 2 + (beginDiff + lengthDiff) ** 2;
  if (g.unit && !h.unit && -lengthDiff >= beginDiff && beginDiff >= 0) return g.length ** 2;
  if (!g.unit && h.unit && -lengthDiff <= beginDiff && beginDiff <= 0) return h.length ** 2;
  return 0;
}

export interface UnitizingAlpha {
  alpha: number | null;
  observed: number;
  expected: number;
}

/**
 * Krippendorff's unitizing alpha uα for one category on a continuum with gaps (Krippendorff 1995,
 * "On the reliability of unitizing contiguous data", Sociological Methodology 25: 47–76; Krippendorff
 * 2004, Content Analysis, 2nd ed., pp. 251–256, example on p. 254). m coders, continuum of length L
 * starting at B; each coder's continuum is cut into sections: units (w = 1) and gaps (w = 0).
 *
 *   D_o = Σ_{i≠j} Σ_g Σ_h δ²(ig, jh) / (m(m − 1) L²)
 *   D_e = (2/L) Σ_{units g} [ (N − 1)(2l_g³ − 3l_g² + l_g)/3 + l_g² Σ_{gaps h, l_h ≥ l_g} (l_h − l_g + 1) ]
 *         / ( mL(mL − 1) − Σ_{units g} l_g(l_g − 1) )
 *   uα = 1 − D_o/D_e
 *
 * with N the number of units of the category over all coders, δ² from `unitDistance`, and the gaps
 * taken from every coder. Several categories: uα = 1 − mean D_o / mean D_e (as DKPro Statistics'
 * KrippendorffAlphaUnitizingAgreement, whose test reproduces the book's example). Null when D_e = 0
 * (no unit at all).
 */
export function unitizingAlpha(units: readonly ContinuumUnit[], coders: number, begin: number, length: number, category: string): UnitizingAlpha {
  const d = unitizingDisagreement(units, coders, begin, length, category);
  return { ...d, alpha: d.expected > 0 ? 1 - d.observed / d.expected : null };
}

/** Unitizing alpha over several categories: 1 − (Σ D_o)/(Σ D_e) (means over categories). */
export function unitizingAlphaOverall(units: readonly ContinuumUnit[], coders: number, begin: number, length: number, categories: readonly string[]): UnitizingAlpha {
  let o = 0;
  let e = 0;
  for (const c of categories) {
    const d = unitizingDisagreement(units, coders, begin, length, c);
    o += d.observed;
    e += d.expected;
  }
  const k = categories.length || 1;
  return { observed: o / k, expected: e / k, alpha: e > 0 ? 1 - o / e : null };
}

/**
 * The sums behind uα for one category, unnormalised as well, so that several documents can be
 * pooled into one continuum (documents laid end to end: the sections never cross a document border).
 */
export function unitizingDisagreement(units: readonly ContinuumUnit[], coders: number, begin: number, length: number, category: string): { observed: number; expected: number } {
  const mine = units.filter((u) => u.category === category);
  const sections = Array.from({ length: coders }, (_, i) => sectionsOf(mine.filter((u) => u.coder === i), begin, length));
  return disagreementOfSections(sections, length);
}

/** D_o and D_e from every coder's sections on a continuum of total length L. */
export function disagreementOfSections(sections: readonly (readonly { start: number; length: number; unit: boolean }[])[], length: number): { observed: number; expected: number } {
  const m = sections.length;
  if (m < 2 || length <= 0) return { observed: 0, expected: 0 };
  let obs = 0;
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) {
      const a = sections[i] as { start: number; length: number; unit: boolean }[];
      const b = sections[j] as { start: number; length: number; unit: boolean }[];
      // Only intersecting sections can have δ² > 0: walk both lists together.
      let x = 0;
      let y = 0;
      while (x < a.length && y < b.length) {
        const g = a[x]!;
        const h = b[y]!;
        if (g.start < h.start + h.length && h.start < g.start + g.length) obs += unitDistance(g, h);
        if (g.start + g.length <= h.start + h.length) x++;
        else y++;
      }
    }
  }
  // Σ_{i≠j} counts each unordered pair twice.
  const observed = (2 * obs) / (m * (m - 1) * length * length);
  const all = sections.flat();
  const unitLengths = all.filter((s) => s.unit).map((s) => s.length);
  const gaps = all.filter((s) => !s.unit).map((s) => s.length);
  const N = unitLengths.length;
  let num = 0;
  for (const l of unitLengths) {
    let gapSum = 0;
    for (const g of gaps) if (g >= l) gapSum += g - l + 1;
    num += ((N - 1) * (2 * l ** 3 - 3 * l ** 2 + l)) / 3 + l * l * gapSum;
  }
  const denominator = m * length * (m * length - 1) - sum(unitLengths.map((l) => l * (l - 1)));
  const expected = denominator > 0 ? ((2 / length) * num) / denominator : 0;
  return { observed, expected };
}
