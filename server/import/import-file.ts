/**
 * Import of one plain-text or Markdown file into a new document: decoding, front matter,
 * speaker turns, title/kind/attribute defaults and validation.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { ImportError } from '../domain/errors.js';
import type { Attributes } from '../schemas/attribute.js';
import { MAX_DOCUMENT_LENGTH, NewDocumentSchema, type DocumentKind, type NewDocument } from '../schemas/document.js';
import { decodeText } from './decode.js';
import { parseFrontMatter } from './front-matter.js';
import { parseTurns } from './transcript.js';

/** Default upper bound for one imported file. */
export const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;

/** File extensions `importFile` reads (lower case, with the dot). */
export const SUPPORTED_EXTENSIONS = ['.txt', '.md', '.markdown'] as const;

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
 * Turn one `.txt`, `.md` or `.markdown` file into a new document (not yet stored).
 *
 * - Text: decoded (UTF-8 with/without BOM, UTF-16, Windows-1252), NFC with LF line endings,
 *   front matter removed, leading blank lines and trailing whitespace trimmed. Markdown is kept
 *   as written, not rendered.
 * - Front matter: read for Markdown files and for text files whose first line is `---`.
 * - kind: front matter > `defaults.kind` > 'interview' if speaker turns were found > 'other'.
 * - title: front matter > `defaults.title` > first `# heading` (Markdown files only) > file name
 *   without extension.
 * - attributes: `defaults.attributes` overridden name by name by the front matter.
 * - `sourceFile` is the base name of `file`; `sha256` is the hash of the raw bytes.
 *
 * @param file the path or name, used for messages, the title fallback and `sourceFile`.
 * @throws ImportError naming the file (and line, where known) for every problem.
 */
export function importFile(file: string, bytes: Uint8Array, options: ImportFileOptions = {}): NewDocument {
  checkFileType(file);
  checkFileSize(file, bytes.length, options.maxBytes);
  const extension = path.extname(file).toLowerCase();

  const { text: decoded } = decodeText(file, bytes);
  const front = parseFrontMatter(file, decoded);
  const text = trimBody(front.body);
  if (text === '') {
    throw new ImportError(file, front.bodyLineOffset > 0 ? 'file has no text after the front matter' : 'file has no text');
  }
  if (text.length > MAX_DOCUMENT_LENGTH) {
    throw new ImportError(file, `text is longer than ${MAX_DOCUMENT_LENGTH.toLocaleString('en')} characters`);
  }

  const turns = parseTurns(text);
  const defaults = options.defaults ?? {};
  const kind: DocumentKind = front.kind ?? defaults.kind ?? (turns.length > 0 ? 'interview' : 'other');
  const title =
    front.title ??
    nonEmpty(defaults.title) ??
    (MARKDOWN_EXTENSIONS.has(extension) ? firstHeading(text) : undefined) ??
    titleFromFileName(file, extension);
  const attributes: Attributes = { ...defaults.attributes, ...front.attributes };

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
