/**
 * `sichtbar search` and `sichtbar words` (issue 7).
 *
 *   sichtbar search --data DIR "<query>" [--set NAME] [--code ID] [--speaker FK] [--context N] [--limit N] [--json]
 *   sichtbar words --data DIR [--set NAME] [--code ID] [--limit N] [--a COND --b COND] [--csv] [--json]
 */
import { search } from '../domain/search.js';
import { keyness, keynessToCsv, wordFrequencies, wordsToCsv } from '../domain/words.js';
import { pickProject, sideConditions, UsageError, withStore, type CliCommand } from './common.js';

function int(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || n < min || n > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
  return n;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export const searchCommand: CliCommand = {
  name: 'search',
  usage: '  search "<query>" --data DIR [--set NAME] [--code ID] [--speaker NAME] [--context N] [--limit N] [--json]\n' +
    '        query: words (stemmed), =exact, Wild*card, "a phrase", AND/OR/NOT, ( )',
  options: {
    set: { type: 'string' },
    code: { type: 'string' },
    speaker: { type: 'string' },
    context: { type: 'string' },
    limit: { type: 'string' },
  },
  run: async ({ values, positionals, io, dataDir, projectOption, json }) => {
    if (positionals.length !== 1) throw new UsageError('search takes exactly one query (quote it)');
    const query = positionals[0] as string;
    const context = int(values['context'], 'context', 0, 1000) ?? 40;
    const limit = int(values['limit'], 'limit', 1, 100_000) ?? 100_000;
    const set = str(values['set']);
    const code = str(values['code']);
    const speaker = str(values['speaker']);
    const result = await withStore(dataDir, async (store, deps) => {
      const projectId = await pickProject(store, projectOption);
      return search(deps, projectId, { query, scope: { ...(set ? { set } : {}), ...(code ? { codeId: code } : {}), ...(speaker ? { speaker } : {}) }, context, limit });
    });
    if (json) {
      const out = {
        query: result.query,
        total: result.total,
        hits: result.hits.map((h) => ({ documentId: h.documentId, title: h.title, start: h.start, end: h.end, match: h.match, left: h.left, right: h.right })),
      };
      io.stdout(`${JSON.stringify(out, null, 2)}\n`);
    } else {
      for (const h of result.hits) io.stdout(`${h.title}\t${h.start}-${h.end}\t…${h.left}[${h.match}]${h.right}…\n`);
      io.stdout(`${result.total} hit(s) in ${result.documents.length} document(s)\n`);
    }
    return 0;
  },
};

export const wordsCommand: CliCommand = {
  name: 'words',
  usage: '  words --data DIR [--set NAME] [--code ID] [--limit N] [--min-length N] [--a COND --b COND] [--csv] [--json]\n' +
    '        frequencies by stem (stop words out); with --a/--b the keyness of A against B (log-likelihood)',
  options: {
    set: { type: 'string' },
    code: { type: 'string' },
    limit: { type: 'string' },
    'min-length': { type: 'string' },
    a: { type: 'string', multiple: true },
    b: { type: 'string', multiple: true },
    csv: { type: 'boolean', default: false },
  },
  run: async ({ values, positionals, io, dataDir, projectOption, json }) => {
    if (positionals.length > 0) throw new UsageError(`words takes no positional arguments (got "${positionals[0]}")`);
    const limit = int(values['limit'], 'limit', 1, 10_000);
    const minLength = int(values['min-length'], 'min-length', 1, 50);
    const aArgs = values['a'] as string[] | undefined;
    const bArgs = values['b'] as string[] | undefined;
    if ((aArgs === undefined) !== (bArgs === undefined)) throw new UsageError('keyness needs both --a and --b');
    const csv = values['csv'] === true;
    if (aArgs && bArgs) {
      const a = sideConditions('a', aArgs);
      const b = sideConditions('b', bArgs);
      const result = await withStore(dataDir, async (store, deps) => keyness(deps, await pickProject(store, projectOption), a, b, { ...(limit ? { limit } : {}), ...(minLength ? { minLength } : {}) }));
      if (json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
      else if (csv) io.stdout(keynessToCsv(result));
      else {
        io.stdout(`A: ${result.a.label} (${result.a.documents} documents, ${result.a.tokens} words)\nB: ${result.b.label} (${result.b.documents} documents, ${result.b.tokens} words)\n`);
        for (const r of result.rows) io.stdout(`${r.sign} ${r.form}\t${r.a}\t${r.b}\tLL ${r.ll.toFixed(2)}\n`);
      }
      return 0;
    }
    const set = str(values['set']);
    const code = str(values['code']);
    const result = await withStore(dataDir, async (store, deps) =>
      wordFrequencies(deps, await pickProject(store, projectOption), { ...(set ? { set } : {}), ...(code ? { codeId: code } : {}), ...(limit ? { limit } : {}), ...(minLength ? { minLength } : {}) }),
    );
    if (json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    else if (csv) io.stdout(wordsToCsv(result));
    else {
      io.stdout(`${result.tokens} words, ${result.distinct} distinct stems, ${result.documents} documents\n`);
      for (const w of result.words) io.stdout(`${w.form}\t${w.count}\t${w.documents}\n`);
    }
    return 0;
  },
};
