/**
 * Benchmark of the visibility comparison (issue 4): 1,000 documents / 100,000 segments in a
 * MemoryStore, compared set against set with a crosswalk, a breakdown by region and pairs by case.
 *
 *   node bin/run-ts.js bench/comparison.ts                 1,000 documents, 100,000 segments, 10 runs
 *   node bin/run-ts.js bench/comparison.ts --quick         100 documents, 10,000 segments
 *   node bin/run-ts.js bench/comparison.ts --documents 500 --segments 50000 --runs 20
 *
 * Figures (p50/p95 of the runs; all tasks run round-robin after three warm-up rounds):
 *   - server time of GET /comparison (JSON), measured around app.request in-process: routing,
 *     session, validation, the comparison and JSON serialisation – target ≤ 200 ms;
 *   - the comparison alone (compareSets) and the Markdown and HTML reports;
 *   - the reference, measured in the same run: one linear pass over all segments (list them and
 *     count segments per code and document in a Map) – the least any comparison must do.
 * Writes bench/out/comparison.json and prints the table.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureAdmin } from '../server/bootstrap.js';
import { compareSets } from '../server/domain/comparison.js';
import { addDocuments } from '../server/domain/corpus.js';
import { setCrosswalk } from '../server/domain/crosswalk.js';
import { makeDeps } from '../server/domain/deps.js';
import { DISABLED_PASSWORD } from '../server/domain/password.js';
import { createProject } from '../server/domain/projects.js';
import { comparisonToHtml, comparisonToMarkdown } from '../server/export/comparison-report.js';
import { createApp } from '../server/http/app.js';
import { collectImports } from '../server/import/import-paths.js';
import type { ComparisonOptions } from '../server/schemas/comparison.js';
import { MemoryStore } from '../server/storage/memory-store.js';
import { generateCodebook, generateCorpus, generateSegments } from './generate.js';
import { distribution, figure, figureTable, GcMeter, loadAverageLine, logRunHeader, machineRecord, runStart, timed, type Distribution, type Figure, parseBenchArgs, log } from './measure.js';

const TARGET_MS = 200;
const BYTES_PER_DOCUMENT = 20_000;
const CODES = 50;
const ADMIN_PASSWORD = 'bench-password-1';

/**
 * Run the tasks round-robin – three warm-up rounds, then `runs` measured rounds – so that JIT warm-up,
 * garbage collection and other load on the machine fall on all of them alike; the samples in ms.
 */
async function sampleRoundRobin<K extends string>(
  runs: number,
  tasks: Record<K, () => Promise<unknown> | unknown>,
): Promise<{ wall: Record<K, Distribution>; cpu: Record<K, Distribution> }> {
  const names = Object.keys(tasks) as K[];
  const wall = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  const cpu = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < runs + 3; round++) {
    for (const name of names) {
      const before = process.cpuUsage();
      const { ms } = await timed(tasks[name]);
      const used = process.cpuUsage(before);
      if (round >= 3) {
        wall[name].push(ms);
        // CPU time of this process (all its threads, the garbage collector's included): other load on the machine does not inflate it.
        cpu[name].push((used.user + used.system) / 1000);
      }
    }
  }
  const dist = (m: Record<K, number[]>): Record<K, Distribution> => Object.fromEntries(names.map((n) => [n, distribution(m[n])])) as Record<K, Distribution>;
  return { wall: dist(wall), cpu: dist(cpu) };
}

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2), { runs: 10 });
  const start = runStart();
  const work = await mkdtemp(join(tmpdir(), 'sichtbar-bench-comparison-'));
  const figures: Figure[] = [];
  const info: Record<string, unknown> = {};
  try {
    log(`Generating ${args.documents} documents and ${args.segments.toLocaleString('en')} segments…`);
    const corpus = await generateCorpus({ documents: args.documents, bytes: args.documents * BYTES_PER_DOCUMENT, seed: args.seed, dir: join(work, 'corpus') });
    const store = new MemoryStore();
    const deps = makeDeps(store);
    await ensureAdmin(deps, ADMIN_PASSWORD);
    const project = await createProject(deps, { name: 'Benchmark', description: 'Synthetic corpus' });
    const collected = await collectImports(corpus.files.map((f) => f.path));
    if (collected.failed.length > 0) throw new Error(`${collected.failed.length} generated files did not import`);
    await addDocuments(deps, project.id, collected.imported.map((i) => i.document));
    const created = new Date().toISOString();
    const codes = generateCodebook({ codes: CODES, created });
    await store.commit(project.id, { codes: { put: codes } });
    for (const [id, login] of [
      ['coder-a', 'kodiererin-a'],
      ['coder-b', 'kodierer-b'],
    ] as const) {
      await store.putUser({ id, login, displayName: login, role: 'researcher', passwordHash: DISABLED_PASSWORD, created, version: 1 });
    }
    const documents = await store.listDocuments(project.id);
    const codable = codes.filter((c) => c.isCodable).map((c) => c.id);
    const segments = generateSegments({ documents, codeIds: codable, coders: ['coder-a', 'coder-b'], count: args.segments, seed: `${args.seed}:segments` });
    await store.commit(project.id, { segments: { put: segments } });
    // A crosswalk of five rows (n:m) between the first category and the third.
    await setCrosswalk(deps, project.id, {
      rows: [1, 2, 3, 4, 5].map((k) => ({ label: `Zuordnung ${k}`, a: [`code-1-${k}`, `code-1-${k + 5}`], b: [`code-3-${k}`] })),
    });
    info['kinds'] = Object.fromEntries(['observation', 'interview', 'documentation'].map((k) => [k, documents.filter((d) => d.kind === k).length]));

    const options: ComparisonOptions = { by: 'region', pairBy: 'fall' };
    const check = await compareSets(deps, project.id, options);
    info['rows'] = check.rows.length;
    info['sections'] = Object.fromEntries(['both', 'only-a', 'only-b', 'rare'].map((s) => [s, check.rows.filter((r) => r.section === s).length]));
    info['setSizes'] = { a: check.a.baseDocuments, b: check.b.baseDocuments, aSegments: check.a.segments, bSegments: check.b.segments };
    info['pairedCases'] = check.rows[0]?.paired.cases ?? 0;

    const app = createApp({ deps });
    const login = await app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'admin', password: ADMIN_PASSWORD }) }, { incoming: { socket: { remoteAddress: '127.0.0.1' } } });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const path = `/api/projects/${project.id}/comparison?by=region&pairBy=fall`;
    const sizeRes = await app.request(path, { headers: { cookie } });
    if (sizeRes.status !== 200) throw new Error(`comparison answered ${sizeRes.status}: ${await sizeRes.text()}`);
    info['jsonBytes'] = (await sizeRes.text()).length;

    log(`Measuring (${args.runs} rounds)…`);
    const gc = new GcMeter().start();
    const measured = await sampleRoundRobin(args.runs, {
      // The reference: one linear pass over every segment, counting segments per code and document.
      reference: async () => {
        const all = await store.listSegments(project.id);
        const counts = new Map<string, Map<string, number>>();
        for (const s of all) {
          let perCode = counts.get(s.codeId);
          if (!perCode) counts.set(s.codeId, (perCode = new Map()));
          perCode.set(s.documentId, (perCode.get(s.documentId) ?? 0) + 1);
        }
        return counts.size;
      },
      // Server time: the whole request inside the app, the JSON body included (Hono serialises in c.json).
      server: async () => {
        const res = await app.request(path, { headers: { cookie } });
        if (res.status !== 200) throw new Error(`comparison answered ${res.status}`);
        return res;
      },
      domain: () => compareSets(deps, project.id, options),
      markdown: () => comparisonToMarkdown(check),
      html: () => comparisonToHtml(check),
    });
    info['gcWhileMeasuring'] = gc.stop();
    info['cpuMs'] = measured.cpu;
    const { reference, server, domain, markdown, html } = measured.wall;

    const ref = { label: 'one pass over all segments (p50)', value: reference.p50, unit: 'ms' };
    figures.push(
      figure({ id: 'comparison.server.p50', label: 'GET /comparison (JSON) server time, p50', value: server.p50, unit: 'ms', reference: ref, target: { comparison: '<=', value: TARGET_MS, unit: 'ms' }, samples: server.n }),
      figure({ id: 'comparison.server.p95', label: 'GET /comparison (JSON) server time, p95', value: server.p95, unit: 'ms', reference: ref, target: { comparison: '<=', value: TARGET_MS, unit: 'ms' }, samples: server.n }),
      figure({ id: 'comparison.domain.p50', label: 'compareSets alone, p50', value: domain.p50, unit: 'ms', reference: ref, samples: domain.n }),
      figure({ id: 'comparison.domain.p95', label: 'compareSets alone, p95', value: domain.p95, unit: 'ms', reference: ref, samples: domain.n }),
      figure({ id: 'comparison.markdown.p50', label: 'Markdown report from the result, p50', value: markdown.p50, unit: 'ms', samples: markdown.n }),
      figure({ id: 'comparison.html.p50', label: 'HTML report from the result, p50', value: html.p50, unit: 'ms', samples: html.n }),
      figure({ id: 'comparison.reference.p50', label: 'Reference: one pass over all segments, p50', value: reference.p50, unit: 'ms', samples: reference.n }),
    );
    info['wallMs'] = { server, domain, markdown, html, reference };
  } finally {
    await rm(work, { recursive: true, force: true });
  }

  const results = {
    machine: machineRecord(start),
    parameters: { documents: args.documents, segments: args.segments, runs: args.runs, seed: args.seed, quick: args.quick, codes: CODES, options: { by: 'region', pairBy: 'fall' } },
    figures,
    info,
  };
  const outDir = fileURLToPath(new URL('./out/', import.meta.url));
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'comparison.json'), `${JSON.stringify(results, null, 2)}\n`);
  const m = results.machine;
  log('');
  logRunHeader(m, args, `${String(info['rows'])} rows`);
  log('');
  log(figureTable(figures));
  log('');
  const cpuMs = info['cpuMs'] as Record<string, Distribution>;
  log(`CPU time of this process, p50/p95 (ms): ${Object.entries(cpuMs).map(([k, d]) => `${k} ${d.p50.toFixed(0)}/${d.p95.toFixed(0)}`).join(', ')}`);
  log(loadAverageLine(m));
  log(`Written to ${join(outDir, 'comparison.json')}`);
  const failed = figures.filter((f) => f.pass === false);
  if (failed.length > 0) {
    log(`Missed targets: ${failed.map((f) => f.id).join(', ')}`);
    process.exitCode = 1;
  }
}

await main();
