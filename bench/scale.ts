/**
 * Scale benchmark (issue 10): a county-archive-sized project on PostgreSQL, and the embedded lowdb
 * store at growing sizes to find its limits. Each figure stands next to a reference measured in the
 * same run on the same database or disk.
 *
 *   SICHTBAR_BENCH_DATABASE_URL=postgres://… node bin/run-ts.js bench/scale.ts --store postgres --documents 100000 --segments 10000000
 *   node bin/run-ts.js bench/scale.ts --store lowdb --documents 10000 --segments 1000000
 *   … --quick                      2,000 documents, 100,000 segments (smoke run)
 *
 * Phases: import (generated Markdown files through the real importer, 1,000 per change), bulk
 * coding (generated segments, 20,000 per change), coding latency (applyCode, one durable segment),
 * comparison (observations vs documentation records over every segment), search (four queries).
 * PostgreSQL runs in a schema of its own that is dropped at the end. Results are printed and
 * appended to bench/out/scale.jsonl; bench/RESULTS.md records them.
 */
import { appendFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { applyCode } from '../server/domain/coding.js';
import { compareSets } from '../server/domain/comparison.js';
import { addDocuments } from '../server/domain/corpus.js';
import { makeDeps, type Actor } from '../server/domain/deps.js';
import { createProject } from '../server/domain/projects.js';
import { search } from '../server/domain/search.js';
import type { Store } from '../server/domain/store.js';
import { collectImports } from '../server/import/import-paths.js';
import { LowdbStore } from '../server/storage/lowdb-store.js';
import { dropSchema, ensureSchema } from '../server/storage/pg-schema.js';
import { PgStore } from '../server/storage/pg-store.js';
import { generateCodebook, generateCorpus, generateSegments, Random } from './generate.js';
import { distribution, log, timed, writeAndSync, type Distribution } from './measure.js';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    store: { type: 'string', default: 'postgres' },
    documents: { type: 'string' },
    segments: { type: 'string' },
    quick: { type: 'boolean', default: false },
    'bytes-per-document': { type: 'string', default: '2000' },
  },
  strict: true,
});
const STORE = values.store === 'lowdb' ? 'lowdb' : 'postgres';
const DOCUMENTS = Number(values.documents ?? (values.quick ? 2_000 : 100_000));
const SEGMENTS = Number(values.segments ?? (values.quick ? 100_000 : 10_000_000));
const BYTES_PER_DOCUMENT = Number(values['bytes-per-document']);
const IMPORT_BATCH = 1_000;
const SEGMENT_BATCH = 20_000;
const CODER: Actor = { userId: 'coder-a', role: 'researcher' };
const MB = 1_000_000;

const rss = (): number => Math.round(process.memoryUsage().rss / MB);
const fmt = (d: Distribution): string => `p50 ${d.p50.toFixed(1)} ms, p95 ${d.p95.toFixed(1)} ms (n=${d.n})`;

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'sichtbar-scale-'));
  const figures: Record<string, unknown> = { date: new Date().toISOString(), store: STORE, documents: DOCUMENTS, segments: SEGMENTS, bytesPerDocument: BYTES_PER_DOCUMENT };
  let store: Store | undefined;
  let cleanupDb: (() => Promise<void>) | undefined;
  let refClient: pg.Client | undefined;
  try {
    log(`Generating ${DOCUMENTS.toLocaleString('en')} documents (${((DOCUMENTS * BYTES_PER_DOCUMENT) / MB).toFixed(0)} MB)…`);
    const corpus = await generateCorpus({ documents: DOCUMENTS, bytes: DOCUMENTS * BYTES_PER_DOCUMENT, seed: 'scale', dir: join(work, 'corpus') });
    const files = (await readdir(corpus.dir)).sort().map((f) => join(corpus.dir, f));

    if (STORE === 'postgres') {
      const url = process.env.SICHTBAR_BENCH_DATABASE_URL ?? process.env.SICHTBAR_TEST_DATABASE_URL;
      if (!url) throw new Error('set SICHTBAR_BENCH_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test)');
      const schema = `bench_${Date.now()}`;
      await ensureSchema(url, schema);
      cleanupDb = () => dropSchema(url, schema);
      store = await PgStore.open(url, { schema });
      refClient = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
      await refClient.connect();
      await refClient.query('CREATE TABLE bench_ref (id serial PRIMARY KEY, body text NOT NULL)');
    } else {
      store = await LowdbStore.open(join(work, 'data'));
    }
    const deps = makeDeps(store);
    const project = await createProject(deps, { name: 'Kreisarchiv' });
    const codes = generateCodebook({ codes: 50, created: '2026-01-01T00:00:00.000Z' });
    await store.commit(project.id, { codes: { put: codes } });
    const codable = codes.filter((c) => c.isCodable).map((c) => c.id);

    // --- Import: the real importer and addDocuments, 1,000 files per change.
    log('Importing…');
    let imported = 0;
    const docs: { id: string; length: number; kind: string }[] = [];
    const importTime = await timed(async () => {
      for (let i = 0; i < files.length; i += IMPORT_BATCH) {
        const collected = await collectImports(files.slice(i, i + IMPORT_BATCH));
        if (collected.failed.length > 0) throw new Error(`import failed: ${JSON.stringify(collected.failed[0])}`);
        const added = await addDocuments(deps, project.id, collected.imported.map((x) => x.document));
        for (const d of added) docs.push({ id: d.id, length: [...d.text].length, kind: d.kind });
        imported += added.length;
        if ((i / IMPORT_BATCH) % 10 === 9) log(`  ${imported.toLocaleString('en')} documents, ${rss()} MB RSS`);
      }
    });
    figures['importSeconds'] = importTime.ms / 1000;
    figures['importMBps'] = corpus.bytes / MB / (importTime.ms / 1000);
    figures['importDocsPerSecond'] = DOCUMENTS / (importTime.ms / 1000);
    // Reference: the same bytes written raw – one INSERT per batch into a plain table (PostgreSQL),
    // or one fsynced file per batch (lowdb).
    const refImport = await timed(async () => {
      for (let i = 0; i < files.length; i += IMPORT_BATCH) {
        const body = (await collectImports(files.slice(i, i + IMPORT_BATCH))).imported.map((x) => x.document.text).join('\n');
        if (refClient) await refClient.query('INSERT INTO bench_ref (body) VALUES ($1)', [body]);
        else await writeAndSync(join(work, `ref-${i}.txt`), Buffer.from(body));
      }
    });
    figures['importReferenceSeconds'] = refImport.ms / 1000;
    log(`Import: ${(importTime.ms / 1000).toFixed(1)} s = ${(figures['importMBps'] as number).toFixed(2)} MB/s, ${(figures['importDocsPerSecond'] as number).toFixed(0)} docs/s (reference raw write incl. parsing ${(refImport.ms / 1000).toFixed(1)} s, ratio ${(importTime.ms / refImport.ms).toFixed(2)})`);

    // --- Bulk coding: generated segments, 20,000 per change.
    log(`Coding ${SEGMENTS.toLocaleString('en')} segments…`);
    let coded = 0;
    const chunkDocs = 1_000;
    const bulk = await timed(async () => {
      for (let i = 0; i < docs.length; i += chunkDocs) {
        const part = docs.slice(i, i + chunkDocs);
        const count = Math.round((SEGMENTS * Math.min(docs.length, i + chunkDocs)) / docs.length) - coded;
        const segments = generateSegments({ documents: part, codeIds: codable, coders: ['coder-a', 'coder-b'], count, seed: `scale:${i}` }).map((s) => ({ ...s, id: `seg-${i}-${s.id}` }));
        for (let k = 0; k < segments.length; k += SEGMENT_BATCH) await store!.commit(project.id, { segments: { put: segments.slice(k, k + SEGMENT_BATCH) } });
        coded += segments.length;
        if ((i / chunkDocs) % 10 === 9) log(`  ${coded.toLocaleString('en')} segments, ${rss()} MB RSS`);
      }
    });
    figures['bulkSegmentsPerSecond'] = coded / (bulk.ms / 1000);
    figures['segmentsStored'] = coded;
    log(`Bulk coding: ${coded.toLocaleString('en')} segments in ${(bulk.ms / 1000).toFixed(1)} s (${(coded / (bulk.ms / 1000)).toFixed(0)}/s)`);

    // --- Coding latency: one segment through the domain, durable when it returns.
    const rnd = new Random('latency');
    const coding: number[] = [];
    const reference: number[] = [];
    for (let i = 0; i < 220; i++) {
      const doc = docs[rnd.int(0, docs.length - 1)] as { id: string; length: number };
      const start = rnd.int(0, Math.max(0, doc.length - 40));
      const t = await timed(() => applyCode(deps, project.id, CODER, { documentId: doc.id, codeId: codable[i % codable.length] as string, start, end: Math.min(doc.length, start + 30) }));
      // Reference: one durable single-row write of the same store kind.
      const r = await timed(async () => {
        if (refClient) await refClient.query('INSERT INTO bench_ref (body) VALUES ($1)', ['x'.repeat(300)]);
        else await writeAndSync(join(work, 'ref-latency.txt'), Buffer.from('x'.repeat(300)));
      });
      if (i >= 20) {
        coding.push(t.ms);
        reference.push(r.ms);
      }
    }
    const codingD = distribution(coding);
    const refD = distribution(reference);
    figures['coding'] = codingD;
    figures['codingReference'] = refD;
    log(`Coding latency: ${fmt(codingD)}; reference durable single-row write ${fmt(refD)}`);

    // --- Comparison over every segment.
    const comparison: number[] = [];
    let rows = 0;
    for (let i = 0; i < 3; i++) {
      const t = await timed(() => compareSets(deps, project.id, { a: { kinds: ['observation'] }, b: { kinds: ['documentation'] } }));
      comparison.push(t.ms);
      rows = t.result.rows.length;
    }
    const compRef = await timed(async () => {
      if (refClient) await refClient.query('SELECT code_id, count(*) FROM segments GROUP BY code_id');
      else {
        const all = await store!.listSegments(project.id);
        const counts = new Map<string, number>();
        for (const s of all) counts.set(s.codeId, (counts.get(s.codeId) ?? 0) + 1);
      }
    });
    figures['comparison'] = distribution(comparison);
    figures['comparisonReferenceMs'] = compRef.ms;
    figures['comparisonRows'] = rows;
    figures['rssAfterComparisonMB'] = rss();
    log(`Comparison: ${fmt(distribution(comparison))}, ${rows} rows; reference one aggregate pass over all segments ${compRef.ms.toFixed(0)} ms; RSS ${rss()} MB`);

    // --- Search.
    const queries = ['Jugendamt', 'Gespräch', '"Termin beim Jugendamt"', 'Miete OR Schulden'];
    for (const query of queries) {
      const runs: number[] = [];
      let total = 0;
      for (let i = 0; i < (DOCUMENTS > 20_000 ? 2 : 4); i++) {
        const t = await timed(() => search(deps, project.id, { query, limit: 50 }));
        runs.push(t.ms);
        total = t.result.total;
      }
      figures[`search ${query}`] = { ...distribution(runs), hits: total };
      log(`Search ${query}: ${fmt(distribution(runs))}, ${total.toLocaleString('en')} hits`);
    }
    if (refClient) {
      const t = await timed(() => refClient!.query(`SELECT count(*) FROM documents WHERE tsv @@ to_tsquery('sichtbar_german', 'Jugendamt')`));
      figures['searchReferenceMs'] = t.ms;
      log(`Search reference (count of tsvector matches for Jugendamt): ${t.ms.toFixed(1)} ms`);
    }
    if (store instanceof LowdbStore) {
      // The embedded store reads every file on open: the server's start time at this size.
      await store.close();
      const reopen = await timed(() => LowdbStore.open(join(work, 'data')));
      store = reopen.result;
      figures['openSeconds'] = reopen.ms / 1000;
      log(`Opening the data directory again: ${(reopen.ms / 1000).toFixed(1)} s`);
    }
    figures['rssMB'] = rss();
    await mkdir('bench/out', { recursive: true });
    await appendFile('bench/out/scale.jsonl', `${JSON.stringify(figures)}\n`);
    log(JSON.stringify(figures, null, 2));
  } finally {
    await refClient?.end().catch(() => undefined);
    await store?.close();
    await cleanupDb?.();
    await rm(work, { recursive: true, force: true });
  }
}

await main();
