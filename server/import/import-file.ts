/**
 * Import of one file into a new document: the dispatcher over the readers (plain text and
 * Markdown, .docx, .odt, .rtf, .srt, .vtt), speaker turns, title/kind/attribute defaults and
 * validation.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { ImportError } from '../domain/errors.js';
import type { Attributes } from '../schemas/attribute.js';
import { MAX_DOCUMENT_LENGTH, NewDocumentSchema, type DocumentKind, type NewDocument } from '../schemas/document.js';
import type { SpeakerTurn } from '../schemas/document.js';
import { normaliseText } from '../domain/text.js';
import { decodeText } from './decode.js';
import { parseFrontMatter, type FrontMatter } from './front-matter.js';
import { extractDocx, extractOdt } from './office.js';
import { rtfToText } from './rtf.js';
import { parseSubtitles } from './subtitles.js';
import { parseTurns } from './transcript.js';

/** Default upper bound for one imported file. */
export const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;

/** File extensions `importFile` reads (lower case, with the dot). */
export const SUPPORTED_EXTENSIONS = ['.txt', '.md', '.markdown', '.docx', '.odt', '.rtf', '.srt', '.vtt'] as const;

const MARKDOWN_EXTENSIONS = new Set(['.md', '.markdown']);

/** Longest document title (NameSchema). */
const MAX_TITLE_LENGTH = 300;

export interface ImportDefaults {
  title?: string;
  kind?: DocumentKind;
  /** Merged under the front matter's attributes (front matter wins per name). */
  attributes?: Attributes;
}

export interface ImportFileOptions {
  /** Largest file accepted, in bytes (default 20 MB). */
  maxBytes?: number;
  /** Values used where the file's front matter gives none (e.g. from a sidecar CSV). */
  defaults?: ImportDefaults;
}

/** True if `importFile` handles files with this name's extension. */
export function isSupportedFile(file: string): boolean {
  return (SUPPORTED_EXTENSIONS as readonly string[]).includes(path.extname(file).toLowerCase());
}

/** "20 MB", "512 KB", "300 bytes". */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${+(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KB`;
  return `${n} bytes`;
}

/** @throws ImportError unless `file` has a supported extension. */
export function checkFileType(file: string): void {
  const extension = path.extname(file).toLowerCase();
  if (!(SUPPORTED_EXTENSIONS as readonly string[]).includes(extension)) {
    const shown = extension === '' ? '(no extension)' : extension;
    throw new ImportError(file, `unsupported file type ${shown}; supported: ${SUPPORTED_EXTENSIONS.join(', ')}`);
  }
}

/** @throws ImportError if `size` exceeds `maxBytes` (default 20 MB). */
export function checkFileSize(file: string, size: number, maxBytes = DEFAULT_MAX_BYTES): void {
  if (size > maxBytes) {
    throw new ImportError(file, `file is larger than ${formatBytes(maxBytes)} (${formatBytes(size)})`);
  }
}

/**
 * Turn one file into a new document (not yet stored). Pure: bytes in, document out – nothing is
 * read from or written to disk.
 *
 * - `.txt`, `.md`, `.markdown`: decoded (UTF-8 with/without BOM, UTF-16, Windows-1252), front
 *   matter read (Markdown files and text files whose first line is `---`) and removed. Markdown is
 *   kept as written, not rendered.
 * - `.docx` (mammoth), `.odt` (content.xml), `.rtf` (our extractor in `rtf.ts`): the text with
 *   paragraphs separated by a blank line; speaker turns and f4/f5 timestamps are found as in .txt.
 * - `.srt`, `.vtt`: every cue a turn with its times (`subtitles.ts`).
 * - Every text: NFC with LF line endings, leading blank lines and trailing whitespace trimmed.
 * - kind: front matter > `defaults.kind` > 'interview' if speaker turns were found > 'other'.
 * - title: front matter > `defaults.title` > first `# heading` (Markdown) or first title/level-1
 *   heading (.docx, .odt) > file name without extension.
 * - attributes: `defaults.attributes` overridden name by name by the front matter.
 * - `sourceFile` is the base name of `file`; `sha256` is the hash of the raw bytes.
 *
 * @param file the path or name, used for messages, the title fallback and `sourceFile`.
 * @throws ImportError naming the file (and line, where known) for every problem.
 */
export async function importFile(file: string, bytes: Uint8Array, options: ImportFileOptions = {}): Promise<NewDocument> {
  checkFileType(file);
  checkFileSize(file, bytes.length, options.maxBytes);
  const extension = path.extname(file).toLowerCase();
  const read = await readText(file, extension, bytes);
  return toDocument(file, extension, bytes, read, options.defaults ?? {});
}

/** What a reader found in one file, before defaults and validation. */
interface ReadText {
  text: string;
  /** Undefined: find the turns in the text (f4/f5 conventions). */
  turns?: SpeakerTurn[];
  front?: FrontMatter;
  /** Title from the document itself (first heading). */
  heading?: string;
}

async function readText(file: string, extension: string, bytes: Uint8Array): Promise<ReadText> {
  switch (extension) {
    case '.docx':
    case '.odt': {
      const extracted = extension === '.docx' ? await extractDocx(file, bytes) : extractOdt(file, bytes);
      return { text: extracted.text, ...(extracted.title !== undefined ? { heading: extracted.title } : {}) };
    }
    case '.rtf':
      return { text: rtfToText(file, bytes) };
    case '.srt':
    case '.vtt': {
      const { text } = decodeText(file, bytes);
      return parseSubtitles(file, text, extension === '.srt' ? 'srt' : 'vtt');
    }
    default: {
      const { text: decoded } = decodeText(file, bytes);
      const front = parseFrontMatter(file, decoded);
      return { text: front.body, front, ...(MARKDOWN_EXTENSIONS.has(extension) ? { heading: firstHeading(trimBody(front.body)) } : {}) };
    }
  }
}

function toDocument(file: string, extension: string, bytes: Uint8Array, read: ReadText, defaults: ImportDefaults): NewDocument {
  const front = read.front;
  // Subtitle text is built with its turns and must not move; every other text is trimmed here.
  const text = read.turns !== undefined ? read.text : trimBody(normaliseText(read.text));
  if (text === '') {
    throw new ImportError(file, front !== undefined && front.bodyLineOffset > 0 ? 'file has no text after the front matter' : 'file has no text');
  }
  if (text.length > MAX_DOCUMENT_LENGTH) {
    throw new ImportError(file, `text is longer than ${MAX_DOCUMENT_LENGTH.toLocaleString('en')} characters`);
  }

  const turns = read.turns ?? parseTurns(text);
  const kind: DocumentKind = front?.kind ?? defaults.kind ?? (turns.length > 0 ? 'interview' : 'other');
  const heading = read.heading !== undefined ? clampTitle(read.heading) : undefined;
  const title = front?.title ?? nonEmpty(defaults.title) ?? nonEmpty(heading) ?? titleFromFileName(file, extension);
  const attributes: Attributes = { ...defaults.attributes, ...front?.attributes };

  const parsed = NewDocumentSchema.safeParse({
    title,
    kind,
    text,
    attributes,
    turns,
    // win32.basename splits at both / and \, so a name like ..\..\x.txt keeps no path either.
    sourceFile: path.win32.basename(file),
    sha256: createHash('sha256').update(bytes).digest('hex'),
  });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message));
    throw new ImportError(file, `invalid document: ${issues.join('; ')}`);
  }
  return parsed.data;
}

/** Drop leading blank lines (keeping the first line's indentation) and trailing whitespace. */
function trimBody(body: string): string {
  return body.replace(/^(?:[ \t\f\v\u00a0\ufeff]*\n)+/, '').trimEnd();
}

function nonEmpty(s: string | undefined): string | undefined {
  const t = s?.trim();
  return t === undefined || t === '' ? undefined : t;
}

/** Shorten to the title limit, by code points so no surrogate pair is split. */
function clampTitle(s: string): string {
  const chars = [...s.replace(/\p{Cc}+/gu, ' ').trim()];
  return chars.length <= MAX_TITLE_LENGTH ? chars.join('') : `${chars.slice(0, MAX_TITLE_LENGTH - 1).join('')}…`;
}

/** The first level-1 ATX heading (`# Title`) outside fenced code blocks. */
function firstHeading(text: string): string | undefined {
  let fence: string | undefined;
  for (const line of text.split('\n')) {
    const f = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (f) {
      const marker = f[1] ?? '';
      if (fence === undefined) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      continue;
    }
    if (fence !== undefined) continue;
    const h = /^ {0,3}#[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/.exec(line);
    const heading = h?.[1]?.trim();
    if (heading) return clampTitle(heading);
  }
  return undefined;
}

function titleFromFileName(file: string, extension: string): string {
  const base = path.basename(file);
  const stem = base.slice(0, base.length - extension.length).trim();
  return clampTitle(stem === '' ? base : stem);
}
