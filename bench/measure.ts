/**
 * Measuring helpers for the benchmarks: timing, percentiles, the raw file-system references the
 * figures are compared with, and the figure table.
 */
import { randomBytes } from 'node:crypto';
import { open, readdir, readFile, rename, stat } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { z } from 'zod';

/** Milliseconds elapsed while `task` runs, with its result. */
export async function timed<T>(task: () => Promise<T> | T): Promise<{ ms: number; result: T }> {
  const start = performance.now();
  const result = await task();
  return { ms: performance.now() - start, result };
}

export interface Distribution {
  n: number;
  min: number;
  p50: number;
  p95: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentiles (p95 of 300 samples is the 285th smallest). */
export function distribution(samples: readonly number[]): Distribution {
  if (samples.length === 0) throw new Error('no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (q: number): number => sorted[Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length))) - 1] as number;
  return {
    n: sorted.length,
    min: sorted[0] as number,
    p50: rank(0.5),
    p95: rank(0.95),
    max: sorted[sorted.length - 1] as number,
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
  };
}

/** Collects named latency samples. */
export class Samples {
  private readonly byName = new Map<string, number[]>();

  add(name: string, ms: number): void {
    let list = this.byName.get(name);
    if (!list) this.byName.set(name, (list = []));
    list.push(ms);
  }

  get(name: string): Distribution {
    return distribution(this.byName.get(name) ?? []);
  }
}

/** Garbage-collector pauses while a phase runs (from the `gc` performance entries). */
export class GcMeter {
  private readonly entries: PerformanceEntry[] = [];
  private readonly observer = new PerformanceObserver((list) => this.entries.push(...list.getEntries()));

  start(): this {
    this.observer.observe({ entryTypes: ['gc'] });
    return this;
  }

  stop(): { pauses: number; totalMs: number; maxMs: number; major: number; majorMs: number } {
    this.entries.push(...this.observer.takeRecords());
    this.observer.disconnect();
    const kind = (e: PerformanceEntry): number | undefined => (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
    const major = this.entries.filter((e) => kind(e) === constants.NODE_PERFORMANCE_GC_MAJOR);
    return {
      pauses: this.entries.length,
      totalMs: this.entries.reduce((a, e) => a + e.duration, 0),
      maxMs: Math.max(0, ...this.entries.map((e) => e.duration)),
      major: major.length,
      majorMs: major.reduce((a, e) => a + e.duration, 0),
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Raw file-system references

/** Write `bytes` to `path` and fsync it: the least a durable write of these bytes costs. */
export async function writeAndSync(path: string, bytes: Uint8Array): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsync a folder (ignoring file systems that refuse it), so a rename in it is durable. */
export async function syncFolder(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync().catch(() => undefined);
  } finally {
    await handle.close();
  }
}

/**
 * The least a crash-safe replacement of a file costs: write a temporary file, fsync it, rename it
 * over the target and fsync the folder.
 */
export async function replaceAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeAndSync(tmp, bytes);
  await rename(tmp, path);
  await syncFolder(dirname(path));
}

/** Every regular file below `dir`, recursively. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/** Apparent size (sum of file lengths) and allocated size (blocks) of a folder, in bytes. */
export async function folderSize(dir: string): Promise<{ files: number; apparent: number; allocated: number }> {
  let apparent = 0;
  let allocated = 0;
  const files = await listFiles(dir);
  for (const f of files) {
    const s = await stat(f);
    apparent += s.size;
    allocated += s.blocks * 512;
  }
  return { files: files.length, apparent, allocated };
}

/** Read every JSON file below `dir` and JSON.parse it: what loading costs without validation. */
export async function readAndParseJson(dir: string): Promise<number> {
  let n = 0;
  for (const f of await listFiles(dir)) {
    if (!f.endsWith('.json')) continue;
    JSON.parse(await readFile(f, 'utf8'));
    n++;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Figures

export interface Reference {
  label: string;
  value: number;
  unit: string;
}

export interface Target {
  comparison: '>=' | '<=';
  value: number;
  unit: string;
}

/**
 * One reported figure. `ratio` is its cost in multiples of the reference's (time ÷ time); fields
 * that do not apply are null, so every figure in results.json has the same keys.
 */
export interface Figure {
  id: string;
  label: string;
  value: number;
  unit: string;
  reference: Reference | null;
  ratio: number | null;
  target: Target | null;
  pass: boolean | null;
  samples: number | null;
}

/**
 * Build a figure. For a rate (`higherIsBetter`) the ratio is reference ÷ value, so it is still
 * "times as long as the reference"; for a time or a size it is value ÷ reference.
 */
export function figure(options: {
  id: string;
  label: string;
  value: number;
  unit: string;
  reference?: Reference;
  higherIsBetter?: boolean;
  target?: Target;
  samples?: number;
}): Figure {
  const { reference, target } = options;
  return {
    id: options.id,
    label: options.label,
    value: options.value,
    unit: options.unit,
    reference: reference ?? null,
    ratio: reference ? (options.higherIsBetter ? reference.value / options.value : options.value / reference.value) : null,
    target: target ?? null,
    pass: target ? (target.comparison === '>=' ? options.value >= target.value : options.value <= target.value) : null,
    samples: options.samples ?? null,
  };
}

/** Three significant digits, without exponent notation. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  if (abs >= 100) return Math.round(n).toLocaleString('en');
  if (abs >= 10) return n.toFixed(1);
  if (abs >= 1) return n.toFixed(2);
  return n.toPrecision(2);
}

/** The figures as a Markdown table (also readable in a terminal). */
export function figureTable(figures: readonly Figure[]): string {
  const rows = figures.map((f) => [
    f.label,
    `${formatNumber(f.value)} ${f.unit}`,
    f.reference ? `${f.reference.label}: ${formatNumber(f.reference.value)} ${f.reference.unit}` : '–',
    f.ratio !== null ? `${formatNumber(f.ratio)}×` : '–',
    f.target ? `${f.target.comparison === '>=' ? '≥' : '≤'} ${formatNumber(f.target.value)} ${f.target.unit}` : '–',
    f.pass === null ? '–' : f.pass ? 'pass' : 'FAIL',
  ]);
  const header = ['Figure', 'Value', 'Reference (same run)', 'Ratio', 'Target', 'Result'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const BenchArgsSchema = z.object({
  documents: z.coerce.number().int().min(3).max(10_000),
  segments: z.coerce.number().int().min(100).max(1_000_000),
  megabytes: z.coerce.number().min(0.1).max(500),
  runs: z.coerce.number().int().min(3).max(1000),
  seed: z.string().min(1).max(100),
  quick: z.boolean(),
});
export type BenchArgs = z.infer<typeof BenchArgsSchema>;

/**
 * The size arguments every benchmark takes: `--documents N --segments M --megabytes X --runs R
 * --seed S --quick` (quick: 100 documents, 10,000 segments, 2 MB). Each script uses what it needs.
 */
export function parseBenchArgs(argv: string[], defaults: { runs?: number; megabytes?: number } = {}): BenchArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      documents: { type: 'string' },
      segments: { type: 'string' },
      megabytes: { type: 'string' },
      runs: { type: 'string' },
      seed: { type: 'string', default: 'sichtbar' },
      quick: { type: 'boolean', default: false },
    },
    strict: true,
  });
  return BenchArgsSchema.parse({
    documents: values.documents ?? (values.quick ? 100 : 1000),
    segments: values.segments ?? (values.quick ? 10_000 : 100_000),
    megabytes: values.megabytes ?? (values.quick ? 2 : (defaults.megabytes ?? 50)),
    runs: values.runs ?? defaults.runs ?? 10,
    seed: values.seed,
    quick: values.quick,
  });
}

export function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

// ---------------------------------------------------------------------------------------------
// The machine a run was measured on

export interface Machine {
  cpu: string;
  cores: number;
  memoryBytes: number;
  node: string;
  platform: string;
  date: string;
  /** 1/5/15-minute load averages: other work on the machine shows here. */
  loadAverage: { before: number[]; after: number[] };
}

/** Taken when a run starts: its date and the load average before it. */
export interface RunStart {
  started: Date;
  loadBefore: number[];
}

export function runStart(): RunStart {
  return { started: new Date(), loadBefore: loadavg() };
}

/** The machine record of results.json, taken when the run ends. */
export function machineRecord(start: RunStart): Machine {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryBytes: totalmem(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: start.started.toISOString(),
    loadAverage: { before: start.loadBefore, after: loadavg() },
  };
}

/** The header of the printout: the machine, then the run's size and `detail` (e.g. its duration). */
export function logRunHeader(m: Machine, args: Pick<BenchArgs, 'documents' | 'segments' | 'quick'>, detail: string): void {
  log(`${m.cpu}, ${m.cores} cores, ${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB, Node ${m.node}, ${m.date.slice(0, 10)}`);
  log(`${args.documents.toLocaleString('en')} documents, ${args.segments.toLocaleString('en')} segments${args.quick ? ' (quick)' : ''}; ${detail}`);
}

/** "load average before … , after …" for the printout. */
export function loadAverageLine(m: Machine): string {
  return `load average before ${m.loadAverage.before.map((l) => l.toFixed(2)).join(' ')}, after ${m.loadAverage.after.map((l) => l.toFixed(2)).join(' ')}`;
}
