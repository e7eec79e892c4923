/**
 * Search with a database's own full-text index (PostgreSQL, issue 10). The query language and the
 * exact matching stay ours (domain/search.ts); the database only narrows the documents to look at.
 * For results to stay identical, the narrowing must never drop a document our matcher would find:
 * each query node becomes a condition that is at least as loose as the node.
 *
 *   word, =word     the database's lexeme of the word OR any lexeme starting with the common prefix
 *                   of our stem and the database's (German stemmers differ in details)
 *   wildcard        no narrowing (a wildcard runs over word forms; the index holds stems)
 *   phrase          all of its words
 *   a AND b         both; a OR b: either; NOT a: no narrowing (a superset is always allowed)
 *   stop words      no narrowing (the database's German configuration does not index them)
 */
import type { Document } from '../schemas/document.js';
import { underlyingStore } from './independent.js';
import type { QueryNode } from './search.js';
import { foldCase, stem } from './search-index.js';
import type { Store } from './store.js';

export type CandidateQuery = { type: 'all' } | { type: 'word'; folded: string; stem: string } | { type: 'and' | 'or'; children: CandidateQuery[] };

/** A store that can find the documents that may match (PgStore). */
export interface TextSearchStore {
  candidateDocuments(projectId: string, query: CandidateQuery): Promise<Document[]>;
}

const ALL: CandidateQuery = { type: 'all' };

/** The loosest-safe candidate condition of a parsed query (see the file comment). */
export function candidateQuery(node: QueryNode): CandidateQuery {
  switch (node.type) {
    case 'term': {
      const folded = foldCase(node.text);
      return { type: 'word', folded, stem: stem(folded) };
    }
    case 'wildcard':
    case 'not':
      return ALL;
    case 'phrase':
      return simplify({ type: 'and', children: node.words.map((w) => candidateQuery({ type: 'term', text: w.text, exact: w.exact })) });
    case 'and':
    case 'or':
      return simplify({ type: node.type, children: node.children.map(candidateQuery) });
  }
}

function simplify(q: CandidateQuery): CandidateQuery {
  if (q.type !== 'and' && q.type !== 'or') return q;
  if (q.type === 'or' && q.children.some((c) => c.type === 'all')) return ALL;
  const children = q.children.filter((c) => c.type !== 'all');
  if (children.length === 0) return ALL;
  return children.length === 1 ? (children[0] as CandidateQuery) : { type: q.type, children };
}

/** The store (through wrappers: viewer filter, audit trail) that can narrow a search, if any. */
export function textSearchOf(store: Store): TextSearchStore | undefined {
  let s: unknown = underlyingStore(store);
  for (let depth = 0; depth < 5 && s; depth++) {
    if (typeof (s as Partial<TextSearchStore>).candidateDocuments === 'function') return s as TextSearchStore;
    s = (s as { inner?: unknown }).inner;
  }
  return undefined;
}
