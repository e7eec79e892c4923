/**
 * Subtitles (.srt, WebVTT .vtt) as transcripts. Every cue becomes one line in the f4/f5 form the
 * .txt transcripts use – `Anna: #00:00:01-2# Hallo zusammen. #00:00:03-5#` – and one speaker
 * turn with `time` (the cue's start) and `endTime` (its end), so the timestamps stay in the text
 * like in every other transcript (ARCHITECTURE.md, "Text and offsets"). The speaker comes from a
 * VTT voice tag (`<v Anna>`) or a `Name:` prefix; a cue without one continues the previous
 * speaker (the line then has no label), and before any named speaker the turn's speaker is "?".
 * A cue whose lines name different speakers gives one line and turn per speaker.
 */
import { ImportError } from '../domain/errors.js';
import { CodePointIndex } from '../domain/text.js';
import type { SpeakerTurn } from '../schemas/document.js';
import { matchLabel } from './transcript.js';

/** The speaker of a turn whose cue names none and follows none that did. */
export const UNKNOWN_SPEAKER = '?';

/** Longest speaker name kept (SpeakerTurnSchema allows 100). */
const MAX_SPEAKER = 100;

/** `hh:mm:ss,mmm` (SRT) or `hh:mm:ss.mmm` / `mm:ss.mmm` (WebVTT); both separators are accepted for both. */
const TIME = '(?:(\\d{1,3}):)?(\\d{1,2}):(\\d{1,2})[,.](\\d{1,3})';
const TIMING_RE = new RegExp(`^\\s*${TIME}\\s*-->\\s*${TIME}(?:\\s.*)?$`);

export interface SubtitleTranscript {
  text: string;
  turns: SpeakerTurn[];
}

interface Cue {
  start: number;
  end: number;
  /** 1-based line of the timing line. */
  line: number;
  payload: string[];
}

function seconds(h: string | undefined, m: string | undefined, s: string | undefined, ms: string | undefined): number | undefined {
  const mm = Number(m);
  const ss = Number(s);
  if (mm >= 60 && h !== undefined) return undefined;
  if (ss >= 60) return undefined;
  return (h === undefined ? 0 : Number(h)) * 3600 + mm * 60 + ss + Number(`0.${ms ?? '0'}`);
}

/** The f4/f5 stamp for a time, in tenths of a second: `#00:01:23-4#`. */
function stamp(tenths: number): string {
  const h = Math.floor(tenths / 36000);
  const m = Math.floor((tenths % 36000) / 600);
  const s = Math.floor((tenths % 600) / 10);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `#${pad(h)}:${pad(m)}:${pad(s)}-${tenths % 10}#`;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', nbsp: '\u00a0', lrm: '\u200e', rlm: '\u200f', quot: '"', apos: "'" };

/** One payload line: the voice tag's speaker (VTT) and the text without markup. */
function cleanLine(raw: string, vtt: boolean): { voice?: string; text: string } {
  let voice: string | undefined;
  // Bounded repetitions: a line of unclosed "<v " must not make the search quadratic.
  const v = /<v(?:\.[^\s>]{0,100})?[ \t]{1,20}([^>]{0,200})>/.exec(raw);
  if (v && vtt) voice = v[1]?.trim();
  // Tags (<i>, </v>, <c.x>, <00:00:01.000>, <font …>) and SRT position codes ({\an8}) are markup.
  let text = raw.replace(/<[^>]{0,300}>/g, '').replace(/\{\\[^}]{0,50}\}/g, '');
  if (vtt) text = text.replace(/&(amp|lt|gt|nbsp|lrm|rlm|quot|apos);/g, (_, name: string) => ENTITIES[name] ?? '');
  // eslint-disable-next-line no-control-regex
  text = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  const out: { voice?: string; text: string } = { text };
  if (voice) out.voice = voice.replace(/\s+/g, ' ').slice(0, MAX_SPEAKER);
  return out;
}

function parseCues(file: string, text: string, vtt: boolean): Cue[] {
  const lines = text.split('\n');
  const cues: Cue[] = [];
  let i = 0;
  if (vtt) {
    if (!/^WEBVTT(?:[ \t]|$)/.test(lines[0] ?? '')) throw new ImportError(file, 'not a WebVTT file (the first line must be WEBVTT)', 1);
    // The header runs to the first blank line.
    while (i < lines.length && (lines[i] ?? '').trim() !== '') i++;
  }
  const isTiming = (n: number): boolean => (lines[n] ?? '').includes('-->');
  while (i < lines.length) {
    const line = lines[i] ?? '';
    if (line.trim() === '') {
      i++;
      continue;
    }
    if (vtt && /^(?:NOTE|STYLE|REGION)(?:[ \t]|$)/.test(line)) {
      while (i < lines.length && (lines[i] ?? '').trim() !== '') i++;
      continue;
    }
    // A cue number (SRT) or cue identifier (VTT) stands right before the timing line.
    if (!line.includes('-->') && isTiming(i + 1)) i++;
    const timing = lines[i] ?? '';
    const m = TIMING_RE.exec(timing);
    if (!m) {
      const shown = timing.length > 60 ? `${timing.slice(0, 60)}…` : timing;
      throw new ImportError(
        file,
        timing.includes('-->') ? `malformed cue timing "${shown}"` : `expected a cue timing such as 00:00:01,000 --> 00:00:04,000, found "${shown}"`,
        i + 1,
      );
    }
    const start = seconds(m[1], m[2], m[3], m[4]);
    const end = seconds(m[5], m[6], m[7], m[8]);
    if (start === undefined || end === undefined) throw new ImportError(file, 'minutes and seconds in a cue timing must be below 60', i + 1);
    if (end < start) throw new ImportError(file, 'the cue ends before it starts', i + 1);
    if (end >= 100 * 3600) throw new ImportError(file, 'cue times must be below 100 hours', i + 1);
    const cue: Cue = { start, end, line: i + 1, payload: [] };
    i++;
    // The payload runs to a blank line (or, in files that leave the blank line out, to the next cue).
    while (i < lines.length && (lines[i] ?? '').trim() !== '' && !isTiming(i) && !(/^\d+\s*$/.test(lines[i] ?? '') && isTiming(i + 1))) {
      cue.payload.push(lines[i] ?? '');
      i++;
    }
    cues.push(cue);
  }
  return cues;
}

/**
 * Read an .srt or .vtt file's text (already decoded: NFC, LF, no BOM) into a transcript.
 * Tolerates missing cue numbers, cue identifiers, VTT headers and NOTE/STYLE/REGION blocks,
 * markup in cues and a missing blank line before a cue.
 *
 * @throws ImportError naming the line for anything that is not a cue, and if there is no cue.
 */
export function parseSubtitles(file: string, text: string, format: 'srt' | 'vtt'): SubtitleTranscript {
  const vtt = format === 'vtt';
  const cues = parseCues(file, text, vtt);
  const out: string[] = [];
  let length = 0;
  const raw: { speaker: string; start: number; textStart: number; end: number; time: number; endTime: number }[] = [];
  let speaker: string | undefined;
  for (const cue of cues) {
    const startTenths = Math.round(cue.start * 10);
    const endTenths = Math.round(cue.end * 10);
    // Lines that name a (new) speaker start a new utterance; the others continue it.
    const parts: { speaker: string | undefined; named: boolean; words: string[] }[] = [];
    for (const payload of cue.payload) {
      const { voice, text: cleaned } = cleanLine(payload, vtt);
      const dashed = cleaned.replace(/^[-–][ \t]+/, '');
      const label = voice === undefined ? matchLabel(dashed) : undefined;
      const words = label ? dashed.slice(label.afterLabel).trim() : dashed;
      const named = voice ?? label?.speaker;
      if (named !== undefined || parts.length === 0 || dashed !== cleaned) {
        parts.push({ speaker: named ?? speaker, named: named !== undefined, words: [] });
      }
      if (named !== undefined) speaker = named;
      if (words !== '') parts[parts.length - 1]?.words.push(words);
    }
    for (const part of parts) {
      const utterance = part.words.join(' ');
      if (utterance === '') continue;
      const label = part.named && part.speaker !== undefined ? `${part.speaker}: ` : '';
      const lead = `${label}${stamp(startTenths)} `;
      const line = `${lead}${utterance} ${stamp(endTenths)}`;
      if (out.length > 0) length += 1;
      raw.push({
        speaker: part.speaker ?? UNKNOWN_SPEAKER,
        start: length,
        textStart: length + lead.length,
        end: length + line.length,
        time: startTenths / 10,
        endTime: endTenths / 10,
      });
      out.push(line);
      length += line.length;
    }
  }
  if (raw.length === 0) throw new ImportError(file, cues.length === 0 ? 'no subtitle cues found' : 'the subtitle cues hold no text');
  const joined = out.join('\n');
  const index = new CodePointIndex(joined);
  return {
    text: joined,
    turns: raw.map((t) => ({
      speaker: t.speaker,
      start: index.toCodePoint(t.start),
      end: index.toCodePoint(t.end),
      textStart: index.toCodePoint(t.textStart),
      time: t.time,
      endTime: t.endTime,
    })),
  };
}
