/**
 * Pure layout for `<sb-document-view>`: paragraphs, transcript decorations (speaker labels,
 * timestamps), which segments touch which paragraph, stripe lanes and word steps. No DOM here, so
 * the expensive parts can be reasoned about (and measured) apart from rendering.
 *
 * All offsets are Unicode code points, zero-based, end exclusive (REFI-QDA), like everywhere in
 * Sichtbar; `CodePointIndex` converts to the UTF-16 offsets JavaScript strings use.
 */
import { CodePointIndex } from '../../server/domain/text.js';
import type { Code } from '../../server/schemas/code.js';
import type { SpeakerTurn } from '../../server/schemas/document.js';
import { codesInTreeOrder, PATH_SEPARATOR } from '../../server/domain/code-tree.js';
import type { Segment } from '../../server/schemas/segment.js';

/** One line of the text (split at "\n"); empty lines are paragraphs too, so they keep their place. */
export interface Paragraph {
  index: number;
  /** Code-point offset of the first character. */
  start: number;
  /** Code-point offset after the last character (the "\n", if any, is not part of it). */
  end: number;
  /** 1-based number counted over non-empty paragraphs; null for an empty line. */
  number: number | null;
}

export type DecorationKind = 'speaker' | 'timestamp';

/** A stretch of the text shown differently: a speaker label or an f4/f5 timestamp. */
export interface Decoration {
  start: number;
  end: number;
  kind: DecorationKind;
}

export interface DocumentModel {
  text: string;
  index: CodePointIndex;
  /** Length in code points. */
  length: number;
  paragraphs: Paragraph[];
  /** Decorations per paragraph index, sorted by start (shared empty array where there are none). */
  decorations: readonly Decoration[][];
}

/** An f4/f5 timestamp `#hh:mm:ss-d#` (also `#hh:mm:ss#`, `#mm:ss-d#`), as the transcript importer finds them. */
const TIMESTAMP_RE = /#(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[-.,]\d{1,3})?#/g;

const NONE: Decoration[] = [];

/** Split the text into paragraphs and find speaker labels and timestamps. Runs once per document. */
export function buildDocumentModel(doc: { text: string; turns?: readonly SpeakerTurn[] }): DocumentModel {
  const text = doc.text;
  const index = new CodePointIndex(text);
  const paragraphs: Paragraph[] = [];
  let from = 0;
  let number = 0;
  for (;;) {
    const nl = text.indexOf('\n', from);
    const to = nl === -1 ? text.length : nl;
    const start = index.toCodePoint(from);
    const end = index.toCodePoint(to);
    paragraphs.push({ index: paragraphs.length, start, end, number: end > start ? ++number : null });
    if (nl === -1) break;
    from = nl + 1;
  }
  const decorations: Decoration[][] = paragraphs.map(() => NONE);
  const model: DocumentModel = { text, index, length: index.length, paragraphs, decorations };
  const add = (d: Decoration): void => {
    const p = paragraphAt(model, d.start);
    const para = paragraphs[p] as Paragraph;
    const clipped = { ...d, end: Math.min(d.end, para.end) };
    if (clipped.end <= clipped.start) return;
    const list = decorations[p] === NONE ? (decorations[p] = []) : (decorations[p] as Decoration[]);
    list.push(clipped);
  };
  // Speaker label: from the turn's start up to and including the colon that ends the label.
  for (const turn of doc.turns ?? []) {
    if (turn.start >= model.length) continue;
    const u = index.toUtf16(turn.start);
    const limit = index.toUtf16(Math.min(turn.textStart, model.length));
    const colon = text.indexOf(':', u);
    if (colon === -1 || colon >= limit) continue;
    add({ start: turn.start, end: index.toCodePoint(colon + 1), kind: 'speaker' });
  }
  for (const m of text.matchAll(TIMESTAMP_RE)) {
    add({ start: index.toCodePoint(m.index), end: index.toCodePoint(m.index + m[0].length), kind: 'timestamp' });
  }
  for (const list of decorations) if (list.length > 1) list.sort((a, b) => a.start - b.start);
  return model;
}

/** Index of the paragraph holding code point `cp` (the last paragraph starting at or before it). */
export function paragraphAt(model: DocumentModel, cp: number): number {
  const ps = model.paragraphs;
  let lo = 0;
  let hi = ps.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((ps[mid] as Paragraph).start <= cp) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** A segment placed in the layout: the paragraphs it covers and its stripe lane. */
export interface PlacedSegment {
  segment: Segment;
  /** Start and end clamped to the text. */
  start: number;
  end: number;
  /** First and last paragraph index the segment covers. */
  first: number;
  last: number;
  /** Stripe lane (0 = next to the text). */
  lane: number;
  /** Rank in document order (start, then longer first). */
  order: number;
}

export interface SegmentLayout {
  /** In document order. */
  placed: PlacedSegment[];
  byId: Map<string, PlacedSegment>;
  /** Placed segments per paragraph index, each in lane order; shared empty array where there are none. */
  byParagraph: readonly PlacedSegment[][];
  /** Number of lanes in use (at least 1). */
  lanes: number;
}

const EMPTY: PlacedSegment[] = [];

/**
 * Place segments: O(n log n) for the sort plus O(covered paragraphs) for the per-paragraph lists.
 * Lanes are assigned greedily in document order at paragraph granularity, so segments that share
 * a paragraph never share a lane and overlapping stripes stay side by side.
 */
export function layoutSegments(model: DocumentModel, segments: readonly Segment[]): SegmentLayout {
  const ps = model.paragraphs;
  const sorted = segments
    .filter((s) => s.start < model.length && s.end > s.start)
    .sort((a, b) => a.start - b.start || b.end - a.end || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const byParagraph: PlacedSegment[][] = new Array<PlacedSegment[]>(ps.length).fill(EMPTY);
  const byId = new Map<string, PlacedSegment>();
  const laneLast: number[] = [];
  const placed: PlacedSegment[] = [];
  for (const segment of sorted) {
    const start = segment.start;
    const end = Math.min(segment.end, model.length);
    let first = paragraphAt(model, start);
    // A segment starting on a line break begins, visibly, in the next paragraph.
    if (start >= (ps[first] as Paragraph).end && first < ps.length - 1) first++;
    const last = Math.max(first, paragraphAt(model, end - 1));
    let lane = 0;
    while (lane < laneLast.length && (laneLast[lane] as number) >= first) lane++;
    laneLast[lane] = last;
    const p: PlacedSegment = { segment, start, end, first, last, lane, order: placed.length };
    placed.push(p);
    byId.set(segment.id, p);
    for (let i = first; i <= last; i++) {
      const list = byParagraph[i] as PlacedSegment[];
      if (list === EMPTY) byParagraph[i] = [p];
      else list.push(p);
    }
  }
  for (const list of byParagraph) if (list.length > 1) list.sort((a, b) => a.lane - b.lane);
  return { placed, byId, byParagraph, lanes: Math.max(1, laneLast.length) };
}

const WORD = /[\p{L}\p{M}\p{N}_]/u;

function isWord(model: DocumentModel, cp: number): boolean {
  const c = model.text.codePointAt(model.index.toUtf16(cp));
  return c !== undefined && WORD.test(String.fromCodePoint(c));
}

/** End of the next word at or after `cp` (skips non-word characters first). */
export function nextWordEnd(model: DocumentModel, cp: number): number {
  let i = cp;
  while (i < model.length && !isWord(model, i)) i++;
  while (i < model.length && isWord(model, i)) i++;
  return i;
}

/** Start of the word before `cp` (skips non-word characters first). */
export function previousWordStart(model: DocumentModel, cp: number): number {
  let i = cp;
  while (i > 0 && !isWord(model, i - 1)) i--;
  while (i > 0 && isWord(model, i - 1)) i--;
  return i;
}

/** `end` moved back by one word: to the end of the word before the last one. */
export function shrinkEnd(model: DocumentModel, end: number): number {
  let i = previousWordStart(model, end);
  while (i > 0 && !isWord(model, i - 1)) i--;
  return i;
}

/** `start` moved forward by one word: to the start of the following word. */
export function shrinkStart(model: DocumentModel, start: number): number {
  let i = start;
  while (i < model.length && isWord(model, i)) i++;
  while (i < model.length && !isWord(model, i)) i++;
  return i;
}

/** Code paths ("Beratung › Begrüßen") and the tree's depth-first order, for lists of codes. */
export function codePaths(codes: readonly Code[]): { paths: Map<string, string>; ordered: Code[] } {
  const ordered = codesInTreeOrder(codes);
  return { paths: new Map(ordered.map((e) => [e.code.id, e.path.join(PATH_SEPARATOR)])), ordered: ordered.map((e) => e.code) };
}
