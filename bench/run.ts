/**
 * The Sichtbar benchmarks: import, coding latency and retrieval on a synthetic corpus, each next to
 * a raw reference measured in the same run.
 *
 *   npm run bench                         1,000 documents (20 MB), 100,000 segments
 *   npm run bench -- --quick              100 documents, 10,000 segments (smoke run)
 *   npm run bench -- --documents 500 --segments 50000
 *
 * Everything happens in a temporary folder that is removed at the end. The table is printed and
 * written with the machine description to bench/out/results.json. See bench/RESULTS.md.
 */
import { serve, type ServerType } from '@hono/node-server';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureAdmin } from '../server/bootstrap.js';
import { applyCode, retrieveSegments } from '../server/domain/coding.js';
import { addDocuments } from '../server/domain/corpus.js';
import { makeDeps, type Actor, type Deps } from '../server/domain/deps.js';
import { DISABLED_PASSWORD } from '../server/domain/password.js';
import { createProject } from '../server/domain/projects.js';
import { createApp } from '../server/http/app.js';
import { collectImports } from '../server/import/import-paths.js';
import type { Document, DocumentMeta } from '../server/schemas/document.js';
import type { Segment } from '../server/schemas/segment.js';
import { LowdbStore } from '../server/storage/lowdb-store.js';
import { call, signIn, type Client } from './load.js';
import { generateCodebook, generateCorpus, generateSegments, Random } from './generate.js';
import { distribution, figure, figureTable, folderSize, GcMeter, loadAverageLine, log, logRunHeader, machineRecord, parseBenchArgs, readAndParseJson, replaceAtomically, runStart, Samples, timed, writeAndSync, type BenchArgs, type Distribution, type Figure } from './measure.js';

/** Mean document size: 1,000 documents make 20 MB. */
const BYTES_PER_DOCUMENT = 20_000;
const MB = 1_000_000;
const CODES = 50;
const ADMIN_PASSWORD = 'bench-password-1';
const CONTEXT = 200;

const seconds = (ms: number): number => ms / 1000;

interface Listening {
  server: ServerType;
  base: string;
  /** Time the last request spent in app.fetch (routing, middleware, handler, JSON.stringify), in ms. */
  lastServerMs: () => number;
}

/** Serve createApp on 127.0.0.1 at a free port, timing each request's app.fetch. */
function listen(deps: Deps): Promise<Listening> {
  const app = createApp({ deps });
  let last = 0;
  const fetch = async (request: Request, env: unknown): Promise<Response> => {
    const start = performance.now();
    try {
      return await app.fetch(request, env as never);
    } finally {
      last = performance.now() - start;
    }
  };
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
      resolve({ server, base: `http://127.0.0.1:${info.port}`, lastServerMs: () => last }),
    );
    server.on('error', reject);
  });
}

function closeServer(server: ServerType): Promise<void> {
  return new Promise((done) => {
    server.close(() => done());
    (server as { closeAllConnections?: () => void }).closeAllConnections?.();
  });
}

/** A random range of `min`–`max` code points inside a document. */
function randomRange(rnd: Random, length: number, min = 20, max = 300): { start: number; end: number } {
  const size = Math.min(rnd.int(min, max), length - 1);
  const start = rnd.int(0, length - size);
  return { start, end: start + size };
}

// ---------------------------------------------------------------------------------------------

interface Context {
  args: BenchArgs;
  work: string;
  figures: Figure[];
  info: Record<string, unknown>;
}

/** Import: files on disk → collectImports → addDocuments into a LowdbStore, next to raw write+fsync and raw read. */
async function benchImport(ctx: Context, deps: Deps, projectId: string, corpusDir: string, files: string[], bytes: number): Promise<void> {
  const rawDir = join(ctx.work, 'raw-import');
  const rawRead = await timed(async () => Promise.all(files.map(async (f) => ({ name: basename(f), bytes: await readFile(f) }))));
  const contents = rawRead.result;
  const rawWrite = async (): Promise<number> => {
    await rm(rawDir, { recursive: true, force: true });
    await mkdir(rawDir);
    const { ms } = await timed(async () => {
      for (const c of contents) await writeAndSync(join(rawDir, c.name), c.bytes);
    });
    return ms;
  };
  // The raw write runs before and after the import; the mean evens out drift on a noisy machine.
  const writeBefore = await rawWrite();

  const collect = await timed(() => collectImports([corpusDir]));
  if (collect.result.failed.length > 0) {
    throw new Error(`import failed for ${collect.result.failed.length} files, e.g. ${JSON.stringify(collect.result.failed.slice(0, 3))}`);
  }
  const add = await timed(() => addDocuments(deps, projectId, collect.result.imported.map((i) => i.document)));
  const writeAfter = await rawWrite();
  await rm(rawDir, { recursive: true, force: true });

  const importMs = collect.ms + add.ms;
  const writeMs = (writeBefore + writeAfter) / 2;
  const rate = (ms: number): number => bytes / MB / seconds(ms);
  ctx.figures.push(
    figure({
      id: 'import.rate',
      label: 'Import (collectImports + addDocuments, durable)',
      value: rate(importMs),
      unit: 'MB/s',
      higherIsBetter: true,
      reference: { label: 'raw write+fsync per file', value: rate(writeMs), unit: 'MB/s' },
      target: { comparison: '>=', value: 5, unit: 'MB/s' },
    }),
    figure({
      id: 'import.rate-vs-read',
      label: 'Import, against a raw read of the files',
      value: rate(importMs),
      unit: 'MB/s',
      higherIsBetter: true,
      reference: { label: 'raw read of the files', value: rate(rawRead.ms), unit: 'MB/s' },
    }),
    figure({ id: 'import.collect', label: '  of which collectImports (read, parse)', value: seconds(collect.ms), unit: 's' }),
    figure({ id: 'import.commit', label: '  of which addDocuments (one durable commit)', value: seconds(add.ms), unit: 's' }),
  );
  const docs = add.result;
  ctx.info.import = {
    files: files.length,
    bytes,
    documents: docs.length,
    withTurns: docs.filter((d) => d.turns.length > 0).length,
    collectMs: collect.ms,
    addDocumentsMs: add.ms,
    rawReadMs: rawRead.ms,
    rawWriteMs: { before: writeBefore, after: writeAfter },
  };
}

/** Bulk-insert the segments through store.commit, one commit (one segment file) per document. */
async function insertSegments(ctx: Context, store: LowdbStore, projectId: string, segments: Segment[]): Promise<void> {
  const byDocument = new Map<string, Segment[]>();
  for (const s of segments) {
    let list = byDocument.get(s.documentId);
    if (!list) byDocument.set(s.documentId, (list = []));
    list.push(s);
  }
  const { ms } = await timed(async () => {
    for (const chunk of byDocument.values()) await store.commit(projectId, { segments: { put: chunk } });
  });
  ctx.figures.push(
    figure({ id: 'segments.bulk-insert', label: `Bulk insert of ${segments.length.toLocaleString('en')} segments (store.commit per document)`, value: seconds(ms), unit: 's' }),
  );
  ctx.info.bulkInsert = { segments: segments.length, commits: byDocument.size, ms, segmentsPerSecond: segments.length / seconds(ms) };
}

/** Close the store, measure the data folder, and time opening it again next to reading + JSON.parse of its files. */
async function benchLoad(ctx: Context, store: LowdbStore, dataDir: string): Promise<LowdbStore> {
  await store.close();
  const size = await folderSize(dataDir);
  const corpusBytes = (ctx.info.import as { bytes: number }).bytes;
  const parse = await timed(() => readAndParseJson(dataDir));
  const heapBefore = process.memoryUsage().heapUsed;
  const opened = await timed(() => LowdbStore.open(dataDir));
  ctx.figures.push(
    figure({
      id: 'store.open',
      label: 'Store open (load the whole data folder)',
      value: seconds(opened.ms),
      unit: 's',
      reference: { label: 'read + JSON.parse of every file', value: seconds(parse.ms), unit: 's' },
    }),
    figure({
      id: 'store.size',
      label: 'Data folder size on disk (allocated)',
      value: size.allocated / MB,
      unit: 'MB',
      reference: { label: 'corpus files', value: corpusBytes / MB, unit: 'MB' },
    }),
  );
  ctx.info.dataDir = { ...size, jsonFilesParsed: parse.result, heapAfterOpenMB: (process.memoryUsage().heapUsed - heapBefore) / MB };
  return opened.result;
}

function latencyFigures(id: string, label: string, value: Distribution, refLabel: string, ref: Distribution, target?: number): Figure[] {
  return [
    figure({ id: `${id}.p50`, label: `${label}, p50`, value: value.p50, unit: 'ms', samples: value.n, reference: { label: `${refLabel} p50`, value: ref.p50, unit: 'ms' } }),
    figure({
      id: `${id}.p95`,
      label: `${label}, p95`,
      value: value.p95,
      unit: 'ms',
      samples: value.n,
      reference: { label: `${refLabel} p95`, value: ref.p95, unit: 'ms' },
      ...(target !== undefined ? { target: { comparison: '<=' as const, value: target, unit: 'ms' } } : {}),
    }),
  ];
}

/**
 * Coding latency: each round codes one segment on one document three ways (HTTP, applyCode,
 * store.commit) and writes a file as large as that document's segment file two ways (bare
 * write+fsync, atomic replace), in a rotating order so drift hits all of them alike.
 */
async function benchCoding(
  ctx: Context,
  deps: Deps,
  dataDir: string,
  projectId: string,
  client: Client,
  serverMs: () => number,
  documents: DocumentMeta[],
  codeIds: string[],
  coders: { a: string; b: string },
): Promise<void> {
  const rounds = ctx.args.quick ? 100 : 300;
  const warmup = 20;
  const gc = new GcMeter().start();
  const rnd = new Random(`${ctx.args.seed}:coding`);
  const samples = new Samples();
  const rawDir = join(ctx.work, 'raw-coding');
  await mkdir(rawDir, { recursive: true });
  const researcher: Actor = { userId: coders.a, role: 'researcher' };
  const fileSizes: number[] = [];

  for (let round = 0; round < warmup + rounds; round++) {
    const doc = rnd.pick(documents);
    const segmentFile = join(dataDir, 'projects', projectId, 'segments', `${doc.id}.json`);
    const size = (await stat(segmentFile)).size;
    const filler = new Uint8Array(size).fill(0x61);
    const steps: [string, () => Promise<unknown>][] = [
      [
        'http',
        async () => {
          const res = await call(client, 'POST', `/api/projects/${projectId}/segments`, { documentId: doc.id, codeId: rnd.pick(codeIds), ...randomRange(rnd, doc.length) });
          const text = await res.text();
          if (res.status !== 201) throw new Error(`coding via HTTP: ${res.status} ${text.slice(0, 300)}`);
          if (round >= warmup) samples.add('server', serverMs());
        },
      ],
      ['domain', () => applyCode(deps, projectId, researcher, { documentId: doc.id, codeId: rnd.pick(codeIds), ...randomRange(rnd, doc.length) })],
      [
        'commit',
        () => {
          const at = new Date().toISOString();
          const segment: Segment = { id: `bench-${round}`, documentId: doc.id, codeId: rnd.pick(codeIds), ...randomRange(rnd, doc.length), coder: coders.b, memo: '', created: at, modified: at, version: 1 };
          return deps.store.commit(projectId, { segments: { put: [segment] } });
        },
      ],
      ['raw', () => writeAndSync(join(rawDir, 'segments.json'), filler)],
      ['atomic', () => replaceAtomically(join(rawDir, 'segments-atomic.json'), filler)],
    ];
    const shift = round % steps.length;
    for (const [name, step] of [...steps.slice(shift), ...steps.slice(0, shift)]) {
      const { ms } = await timed(step);
      if (round >= warmup) samples.add(name, ms);
    }
    if (round >= warmup) fileSizes.push(size);
  }

  const gcPauses = gc.stop();
  const http = samples.get('http');
  const raw = samples.get('raw');
  ctx.figures.push(
    ...latencyFigures('coding.http', 'Code one segment via HTTP (durable)', http, 'raw write+fsync', raw, 30),
    ...latencyFigures('coding.server', '  server side (app.fetch)', samples.get('server'), 'raw write+fsync', raw),
    ...latencyFigures('coding.domain', '  applyCode directly (no HTTP)', samples.get('domain'), 'raw write+fsync', raw),
    ...latencyFigures('coding.commit', '  store.commit of one segment directly', samples.get('commit'), 'atomic replace (tmp+fsync+rename+dir fsync)', samples.get('atomic')),
  );
  const sizes = distribution(fileSizes);
  ctx.info.coding = {
    rounds,
    warmup,
    segmentFileBytes: sizes,
    ms: { http, server: samples.get('server'), domain: samples.get('domain'), commit: samples.get('commit'), raw, atomic: samples.get('atomic') },
    gc: gcPauses,
  };
}

/**
 * Retrieval: all segments of one code (~1/50 of them) with 200 code points of context, via HTTP
 * and via retrieveSegments, next to JSON.parse of the same response and a linear scan in memory.
 */
async function benchRetrieval(ctx: Context, deps: Deps, projectId: string, client: Client, serverMs: () => number, codeIds: string[]): Promise<void> {
  const store = deps.store;
  const all = await store.listSegments(projectId);
  const perCode = new Map<string, number>();
  for (const s of all) perCode.set(s.codeId, (perCode.get(s.codeId) ?? 0) + 1);
  const wanted = all.length / CODES;
  const codeId = [...codeIds].sort((a, b) => Math.abs((perCode.get(a) ?? 0) - wanted) - Math.abs((perCode.get(b) ?? 0) - wanted) || (a < b ? -1 : 1))[0] as string;
  const expected = perCode.get(codeId) ?? 0;
  const texts = new Map<string, Document>();
  for (const meta of await store.listDocuments(projectId)) {
    const d = await store.getDocument(projectId, meta.id);
    if (d) texts.set(d.id, d);
  }

  const runs = ctx.args.quick ? 10 : 30;
  const warmup = 3;
  const samples = new Samples();
  let body = '';
  let run = 0;
  const steps: [string, () => Promise<unknown> | unknown][] = [
    [
      'http',
      async () => {
        const res = await call(client, 'GET', `/api/projects/${projectId}/segments?codeId=${encodeURIComponent(codeId)}&context=${CONTEXT}`);
        const text = await res.text();
        if (res.status !== 200) throw new Error(`retrieval via HTTP: ${res.status} ${text.slice(0, 300)}`);
        if (run >= warmup) samples.add('server', serverMs());
        body = text;
        const parsed = JSON.parse(body) as { total: number };
        if (parsed.total !== expected) throw new Error(`retrieval via HTTP gave ${parsed.total} segments, expected ${expected}`);
      },
    ],
    [
      'domain',
      async () => {
        const result = await retrieveSegments(deps, projectId, { codeId: [codeId], context: CONTEXT });
        if (result.total !== expected) throw new Error(`retrieveSegments gave ${result.total} segments, expected ${expected}`);
      },
    ],
    ['parse', () => JSON.parse(body)],
    [
      'scan',
      () => {
        // The in-memory floor: one pass over every segment, slicing text and context (UTF-16 offsets).
        const out: { id: string; text: string; before: string; after: string }[] = [];
        for (const s of all) {
          if (s.codeId !== codeId) continue;
          const text = texts.get(s.documentId)?.text ?? '';
          out.push({ id: s.id, text: text.slice(s.start, s.end), before: text.slice(Math.max(0, s.start - CONTEXT), s.start), after: text.slice(s.end, s.end + CONTEXT) });
        }
        return out;
      },
    ],
    ['filter', () => store.listSegments(projectId, { codeIds: [codeId] })],
  ];
  const gc = new GcMeter().start();
  for (run = 0; run < warmup + runs; run++) {
    // "parse" needs a body, so HTTP always runs first; the others rotate.
    const [first, ...rest] = steps;
    const shift = run % rest.length;
    for (const [name, step] of [first as (typeof steps)[number], ...rest.slice(shift), ...rest.slice(0, shift)]) {
      const { ms } = await timed(step);
      if (run >= warmup) samples.add(name, ms);
    }
  }

  const gcPauses = gc.stop();
  const label = `All ${expected.toLocaleString('en')} segments of one code, context ${CONTEXT}`;
  ctx.figures.push(
    ...latencyFigures('retrieval.http', `${label}, via HTTP`, samples.get('http'), 'JSON.parse of the response', samples.get('parse'), 50),
    ...latencyFigures('retrieval.server', '  server side (app.fetch, incl. JSON.stringify)', samples.get('server'), 'JSON.parse of the response', samples.get('parse')),
    ...latencyFigures('retrieval.domain', `${label}, retrieveSegments`, samples.get('domain'), 'linear scan in memory', samples.get('scan'), 50),
    ...latencyFigures('retrieval.filter', '  store.listSegments(codeId) alone', samples.get('filter'), 'linear scan in memory', samples.get('scan')),
  );
  ctx.info.retrieval = {
    runs,
    warmup,
    codeId,
    segments: expected,
    responseBytes: Buffer.byteLength(body, 'utf8'),
    ms: { http: samples.get('http'), server: samples.get('server'), domain: samples.get('domain'), parse: samples.get('parse'), scan: samples.get('scan'), filter: samples.get('filter') },
    gc: gcPauses,
  };
}

async function runAll(ctx: Context): Promise<void> {
  const { args, work } = ctx;
  const corpusDir = join(work, 'corpus');
  const dataDir = join(work, 'data');

  log(`Generating ${args.documents} documents (${((args.documents * BYTES_PER_DOCUMENT) / MB).toFixed(0)} MB)…`);
  const generated = await timed(() => generateCorpus({ documents: args.documents, bytes: args.documents * BYTES_PER_DOCUMENT, seed: args.seed, dir: corpusDir }));
  const corpus = generated.result;
  ctx.info.generateMs = generated.ms;

  let store = await LowdbStore.open(dataDir);
  let server: ServerType | undefined;
  try {
    let deps = makeDeps(store);
    await ensureAdmin(deps, ADMIN_PASSWORD);
    const project = await createProject(deps, { name: 'Benchmark', description: 'Synthetic corpus' });

    log('Import…');
    await benchImport(ctx, deps, project.id, corpusDir, corpus.files.map((f) => f.path), corpus.bytes);

    const created = new Date().toISOString();
    const codes = generateCodebook({ codes: CODES, created });
    await store.commit(project.id, { codes: { put: codes } });
    const codeIds = codes.filter((c) => c.isCodable).map((c) => c.id);
    const coders = { a: 'coder-a', b: 'coder-b' };
    for (const [id, login] of [
      [coders.a, 'kodiererin-a'],
      [coders.b, 'kodierer-b'],
    ] as const) {
      await store.putUser({ id, login, displayName: login, role: 'researcher', passwordHash: DISABLED_PASSWORD, created, version: 1 });
    }
    const documents = await store.listDocuments(project.id);
    const segments = generateSegments({ documents, codeIds, coders: [coders.a, coders.b], count: args.segments, seed: `${args.seed}:segments` });
    log(`Inserting ${segments.length.toLocaleString('en')} segments…`);
    await insertSegments(ctx, store, project.id, segments);

    log('Store open…');
    store = await benchLoad(ctx, store, dataDir);
    deps = makeDeps(store);

    const listening = await listen(deps);
    server = listening.server;
    const client = await signIn(listening.base, 'admin', ADMIN_PASSWORD);

    log('Coding latency…');
    await benchCoding(ctx, deps, dataDir, project.id, client, listening.lastServerMs, documents, codeIds, coders);
    log('Retrieval…');
    await benchRetrieval(ctx, deps, project.id, client, listening.lastServerMs, codeIds);
  } finally {
    if (server) await closeServer(server);
    await store.close();
  }
}

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2));
  const work = await mkdtemp(join(tmpdir(), 'sichtbar-bench-'));
  const ctx: Context = { args, work, figures: [], info: {} };
  const start = runStart();
  const t0 = performance.now();
  try {
    await runAll(ctx);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const results = {
    machine: machineRecord(start),
    parameters: { documents: args.documents, segments: args.segments, seed: args.seed, quick: args.quick, bytesPerDocument: BYTES_PER_DOCUMENT, codes: CODES, context: CONTEXT },
    durationSeconds: seconds(performance.now() - t0),
    figures: ctx.figures,
    info: ctx.info,
  };
  const outDir = fileURLToPath(new URL('./out/', import.meta.url));
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);

  const m = results.machine;
  log('');
  logRunHeader(m, args, `${results.durationSeconds.toFixed(0)} s`);
  log(loadAverageLine(m));
  log('');
  log(figureTable(ctx.figures));
  log('');
  log(`Written to ${join(outDir, 'results.json')}`);
  const failed = ctx.figures.filter((f) => f.pass === false);
  if (failed.length > 0) log(`Missed targets: ${failed.map((f) => f.id).join(', ')}`);
}

await main();
