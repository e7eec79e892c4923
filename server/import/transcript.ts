/**
 * Speaker turns in interview transcripts (f4/f5 conventions): lines that start with a speaker
 * label such as "I:", "B:", "FK:" or "Frau K.:", optionally with timestamps `#hh:mm:ss-d#`.
 * The text is never changed; turns are code-point ranges into it.
 */
import { CodePointIndex } from '../domain/text.js';
import type { SpeakerTurn } from '../schemas/document.js';

/**
 * Source of the f4/f5 timestamp pattern `#hh:mm:ss-d#`, also `#hh:mm:ss#` and `#mm:ss-d#`
 * (tenths after "-", "." or ","). Groups: hours (optional), minutes, seconds, fraction (optional).
 */
export const TIMESTAMP_SOURCE = '#(?:(\\d{1,2}):)?(\\d{1,2}):(\\d{2})(?:[-.,](\\d{1,3}))?#';

/**
 * An f4/f5 timestamp anywhere in a string (not global, so it keeps no state between calls).
 * For all matches use `new RegExp(TIMESTAMP_RE.source, 'g')` or {@link findTimestamps}.
 */
export const TIMESTAMP_RE = new RegExp(TIMESTAMP_SOURCE);

const TIMESTAMP_ANCHORED = /^#?(?:(\d{1,2}):)?(\d{1,2}):(\d{2})(?:[-.,](\d{1,3}))?#?$/;

/** Seconds from the groups of a timestamp match, or undefined if minutes/seconds are out of range. */
function toSeconds(
  hours: string | undefined,
  minutes: string | undefined,
  seconds: string | undefined,
  fraction: string | undefined,
): number | undefined {
  if (minutes === undefined || seconds === undefined) return undefined;
  const h = hours === undefined ? 0 : Number(hours);
  const m = Number(minutes);
  const s = Number(seconds);
  if (s >= 60 || (hours !== undefined && m >= 60)) return undefined;
  const f = fraction === undefined ? 0 : Number(`0.${fraction}`);
  // Round to milliseconds so 00:01:23-4 is exactly 83.4, not 83.39999….
  return Math.round((h * 3600 + m * 60 + s + f) * 1000) / 1000;
}

/**
 * Seconds of an f4/f5 timestamp, with or without the enclosing "#":
 * `parseTimestamp('#00:01:23-4#') === 83.4`. Undefined if `s` is not a valid timestamp.
 */
export function parseTimestamp(s: string): number | undefined {
  const m = TIMESTAMP_ANCHORED.exec(s.trim());
  if (!m) return undefined;
  return toSeconds(m[1], m[2], m[3], m[4]);
}

/** Every valid timestamp in `text`, as code-point ranges, so a UI can show them discreetly. */
export function findTimestamps(text: string): { start: number; end: number; seconds: number }[] {
  const index = new CodePointIndex(text);
  const found: { start: number; end: number; seconds: number }[] = [];
  for (const m of text.matchAll(new RegExp(TIMESTAMP_SOURCE, 'g'))) {
    const seconds = toSeconds(m[1], m[2], m[3], m[4]);
    if (seconds === undefined) continue;
    found.push({ start: index.toCodePoint(m.index), end: index.toCodePoint(m.index + m[0].length), seconds });
  }
  return found;
}

/**
 * A speaker label at the start of a line: up to three words, the first starting upper-case
 * ("I", "FK", "IP", "Lena", "Frau K.", "Dr. Maria Roth"), then ":" and a space or tab.
 * Groups: leading indentation, label, whitespace after the colon.
 */
const LABEL_RE =
  /^([ \t]*)(\p{Lu}[\p{L}\p{M}\p{N}.'’-]*(?: [\p{L}\p{N}][\p{L}\p{M}\p{N}.'’-]*){0,2}):([ \t]+)/u;

/** Longest speaker label, in characters. */
const MAX_LABEL_LENGTH = 30;

/** Leading timestamp (after the label), then horizontal whitespace. */
const LEADING_TIMESTAMP_RE = new RegExp(`^${TIMESTAMP_SOURCE}[ \\t]*`);
/** Timestamp closing an utterance. */
const TRAILING_TIMESTAMP_RE = new RegExp(`${TIMESTAMP_SOURCE}$`);

interface Line {
  /** UTF-16 offsets of the line without its LF. */
  start: number;
  end: number;
  content: string;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start <= text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl;
    lines.push({ start, end, content: text.slice(start, end) });
    if (nl === -1) break;
    start = nl + 1;
  }
  return lines;
}

export interface Label {
  speaker: string;
  /** UTF-16 offset of the label's first character within the line. */
  labelOffset: number;
  /** UTF-16 offset after the colon and the following whitespace, within the line. */
  afterLabel: number;
}

/** The speaker label ("FK: ", "Frau K.: ") at the start of `line`, if there is one. */
export function matchLabel(line: string): Label | undefined {
  const m = LABEL_RE.exec(line);
  if (!m) return undefined;
  const indent = m[1] ?? '';
  const speaker = m[2] ?? '';
  if (speaker.length === 0 || speaker.length > MAX_LABEL_LENGTH) return undefined;
  return { speaker, labelOffset: indent.length, afterLabel: m[0].length };
}

/**
 * Find the speaker turns of a transcript. A line starting with a speaker label starts a turn,
 * which runs until the next turn starts (continuation lines belong to it; trailing blank lines
 * and whitespace are excluded from `end`). A timestamp right after the label sets `time` and is
 * skipped by `textStart`; one at the end of the turn sets `endTime`. Timestamps stay in the text.
 *
 * Returns [] unless the text looks like a transcript: at least two turns, and at least half of
 * the paragraphs (blocks between blank lines, each labelled line starting a new one) start with
 * a label. All offsets are code points.
 */
export function parseTurns(text: string): SpeakerTurn[] {
  const lines = splitLines(text);
  type Open = { speaker: string; start: number; textStart: number; time: number | undefined };
  const raw: (Open & { regionEnd: number })[] = [];
  let open: Open | undefined;
  let paragraphs = 0;
  let labelled = 0;
  let inParagraph = false;

  for (const line of lines) {
    const blank = line.content.trim() === '';
    if (blank) {
      inParagraph = false;
      continue;
    }
    const label = matchLabel(line.content);
    if (label === undefined) {
      if (!inParagraph) paragraphs++;
      inParagraph = true;
      continue;
    }
    paragraphs++;
    labelled++;
    inParagraph = true;
    if (open) raw.push({ ...open, regionEnd: line.start });

    let textStart = line.start + label.afterLabel;
    let time: number | undefined;
    const ts = LEADING_TIMESTAMP_RE.exec(line.content.slice(label.afterLabel));
    if (ts) {
      const seconds = toSeconds(ts[1], ts[2], ts[3], ts[4]);
      if (seconds !== undefined) {
        time = seconds;
        textStart += ts[0].length;
      }
    }
    open = { speaker: label.speaker, start: line.start + label.labelOffset, textStart, time };
  }
  if (open) raw.push({ ...open, regionEnd: text.length });

  if (raw.length < 2 || labelled * 2 < paragraphs) return [];

  const index = new CodePointIndex(text);
  return raw.map((t) => {
    const end = t.start + text.slice(t.start, t.regionEnd).trimEnd().length;
    const textStart = Math.min(t.textStart, end);
    const turn: SpeakerTurn = {
      speaker: t.speaker,
      start: index.toCodePoint(t.start),
      end: index.toCodePoint(end),
      textStart: index.toCodePoint(textStart),
    };
    if (t.time !== undefined) turn.time = t.time;
    const closing = TRAILING_TIMESTAMP_RE.exec(text.slice(textStart, end));
    if (closing) {
      const seconds = toSeconds(closing[1], closing[2], closing[3], closing[4]);
      if (seconds !== undefined) turn.endTime = seconds;
    }
    return turn;
  });
}
