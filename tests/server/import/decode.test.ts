import { describe, expect, it } from 'vitest';
import { ImportError } from '../../../server/domain/errors.js';
import { decodeText } from '../../../server/import/decode.js';
import { importError, reasonOf, utf16 } from './helpers.js';

const SAMPLE = 'Übergabe: Frau K. ärgert sich – 5 € Gebühr.\nZweite Zeile';

describe('decodeText', () => {
  it('reads UTF-8 without BOM', () => {
    expect(decodeText('a.txt', Buffer.from(SAMPLE, 'utf8'))).toEqual({ text: SAMPLE, encoding: 'utf-8' });
  });

  it('reads UTF-8 with BOM and drops the BOM', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(SAMPLE, 'utf8')]);
    const { text, encoding } = decodeText('a.txt', bytes);
    expect(encoding).toBe('utf-8-bom');
    expect(text).toBe(SAMPLE);
    expect(text.charCodeAt(0)).toBe(0xdc); // Ü, not U+FEFF
  });

  it('reads UTF-16 LE and BE with BOM', () => {
    expect(decodeText('a.txt', utf16(SAMPLE, 'le'))).toEqual({ text: SAMPLE, encoding: 'utf-16le' });
    expect(decodeText('a.txt', utf16(SAMPLE, 'be'))).toEqual({ text: SAMPLE, encoding: 'utf-16be' });
  });

  it('keeps astral characters in UTF-16', () => {
    expect(decodeText('a.txt', utf16('A😀B', 'be')).text).toBe('A😀B');
  });

  it('detects BOM-less UTF-16 from the NUL pattern', () => {
    expect(decodeText('a.txt', utf16(SAMPLE, 'le', false))).toEqual({ text: SAMPLE, encoding: 'utf-16le' });
    expect(decodeText('a.txt', utf16(SAMPLE, 'be', false))).toEqual({ text: SAMPLE, encoding: 'utf-16be' });
  });

  it('falls back to Windows-1252 for text that is not UTF-8', () => {
    const bytes = Uint8Array.from([0xc4, 0xd6, 0xdc, 0xdf, 0x80]);
    expect(decodeText('a.txt', bytes)).toEqual({ text: 'ÄÖÜß€', encoding: 'windows-1252' });
  });

  it('reads Windows-1252 typographic quotes and dashes', () => {
    // „Hallo“ – as written by Word: 0x84 Hallo 0x93 0x20 0x96
    const bytes = Uint8Array.from([0x84, ...Buffer.from('Hallo'), 0x93, 0x20, 0x96]);
    expect(decodeText('a.txt', bytes).text).toBe('„Hallo“ –');
  });

  it('normalises to NFC and LF', () => {
    const { text } = decodeText('a.txt', Buffer.from('U\u0308ber\r\nzwei\rdrei\n', 'utf8'));
    expect(text).toBe('Über\nzwei\ndrei\n');
    expect(decodeText('a.txt', utf16('a\r\nb', 'le')).text).toBe('a\nb');
  });

  it('tolerates a stray control character in UTF-8 text', () => {
    const text = `${'Lange Zeile mit Text. '.repeat(10)}\u000bweiter`;
    expect(decodeText('a.txt', Buffer.from(text, 'utf8')).text).toBe(text);
  });

  it('rejects an empty file', () => {
    const e = importError(() => decodeText('leer.txt', new Uint8Array(0)));
    expect(e).toBeInstanceOf(ImportError);
    expect(e.message).toBe('leer.txt: file is empty');
    expect(e.file).toBe('leer.txt');
    expect(e.code).toBe('import_failed');
  });

  it('rejects binary data such as a PNG', () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 0]);
    const e = importError(() => decodeText('bild.txt', png));
    expect(e.message).toBe('bild.txt: looks like binary data, not text');
  });

  it('rejects valid UTF-8 full of control characters', () => {
    const bytes = Uint8Array.from([0x01, 0x02, 0x03, 0x41, 0x42, 0x04, 0x05, 0x06]);
    expect(reasonOf(importError(() => decodeText('x.txt', bytes)))).toBe('looks like binary data, not text');
  });

  it('rejects bytes that are neither UTF-8 nor Windows-1252, naming the line', () => {
    const bytes = Uint8Array.from([...Buffer.from('Zeile eins\nZeile zwei '), 0xe4, 0x81, 0x20, 0x41]);
    const e = importError(() => decodeText('kaputt.txt', bytes));
    expect(reasonOf(e)).toBe(
      'cannot detect the text encoding: not UTF-8 or UTF-16, and byte 0x81 is not text in Windows-1252; save the file as UTF-8',
    );
    expect(e.line).toBe(2);
  });

  it('rejects invalid UTF-16: odd length and unpaired surrogates', () => {
    const odd = Buffer.concat([utf16('Hallo', 'le'), Buffer.from([0x41])]);
    expect(reasonOf(importError(() => decodeText('a.txt', odd)))).toBe('invalid UTF-16LE: odd number of bytes');
    const lone = Buffer.concat([utf16('Hallo', 'be'), Buffer.from([0xd8, 0x00, 0x00, 0x41])]);
    expect(reasonOf(importError(() => decodeText('a.txt', lone)))).toBe('invalid UTF-16BE: unpaired surrogate');
  });

  it('rejects UTF-32 rather than misreading it as UTF-16', () => {
    const bytes = Uint8Array.from([0xff, 0xfe, 0, 0, 0x41, 0, 0, 0]);
    expect(reasonOf(importError(() => decodeText('a.txt', bytes)))).toBe('UTF-32 is not supported; save the file as UTF-8');
  });

  it('rejects invalid UTF-8 after a UTF-8 BOM', () => {
    const bytes = Uint8Array.from([0xef, 0xbb, 0xbf, 0x41, 0xc3, 0x28]);
    expect(reasonOf(importError(() => decodeText('a.txt', bytes)))).toBe('invalid UTF-8 after a UTF-8 byte-order mark');
  });
});
