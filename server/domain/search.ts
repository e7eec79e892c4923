/**
 * Lexical search over a project's index (issue 7), with keyword-in-context results.
 *
 * Query language (German and English operators, case-insensitive):
 *
 *   Beratung              the word with stemming: Beratung, Beratungen, beraten, berät …
 *   =Beratung             exactly this word form (case-insensitive, no stemming)
 *   Beratung*  Jugend?mt  wildcards over word forms: * any letters, ? one letter
 *   "das Gespräch führen" a phrase: consecutive words, each stemmed (="…" for exact forms)
 *   a b   a AND b   a UND b     both in the same document (AND is the default)
 *   a OR b   a ODER b   a | b   either
 *   NOT a   NICHT a   -a        documents without a (needs a positive term beside it)
 *   ( … )                 grouping; precedence NOT > AND > OR
 *
 * Boolean logic decides which documents match; the hits shown are the positive terms' occurrences
 * in the matching documents. A scope narrows both: only the documents of a set, only text inside
 * the segments of a code (and its sub-codes), only a speaker's turns – a word counts when it lies
 * wholly inside.
 */
import { withDescendants } from './codebook.js';
import { documentIdsOfSet } from './corpus.js';
import type { Deps } from './deps.js';
import { InvalidInput, NotFound } from './errors.js';
import { candidateIndex, foldCase, projectIndex, stem, tokenize, type IndexedDocument, type ProjectIndex } from './search-index.js';
import { candidateQuery, textSearchOf } from './text-search.js';
import { SearchRequestSchema, type SearchHit, type SearchRequest, type SearchResult, type SearchScope } from '../schemas/search.js';

// ---------------------------------------------------------------------------------------------
// Parsing

export type QueryNode =
  | { type: 'term'; text: string; exact: boolean }
  | { type: 'wildcard'; text: string; pattern: string[] }
  | { type: 'phrase'; words: { text: string; exact: boolean }[] }
  | { type: 'and' | 'or'; children: QueryNode[] }
  | { type: 'not'; child: QueryNode };

type Lexeme = { kind: 'word'; text: string; exact: boolean } | { kind: 'phrase'; text: string; exact: boolean } | { kind: 'and' | 'or' | 'not' | '(' | ')' };

const OPERATORS: Record<string, 'and' | 'or' | 'not'> = { AND: 'and', UND: 'and', OR: 'or', ODER: 'or', NOT: 'not', NICHT: 'not' };
const MAX_TERMS = 50;

function lex(query: string): Lexeme[] {
  const out: Lexeme[] = [];
  let i = 0;
  while (i < query.length) {
    const ch = query[i] as string;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')') {
      out.push({ kind: ch });
      i++;
    } else if (ch === '|') {
      out.push({ kind: 'or' });
      i++;
    } else if (ch === '-' && (out.length === 0 || !/\S/.test(query[i - 1] ?? ' ') || query[i - 1] === '(')) {
      out.push({ kind: 'not' });
      i++;
    } else if (ch === '"' || ch === '„' || ch === '“' || (ch === '=' && /["„“]/.test(query[i + 1] ?? ''))) {
      const exact = ch === '=';
      if (exact) i++;
      const close = query.slice(i + 1).search(/["“”]/);
      if (close < 0) throw new InvalidInput(`the phrase starting at character ${i + 1} has no closing quote`);
      out.push({ kind: 'phrase', text: query.slice(i + 1, i + 1 + close), exact });
      i += close + 2;
    } else {
      const m = /^[^\s()"„“|]+/.exec(query.slice(i));
      const word = m?.[0] ?? ch;
      i += word.length;
      const op = OPERATORS[word];
      if (op) out.push({ kind: op });
      else if (word.startsWith('=')) out.push({ kind: 'word', text: word.slice(1), exact: true });
      else out.push({ kind: 'word', text: word, exact: false });
    }
  }
  return out;
}

/**
 * Does a case-folded word form match a wildcard pattern (* any letters, ? one)? The classic
 * two-pointer algorithm with one backtrack point: linear in practice, never exponential (a
 * regular expression built from "a*a*a*a*…" could backtrack exponentially).
 */
export function globMatch(pattern: readonly string[], word: readonly string[]): boolean {
  let p = 0;
  let w = 0;
  let star = -1;
  let mark = 0;
  while (w < word.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === word[w])) {
      p++;
      w++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = w;
    } else if (star >= 0) {
      p = star + 1;
      w = ++mark;
    } else return false;
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/** Parse a query into a tree (see the file comment); throws InvalidInput with the reason. */
export function parseQuery(query: string): QueryNode {
  const lexemes = lex(query);
  let at = 0;
  let terms = 0;
  const peek = (): Lexeme | undefined => lexemes[at];

  const primary = (): QueryNode => {
    const l = lexemes[at++];
    if (!l) throw new InvalidInput('the query ends where a word was expected');
    if (l.kind === '(') {
      const inner = or();
      if (peek()?.kind !== ')') throw new InvalidInput('a bracket is not closed');
      at++;
      return inner;
    }
    if (++terms > MAX_TERMS) throw new InvalidInput(`a query may hold at most ${MAX_TERMS} terms`);
    if (l.kind === 'phrase') {
      const words = tokenize(l.text).map((t) => ({ text: t.surface, exact: l.exact }));
      if (words.length === 0) throw new InvalidInput('an empty phrase');
      return words.length === 1 ? { type: 'term', ...(words[0] as { text: string; exact: boolean }) } : { type: 'phrase', words };
    }
    if (l.kind === 'word') {
      if (/[*?]/.test(l.text)) {
        if (l.text.replace(/[*?]/g, '').length < 2) throw new InvalidInput(`"${l.text}": a wildcard needs at least two letters`);
        return { type: 'wildcard', text: l.text, pattern: [...foldCase(l.text).replace(/\*+/g, '*')] };
      }
      const words = tokenize(l.text);
      if (words.length === 0) throw new InvalidInput(`"${l.text}" holds no word`);
      if (words.length > 1) return { type: 'phrase', words: words.map((w) => ({ text: w.surface, exact: l.exact })) };
      return { type: 'term', text: (words[0] as { surface: string }).surface, exact: l.exact };
    }
    throw new InvalidInput(`unexpected "${l.kind === ')' ? ')' : l.kind.toUpperCase()}"`);
  };
  const unary = (): QueryNode => {
    if (peek()?.kind === 'not') {
      at++;
      return { type: 'not', child: unary() };
    }
    return primary();
  };
  const and = (): QueryNode => {
    const children = [unary()];
    for (;;) {
      const next = peek();
      if (!next || next.kind === 'or' || next.kind === ')') break;
      if (next.kind === 'and') at++;
      children.push(unary());
    }
    return children.length === 1 ? (children[0] as QueryNode) : { type: 'and', children };
  };
  const or = (): QueryNode => {
    const children = [and()];
    while (peek()?.kind === 'or') {
      at++;
      children.push(and());
    }
    return children.length === 1 ? (children[0] as QueryNode) : { type: 'or', children };
  };

  if (lexemes.length === 0) throw new InvalidInput('the query is empty');
  const tree = or();
  if (at < lexemes.length) throw new InvalidInput('a closing bracket has no opening one');
  if (!hasPositive(tree)) throw new InvalidInput('a query needs at least one word that is not negated');
  return tree;
}

function hasPositive(node: QueryNode): boolean {
  switch (node.type) {
    case 'not':
      return false;
    case 'and':
      return node.children.some(hasPositive);
    case 'or':
      return node.children.every(hasPositive);
    default:
      return true;
  }
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/** A hit as a token range [first, last] in one document. */
interface TokenHit {
  first: number;
  last: number;
}
type Matches = Map<string, TokenHit[]>;

/** Code-point ranges per document a hit must lie in (absent key = whole document allowed). */
export type ScopeRanges = Map<string, { start: number; end: number }[]> | null;

function inScope(doc: IndexedDocument, ranges: ScopeRanges, hit: TokenHit): boolean {
  if (!ranges) return true;
  const allowed = ranges.get(doc.id);
  if (!allowed) return false;
  const start = doc.tokens.starts[hit.first] as number;
  const end = doc.tokens.ends[hit.last] as number;
  return allowed.some((r) => r.start <= start && end <= r.end);
}

function fromPostings(postings: Map<string, number[]> | undefined, docs: Set<string>): Matches {
  const out: Matches = new Map();
  if (!postings) return out;
  for (const [id, positions] of postings) if (docs.has(id)) out.set(id, positions.map((p) => ({ first: p, last: p })));
  return out;
}

/** The postings of a word: by form (exact) or by stem, and what to compare tokens by. */
function termPostings(index: ProjectIndex, word: { text: string; exact: boolean }): { postings: Map<string, number[]> | undefined; key: string; by: 'form' | 'stem' } {
  const folded = foldCase(word.text);
  if (word.exact) return { postings: index.forms.get(folded), key: folded, by: 'form' };
  const key = stem(folded);
  return { postings: index.stemPostings(key), key, by: 'stem' };
}

function evaluate(index: ProjectIndex, node: QueryNode, docs: Set<string>, scope: ScopeRanges): Matches {
  const scoped = (m: Matches): Matches => {
    if (!scope) return m;
    const out: Matches = new Map();
    for (const [id, hits] of m) {
      const doc = index.documents.get(id) as IndexedDocument;
      const kept = hits.filter((h) => inScope(doc, scope, h));
      if (kept.length > 0) out.set(id, kept);
    }
    return out;
  };
  switch (node.type) {
    case 'term':
      return scoped(fromPostings(termPostings(index, node).postings, docs));
    case 'wildcard': {
      const out: Matches = new Map();
      for (const [form, byDoc] of index.forms) {
        if (!globMatch(node.pattern, [...form])) continue;
        for (const [id, positions] of byDoc) {
          if (!docs.has(id)) continue;
          let list = out.get(id);
          if (!list) out.set(id, (list = []));
          for (const p of positions) list.push({ first: p, last: p });
        }
      }
      for (const list of out.values()) list.sort((a, b) => a.first - b.first);
      return scoped(out);
    }
    case 'phrase': {
      const keys = node.words.map((w) => termPostings(index, w));
      const lists = keys.map((k) => k.postings);
      if (lists.some((l) => !l)) return new Map();
      const present = lists as Map<string, number[]>[];
      // Candidates: documents holding every word (walk the word in the fewest documents).
      let fewest = 0;
      for (let j = 1; j < present.length; j++) if ((present[j] as Map<string, number[]>).size < (present[fewest] as Map<string, number[]>).size) fewest = j;
      const out: Matches = new Map();
      for (const id of (present[fewest] as Map<string, number[]>).keys()) {
        if (!docs.has(id)) continue;
        if (!present.every((l) => l.has(id))) continue;
        // Anchor on the word with the fewest positions in this document ("die Fachkraft" walks "Fachkraft").
        let anchor = 0;
        for (let j = 1; j < present.length; j++) if (((present[j] as Map<string, number[]>).get(id) as number[]).length < ((present[anchor] as Map<string, number[]>).get(id) as number[]).length) anchor = j;
        const positions = (present[anchor] as Map<string, number[]>).get(id) as number[];
        const doc = index.documents.get(id) as IndexedDocument;
        const terms = doc.tokens.terms;
        const hits: TokenHit[] = [];
        for (const at of positions) {
          const p = at - anchor;
          if (p < 0) continue;
          let ok = true;
          for (let j = 0; j < keys.length && ok; j++) {
            if (j === anchor) continue;
            const k = keys[j] as { key: string; by: 'form' | 'stem' };
            const term = terms[p + j];
            ok = term !== undefined && (k.by === 'form' ? term.form : term.stem) === k.key;
          }
          if (ok && (hits.length === 0 || (hits[hits.length - 1] as TokenHit).first !== p)) hits.push({ first: p, last: p + keys.length - 1 });
        }
        if (hits.length > 0) out.set(id, hits);
      }
      return scoped(out);
    }
    case 'and': {
      const parts = node.children.map((c) => ({ not: c.type === 'not', m: evaluate(index, c.type === 'not' ? c.child : c, docs, scope) }));
      const out: Matches = new Map();
      const positives = parts.filter((p) => !p.not);
      const seed = positives[0]?.m ?? new Map<string, TokenHit[]>();
      for (const id of seed.keys()) {
        if (!positives.every((p) => p.m.has(id))) continue;
        if (parts.some((p) => p.not && p.m.has(id))) continue;
        out.set(id, mergeHits(positives.map((p) => p.m.get(id) as TokenHit[])));
      }
      return out;
    }
    case 'or': {
      const out: Matches = new Map();
      const parts = node.children.map((c) => evaluate(index, c, docs, scope));
      for (const m of parts) for (const id of m.keys()) if (!out.has(id)) out.set(id, mergeHits(parts.map((p) => p.get(id) ?? [])));
      return out;
    }
    case 'not': {
      // parseQuery lets a negation stand only beside a positive term of an AND (handled there);
      // for completeness: the documents without the term, with no hits to show.
      const inner = evaluate(index, node.child, docs, scope);
      const out: Matches = new Map();
      for (const id of docs) if (!inner.has(id)) out.set(id, []);
      return out;
    }
  }
}

function mergeHits(lists: TokenHit[][]): TokenHit[] {
  const all = lists.flat().sort((a, b) => a.first - b.first || b.last - a.last);
  const out: TokenHit[] = [];
  for (const h of all) {
    const prev = out[out.length - 1];
    if (prev && h.first <= prev.last) {
      if (h.last > prev.last) prev.last = h.last;
    } else out.push({ ...h });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Scopes

export interface ResolvedScope {
  documents: Set<string>;
  ranges: ScopeRanges;
}

/** Code-point ranges per document covered by a code's segments (sub-codes included). */
export async function codeRanges(deps: Deps, projectId: string, codeId: string, keep: (documentId: string) => boolean = () => true): Promise<Map<string, { start: number; end: number }[]>> {
  const codes = await deps.store.listCodes(projectId);
  if (!codes.some((c) => c.id === codeId)) throw new NotFound(`code ${codeId} not found`);
  const ranges = new Map<string, { start: number; end: number }[]>();
  for (const s of await deps.store.listSegments(projectId, { codeIds: withDescendants(codes, codeId) })) {
    if (!keep(s.documentId)) continue;
    let list = ranges.get(s.documentId);
    if (!list) ranges.set(s.documentId, (list = []));
    list.push({ start: s.start, end: s.end });
  }
  return ranges;
}

/** The documents and code-point ranges a scope allows. */
export async function resolveScope(deps: Deps, projectId: string, index: ProjectIndex, scope: SearchScope): Promise<ResolvedScope> {
  let documents = new Set(index.documents.keys());
  if (scope.set) {
    const inSet = new Set(await documentIdsOfSet(deps, projectId, scope.set));
    documents = new Set([...documents].filter((id) => inSet.has(id)));
  }
  let ranges: Map<string, { start: number; end: number }[]> | null = null;
  if (scope.codeId) ranges = await codeRanges(deps, projectId, scope.codeId, (id) => documents.has(id));
  if (scope.speaker) {
    const wanted = foldCase(scope.speaker.trim());
    const turns = new Map<string, { start: number; end: number }[]>();
    for (const id of documents) {
      const doc = index.documents.get(id) as IndexedDocument;
      const mine = doc.document.turns.filter((t) => foldCase(t.speaker) === wanted).map((t) => ({ start: t.textStart, end: t.end }));
      if (mine.length > 0) turns.set(id, mine);
    }
    ranges = ranges ? intersectRanges(ranges, turns) : turns;
  }
  if (ranges) documents = new Set([...documents].filter((id) => ranges.has(id)));
  return { documents, ranges };
}

function intersectRanges(a: Map<string, { start: number; end: number }[]>, b: Map<string, { start: number; end: number }[]>): Map<string, { start: number; end: number }[]> {
  const out = new Map<string, { start: number; end: number }[]>();
  for (const [id, left] of a) {
    const right = b.get(id);
    if (!right) continue;
    const both: { start: number; end: number }[] = [];
    for (const x of left) for (const y of right) if (Math.max(x.start, y.start) < Math.min(x.end, y.end)) both.push({ start: Math.max(x.start, y.start), end: Math.min(x.end, y.end) });
    if (both.length > 0) out.set(id, both);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The search

export interface RawHit {
  doc: IndexedDocument;
  start: number;
  end: number;
}

/** All hits of a query (code-point ranges), ordered by document title and position. */
export async function findHits(deps: Deps, projectId: string, query: string, scope: SearchScope = {}): Promise<RawHit[]> {
  const tree = parseQuery(query);
  // With PostgreSQL its German full-text index picks the documents that may match; the exact
  // matching below is the same either way (domain/text-search.ts).
  const narrowing = textSearchOf(deps.store);
  const index = narrowing ? candidateIndex(projectId, await narrowing.candidateDocuments(projectId, candidateQuery(tree))) : await projectIndex(deps, projectId);
  const resolved = await resolveScope(deps, projectId, index, scope);
  const matches = evaluate(index, tree, resolved.documents, resolved.ranges);
  const rank = index.titleRank();
  const ids = [...matches.keys()].sort((a, b) => (rank.get(a) as number) - (rank.get(b) as number));
  const out: RawHit[] = [];
  for (const id of ids) {
    const doc = index.documents.get(id) as IndexedDocument;
    for (const h of matches.get(id) as TokenHit[]) out.push({ doc, start: doc.tokens.starts[h.first] as number, end: doc.tokens.ends[h.last] as number });
  }
  return out;
}

/** Run a query: keyword-in-context lines (code points), counts per document. */
export async function search(deps: Deps, projectId: string, request: SearchRequest): Promise<SearchResult> {
  const r = SearchRequestSchema.parse(request);
  const hits = await findHits(deps, projectId, r.query, r.scope);
  const counts = new Map<string, { documentId: string; title: string; count: number }>();
  for (const h of hits) {
    const c = counts.get(h.doc.id);
    if (c) c.count++;
    else counts.set(h.doc.id, { documentId: h.doc.id, title: h.doc.title, count: 1 });
  }
  const lines = hits.slice(0, r.limit).map((h): SearchHit => {
    const t = h.doc.text;
    return {
      documentId: h.doc.id,
      title: h.doc.title,
      start: h.start,
      end: h.end,
      match: t.slice(h.start, h.end),
      left: t.slice(Math.max(0, h.start - r.context), h.start).replace(/\s+/g, ' '),
      right: t.slice(h.end, Math.min(t.length, h.end + r.context)).replace(/\s+/g, ' '),
    };
  });
  return { query: r.query, total: hits.length, documents: [...counts.values()], hits: lines, truncated: hits.length > lines.length };
}
