/**
 * Word frequencies and keyness (issue 7). Words are grouped by stem (search-index.ts) and shown in
 * their most frequent surface form; stop words and words shorter than `minLength` are left out of
 * the lists, but every token counts towards the corpus size.
 *
 * Keyness compares the word frequencies of set A with set B by the log-likelihood of Rayson &
 * Garside (2000) – the same `raysonGarsideLL` as the visibility comparison – with a = frequency in
 * A, b = in B, c and d the sizes (tokens) of A and B; the log ratio (Hardie 2014) gives the effect size.
 */
import { documentsOfSide, labelOfSide } from './comparison.js';
import { documentIdsOfSet } from './corpus.js';
import { csvField } from './csv.js';
import type { Deps } from './deps.js';
import { codeRanges } from './search.js';
import { isStopWord, projectIndex, type IndexedDocument, type ProjectIndex, type Term } from './search-index.js';
import { logRatio, raysonGarsideLL } from './statistics.js';
import type { ParsedSideSpec } from '../schemas/comparison.js';
import { WordsRequestSchema, type KeynessResult, type KeynessRow, type WordsRequest, type WordsResult } from '../schemas/search.js';

interface Tally {
  tokens: number;
  documents: number;
  /** stem → count, documents, surface form counts */
  stems: Map<string, { count: number; documents: number; lastDoc: string; forms: Map<string, number> }>;
}

function tally(index: ProjectIndex, ids: Iterable<string>, ranges: Map<string, { start: number; end: number }[]> | null, minLength: number): Tally {
  const t: Tally = { tokens: 0, documents: 0, stems: new Map() };
  for (const id of ids) {
    const doc = index.documents.get(id) as IndexedDocument | undefined;
    if (!doc) continue;
    const allowed = ranges ? mergeRanges(ranges.get(id) ?? []) : null;
    if (allowed && allowed.length === 0) continue;
    t.documents++;
    const { terms, starts, ends } = doc.tokens;
    let r = 0;
    for (let i = 0; i < terms.length; i++) {
      if (allowed) {
        const s = starts[i] as number;
        while (r < allowed.length && (allowed[r] as { end: number }).end < (ends[i] as number)) r++;
        const range = allowed[r];
        if (!range || range.start > s) continue;
      }
      t.tokens++;
      const term = terms[i] as Term;
      const form = term.form;
      if (isStopWord(form) || [...form].length < minLength) continue;
      const st = term.stem;
      let entry = t.stems.get(st);
      if (!entry) t.stems.set(st, (entry = { count: 0, documents: 0, lastDoc: '', forms: new Map() }));
      entry.count++;
      if (entry.lastDoc !== id) {
        entry.documents++;
        entry.lastDoc = id;
      }
      const surface = term.surface;
      entry.forms.set(surface, (entry.forms.get(surface) ?? 0) + 1);
    }
  }
  return t;
}

/** Sorted, non-overlapping ranges (overlapping segments must not count a word twice). */
function mergeRanges(ranges: { start: number; end: number }[]): { start: number; end: number }[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const out: { start: number; end: number }[] = [];
  for (const r of sorted) {
    const prev = out[out.length - 1];
    if (prev && r.start <= prev.end) prev.end = Math.max(prev.end, r.end);
    else out.push({ ...r });
  }
  return out;
}

function topForm(forms: Map<string, number>): string {
  let best = '';
  let n = -1;
  for (const [form, count] of forms) if (count > n || (count === n && form < best)) [best, n] = [form, count];
  return best;
}

/** Word frequencies of the whole project, a set, or the text inside a code's segments (with sub-codes). */
export async function wordFrequencies(deps: Deps, projectId: string, request: WordsRequest = {}): Promise<WordsResult> {
  const r = WordsRequestSchema.parse(request);
  const index = await projectIndex(deps, projectId);
  let ids: string[] = [...index.documents.keys()];
  if (r.set) {
    const inSet = new Set(await documentIdsOfSet(deps, projectId, r.set));
    ids = ids.filter((id) => inSet.has(id));
  }
  const ranges = r.codeId ? await codeRanges(deps, projectId, r.codeId) : null;
  const t = tally(index, ids, ranges, r.minLength);
  const words = [...t.stems.entries()]
    .map(([stem, e]) => ({ stem, form: topForm(e.forms), count: e.count, documents: e.documents }))
    .sort((a, b) => b.count - a.count || a.form.localeCompare(b.form, 'de'))
    .slice(0, r.limit);
  return { tokens: t.tokens, distinct: t.stems.size, documents: t.documents, words };
}

/** Distinctive words of A against B, by log-likelihood (largest first). */
export async function keyness(deps: Deps, projectId: string, a: ParsedSideSpec, b: ParsedSideSpec, options: { limit?: number; minLength?: number } = {}): Promise<KeynessResult> {
  const index = await projectIndex(deps, projectId);
  const minLength = options.minLength ?? 2;
  const [documents, sets] = await Promise.all([deps.store.listDocuments(projectId), deps.store.listSets(projectId)]);
  const ta = tally(index, [...documentsOfSide(a, documents, sets)], null, minLength);
  const tb = tally(index, [...documentsOfSide(b, documents, sets)], null, minLength);
  const stems = new Set([...ta.stems.keys(), ...tb.stems.keys()]);
  const rows: KeynessRow[] = [];
  for (const st of stems) {
    const ea = ta.stems.get(st);
    const eb = tb.stems.get(st);
    const fa = ea?.count ?? 0;
    const fb = eb?.count ?? 0;
    const forms = new Map(ea?.forms ?? []);
    for (const [f, n] of eb?.forms ?? []) forms.set(f, (forms.get(f) ?? 0) + n);
    const ll = raysonGarsideLL(fa, fb, ta.tokens, tb.tokens);
    rows.push({ stem: st, form: topForm(forms), a: fa, b: fb, ll: ll.ll, sign: ll.sign, logRatio: logRatio(fa, fb, ta.tokens, tb.tokens) });
  }
  rows.sort((x, y) => y.ll - x.ll || x.form.localeCompare(y.form, 'de'));
  return {
    a: { label: labelOfSide(a), documents: ta.documents, tokens: ta.tokens },
    b: { label: labelOfSide(b), documents: tb.documents, tokens: tb.tokens },
    rows: rows.slice(0, options.limit ?? 200),
  };
}

// ---------------------------------------------------------------------------------------------
// CSV (RFC 4180, CRLF)

function csvCell(v: string | number | null): string {
  return v === null ? '' : typeof v === 'string' ? csvField(v) : String(v);
}

export function wordsToCsv(result: WordsResult): string {
  const lines = [['form', 'stem', 'count', 'documents'].join(',')];
  for (const w of result.words) lines.push([w.form, w.stem, w.count, w.documents].map(csvCell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export function keynessToCsv(result: KeynessResult): string {
  const lines = [['form', 'stem', 'freq_a', 'freq_b', 'll', 'sign', 'log_ratio'].join(',')];
  for (const r of result.rows) lines.push([r.form, r.stem, r.a, r.b, Number(r.ll.toFixed(4)), r.sign, r.logRatio === null ? null : Number(r.logRatio.toFixed(4))].map(csvCell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
