/**
 * A small, bounded RTF-to-text extractor (RTF 1.9.1: groups, control words, control symbols).
 * Hand-written because no maintained RTF parser is among our dependencies, and plain text is all
 * an import needs: one linear pass over the bytes, group nesting at most `MAX_DEPTH` deep, output
 * never longer than the input, no regular expression over the input (no backtracking).
 *
 * Kept: text, `\par` / `\sect` / `\page` / `\cell` / `\row` (paragraph ends), `\line`, `\tab`,
 * `\'hh` in the document's code page (`\ansicpg`, Windows-1252 by default; runs of `\'hh` are
 * decoded together so double-byte code pages work), `\uN` with the `\ucN` fallback skipped,
 * typographic symbols (`\emdash`, `\ldblquote`, `\~` …). Dropped: destinations that are not body
 * text (font, colour and style tables, `\info`, pictures, objects, headers, footers, footnotes,
 * field instructions, every `{\* …}` group), hidden text (`\v`), `\binN` data.
 */
import { ImportError } from '../domain/errors.js';
import { decodeWindows1252 } from './decode.js';

/** Deepest group nesting accepted; word processors stay far below it. */
export const MAX_RTF_DEPTH = 100;

/** RTF 1.9.1: a control word has at most 32 letters, its parameter at most 10 digits. */
const MAX_WORD = 32;
const MAX_PARAM = 10;

/** Destinations whose content is not running text. */
const SKIP_DESTINATIONS = new Set([
  'fonttbl', 'colortbl', 'stylesheet', 'info', 'pict', 'object', 'objdata', 'objclass', 'result',
  'header', 'headerl', 'headerr', 'headerf', 'footer', 'footerl', 'footerr', 'footerf',
  'footnote', 'annotation', 'atnid', 'atnauthor', 'atndate', 'atnref', 'fldinst', 'listtable',
  'listoverridetable', 'revtbl', 'rsidtbl', 'generator', 'xmlnstbl', 'themedata',
  'colorschememapping', 'latentstyles', 'datastore', 'filetbl', 'bkmkstart', 'bkmkend',
  'nonshppict', 'shppict', 'shpinst', 'pgdsctbl', 'mmathPr', 'fchars', 'lchars', 'template',
  'author', 'operator', 'title', 'subject', 'keywords', 'comment', 'doccomm', 'userprops',
  'docvar', 'ftnsep', 'ftnsepc', 'ftncn', 'aftnsep', 'aftnsepc', 'aftncn', 'private', 'xe', 'tc',
]);

/** Control words that stand for one character. */
const SYMBOLS: Record<string, string> = {
  tab: '\t',
  line: '\n',
  emdash: '\u2014',
  endash: '\u2013',
  bullet: '\u2022',
  lquote: '\u2018',
  rquote: '\u2019',
  ldblquote: '\u201c',
  rdblquote: '\u201d',
  emspace: ' ',
  enspace: ' ',
  qmspace: ' ',
};

/** Control words that end a paragraph. */
const PARAGRAPH_ENDS = new Set(['par', 'sect', 'page', 'cell', 'row']);

interface GroupState {
  skip: boolean;
  hidden: boolean;
  /** Fallback characters after `\uN` (`\ucN`). */
  uc: number;
}

const decoders = new Map<number, TextDecoder | undefined>();

/** Decode bytes in an RTF code page; unknown code pages fall back to Windows-1252. */
function decodeCodePage(bytes: Uint8Array, codePage: number): string {
  if (codePage === 1252) return decodeWindows1252(bytes);
  if (!decoders.has(codePage)) {
    const label = codePage === 65001 ? 'utf-8' : codePage === 10000 ? 'macintosh' : codePage === 20866 ? 'koi8-r' : codePage === 28591 ? 'iso-8859-1' : `windows-${codePage}`;
    let decoder: TextDecoder | undefined;
    try {
      decoder = new TextDecoder(label);
    } catch {
      decoder = undefined;
    }
    decoders.set(codePage, decoder);
  }
  const decoder = decoders.get(codePage);
  return decoder === undefined ? decodeWindows1252(bytes) : decoder.decode(bytes);
}

const ascii = new TextDecoder('latin1');

/** Bytes that end a run of plain text: backslash, braces, CR, LF. */
function isSpecial(c: number): boolean {
  return c === 0x5c || c === 0x7b || c === 0x7d || c === 0x0a || c === 0x0d;
}

function isLetter(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function hexValue(c: number | undefined): number {
  if (c === undefined) return -1;
  if (isDigit(c)) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/**
 * The plain text of an RTF file: paragraphs separated by one blank line (empty paragraphs
 * dropped), a `\line` as a newline. Not yet normalised (the caller applies NFC and LF).
 *
 * @throws ImportError (with the line where known) for a file that is not RTF, nests groups
 * deeper than {@link MAX_RTF_DEPTH}, is truncated or holds a malformed control word.
 */
export function rtfToText(file: string, bytes: Uint8Array): string {
  let i = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  const head = String.fromCharCode(...bytes.subarray(i, i + 5));
  if (head !== '{\\rtf') throw new ImportError(file, 'not an RTF file (it must start with {\\rtf)');

  let line = 1;
  let codePage = 1252;
  let state: GroupState = { skip: false, hidden: false, uc: 1 };
  const stack: GroupState[] = [];
  let groupStart = false;
  let ucSkip = 0;
  const paragraphs: string[] = [];
  let current = '';
  const pending: number[] = [];

  const flush = (): void => {
    if (pending.length === 0) return;
    current += decodeCodePage(Uint8Array.from(pending), codePage);
    pending.length = 0;
  };
  const emit = (s: string): void => {
    if (state.skip || state.hidden) return;
    flush();
    current += s;
  };
  const endParagraph = (): void => {
    if (state.skip || state.hidden) return;
    flush();
    paragraphs.push(current);
    current = '';
  };

  let done = false;
  while (i < bytes.length && !done) {
    const c = bytes[i] as number;
    if (c === 0x7b) {
      // "{"
      if (stack.length >= MAX_RTF_DEPTH) throw new ImportError(file, `RTF groups are nested more than ${MAX_RTF_DEPTH} levels deep`, line);
      stack.push(state);
      state = { ...state };
      groupStart = true;
      ucSkip = 0;
      i++;
      continue;
    }
    if (c === 0x7d) {
      // "}"
      const outer = stack.pop();
      if (outer === undefined) throw new ImportError(file, 'malformed RTF: "}" without a matching "{"', line);
      state = outer;
      groupStart = false;
      ucSkip = 0;
      i++;
      if (stack.length === 0) done = true;
      continue;
    }
    if (c === 0x0a || c === 0x0d) {
      if (c === 0x0a) line++;
      i++;
      continue;
    }
    if (c !== 0x5c) {
      // Plain text: one byte in the code page.
      i++;
      groupStart = false;
      if (ucSkip > 0) {
        ucSkip--;
        continue;
      }
      if (state.skip || state.hidden) continue;
      if (c >= 0x80) {
        pending.push(c);
        continue;
      }
      // A run of plain ASCII text is emitted at once (ASCII decodes the same in every code page).
      let j = i;
      while (j < bytes.length && (bytes[j] as number) < 0x80 && !isSpecial(bytes[j] as number)) j++;
      emit(ascii.decode(bytes.subarray(i - 1, j)));
      i = j;
      continue;
    }

    // A backslash: control word or control symbol.
    const next = bytes[i + 1];
    if (next === undefined) throw new ImportError(file, 'the RTF file is truncated (it ends with "\\")', line);
    if (!isLetter(next)) {
      i += 2;
      const wasGroupStart = groupStart;
      groupStart = false;
      if (next === 0x27) {
        // \'hh
        const hi = hexValue(bytes[i]);
        const lo = hexValue(bytes[i + 1]);
        if (hi < 0 || lo < 0) throw new ImportError(file, "malformed RTF: \\' must be followed by two hex digits", line);
        i += 2;
        if (ucSkip > 0) {
          ucSkip--;
          continue;
        }
        if (!state.skip && !state.hidden) pending.push(hi * 16 + lo);
        continue;
      }
      if (ucSkip > 0 && next !== 0x0a && next !== 0x0d) {
        ucSkip--;
        continue;
      }
      if (next === 0x2a) {
        // \* – an ignorable destination: skip the group if it starts with it.
        if (wasGroupStart) state.skip = true;
      } else if (next === 0x5c || next === 0x7b || next === 0x7d) emit(String.fromCharCode(next));
      else if (next === 0x7e) emit('\u00a0');
      else if (next === 0x5f) emit('-');
      else if (next === 0x0a || next === 0x0d) {
        if (next === 0x0a) line++;
        endParagraph();
      }
      // \- (optional hyphen), \| and other symbols produce nothing.
      continue;
    }

    // A control word: letters, an optional signed parameter, an optional space delimiter.
    let j = i + 1;
    while (j < bytes.length && isLetter(bytes[j] as number)) {
      if (j - i > MAX_WORD) throw new ImportError(file, `malformed RTF: a control word longer than ${MAX_WORD} letters`, line);
      j++;
    }
    const word = String.fromCharCode(...bytes.subarray(i + 1, j));
    let param: number | undefined;
    const paramStart = j;
    if (bytes[j] === 0x2d && isDigit(bytes[j + 1] ?? 0)) j++;
    while (j < bytes.length && isDigit(bytes[j] as number)) {
      if (j - paramStart > MAX_PARAM) throw new ImportError(file, `malformed RTF: the parameter of \\${word} has more than ${MAX_PARAM} digits`, line);
      j++;
    }
    if (j > paramStart) param = Number(String.fromCharCode(...bytes.subarray(paramStart, j)));
    if (bytes[j] === 0x20) j++;
    i = j;
    const wasGroupStart = groupStart;
    groupStart = false;

    if (word === 'bin') {
      // Binary data: skipped whatever the state, so its bytes are never read as RTF.
      const n = Math.max(0, param ?? 0);
      if (i + n > bytes.length) throw new ImportError(file, `the RTF file is truncated (\\bin${n} runs past its end)`, line);
      i += n;
      continue;
    }
    if (ucSkip > 0) {
      ucSkip--;
      continue;
    }
    if (wasGroupStart && SKIP_DESTINATIONS.has(word)) {
      state.skip = true;
      continue;
    }
    if (word === 'u' && param !== undefined) {
      // \uN: a UTF-16 code unit as a signed 16-bit number; pairs of them make astral characters.
      emit(String.fromCharCode(param < 0 ? param + 65536 : param & 0xffff));
      ucSkip = state.uc;
    } else if (word === 'uc') state.uc = Math.min(10, Math.max(0, param ?? 1));
    else if (word === 'ansicpg' && param !== undefined) codePage = param;
    else if (word === 'mac') codePage = 10000;
    else if (word === 'v') state.hidden = param !== 0;
    else if (word === 'plain') state.hidden = false;
    else if (PARAGRAPH_ENDS.has(word)) endParagraph();
    else {
      const symbol = SYMBOLS[word];
      if (symbol !== undefined) emit(symbol);
    }
  }
  if (!done) throw new ImportError(file, `the RTF file is truncated: ${stack.length} group${stack.length === 1 ? ' is' : 's are'} not closed`, line);
  flush();
  paragraphs.push(current);
  return paragraphs
    // Lone surrogates (from a broken \uN pair) become U+FFFD; control characters are not text.
    .map((p) =>
      p
        .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
        // eslint-disable-next-line no-control-regex
        .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
        .replace(/[ \t]+$/gm, ''),
    )
    .filter((p) => p.trim() !== '')
    .join('\n\n');
}
