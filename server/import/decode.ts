/**
 * Byte-to-text decoding for imported files: detects the encoding, rejects binary data and
 * returns NFC text with LF line endings.
 */
import { ImportError } from '../domain/errors.js';
import { normaliseText } from '../domain/text.js';

export type TextEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export interface DecodedText {
  text: string;
  encoding: TextEncoding;
}

/** How many leading bytes the BOM-less UTF-16 heuristic looks at. */
const SNIFF_BYTES = 8192;

/** Bytes that Windows-1252 leaves undefined (WHATWG maps them to C1 controls). */
const CP1252_UNDEFINED = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);

/**
 * Windows-1252 0x80–0x9F (WHATWG Encoding Standard, index-windows-1252). Node 20's
 * TextDecoder('windows-1252') decodes these as Latin-1 C1 controls, so "€" (0x80) would be lost.
 */
const CP1252_HIGH: readonly (number | undefined)[] = [
  0x20ac, undefined, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152,
  undefined, 0x017d, undefined, undefined, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc,
  0x2122, 0x0161, 0x203a, 0x0153, undefined, 0x017e, 0x0178,
];

/** Decode Windows-1252 bytes; the five undefined bytes become U+FFFD. */
export function decodeWindows1252(bytes: Uint8Array): string {
  const parts: string[] = [];
  const CHUNK = 8192;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    const codes: number[] = [];
    for (const b of bytes.subarray(i, i + CHUNK)) {
      // 0x00–0x7F and 0xA0–0xFF are the same code points as in Latin-1.
      codes.push(b >= 0x80 && b <= 0x9f ? (CP1252_HIGH[b - 0x80] ?? 0xfffd) : b);
    }
    parts.push(String.fromCharCode(...codes));
  }
  return parts.join('');
}

/** C0 control characters that plain text uses: tab, LF, FF, CR. */
function isTextControl(c: number): boolean {
  return c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d;
}

function isBinaryControl(c: number): boolean {
  return c < 0x20 && !isTextControl(c);
}

/** 1-based line of byte `index`, counting LF bytes (good enough for ASCII-compatible encodings). */
function lineOfByte(bytes: Uint8Array, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/** 1-based line of UTF-16 offset `index` in `text`. */
function lineOfChar(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 0x0a) line++;
  return line;
}

/**
 * Guess BOM-less UTF-16 from the position of NUL bytes: Latin-script text in UTF-16LE has a NUL
 * in (nearly) every odd byte, in UTF-16BE in every even byte, and almost none on the other side.
 */
function sniffUtf16(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const n = Math.min(bytes.length, SNIFF_BYTES) & ~1;
  if (n < 4) return undefined;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenNul++;
    if (bytes[i + 1] === 0) oddNul++;
  }
  const pairs = n / 2;
  if (oddNul >= pairs * 0.3 && evenNul <= pairs * 0.02) return 'utf-16le';
  if (evenNul >= pairs * 0.3 && oddNul <= pairs * 0.02) return 'utf-16be';
  return undefined;
}

function swapBytes(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    out[i] = bytes[i + 1] as number;
    out[i + 1] = bytes[i] as number;
  }
  return out;
}

function decodeUtf16(file: string, bytes: Uint8Array, order: 'utf-16le' | 'utf-16be'): string {
  const label = order === 'utf-16le' ? 'UTF-16LE' : 'UTF-16BE';
  if (bytes.length % 2 !== 0) {
    throw new ImportError(file, `invalid ${label}: odd number of bytes`);
  }
  let text: string;
  try {
    // Decode big-endian by swapping into little-endian; every Node build has the LE decoder.
    const le = order === 'utf-16le' ? bytes : swapBytes(bytes);
    text = new TextDecoder('utf-16le', { fatal: true, ignoreBOM: true }).decode(le);
  } catch {
    throw new ImportError(file, `invalid ${label}: unpaired surrogate`);
  }
  // Misdetected binary data decodes to NULs and controls; a few stray controls are tolerated.
  const bad = findBinaryControl(text);
  if (bad !== undefined && (text.includes('\u0000') || controlShare(text) > 0.01)) {
    throw new ImportError(
      file,
      `invalid ${label}: control character U+${hex4(text.charCodeAt(bad))} in the text`,
      lineOfChar(text, bad),
    );
  }
  return text;
}

function hex4(c: number): string {
  return c.toString(16).toUpperCase().padStart(4, '0');
}

/** Index of the first NUL, or undefined. */
function findNul(bytes: Uint8Array): number | undefined {
  const i = bytes.indexOf(0);
  return i === -1 ? undefined : i;
}

/** Index of the first C0 control character that plain text does not use, or undefined. */
function findBinaryControl(text: string): number | undefined {
  for (let i = 0; i < text.length; i++) {
    if (isBinaryControl(text.charCodeAt(i))) return i;
  }
  return undefined;
}

/**
 * Share of control characters (other than tab, LF, FF, CR) in `text`: a few stray ones
 * (a vertical tab from a word processor, a DOS end-of-file mark) are tolerated in UTF-8.
 */
function controlShare(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (isBinaryControl(text.charCodeAt(i))) n++;
  return text.length === 0 ? 0 : n / text.length;
}

const BINARY = 'looks like binary data, not text';

/**
 * Decode an imported file's bytes. Order of detection: UTF-8 BOM, UTF-16 BOM, BOM-less UTF-16
 * (NUL-byte pattern), valid UTF-8, then Windows-1252 if the bytes look like text.
 * The text is normalised (NFC, LF); a leading BOM is removed.
 *
 * @throws ImportError for an empty file, binary data, invalid UTF-16 or an undetectable encoding.
 */
export function decodeText(file: string, bytes: Uint8Array): DecodedText {
  if (bytes.length === 0) throw new ImportError(file, 'file is empty');
  const b0 = bytes[0];
  const b1 = bytes[1];
  const b2 = bytes[2];
  const b3 = bytes[3];

  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) {
    const rest = bytes.subarray(3);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(rest);
    } catch {
      throw new ImportError(file, 'invalid UTF-8 after a UTF-8 byte-order mark');
    }
    checkDecodedUtf8(file, text);
    return { text: normaliseText(text), encoding: 'utf-8-bom' };
  }

  // UTF-32 LE shares its first two bytes with the UTF-16 LE BOM; name it rather than misdecode.
  if ((b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) || (b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff)) {
    throw new ImportError(file, 'UTF-32 is not supported; save the file as UTF-8');
  }
  if (b0 === 0xff && b1 === 0xfe) {
    return { text: normaliseText(decodeUtf16(file, bytes.subarray(2), 'utf-16le')), encoding: 'utf-16le' };
  }
  if (b0 === 0xfe && b1 === 0xff) {
    return { text: normaliseText(decodeUtf16(file, bytes.subarray(2), 'utf-16be')), encoding: 'utf-16be' };
  }

  const utf16 = sniffUtf16(bytes);
  if (utf16 !== undefined) {
    return { text: normaliseText(decodeUtf16(file, bytes, utf16)), encoding: utf16 };
  }

  // NUL never occurs in text in a single-byte or UTF-8 encoding.
  const nul = findNul(bytes);
  if (nul !== undefined) throw new ImportError(file, BINARY);

  let utf8: string | undefined;
  try {
    utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    utf8 = undefined;
  }
  if (utf8 !== undefined) {
    checkDecodedUtf8(file, utf8);
    return { text: normaliseText(utf8), encoding: 'utf-8' };
  }

  // Windows-1252 as the last resort, only for bytes that look like text in it.
  let controls = 0;
  let firstBad: number | undefined;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i] as number;
    if (isBinaryControl(c) || c === 0x7f) {
      controls++;
      firstBad ??= i;
    } else if (CP1252_UNDEFINED.has(c)) {
      firstBad ??= i;
    }
  }
  if (controls > 0 && controls / bytes.length > 0.01) throw new ImportError(file, BINARY);
  if (firstBad !== undefined) {
    const byte = (bytes[firstBad] as number).toString(16).toUpperCase().padStart(2, '0');
    throw new ImportError(
      file,
      `cannot detect the text encoding: not UTF-8 or UTF-16, and byte 0x${byte} is not text in Windows-1252; save the file as UTF-8`,
      lineOfByte(bytes, firstBad),
    );
  }
  const text = decodeWindows1252(bytes);
  return { text: normaliseText(text), encoding: 'windows-1252' };
}

/** Valid UTF-8 can still be binary (control bytes); tolerate a few stray controls only. */
function checkDecodedUtf8(file: string, text: string): void {
  if (text.includes('\u0000') || controlShare(text) > 0.01) throw new ImportError(file, BINARY);
}
