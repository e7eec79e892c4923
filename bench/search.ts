/**
 * Benchmark of the lexical search (issue 7): a generated corpus (bench/generate.ts) in a MemoryStore,
 * indexed once, then queried.
 *
 *   node bin/run-ts.js bench/search.ts                  1,000 documents, 50 MB, 20 runs
 *   node bin/run-ts.js bench/search.ts --quick          100 documents, 2 MB
 *   node bin/run-ts.js bench/search.ts --documents 500 --megabytes 10 --runs 50
 *
 * Figures (p50/p95; the query tasks run round-robin after three warm-up rounds):
 *   - index build (tokenise, stem, post) of all documents in MB/s of UTF-8 text, by wall-clock and by
 *     CPU time (the machine may be shared) – target ≥ 10 MB/s;
 *   - the stem cache: stemming every token with and without the cache;
 *   - a stemmed one-word query (target p50 ≤ 20 ms), a phrase (target p50 ≤ 50 ms), a wildcard and
 *     a boolean query, each the whole `search` call (KWIC lines included, limit 1,000);
 *   - the references, measured in the same run: a plain `String.includes`/`indexOf` scan of all
 *     texts for the same word (case-sensitive, no stemming – the least any search must do without
 *     an index), and GNU grep -rF (or rg, when installed) over the generated files.
 * Writes bench/out/search.json and prints the table.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addDocuments } from '../server/domain/corpus.js';
import { makeDeps } from '../server/domain/deps.js';
import { createProject } from '../server/domain/projects.js';
import { dropIndex, projectIndex, stem, stemWithoutCache } from '../server/domain/search-index.js';
import { search } from '../server/domain/search.js';
import { collectImports } from '../server/import/import-paths.js';
import { MemoryStore } from '../server/storage/memory-store.js';
import { generateCorpus } from './generate.js';
import { distribution, figure, figureTable, timed, type Figure, parseBenchArgs, log } from './measure.js';

function externalTool(): { name: string; run: (word: string, dir: string) => number } | null {
  for (const [name, args] of [
    ['rg', (w: string, d: string) => ['-F', '--count-matches', '--no-filename', w, d]],
    ['grep', (w: string, d: string) => ['-r', '-F', '-o', '-h', w, d]],
  ] as const) {
    try {
      execFileSync(name, ['--version'], { stdio: 'ignore' });
      return {
        name: name === 'grep' ? 'grep -rF' : 'rg -F',
        run: (word, dir) => {
          const out = execFileSync(name, args(word, dir), { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
          return name === 'grep' ? out.split('\n').filter((l) => l.length > 0).length : out.split('\n').filter(Boolean).reduce((n, l) => n + Number(l), 0);
        },
      };
    } catch {
      // not installed
    }
  }
  return null;
}

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2), { runs: 20 });
  const work = await mkdtemp(join(tmpdir(), 'sichtbar-bench-search-'));
  const figures: Figure[] = [];
  const info: Record<string, unknown> = { started: new Date().toISOString(), cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version };
  try {
    log(`Generating ${args.documents} documents, ${args.megabytes} MB…`);
    const corpus = await generateCorpus({ documents: args.documents, bytes: Math.round(args.megabytes * 1_000_000), seed: args.seed, dir: join(work, 'corpus') });
    const deps = makeDeps(new MemoryStore());
    const project = await createProject(deps, { name: 'Benchmark' });
    const collected = await collectImports(corpus.files.map((f) => f.path));
    await addDocuments(deps, project.id, collected.imported.map((i) => i.document));
    const texts = await Promise.all((await deps.store.listDocuments(project.id)).map(async (m) => (await deps.store.getDocument(project.id, m.id))?.text ?? ''));
    const textBytes = texts.reduce((n, t) => n + Buffer.byteLength(t, 'utf8'), 0);
    info['documents'] = texts.length;
    info['textBytes'] = textBytes;
    info['fileBytes'] = corpus.bytes;

    // Index build: a cold build (fresh stem cache is not possible in-process, so the first build is
    // reported, then two rebuilds with a warm stem cache).
    const builds: number[] = [];
    const buildCpu: number[] = [];
    for (let i = 0; i < 3; i++) {
      dropIndex(deps, project.id);
      const before = process.cpuUsage();
      builds.push((await timed(() => projectIndex(deps, project.id))).ms);
      const used = process.cpuUsage(before);
      // CPU time of this process (garbage collector threads included): other load on the machine does not inflate it.
      buildCpu.push((used.user + used.system) / 1000);
    }
    info['loadavg'] = loadavg();
    const index = await projectIndex(deps, project.id);
    info['tokens'] = index.size;
    info['stems'] = index.stemForms.size;
    info['forms'] = index.forms.size;
    const mb = textBytes / 1_000_000;
    figures.push(figure({ id: 'index-build-cold', label: 'Index build, first (cold stem cache)', value: mb / ((builds[0] as number) / 1000), unit: 'MB/s', higherIsBetter: true, target: { comparison: '>=', value: 10, unit: 'MB/s' } }));
    figures.push(figure({ id: 'index-build-cold-cpu', label: 'Index build, first, by CPU time', value: mb / ((buildCpu[0] as number) / 1000), unit: 'MB/s', higherIsBetter: true, target: { comparison: '>=', value: 10, unit: 'MB/s' } }));
    figures.push(figure({ id: 'index-build-warm', label: 'Index build, rebuild (warm stem cache)', value: mb / (Math.min(...builds.slice(1)) / 1000), unit: 'MB/s', higherIsBetter: true, target: { comparison: '>=', value: 10, unit: 'MB/s' } }));

    // The stem cache: every token of the corpus stemmed with and without it.
    const forms = [...index.documents.values()].flatMap((d) => d.tokens.terms.map((t) => t.form)).slice(0, 2_000_000);
    const cached = await timed(() => forms.forEach((f) => stem(f)));
    const uncached = await timed(() => forms.forEach((f) => stemWithoutCache(f)));
    figures.push(figure({ id: 'stem-cached', label: `Stemming ${forms.length.toLocaleString('en')} tokens, cached`, value: cached.ms, unit: 'ms', reference: { label: 'uncached', value: uncached.ms, unit: 'ms' } }));
    info['stemCacheSpeedup'] = uncached.ms / cached.ms;

    const queries = {
      word: 'Beratung',
      phrase: '"die Fachkraft"',
      wildcard: 'Beratungs*',
      boolean: '(Antrag OR Formular) AND Kollegin NOT Jugendamt',
    } as const;
    const samples: Record<string, number[]> = { word: [], phrase: [], wildcard: [], boolean: [], scan: [], external: [] };
    const tool = externalTool();
    let scanHits = 0;
    let externalHits = 0;
    const totals: Record<string, number> = {};
    for (let round = 0; round < args.runs + 3; round++) {
      for (const [name, q] of Object.entries(queries)) {
        const { ms, result } = await timed(() => search(deps, project.id, { query: q, limit: 1000 }));
        totals[name] = result.total;
        if (round >= 3) samples[name]?.push(ms);
      }
      const scan = await timed(() => {
        let n = 0;
        for (const t of texts) {
          if (!t.includes('Beratung')) continue;
          for (let at = t.indexOf('Beratung'); at >= 0; at = t.indexOf('Beratung', at + 1)) n++;
        }
        return n;
      });
      scanHits = scan.result;
      if (round >= 3) samples['scan']?.push(scan.ms);
      if (tool && (round < 3 || round < 3 + Math.min(args.runs, 10))) {
        const ext = await timed(() => tool.run('Beratung', corpus.dir));
        externalHits = ext.result;
        if (round >= 3) samples['external']?.push(ext.ms);
      }
    }
    info['hits'] = { ...totals, scanBeratung: scanHits, externalBeratung: externalHits };
    const scanP50 = distribution(samples['scan'] as number[]).p50;
    const ref = { label: 'String.includes scan', value: scanP50, unit: 'ms' };
    const d = (name: string) => distribution(samples[name] as number[]);
    figures.push(figure({ id: 'query-word', label: `Stemmed word "${queries.word}", p50`, value: d('word').p50, unit: 'ms', reference: ref, target: { comparison: '<=', value: 20, unit: 'ms' }, samples: args.runs }));
    figures.push(figure({ id: 'query-word-p95', label: `Stemmed word "${queries.word}", p95`, value: d('word').p95, unit: 'ms', reference: ref, samples: args.runs }));
    figures.push(figure({ id: 'query-phrase', label: `Phrase ${queries.phrase}, p50`, value: d('phrase').p50, unit: 'ms', reference: ref, target: { comparison: '<=', value: 50, unit: 'ms' }, samples: args.runs }));
    figures.push(figure({ id: 'query-wildcard', label: `Wildcard ${queries.wildcard}, p50`, value: d('wildcard').p50, unit: 'ms', reference: ref, samples: args.runs }));
    figures.push(figure({ id: 'query-boolean', label: 'Boolean query, p50', value: d('boolean').p50, unit: 'ms', reference: ref, samples: args.runs }));
    figures.push(figure({ id: 'scan', label: 'String.includes scan for "Beratung", p50', value: scanP50, unit: 'ms', samples: args.runs }));
    if (tool && (samples['external'] as number[]).length > 0) {
      const ext = distribution(samples['external'] as number[]).p50;
      figures.push(figure({ id: 'query-word-vs-external', label: `Stemmed word vs ${tool.name} "Beratung" (process incl.), p50`, value: d('word').p50, unit: 'ms', reference: { label: tool.name, value: ext, unit: 'ms' }, samples: args.runs }));
    }
    info['externalTool'] = tool?.name ?? null;
    const table = figureTable(figures);
    log(table);
    log(JSON.stringify(info, null, 2));
    const out = fileURLToPath(new URL('./out/', import.meta.url));
    await mkdir(out, { recursive: true });
    await writeFile(join(out, 'search.json'), `${JSON.stringify({ args, info, figures }, null, 2)}\n`, 'utf8');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
