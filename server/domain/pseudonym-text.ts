/**
 * Pure text work of pseudonymisation (issue 9, item 1): find the key's names in a text, replace
 * them, and map code-point offsets from the old text onto the new one.
 *
 * Matching: whole words (no letter, mark or digit on either side), case-sensitive by default, the
 * longest real name first (one regex alternation ordered by length: at a position the longer name
 * wins, and matches never overlap). With `inflections`, a name followed by a genitive "s"
 * ("Schneiders") is replaced by the pseudonym's genitive ("Bergers"; "Hans'" for a pseudonym ending
 * in s, ß, x or z).
 *
 * Offset mapping (see ARCHITECTURE.md, "Pseudonymisation"): replacements are sorted, disjoint
 * ranges [start, end) of the old text with a new length. An offset before a replacement keeps its
 * place, one after it moves by the replacement's length difference; an offset strictly inside a
 * replaced name moves to the pseudonym's start when it starts something and to its end when it ends
 * something – a segment that starts or ends inside a name covers the whole pseudonym.
 */
import type { PseudonymEntry, MatchOptions } from '../schemas/pseudonym.js';
import { CodePointIndex, cpLength } from './text.js';

/** One replacement, offsets in code points of the old text. */
export interface Replacement {
  start: number;
  end: number;
  /** The text that was there. */
  before: string;
  /** The text that goes there. */
  after: string;
  /** Code points of `after`. */
  length: number;
  entry: PseudonymEntry;
}

const NAME_CHAR = String.raw`[\p{L}\p{M}\p{N}]`;

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Genitive of a pseudonym: "Berger" → "Bergers", "Hans" → "Hans'". */
export function genitive(name: string): string {
  return /[sßxz]$/i.test(name) ? `${name}'` : `${name}s`;
}

/** A compiled key: reuse it for many texts. */
export class PseudonymMatcher {
  private readonly regex: RegExp | null;
  private readonly byReal = new Map<string, PseudonymEntry>();

  constructor(
    readonly entries: readonly PseudonymEntry[],
    readonly options: MatchOptions = { caseSensitive: true, inflections: true },
  ) {
    const sorted = [...entries].sort((a, b) => cpLength(b.real) - cpLength(a.real) || (a.real < b.real ? -1 : 1));
    for (const e of sorted) {
      const k = this.keyOf(e.real);
      // Case-insensitive: the first (longest, then alphabetical) entry of a folded name wins.
      if (!this.byReal.has(k)) this.byReal.set(k, e);
    }
    if (sorted.length === 0) {
      this.regex = null;
      return;
    }
    const alternation = sorted.map((e) => escapeRegex(e.real)).join('|');
    const genitiveS = options.inflections ? "(s|')?" : '()';
    this.regex = new RegExp(`(?<!${NAME_CHAR})(${alternation})${genitiveS}(?!${NAME_CHAR})`, options.caseSensitive ? 'gu' : 'giu');
  }

  private keyOf(real: string): string {
    return this.options.caseSensitive ? real : real.toLocaleLowerCase('de');
  }

  /** The replacements in `text`, ascending, disjoint, offsets in code points. */
  find(text: string, index: CodePointIndex = new CodePointIndex(text)): Replacement[] {
    if (!this.regex) return [];
    const out: Replacement[] = [];
    this.regex.lastIndex = 0;
    for (const m of text.matchAll(this.regex)) {
      const name = m[1] as string;
      const entry = this.byReal.get(this.keyOf(name));
      if (!entry) continue;
      const suffix = m[2] ?? '';
      // The genitive: "Schneiders"; an apostrophe only after s, ß, x, z ("Hans'"), elsewhere it is a quote.
      const sibilant = /[sßxz]$/i.test(name);
      const inflected = suffix === 's' || (suffix === "'" && sibilant);
      const before = inflected ? name + suffix : name;
      const after = inflected ? genitive(entry.pseudonym) : entry.pseudonym;
      const u = m.index;
      const start = index.toCodePoint(u);
      const end = start + cpLength(before);
      out.push({ start, end, before, after, length: cpLength(after), entry });
    }
    return out;
  }
}

/** Apply replacements (from `find` on the same text) and return the new text. */
export function replaceAll(text: string, replacements: readonly Replacement[], index: CodePointIndex = new CodePointIndex(text)): string {
  if (replacements.length === 0) return text;
  const parts: string[] = [];
  let at = 0;
  for (const r of replacements) {
    const u = index.toUtf16(r.start);
    parts.push(text.slice(at, u), r.after);
    at = index.toUtf16(r.end);
  }
  parts.push(text.slice(at));
  return parts.join('');
}

/** Replace every name of the matcher in a short string (titles, speaker labels, memos). */
export function pseudonymiseString(matcher: PseudonymMatcher, text: string): string {
  const index = new CodePointIndex(text);
  return replaceAll(text, matcher.find(text, index), index);
}

/**
 * Maps code-point offsets of the old text onto the new one. `side` says whether the offset starts
 * something (a segment, a turn) or ends it; it only matters for offsets strictly inside a name.
 */
export class OffsetMap {
  /** Old starts of the replacements, for binary search. */
  private readonly starts: number[];
  /** Sum of length differences of replacements 0..i-1. */
  private readonly shiftBefore: number[];

  constructor(private readonly replacements: readonly Replacement[]) {
    this.starts = replacements.map((r) => r.start);
    this.shiftBefore = [];
    let shift = 0;
    for (const r of replacements) {
      this.shiftBefore.push(shift);
      shift += r.length - (r.end - r.start);
    }
    this.total = shift;
  }

  /** Length difference of the whole text. */
  readonly total: number;

  map(offset: number, side: 'start' | 'end'): number {
    // The last replacement starting before `offset` (strictly).
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.starts[mid] as number) < offset) lo = mid + 1;
      else hi = mid;
    }
    const i = lo - 1;
    if (i < 0) return offset;
    const r = this.replacements[i] as Replacement;
    const shift = this.shiftBefore[i] as number;
    const newStart = r.start + shift;
    if (offset >= r.end) return offset + shift + r.length - (r.end - r.start);
    // Strictly inside the name: snap outwards so the pseudonym is covered whole.
    return side === 'start' ? newStart : newStart + r.length;
  }
}

/** The text around a replacement, for previews: `…left[before]right…` in the old and new text. */
export function sampleAround(oldText: CodePointIndex, r: Replacement, width = 30): { before: string; after: string } {
  const left = oldText.slice(Math.max(0, r.start - width), r.start).replace(/\s+/g, ' ');
  const right = oldText.slice(r.end, Math.min(oldText.length, r.end + width)).replace(/\s+/g, ' ');
  return { before: `…${left}${r.before}${right}…`, after: `…${left}${r.after}${right}…` };
}
