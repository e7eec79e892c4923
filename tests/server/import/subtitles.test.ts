import { describe, expect, it } from 'vitest';
import { importFile } from '../../../server/import/import-file.js';
import { parseSubtitles, UNKNOWN_SPEAKER } from '../../../server/import/subtitles.js';
import { findTimestamps, parseTimestamp } from '../../../server/import/transcript.js';
import { cpSlice, importError, importRejection, reasonOf } from './helpers.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('.srt', () => {
  it('turns cues into f4-style lines and turns with times, speakers from Name: prefixes', async () => {
    const srt = '\ufeff1\r\n00:00:01,234 --> 00:00:03,500\r\nAnna: Grüß Gott, <i>willkommen</i>.\r\n\r\n2\r\n00:00:04,000 --> 00:00:06,960\r\nwie geht es 😀\r\nIhnen?\r\n\r\n00:01:02,000 --> 00:01:04,000\r\nBen: Danke, gut.\r\n';
    const doc = await importFile('gespraech.srt', utf8(srt));
    expect(doc.text).toBe(
      [
        'Anna: #00:00:01-2# Grüß Gott, willkommen. #00:00:03-5#',
        '#00:00:04-0# wie geht es 😀 Ihnen? #00:00:07-0#',
        'Ben: #00:01:02-0# Danke, gut. #00:01:04-0#',
      ].join('\n'),
    );
    expect(doc.kind).toBe('interview');
    expect(doc.title).toBe('gespraech');
    const turns = doc.turns ?? [];
    expect(turns.map((t) => [t.speaker, t.time, t.endTime])).toEqual([
      ['Anna', 1.2, 3.5],
      ['Anna', 4, 7],
      ['Ben', 62, 64],
    ]);
    // Offsets are code points; the emoji in the second line shifts the third turn by one, not two.
    const lines = doc.text.split('\n');
    expect(turns[2]!.start).toBe([...`${lines[0]}\n${lines[1]}\n`].length);
    for (const t of turns) {
      expect(cpSlice(doc.text, t.start, t.end)).toBe(lines[turns.indexOf(t)]);
      expect(parseTimestamp(cpSlice(doc.text, t.textStart - 13, t.textStart - 1))).toBe(t.time);
    }
    expect(cpSlice(doc.text, turns[1]!.textStart, turns[1]!.end)).toBe('wie geht es 😀 Ihnen? #00:00:07-0#');
    expect(findTimestamps(doc.text)).toHaveLength(6);
  });

  it('tolerates a missing blank line before a numbered cue and a cue without text', () => {
    const { text, turns } = parseSubtitles('a.srt', '1\n00:00:01,000 --> 00:00:02,000\nEins\n2\n00:00:03,000 --> 00:00:04,000\n\n3\n00:00:05,000 --> 00:00:06,000\n- Drei\n- Vier\n', 'srt');
    expect(text).toBe('#00:00:01-0# Eins #00:00:02-0#\n#00:00:05-0# Drei #00:00:06-0#\n#00:00:05-0# Vier #00:00:06-0#');
    expect(turns.map((t) => t.speaker)).toEqual([UNKNOWN_SPEAKER, UNKNOWN_SPEAKER, UNKNOWN_SPEAKER]);
  });

  it('rejects garbage with the line', async () => {
    let e = await importRejection(importFile('x.srt', utf8('1\n00:00:01,000 --> 00:00:02,000\nText\n\nDas ist kein Untertitel.\n')));
    expect(reasonOf(e)).toBe('expected a cue timing such as 00:00:01,000 --> 00:00:04,000, found "Das ist kein Untertitel."');
    expect(e.line).toBe(5);
    e = importError(() => parseSubtitles('y.srt', '1\n00:00:01,000 --> 00:0x:02,000\nText\n', 'srt'));
    expect([reasonOf(e), e.line]).toEqual(['malformed cue timing "00:00:01,000 --> 00:0x:02,000"', 2]);
    e = importError(() => parseSubtitles('z.srt', '1\n00:00:05,000 --> 00:00:02,000\nText\n', 'srt'));
    expect([reasonOf(e), e.line]).toEqual(['the cue ends before it starts', 2]);
    expect(reasonOf(importError(() => parseSubtitles('leer.srt', '\n\n', 'srt')))).toBe('no subtitle cues found');
    expect(reasonOf(importError(() => parseSubtitles('leer.srt', '1\n00:00:01,000 --> 00:00:02,000\n<i></i>\n', 'srt')))).toBe('the subtitle cues hold no text');
    expect(reasonOf(await importRejection(importFile('bin.srt', Uint8Array.from([0, 1, 2, 3, 0, 0, 0, 0]))))).toMatch(/binary/);
  });
});

describe('.vtt', () => {
  it('reads voice tags, skips the header, NOTE, STYLE and REGION blocks and cue identifiers', async () => {
    const vtt = [
      'WEBVTT - Beratung',
      'Kind: captions',
      '',
      'STYLE',
      '::cue { color: red }',
      '',
      'NOTE Das ist ein Kommentar',
      'über zwei Zeilen',
      '',
      'begruessung',
      '00:01.000 --> 00:04.000 align:start position:10%',
      '<v.laut Frau K.>Guten Tag &amp; willkommen</v>',
      '',
      '01:00:00.000 --> 01:00:02.500',
      '<v Herr M>Danke.</v>',
      '<v Frau K.>Bitte <b>sehr</b>.',
      '',
      '01:00:03.000 --> 01:00:04.000',
      'Weiter ohne Tag.',
      '',
    ].join('\r\n');
    const doc = await importFile('termin.vtt', utf8(vtt));
    expect(doc.text).toBe(
      [
        'Frau K.: #00:00:01-0# Guten Tag & willkommen #00:00:04-0#',
        'Herr M: #01:00:00-0# Danke. #01:00:02-5#',
        'Frau K.: #01:00:00-0# Bitte sehr. #01:00:02-5#',
        '#01:00:03-0# Weiter ohne Tag. #01:00:04-0#',
      ].join('\n'),
    );
    expect(doc.turns?.map((t) => [t.speaker, t.time, t.endTime])).toEqual([
      ['Frau K.', 1, 4],
      ['Herr M', 3600, 3602.5],
      ['Frau K.', 3600, 3602.5],
      ['Frau K.', 3603, 3604],
    ]);
    for (const t of doc.turns ?? []) expect(t.textStart).toBeGreaterThan(t.start);
  });

  it('needs the WEBVTT signature and names bad lines', () => {
    const e = importError(() => parseSubtitles('a.vtt', '00:01.000 --> 00:02.000\nText\n', 'vtt'));
    expect([reasonOf(e), e.line]).toEqual(['not a WebVTT file (the first line must be WEBVTT)', 1]);
    const f = importError(() => parseSubtitles('b.vtt', 'WEBVTT\n\n00:01.000 --> 00:02.000\nText\n\nQuatsch\nmehr Quatsch\n', 'vtt'));
    expect([reasonOf(f), f.line]).toEqual(['expected a cue timing such as 00:00:01,000 --> 00:00:04,000, found "Quatsch"', 6]);
  });
});
