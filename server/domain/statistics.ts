/**
 * Statistics for comparing two groups of documents: Rayson & Garside's log-likelihood, G², Pearson's
 * chi-square, Fisher's exact test, the conditional maximum-likelihood odds ratio and the log ratio.
 * Pure functions, no dependencies; checked against tests/fixtures/vectors/corpus_frequency_comparison.json (a copy of the published vectors)
 * (tests/server/comparison/statistics.test.ts).
 *
 * These are descriptive aids for qualitative work: a code is not "significant" because a p-value is
 * small, and the counts come from a coded sample, not a random one.
 */

// ---------------------------------------------------------------------------------------------
// Special functions

/** Lanczos coefficients for g = 7, n = 9 (Godfrey); relative error about 1e-15 for x > 0. */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma needs x > 0, not ${x}`);
  if (x < 0.5) {
    // Reflection: Γ(x) Γ(1 − x) = π / sin(πx).
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  }
  const z = x - 1;
  let sum = LANCZOS[0] as number;
  for (let i = 1; i < LANCZOS.length; i++) sum += (LANCZOS[i] as number) / (z + i);
  const t = z + 7.5;
  return HALF_LOG_2PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

const LOG_FACTORIALS: number[] = [0];

/** ln(n!) for a non-negative integer n: exact sums of logarithms up to 1,000, ln Γ(n + 1) above. */
export function logFactorial(n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`logFactorial needs a non-negative integer, not ${n}`);
  if (n > 1000) return logGamma(n + 1);
  while (LOG_FACTORIALS.length <= n) LOG_FACTORIALS.push((LOG_FACTORIALS[LOG_FACTORIALS.length - 1] as number) + Math.log(LOG_FACTORIALS.length));
  return LOG_FACTORIALS[n] as number;
}

/**
 * The regularised upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a): the series for
 * x < a + 1, Lentz's continued fraction otherwise (Numerical Recipes, 3rd ed., §6.2), so that small
 * tail probabilities keep their relative precision.
 */
export function gammaQ(a: number, x: number): number {
  if (!(a > 0) || x < 0) throw new RangeError('gammaQ needs a > 0 and x ≥ 0');
  if (x === 0) return 1;
  const prefix = Math.exp(-x + a * Math.log(x) - logGamma(a));
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 10_000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-17) break;
    }
    return 1 - sum * prefix;
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return prefix * h;
}

/** P(χ²_df ≥ x): the p-value of a chi-square (or G², log-likelihood) statistic. */
export function chiSquareP(x: number, df: number): number {
  if (x <= 0) return 1;
  return gammaQ(df / 2, x / 2);
}

// ---------------------------------------------------------------------------------------------
// Frequency comparison of two corpora (sets of documents)

export interface RaysonGarside {
  /** Expected frequency in corpus 1: c(a + b)/(c + d). */
  e1: number;
  /** Expected frequency in corpus 2: d(a + b)/(c + d). */
  e2: number;
  /** LL = 2[a ln(a/E1) + b ln(b/E2)], always ≥ 0. */
  ll: number;
  /** '+' if a/c > b/d (relatively more frequent in corpus 1), '-' if less, '=' if equal. */
  sign: '+' | '-' | '=';
}

/**
 * Log-likelihood in the two-cell form of Rayson & Garside (2000, "Comparing corpora using frequency
 * profiling", ACL Workshop on Comparing Corpora, p. 3): a and b are the frequencies of an item in
 * corpora of sizes c and d. Terms with a zero frequency contribute 0. This is not the four-cell G²
 * of the 2×2 table (see `gSquared`); reports say which one they show. 1 degree of freedom.
 */
export function raysonGarsideLL(a: number, b: number, c: number, d: number): RaysonGarside {
  const total = c + d;
  if (total <= 0) return { e1: 0, e2: 0, ll: 0, sign: '=' };
  const e1 = (c * (a + b)) / total;
  const e2 = (d * (a + b)) / total;
  const term = (o: number, e: number): number => (o > 0 && e > 0 ? o * Math.log(o / e) : 0);
  const ll = 2 * (term(a, e1) + term(b, e2));
  const left = c > 0 ? a / c : 0;
  const right = d > 0 ? b / d : 0;
  return { e1, e2, ll: Math.max(0, ll), sign: left > right ? '+' : left < right ? '-' : '=' };
}

/**
 * Log ratio (Hardie 2014, "Log Ratio – an informal introduction", CASS): the binary log of the ratio
 * of relative frequencies, log2((a/c)/(b/d)). A zero frequency is replaced by 0.5 (Hardie's
 * convention) so that an item found in only one corpus gets a finite value; with both frequencies
 * zero, or an empty corpus, there is nothing to compare and the result is null. +1 means twice as
 * frequent in corpus 1.
 */
export function logRatio(a: number, b: number, c: number, d: number): number | null {
  if ((a === 0 && b === 0) || c <= 0 || d <= 0) return null;
  const fa = a === 0 ? 0.5 : a;
  const fb = b === 0 ? 0.5 : b;
  return Math.log2(fa / c / (fb / d));
}

/** %DIFF (Gabrielatos & Marchi 2011): 100 (a/c − b/d)/(b/d); null when b = 0. */
export function percentDiff(a: number, b: number, c: number, d: number): number | null {
  if (b === 0 || c <= 0 || d <= 0) return null;
  return (100 * (a / c - b / d)) / (b / d);
}

/** Relative risk (a/c)/(b/d); null when b = 0. */
export function relativeRisk(a: number, b: number, c: number, d: number): number | null {
  if (b === 0 || c <= 0 || d <= 0) return null;
  return a / c / (b / d);
}

/** BIC approximation of the log-likelihood (Wilson 2013, as in the UCREL wizard): LL − ln(c + d). */
export function bic(ll: number, c: number, d: number): number {
  return ll - Math.log(c + d);
}

// ---------------------------------------------------------------------------------------------
// Contingency tables

export type Table = readonly (readonly number[])[];

function margins(table: Table): { rows: number[]; cols: number[]; n: number } {
  const r = table.length;
  const c = table[0]?.length ?? 0;
  if (r < 1 || c < 1 || table.some((row) => row.length !== c)) throw new RangeError('a contingency table needs equal-length rows');
  const rows = table.map((row) => row.reduce((s, v) => s + v, 0));
  const cols = Array.from({ length: c }, (_, j) => table.reduce((s, row) => s + (row[j] as number), 0));
  return { rows, cols, n: rows.reduce((s, v) => s + v, 0) };
}

/** Expected frequencies under independence: row total × column total / n. */
export function expectedFrequencies(table: Table): number[][] {
  const { rows, cols, n } = margins(table);
  return rows.map((r) => cols.map((c) => (n > 0 ? (r * c) / n : 0)));
}

/** Degrees of freedom of an r×c table: (r − 1)(c − 1). */
export function degreesOfFreedom(table: Table): number {
  return (table.length - 1) * ((table[0]?.length ?? 1) - 1);
}

/** G² = 2 Σ O ln(O/E) over all cells (Dunning 1993); for a 2×2 table the "four-cell" form. */
export function gSquared(table: Table): number {
  const expected = expectedFrequencies(table);
  let g = 0;
  table.forEach((row, i) =>
    row.forEach((o, j) => {
      const e = expected[i]?.[j] ?? 0;
      if (o > 0 && e > 0) g += o * Math.log(o / e);
    }),
  );
  return 2 * g;
}

/** G² of observed counts against expected counts (uniform when not given): goodness of fit. */
export function gSquaredFit(observed: readonly number[], expected?: readonly number[]): number {
  const n = observed.reduce((s, v) => s + v, 0);
  const exp = expected ?? observed.map(() => n / observed.length);
  let g = 0;
  observed.forEach((o, i) => {
    const e = exp[i] as number;
    if (o > 0 && e > 0) g += o * Math.log(o / e);
  });
  return 2 * g;
}

/**
 * Pearson's chi-square. With `yates` (2×2 only) every observed count moves by 0.5 towards its
 * expected count, or by less if it is closer (the rule of SciPy's chi2_contingency).
 */
export function pearsonChiSquare(table: Table, options: { yates?: boolean } = {}): number {
  const expected = expectedFrequencies(table);
  const yates = options.yates === true && table.length === 2 && table[0]?.length === 2;
  let x2 = 0;
  table.forEach((row, i) =>
    row.forEach((o, j) => {
      const e = expected[i]?.[j] ?? 0;
      if (e <= 0) return;
      const diff = Math.abs(o - e);
      const adjusted = yates ? diff - Math.min(0.5, diff) : diff;
      x2 += (adjusted * adjusted) / e;
    }),
  );
  return x2;
}

/** The sample odds ratio (t00 t11)/(t01 t10); Infinity or NaN where a denominator is 0. */
export function sampleOddsRatio(table: Table): number {
  const [[a, b] = [], [c, d] = []] = table as number[][];
  return ((a as number) * (d as number)) / ((b as number) * (c as number));
}

// ---------------------------------------------------------------------------------------------
// Fisher's exact test

/** Two tables count as equally likely when their probabilities differ by less than this (as in R). */
const FISHER_RELATIVE_TOLERANCE = 1 + 1e-7;

export interface Fisher2x2 {
  /** Sum of the probabilities of all tables no more likely than the observed one (R, SciPy). */
  twoSided: number;
  /** P(X ≥ x): the odds ratio is greater than 1. */
  greater: number;
  /** P(X ≤ x): the odds ratio is less than 1. */
  less: number;
}

/**
 * Fisher's exact test of a 2×2 table [[a, b], [c, d]]. With the margins fixed, the top-left cell X
 * is hypergeometric; its probabilities are built from the observed cell outwards by the ratio
 * P(x + 1)/P(x) = (r1 − x)(c1 − x) / ((x + 1)(r2 − c1 + x + 1)), normalised at the end, so that no
 * factorial is formed and tables of millions keep their precision.
 */
export function fisherExact2x2(table: Table): Fisher2x2 {
  const [[a, b] = [], [c, d] = []] = table as number[][];
  for (const v of [a, b, c, d]) if (!Number.isInteger(v) || (v as number) < 0) throw new RangeError('Fisher needs non-negative integer counts');
  const r1 = (a as number) + (b as number);
  const r2 = (c as number) + (d as number);
  const c1 = (a as number) + (c as number);
  const lo = Math.max(0, c1 - r2);
  const hi = Math.min(r1, c1);
  const x = a as number;
  if (lo === hi) return { twoSided: 1, greater: 1, less: 1 };
  // Weights relative to the mode (the largest), so nothing overflows; far tails underflow to 0.
  const mode = Math.min(hi, Math.max(lo, Math.floor(((c1 + 1) * (r1 + 1)) / (r1 + r2 + 2))));
  const w = new Float64Array(hi - lo + 1);
  w[mode - lo] = 1;
  for (let k = mode; k < hi; k++) w[k + 1 - lo] = (w[k - lo] as number) * (((r1 - k) * (c1 - k)) / ((k + 1) * (r2 - c1 + k + 1)));
  for (let k = mode; k > lo; k--) w[k - 1 - lo] = (w[k - lo] as number) * ((k * (r2 - c1 + k)) / ((r1 - k + 1) * (c1 - k + 1)));
  let total = 0;
  for (const v of w) total += v;
  const observed = (w[x - lo] as number) * FISHER_RELATIVE_TOLERANCE;
  let twoSided = 0;
  let greater = 0;
  let less = 0;
  for (let k = lo; k <= hi; k++) {
    const v = w[k - lo] as number;
    if (v <= observed) twoSided += v;
    if (k >= x) greater += v;
    if (k <= x) less += v;
  }
  const clamp = (p: number): number => Math.min(1, p / total);
  return { twoSided: clamp(twoSided), greater: clamp(greater), less: clamp(less) };
}

/**
 * Fisher's exact test (two-sided) of an r×c table: the probability of all tables with the same
 * margins that are no more likely than the observed one. Columns are filled one after another; a
 * partial table is summarised by its remaining row totals (sorted – rows are exchangeable) and the
 * log-probability so far. Where the bounds on the rest of the path decide the question (every
 * completion at most as likely as the observed table, or every one more likely), the whole subtree is
 * added in closed form or dropped (the idea of Mehta & Patel's network algorithm, 1983). Meant for
 * small tables; `maxNodes` guards against tables too large to enumerate.
 */
export function fisherExactRxC(table: Table, options: { maxNodes?: number } = {}): number {
  const { rows, cols, n } = margins(table);
  for (const row of table) for (const v of row) if (!Number.isInteger(v) || v < 0) throw new RangeError('Fisher needs non-negative integer counts');
  if (table.length === 2 && cols.length === 2) return fisherExact2x2(table).twoSided;
  const maxNodes = options.maxNodes ?? 5_000_000;
  const order = cols.map((_, j) => j).sort((p, q) => (cols[q] as number) - (cols[p] as number));
  const colSums = order.map((j) => cols[j] as number);
  const constant = rows.reduce((s, r) => s + logFactorial(r), 0) - logFactorial(n);
  const logObserved = constant + cols.reduce((s, c) => s + logFactorial(c), 0) - table.reduce((s, row) => s + row.reduce((t, v) => t + logFactorial(v), 0), 0);
  const threshold = logObserved + Math.log(FISHER_RELATIVE_TOLERANCE);

  // Every way to split column total `total` over rows with capacities `caps`.
  const splits = (total: number, caps: readonly number[]): number[][] => {
    const out: number[][] = [];
    const cur = new Array<number>(caps.length).fill(0);
    const capsAfter = caps.map((_, i) => caps.slice(i + 1).reduce((s, v) => s + v, 0));
    const rec = (i: number, left: number): void => {
      if (i === caps.length - 1) {
        if (left <= (caps[i] as number)) {
          cur[i] = left;
          out.push([...cur]);
        }
        return;
      }
      const from = Math.max(0, left - (capsAfter[i] as number));
      for (let v = Math.min(left, caps[i] as number); v >= from; v--) {
        cur[i] = v;
        rec(i + 1, left - v);
      }
    };
    rec(0, total);
    return out;
  };
  const columnTerm = (j: number, v: readonly number[]): number => logFactorial(colSums[j] as number) - v.reduce((s, x) => s + logFactorial(x), 0);
  const keyOf = (rem: readonly number[]): string => rem.join(',');
  const next = (rem: readonly number[], v: readonly number[]): number[] => rem.map((r, i) => r - (v[i] as number)).sort((p, q) => q - p);
  /** The moves out of a node: each split with the node it leads to and its log-term, computed once. */
  const moves = new Map<string, { to: number[]; key: string; term: number }[]>();
  const movesOf = (j: number, rem: readonly number[]): { to: number[]; key: string; term: number }[] => {
    const key = `${j}|${keyOf(rem)}`;
    let list = moves.get(key);
    if (!list) {
      list = splits(colSums[j] as number, rem).map((v) => {
        const to = next(rem, v);
        return { to, key: keyOf(to), term: columnTerm(j, v) };
      });
      work += list.length;
      if (work > maxNodes) throw new RangeError('the table is too large for an exact test');
      moves.set(key, list);
    }
    return list;
  };

  // Longest and shortest remaining path (max and min of the log-probability still to come) per node.
  const bounds = new Map<string, { max: number; min: number }>();
  let work = 0;
  const boundOf = (j: number, rem: readonly number[]): { max: number; min: number } => {
    if (j === colSums.length - 1) return { max: columnTerm(j, rem), min: columnTerm(j, rem) };
    const key = `${j}|${keyOf(rem)}`;
    const known = bounds.get(key);
    if (known) return known;
    let max = -Infinity;
    let min = Infinity;
    for (const move of movesOf(j, rem)) {
      const rest = boundOf(j + 1, move.to);
      max = Math.max(max, move.term + rest.max);
      min = Math.min(min, move.term + rest.min);
    }
    const b = { max, min };
    bounds.set(key, b);
    return b;
  };

  // Stage by stage: node → (past log-probability in units of 1e-9) → number of paths with that past.
  let stage = new Map<string, { rem: number[]; pasts: Map<number, { past: number; paths: number }> }>();
  const start = [...rows].sort((p, q) => q - p);
  stage.set(keyOf(start), { rem: start, pasts: new Map([[0, { past: 0, paths: 1 }]]) });
  let p = 0;
  for (let j = 0; j < colSums.length; j++) {
    const following = new Map<string, { rem: number[]; pasts: Map<number, { past: number; paths: number }> }>();
    for (const { rem, pasts } of stage.values()) {
      const b = boundOf(j, rem);
      const remaining = rem.reduce((s, v) => s + v, 0);
      // Σ over all completions of Π_columns (C_j! / Π n_ij!) = (Σ rem)! / Π rem_i!.
      const logAll = logFactorial(remaining) - rem.reduce((s, v) => s + logFactorial(v), 0);
      for (const { past, paths } of pasts.values()) {
        if (constant + past + b.max <= threshold) {
          p += paths * Math.exp(constant + past + logAll);
          continue;
        }
        if (constant + past + b.min > threshold) continue;
        for (const move of movesOf(j, rem)) {
          if (++work > maxNodes) throw new RangeError('the table is too large for an exact test');
          const value = past + move.term;
          let node = following.get(move.key);
          if (!node) following.set(move.key, (node = { rem: move.to, pasts: new Map() }));
          // Paths whose pasts agree to 1e-9 are merged (their tables are equally likely).
          const pastKey = Math.round(value * 1e9);
          const entry = node.pasts.get(pastKey);
          if (entry) entry.paths += paths;
          else node.pasts.set(pastKey, { past: value, paths });
        }
      }
    }
    stage = following;
  }
  // After the last column every remaining path is a complete table (rem all zero).
  for (const { pasts } of stage.values()) {
    for (const { past, paths } of pasts.values()) if (constant + past <= threshold) p += paths * Math.exp(constant + past);
  }
  return Math.min(1, p);
}

/**
 * The conditional maximum-likelihood estimate of the odds ratio of a 2×2 table (as R's
 * fisher.test reports it): the ψ for which the mean of Fisher's noncentral hypergeometric
 * distribution equals the observed top-left cell. 0 or Infinity at the ends of the support.
 */
export function conditionalMleOddsRatio(table: Table): number {
  const [[a, b] = [], [c, d] = []] = table as number[][];
  const m = (a as number) + (c as number);
  const nn = (b as number) + (d as number);
  const k = (a as number) + (b as number);
  const x = a as number;
  const lo = Math.max(0, k - nn);
  const hi = Math.min(k, m);
  if (x === lo) return 0;
  if (x === hi) return Infinity;
  const support: number[] = [];
  const logdc: number[] = [];
  for (let s = lo; s <= hi; s++) {
    support.push(s);
    logdc.push(logFactorial(m) - logFactorial(s) - logFactorial(m - s) + logFactorial(nn) - logFactorial(k - s) - logFactorial(nn - k + s));
  }
  const moments = (logPsi: number): { mean: number; variance: number } => {
    const l = logdc.map((v, i) => v + logPsi * (support[i] as number));
    const top = Math.max(...l);
    const w = l.map((v) => Math.exp(v - top));
    const total = w.reduce((s, v) => s + v, 0);
    const mean = w.reduce((s, v, i) => s + v * (support[i] as number), 0) / total;
    const variance = w.reduce((s, v, i) => s + v * ((support[i] as number) - mean) ** 2, 0) / total;
    return { mean, variance };
  };
  // Newton on ln ψ (d mean / d ln ψ = variance), safeguarded by bisection.
  let low = -60;
  let high = 60;
  let t = 0;
  for (let i = 0; i < 200; i++) {
    const { mean, variance } = moments(t);
    const f = mean - x;
    if (Math.abs(f) < 1e-13) break;
    if (f > 0) high = t;
    else low = t;
    let step = variance > 0 ? t - f / variance : (low + high) / 2;
    if (!(step > low && step < high)) step = (low + high) / 2;
    if (Math.abs(step - t) < 1e-15) break;
    t = step;
  }
  return Math.exp(t);
}
