import { describe, expect, it } from 'vitest';
import { SpeakerTurnSchema } from '../../../server/schemas/document.js';
import {
  findTimestamps,
  parseTimestamp,
  parseTurns,
  TIMESTAMP_RE,
} from '../../../server/import/transcript.js';
import { cpSlice } from './helpers.js';

describe('parseTimestamp', () => {
  it('reads f4/f5 timestamps in seconds', () => {
    expect(parseTimestamp('#00:01:23-4#')).toBe(83.4);
    expect(parseTimestamp('00:01:23-4')).toBe(83.4);
    expect(parseTimestamp('#01:02:03#')).toBe(3723);
    expect(parseTimestamp('#12:34-5#')).toBe(754.5);
    expect(parseTimestamp('#00:00:00-0#')).toBe(0);
  });

  it('rejects malformed timestamps', () => {
    expect(parseTimestamp('#00:61:00-0#')).toBeUndefined();
    expect(parseTimestamp('#00:00:75-0#')).toBeUndefined();
    expect(parseTimestamp('abc')).toBeUndefined();
    expect(parseTimestamp('#1#')).toBeUndefined();
  });

  it('offers a pattern and code-point positions for a UI', () => {
    expect(TIMESTAMP_RE.exec('Text #00:00:12-3# mehr')?.[0]).toBe('#00:00:12-3#');
    expect(TIMESTAMP_RE.global).toBe(false);
    const text = '😀 a #00:00:01-0# b #00:02-5#';
    expect(findTimestamps(text)).toEqual([
      { start: 4, end: 16, seconds: 1 },
      { start: 19, end: 28, seconds: 2.5 },
    ]);
    expect(cpSlice(text, 4, 16)).toBe('#00:00:01-0#');
  });
});

describe('parseTurns', () => {
  it('finds I:/B: turns with code-point offsets past an emoji and a combining mark', () => {
    const text = [
      'Interview 7 😀 (anonymisiert)',
      '',
      'I: #00:00:01-2# Wie kam es zu dem Termin?',
      'B: Ich hatte q\u0307 Schulden, und 🙈 dann… #00:01:23-4#',
      'I: Verstehe. #00:01:30-0#',
    ].join('\n');
    expect([...'q\u0307'.normalize('NFC')]).toHaveLength(2); // stays a combining sequence
    const turns = parseTurns(text);
    expect(turns).toHaveLength(3);
    for (const turn of turns) expect(SpeakerTurnSchema.parse(turn)).toEqual(turn);

    const [i1, b1, i2] = turns;
    expect(i1).toMatchObject({ speaker: 'I', time: 1.2 });
    expect(i1?.endTime).toBeUndefined();
    expect(cpSlice(text, i1!.start, i1!.end)).toBe('I: #00:00:01-2# Wie kam es zu dem Termin?');
    expect(cpSlice(text, i1!.textStart, i1!.end)).toBe('Wie kam es zu dem Termin?');
    expect(i1!.start).toBe(30);

    expect(b1).toMatchObject({ speaker: 'B', endTime: 83.4 });
    expect(b1?.time).toBeUndefined();
    expect(cpSlice(text, b1!.start, b1!.textStart)).toBe('B: ');
    expect(cpSlice(text, b1!.textStart, b1!.end)).toBe('Ich hatte q\u0307 Schulden, und 🙈 dann… #00:01:23-4#');

    expect(i2).toMatchObject({ speaker: 'I', endTime: 90 });
    expect(cpSlice(text, i2!.start, i2!.end)).toBe('I: Verstehe. #00:01:30-0#');
    expect(i2!.end).toBe([...text].length);
  });

  it('handles FK:, IP:, IN: and name labels, continuation lines and trailing blank lines', () => {
    const text = [
      'FK: Guten Tag.',
      '',
      'IP: Hallo,',
      'ich bin wegen der Miete hier.',
      '',
      '',
      'IN: Notiz zum Ablauf.',
      'Frau K.: Das Formular fehlt.',
      'Lena: Ich schaue nach.',
      '',
    ].join('\n');
    const turns = parseTurns(text);
    expect(turns.map((t) => t.speaker)).toEqual(['FK', 'IP', 'IN', 'Frau K.', 'Lena']);
    expect(turns.map((t) => cpSlice(text, t.start, t.end))).toEqual([
      'FK: Guten Tag.',
      'IP: Hallo,\nich bin wegen der Miete hier.',
      'IN: Notiz zum Ablauf.',
      'Frau K.: Das Formular fehlt.',
      'Lena: Ich schaue nach.',
    ]);
    expect(turns.map((t) => cpSlice(text, t.textStart, t.end))).toEqual([
      'Guten Tag.',
      'Hallo,\nich bin wegen der Miete hier.',
      'Notiz zum Ablauf.',
      'Das Formular fehlt.',
      'Ich schaue nach.',
    ]);
  });

  it('accepts up to three words and 30 characters as a label', () => {
    const ok = 'Dr. Maria Roth: Guten Tag.\nHerr Ö.: Hallo.';
    expect(parseTurns(ok).map((t) => t.speaker)).toEqual(['Dr. Maria Roth', 'Herr Ö.']);
    const fourWords = 'Die Frau vom Amt: sagt was.\nDie Frau vom Amt: sagt noch was.';
    expect(parseTurns(fourWords)).toEqual([]);
    const long = 'Sozialarbeiterinnenteamleitungen: ja\nSozialarbeiterinnenteamleitungen: nein';
    expect(parseTurns(long)).toEqual([]);
  });

  it('needs a space after the colon and an upper-case start', () => {
    expect(parseTurns('I:nein\nB:ja')).toEqual([]);
    expect(parseTurns('i: nein\nb: ja')).toEqual([]);
    expect(parseTurns('10:30 Beginn\n11:15 Ende')).toEqual([]);
  });

  it('returns no turns for prose with an occasional label-like line', () => {
    const prose = [
      'Die Beratung fand im Sozialraumbüro statt.',
      '',
      'Hinweis: Der Raum war zu klein.',
      '',
      'Die Fachkraft dokumentierte während des Gesprächs.',
      '',
      'Fazit: Viel Arbeit bleibt unsichtbar.',
      '',
      'Ein weiterer Absatz ohne Sprecher.',
    ].join('\n');
    expect(parseTurns(prose)).toEqual([]);
  });

  it('returns no turns for a single turn', () => {
    expect(parseTurns('I: Nur eine Frage?')).toEqual([]);
  });

  it('gives no time for an invalid leading timestamp and keeps it in the utterance', () => {
    const text = 'I: #00:99:00-0# Frage\nB: Antwort';
    const [first] = parseTurns(text);
    expect(first?.time).toBeUndefined();
    expect(cpSlice(text, first!.textStart, first!.end)).toBe('#00:99:00-0# Frage');
  });
});
