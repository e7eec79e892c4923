/**
 * The lexical index of a project (issue 7): German tokenisation, case folding, stemming with the
 * German Porter (Snowball) stemmer, and an inverted index from word forms to token positions (a
 * stem's postings are the union of its forms', built on first use). Offsets are code points
 * (REFI-QDA), like everywhere else.
 *
 * Why our own tokenizer: natural's AggressiveTokenizerDe drops capital umlauts ("Ärger" → "rger")
 * and its TfIdf tokenizer splits words at umlauts and ß. The pattern below keeps every letter
 * (\p{L}, with combining marks \p{M}) and digit (\p{N}) and joins hyphenated compounds
 * ("Jugendamt-Mitarbeiterin", "U-Bahn") into one token; the compound's parts are indexed as well.
 *
 * Maintenance: the domain cannot hook the store, so `projectIndex` builds lazily and, on every
 * call, compares the project's document ids, versions and lengths with what it indexed; added
 * documents are tokenised and added, deleted ones removed, nothing else recomputed. Documents are
 * immutable, so a new version (title or attributes changed) keeps its token list.
 */
import { underlyingStore } from './independent.js';
import PorterStemmerDe from 'natural/lib/natural/stemmers/porter_stemmer_de.js';
import type { Deps } from './deps.js';
import { CodePointIndex } from './text.js';
import type { Document } from '../schemas/document.js';

// ---------------------------------------------------------------------------------------------
// Tokens

/** Letters (with combining marks) and digits; hyphen (or non-breaking hyphen) joins compound parts. */
const TOKEN = /[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:[-‑][\p{L}\p{N}][\p{L}\p{M}\p{N}]*)*/gu;

export interface RawToken {
  /** The word as written. */
  surface: string;
  /** Code-point offsets, end exclusive. */
  start: number;
  end: number;
}

/** Split a text into word tokens with code-point offsets. */
export function tokenize(text: string): RawToken[] {
  const out: RawToken[] = [];
  const index = new CodePointIndex(text);
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
    const start = index.toCodePoint(m.index);
    out.push({ surface: m[0], start, end: index.toCodePoint(m.index + m[0].length) });
  }
  return out;
}

/**
 * Case folding: lower case ("Ärger" → "ärger"; ß stays ß). German has no locale-specific lowering
 * rules (unlike Turkish), so the plain toLowerCase gives the same result several times faster.
 */
export function foldCase(word: string): string {
  return word.toLowerCase();
}

// ---------------------------------------------------------------------------------------------
// Stemming

/**
 * Our one addition to the Snowball stemmer, documented because it changes groups: Snowball keeps
 * the Latin derivations "Dokumentation" → "dokumentation", "dokumentiert" → "dokumentiert",
 * "dokumentieren" → "dokumenti" apart. We cut "-ation", "-iert", "-ier" and a final "-i" left by
 * "-ieren" when at least five letters remain, so Dokumentation / dokumentiert / dokumentieren /
 * Dokument share the stem "dokument" (likewise Organisation / organisiert → "organis").
 */
const DERIVATION = /(?:ation|iert|ier|i)$/;

function stemUncached(folded: string): string {
  // Compounds: stem the last part, keep the rest as written (Jugendamt-Mitarbeiterinnen → jugendamt-mitarbeiterin).
  const dash = Math.max(folded.lastIndexOf('-'), folded.lastIndexOf('‑'));
  const head = dash >= 0 ? folded.slice(0, dash + 1) : '';
  const tail = dash >= 0 ? folded.slice(dash + 1) : folded;
  let stem = /^\p{N}+$/u.test(tail) ? tail : PorterStemmerDe.stem(tail);
  const m = DERIVATION.exec(stem);
  if (m && stem.length - m[0].length >= 5) stem = stem.slice(0, stem.length - m[0].length);
  return head + stem;
}

const stemCache = new Map<string, string>();
const STEM_CACHE_LIMIT = 500_000;

/** The stem of a case-folded word, cached (stemming a word is ~15× slower than a Map lookup). */
export function stem(folded: string): string {
  let s = stemCache.get(folded);
  if (s === undefined) {
    s = stemUncached(folded);
    if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear();
    stemCache.set(folded, s);
  }
  return s;
}

/** The stem without the cache (for the benchmark of the cache). */
export function stemWithoutCache(folded: string): string {
  return stemUncached(folded);
}

// ---------------------------------------------------------------------------------------------
// Stop words

/**
 * German function words left out of word frequencies and keyness (they are indexed and searchable).
 * Articles, pronouns, prepositions, conjunctions, auxiliaries and particles, plus the filled pauses
 * of transcripts (ähm, äh, hm).
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  `der die das den dem des ein eine einer eines einem einen kein keine keiner keines keinem keinen
  ich du er sie es wir ihr mich dich sich uns euch mir dir ihm ihn ihnen mein meine meinen meinem meiner
  dein deine sein seine seinen seinem seiner ihre ihren ihrem ihrer unser unsere euer eure
  dieser diese dieses diesem diesen jener jene man wer was welche welcher welches
  und oder aber doch denn sondern sowie als wie wenn weil dass daß ob obwohl damit sodass
  in im ins an am ans auf aus bei beim mit nach von vom zu zum zur über unter vor hinter neben zwischen
  durch für gegen ohne um bis seit während wegen trotz
  ist bin bist sind seid war waren warst gewesen sein wird werden wirst wurde wurden worden
  hat habe hast haben hatte hatten gehabt kann kannst können konnte konnten muss musst müssen musste
  soll sollen sollte will wollen wollte darf dürfen mag möchte möchten
  nicht nichts auch noch schon nur sehr so da dann dort hier jetzt immer wieder mal ja nein nun eben
  also halt etwa ganz gar mehr viel viele wenig alle alles allem allen aller jede jeder jedes jeden
  etwas einige einigen andere anderen anderer anderes selbst sich selber
  wo wann warum wie weshalb woher wohin
  dazu davon dabei darauf daran darum damit dafür dagegen hierzu
  ähm äh hm mhm ehm`
    .split(/\s+/)
    .filter((w) => w.length > 0),
);

export function isStopWord(folded: string): boolean {
  return STOP_WORDS.has(folded);
}

// ---------------------------------------------------------------------------------------------
// Per-document token lists

/** A word type: its case-folded form, stem and surface form (shared by all its occurrences). */
export interface Term {
  readonly form: string;
  readonly stem: string;
  readonly surface: string;
}

/**
 * The tokens of one document: one shared Term per token (a 50 MB corpus has 6.5 million tokens but
 * only some 20,000 distinct surface forms) and code-point offsets.
 */
export interface DocumentTokens {
  terms: Term[];
  starts: Int32Array;
  ends: Int32Array;
  /** Length of the text in code points. */
  length: number;
}

const termCache = new Map<string, Term>();

/** Character classes: 0 none, 1 letter or digit (may start a word), 2 combining mark (continues one). */
const classCache = new Map<number, number>();
const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;
const MARK = /^\p{M}$/u;
const LATIN = new Uint8Array(0x250);
for (let c = 0; c < LATIN.length; c++) LATIN[c] = classify(c);

function classify(c: number): number {
  const ch = String.fromCodePoint(c);
  return LETTER_OR_DIGIT.test(ch) ? 1 : MARK.test(ch) ? 2 : 0;
}

function classOf(c: number): number {
  if (c < 0x250) return LATIN[c] as number;
  let k = classCache.get(c);
  if (k === undefined) classCache.set(c, (k = classify(c)));
  return k;
}

const isHyphen = (c: number): boolean => c === 0x2d || c === 0x2011;

/**
 * Tokenise, fold, stem and record offsets in one pass. A hand-written scanner that gives exactly
 * the tokens of TOKEN (tested against it) several times faster than the Unicode regular
 * expression, and counts code points as it goes (no CodePointIndex needed).
 */
export function tokensOf(text: string): DocumentTokens {
  const terms: Term[] = [];
  const startList: number[] = [];
  const endList: number[] = [];
  const n = text.length;
  let astral = 0; // surrogate pairs before position i
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    let width = 1;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
        width = 2;
      }
    }
    if (classOf(c) !== 1) {
      if (width === 2) astral++;
      i += width;
      continue;
    }
    // A word starts at i.
    const start = i;
    const startCp = i - astral;
    for (;;) {
      if (width === 2) astral++;
      i += width;
      if (i >= n) break;
      c = text.charCodeAt(i);
      width = 1;
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
        const d = text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          c = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
          width = 2;
        }
      }
      if (classOf(c) !== 0) continue;
      // A hyphen joins when a letter or digit follows.
      if (isHyphen(c) && i + 1 < n && classOf(text.codePointAt(i + 1) as number) === 1) continue;
      break;
    }
    const surface = text.slice(start, i);
    let term = termCache.get(surface);
    if (!term) {
      if (termCache.size >= STEM_CACHE_LIMIT) termCache.clear();
      const form = foldCase(surface);
      term = { form, stem: stem(form), surface };
      termCache.set(surface, term);
    }
    terms.push(term);
    startList.push(startCp);
    endList.push(i - astral);
  }
  return { terms, starts: Int32Array.from(startList), ends: Int32Array.from(endList), length: n - astral };
}

// ---------------------------------------------------------------------------------------------
// The inverted index

export interface IndexedDocument {
  id: string;
  version: number;
  title: string;
  document: Document;
  readonly text: CodePointIndex;
  tokens: DocumentTokens;
}

/** term → document id → ascending token positions. */
export type Postings = Map<string, Map<string, number[]>>;

const isCompound = (form: string): boolean => form.includes('-') || form.includes('‑');

/**
 * The inverted index of one project. Only word forms are posted when a document is added; a stem's
 * postings are the union of its forms' postings, built on the first query for the stem and kept
 * until the next change (most stems have one or two forms, so this costs little and halves the
 * work and memory of indexing).
 */
export class ProjectIndex {
  readonly documents = new Map<string, IndexedDocument>();
  /** By case-folded form (exact search and wildcards); compound parts are posted at the compound. */
  readonly forms: Postings = new Map();
  /** stem → its forms. */
  readonly stemForms = new Map<string, Set<string>>();
  private stemCacheOf = new Map<string, Map<string, number[]>>();
  private rank: Map<string, number> | null = null;

  /** Document id → position in title order (German collation), computed once per change. */
  titleRank(): Map<string, number> {
    if (!this.rank) {
      const collator = new Intl.Collator('de');
      const sorted = [...this.documents.values()].sort((a, b) => collator.compare(a.title, b.title) || (a.id < b.id ? -1 : 1));
      this.rank = new Map(sorted.map((d, i) => [d.id, i]));
    }
    return this.rank;
  }

  /** Document id → token positions of all forms of a stem. */
  stemPostings(st: string): Map<string, number[]> | undefined {
    const cached = this.stemCacheOf.get(st);
    if (cached) return cached;
    const forms = this.stemForms.get(st);
    if (!forms || forms.size === 0) return undefined;
    let out: Map<string, number[]>;
    if (forms.size === 1) out = this.forms.get([...forms][0] as string) as Map<string, number[]>;
    else {
      const lists = new Map<string, number[][]>();
      for (const form of forms) {
        for (const [id, positions] of this.forms.get(form) ?? []) {
          const l = lists.get(id);
          if (l) l.push(positions);
          else lists.set(id, [positions]);
        }
      }
      out = new Map();
      for (const [id, l] of lists) out.set(id, l.length === 1 ? (l[0] as number[]) : [...new Set(l.flat())].sort((a, b) => a - b));
    }
    this.stemCacheOf.set(st, out);
    return out;
  }

  private changed(): void {
    this.rank = null;
    this.stemCacheOf = new Map();
  }

  add(doc: Document, tokens: DocumentTokens): void {
    this.remove(doc.id);
    this.changed();
    let text: CodePointIndex | undefined;
    this.documents.set(doc.id, {
      id: doc.id,
      version: doc.version,
      title: doc.title,
      document: doc,
      tokens,
      // Built when a hit is first shown: indexing does not need it.
      get text(): CodePointIndex {
        return (text ??= new CodePointIndex(doc.text));
      },
    });
    // Positions per form in this document first: one global Map operation per distinct form.
    const local = new Map<string, number[]>();
    const terms = tokens.terms;
    for (let i = 0; i < terms.length; i++) {
      const form = (terms[i] as Term).form;
      const positions = local.get(form);
      if (positions) positions.push(i);
      else local.set(form, [i]);
    }
    for (const [form, positions] of local) {
      let byDoc = this.forms.get(form);
      if (!byDoc) {
        this.forms.set(form, (byDoc = new Map()));
        this.registerForm(form);
      }
      byDoc.set(doc.id, positions);
    }
    // The parts of a hyphenated compound are findable too: "Jugendamt" finds "Jugendamt-Mitarbeiter".
    for (const [form, positions] of local) {
      if (!isCompound(form)) continue;
      for (const part of compoundParts(form)) {
        for (const p of positions) postOne(this.forms, doc.id, part, p);
        this.registerForm(part);
      }
    }
  }

  private registerForm(form: string): void {
    const st = stem(form);
    const set = this.stemForms.get(st);
    if (set) set.add(form);
    else this.stemForms.set(st, new Set([form]));
  }

  remove(id: string): void {
    const old = this.documents.get(id);
    if (!old) return;
    this.changed();
    const forms = new Set<string>();
    for (const t of old.tokens.terms) {
      if (forms.has(t.form)) continue;
      forms.add(t.form);
      if (isCompound(t.form)) for (const part of compoundParts(t.form)) forms.add(part);
    }
    for (const form of forms) {
      const byDoc = this.forms.get(form);
      if (!byDoc) continue;
      byDoc.delete(id);
      if (byDoc.size === 0) {
        this.forms.delete(form);
        const st = stem(form);
        const set = this.stemForms.get(st);
        set?.delete(form);
        if (set?.size === 0) this.stemForms.delete(st);
      }
    }
    this.documents.delete(id);
  }

  /** Number of tokens indexed. */
  get size(): number {
    let n = 0;
    for (const d of this.documents.values()) n += d.tokens.terms.length;
    return n;
  }
}

function postOne(postings: Postings, id: string, term: string, position: number): void {
  let byDoc = postings.get(term);
  if (!byDoc) postings.set(term, (byDoc = new Map()));
  const positions = byDoc.get(id);
  if (!positions) byDoc.set(id, [position]);
  else {
    // Keep positions ascending and unique (parts are added after the whole words).
    let k = positions.length;
    while (k > 0 && (positions[k - 1] as number) > position) k--;
    if (positions[k - 1] !== position) positions.splice(k, 0, position);
  }
}

/** The parts of a hyphenated compound ("u-bahn-station" → bahn, station), each at least two letters. */
export function compoundParts(folded: string): string[] {
  return folded.split(/[-‑]/).filter((p) => p.length >= 2);
}

// ---------------------------------------------------------------------------------------------
// The process-level cache, one index per project

interface Cached {
  index: ProjectIndex;
  /** Serialises updates of one project's index. */
  pending: Promise<unknown>;
}

/** Keyed by store instance, then project id, so two stores (tests, tools) never share an index. */
const stores = new WeakMap<object, Map<string, Cached>>();

function projectsOf(deps: Deps): Map<string, Cached> {
  // A viewer-filtered store (independent mode) shares the index of the store it wraps: the index
  // holds documents only, never segments.
  const key = underlyingStore(deps.store);
  let map = stores.get(key);
  if (!map) stores.set(key, (map = new Map()));
  return map;
}

/**
 * The project's index, brought up to date with the store: documents added since the last call are
 * indexed, deleted ones dropped, changed ones (title, attributes) refreshed without re-tokenising.
 */
export async function projectIndex(deps: Deps, projectId: string): Promise<ProjectIndex> {
  const projects = projectsOf(deps);
  let cached = projects.get(projectId);
  if (!cached) projects.set(projectId, (cached = { index: new ProjectIndex(), pending: Promise.resolve() }));
  const entry = cached;
  const run = entry.pending.then(async () => {
    const metas = await deps.store.listDocuments(projectId);
    const seen = new Set<string>();
    for (const meta of metas) {
      seen.add(meta.id);
      const have = entry.index.documents.get(meta.id);
      if (have && have.version === meta.version && have.tokens.length === meta.length) continue;
      const doc = await deps.store.getDocument(projectId, meta.id);
      if (!doc) continue;
      // The text never changes, so a new version (title, attributes) keeps its tokens.
      entry.index.add(doc, have && have.document.text === doc.text ? have.tokens : tokensOf(doc.text));
    }
    for (const id of [...entry.index.documents.keys()]) {
      if (!seen.has(id)) entry.index.remove(id);
    }
    return entry.index;
  });
  entry.pending = run.catch(() => undefined);
  return run;
}

/** Tokens of recently searched documents (id and version), for the narrowed search. */
const recentTokens = new Map<string, DocumentTokens>();
const RECENT_TOKENS_LIMIT = 20_000;

/**
 * An index of just the given documents (the candidates a database's full-text index found), with
 * their tokens kept in a bounded cache between queries.
 */
export function candidateIndex(projectId: string, documents: readonly Document[]): ProjectIndex {
  const index = new ProjectIndex();
  for (const doc of documents) {
    const key = `${projectId}\u0000${doc.id}\u0000${doc.version}`;
    let tokens = recentTokens.get(key);
    if (tokens) recentTokens.delete(key);
    else tokens = tokensOf(doc.text);
    // Re-inserted last: the Map's order is the recency order.
    recentTokens.set(key, tokens);
    if (recentTokens.size > RECENT_TOKENS_LIMIT) recentTokens.delete(recentTokens.keys().next().value as string);
    index.add(doc, tokens);
  }
  return index;
}

/** Forget a project's index (after a project is deleted, or in tests). */
export function dropIndex(deps: Deps, projectId: string): void {
  projectsOf(deps).delete(projectId);
}
