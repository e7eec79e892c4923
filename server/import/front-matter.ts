/**
 * YAML front matter of imported Markdown (and plain-text) files:
 *
 * ```
 * ---
 * title: Beratung 3
 * kind: observation
 * region: Nord            # every other top-level key is an attribute
 * attributes:             # … and so is every key under `attributes:`
 *   datum: 2024-03-05     # YYYY-MM-DD → date
 * ---
 * ```
 */
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { ImportError } from '../domain/errors.js';
import type { AttributeValue, Attributes } from '../schemas/attribute.js';
import { DOCUMENT_KINDS, type DocumentKind } from '../schemas/document.js';
import { checkAttributeName, MAX_TEXT_VALUE, typeString } from './attribute-values.js';

export interface FrontMatter {
  /** The text after the closing delimiter line (the whole text if there is no front matter). */
  body: string;
  /** Number of file lines before the body: line n of the body is line n + bodyLineOffset of the file. */
  bodyLineOffset: number;
  title?: string;
  kind?: DocumentKind;
  attributes: Attributes;
}

/** Largest front matter accepted, in UTF-8 bytes. */
export const MAX_FRONT_MATTER_BYTES = 64 * 1024;

/** Aliases allowed when the YAML is turned into values; stops "billion laughs" expansion. */
const MAX_ALIAS_COUNT = 100;

const OPENING = /^---[ \t]*(?:\n|$)/;
const CLOSING = /\n(?:---|\.\.\.)[ \t]*(?=\n|$)/g;

/**
 * Split YAML front matter from `text` (already NFC with LF line endings) and type its data.
 * Without a first line `---` the text is returned unchanged with no data.
 *
 * `title` and `kind` are taken as document fields; every other top-level key and every key under
 * `attributes:` becomes an attribute: numbers, booleans, `YYYY-MM-DD` dates (else text), lists of
 * scalars as text joined by ", "; null values are skipped.
 *
 * @throws ImportError with the file's line number for malformed YAML, unclosed or oversized front
 *   matter, an invalid kind, reserved or duplicate names and nested mappings.
 */
export function parseFrontMatter(file: string, text: string): FrontMatter {
  if (!OPENING.test(text)) return { body: text, bodyLineOffset: 0, attributes: {} };

  const firstNewline = text.indexOf('\n');
  if (firstNewline === -1) {
    throw new ImportError(file, 'front matter is not closed: no line "---" after the opening "---"', 1);
  }
  CLOSING.lastIndex = firstNewline;
  const closing = CLOSING.exec(text);
  if (closing === null) {
    throw new ImportError(file, 'front matter is not closed: no line "---" after the opening "---"', 1);
  }
  const yamlSource = text.slice(firstNewline + 1, closing.index + 1);
  if (Buffer.byteLength(yamlSource, 'utf8') > MAX_FRONT_MATTER_BYTES) {
    throw new ImportError(file, `front matter is larger than ${MAX_FRONT_MATTER_BYTES / 1024} KB`, 1);
  }

  let bodyStart = closing.index + closing[0].length;
  if (text[bodyStart] === '\n') bodyStart++;
  // The closing delimiter's line number: lines before it plus one.
  const bodyLineOffset = countNewlines(text, closing.index + 1) + 1;

  const data = readYaml(file, yamlSource);
  return { body: text.slice(bodyStart), bodyLineOffset, ...data };
}

function countNewlines(text: string, end: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

type FrontMatterData = Pick<FrontMatter, 'title' | 'kind' | 'attributes'>;

function readYaml(file: string, source: string): FrontMatterData {
  const lineCounter = new LineCounter();
  // YAML 1.2 core schema: no implicit timestamps or !!binary; dates are recognised below.
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true, schema: 'core' });
  const yamlLines = countNewlines(source, source.length) || 1;
  // Line n of the YAML is line n + 1 of the file (after the opening "---").
  const fileLine = (offset: number | undefined): number =>
    Math.min(offset === undefined ? 1 : lineCounter.linePos(offset).line, yamlLines) + 1;

  const error = doc.errors[0];
  if (error) {
    // The commonest slip: an unquoted value containing ": " (e.g. "title: Beratung: Teil 2").
    const hint = error.code === 'BLOCK_AS_IMPLICIT_KEY' ? ' (put a value containing ": " in quotes)' : '';
    throw new ImportError(file, `invalid YAML in front matter: ${error.message}${hint}`, fileLine(error.pos[0]));
  }

  if (doc.contents === null) return { attributes: {} };
  if (!isMap(doc.contents)) {
    throw new ImportError(file, 'front matter must be YAML "key: value" lines', fileLine(doc.contents.range?.[0]));
  }

  let values: unknown;
  try {
    values = doc.toJS({ mapAsMap: true, maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new ImportError(file, `front matter cannot be read: ${reason}`, 2);
  }
  if (!(values instanceof Map)) return { attributes: {} };

  const attributes = new Map<string, AttributeValue>();
  const result: FrontMatterData = { attributes: {} };
  const topLines = keyLines(doc.contents, fileLine);

  for (const [key, value] of values) {
    const line = topLines.get(key) ?? 2;
    const name = keyName(file, key, line);
    if (name === 'title') {
      if (value === null || value === undefined) continue;
      if (typeof value !== 'string' && typeof value !== 'number') {
        throw new ImportError(file, 'title must be a single line of text', line);
      }
      const title = String(value).trim();
      if (title !== '') result.title = title;
    } else if (name === 'kind') {
      if (value === null || value === undefined) continue;
      const kind = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
      if (!isDocumentKind(kind)) {
        throw new ImportError(
          file,
          `invalid kind ${JSON.stringify(value)}; valid kinds: ${DOCUMENT_KINDS.join(', ')}`,
          line,
        );
      }
      result.kind = kind;
    } else if (name === 'attributes') {
      if (value === null || value === undefined) continue;
      if (!(value instanceof Map)) {
        throw new ImportError(file, '"attributes" must be a mapping of name: value lines', line);
      }
      const node = doc.contents.get('attributes', true);
      const nestedLines = isMap(node) ? keyLines(node, fileLine) : new Map<unknown, number>();
      for (const [subKey, subValue] of value) {
        const subLine = nestedLines.get(subKey) ?? line;
        addAttribute(file, attributes, keyName(file, subKey, subLine), subValue, subLine);
      }
    } else {
      addAttribute(file, attributes, name, value, line);
    }
  }
  result.attributes = Object.fromEntries(attributes);
  return result;
}

function isDocumentKind(s: string | undefined): s is DocumentKind {
  return s !== undefined && (DOCUMENT_KINDS as readonly string[]).includes(s);
}

/** Map each scalar key of a YAML mapping (as a JS value) to the file line it is on. */
function keyLines(
  map: { items: { key: unknown }[] },
  fileLine: (offset: number | undefined) => number,
): Map<unknown, number> {
  const lines = new Map<unknown, number>();
  for (const pair of map.items) {
    if (isScalar(pair.key)) lines.set(pair.key.value, fileLine(pair.key.range?.[0]));
  }
  return lines;
}

/** A key must be a scalar; numbers and booleans become their text. */
function keyName(file: string, key: unknown, line: number): string {
  if (typeof key !== 'string' && typeof key !== 'number' && typeof key !== 'boolean') {
    throw new ImportError(file, 'front matter keys must be plain names', line);
  }
  const checked = checkAttributeName(String(key));
  if (!checked.ok) throw new ImportError(file, checked.reason, line);
  return checked.name;
}

function addAttribute(
  file: string,
  attributes: Map<string, AttributeValue>,
  name: string,
  value: unknown,
  line: number,
): void {
  const typed = typeYamlValue(file, name, value, line);
  if (typed === undefined) return;
  if (attributes.has(name)) throw new ImportError(file, `attribute "${name}" is given twice`, line);
  if (typed.type === 'text' && typed.value.length > MAX_TEXT_VALUE) {
    throw new ImportError(file, `attribute "${name}" is longer than ${MAX_TEXT_VALUE} characters`, line);
  }
  attributes.set(name, typed);
}

function typeYamlValue(file: string, name: string, value: unknown, line: number): AttributeValue | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ImportError(file, `attribute "${name}" is not a finite number`, line);
    return { type: 'number', value };
  }
  if (typeof value === 'boolean') return { type: 'boolean', value };
  if (typeof value === 'string') return typeString(value);
  if (value instanceof Date && !Number.isNaN(value.getTime())) {
    return { type: 'date', value: value.toISOString().slice(0, 10) };
  }
  if (Array.isArray(value)) {
    const parts: string[] = [];
    for (const item of value) {
      if (item === null || item === undefined) continue;
      if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') {
        parts.push(String(item));
      } else {
        throw new ImportError(
          file,
          `attribute "${name}" is a list with nested lists or mappings; only lists of single values are supported`,
          line,
        );
      }
    }
    return parts.length === 0 ? undefined : { type: 'text', value: parts.join(', ') };
  }
  if (value instanceof Map) {
    throw new ImportError(
      file,
      `attribute "${name}" is a nested mapping; only single values and lists are supported (put attributes under "attributes:")`,
      line,
    );
  }
  throw new ImportError(file, `attribute "${name}" has an unsupported value`, line);
}
