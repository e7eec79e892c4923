/**
 * Shared pieces of the REFI-QDA 1.5 mapping (export in server/export/refi-export.ts, import in
 * server/import/refi-import.ts): GUIDs, the code definition as Description text, XML escaping,
 * safe unzipping and the warnings both directions report (spec §7: say what is not carried over).
 */
import { createHash } from 'node:crypto';
import { CodeDefinitionSchema, type CodeDefinition } from '../schemas/code.js';
import { InvalidInput, TooLarge } from '../domain/errors.js';
import { looksLikeZip, UnsafeArchive, unzipSafely } from './safe-zip.js';

export const PROJECT_NS = 'urn:QDA-XML:project:1.0';
export const CODEBOOK_NS = 'urn:QDA-XML:codebook:1.0';
/** The Text variable that carries the document kind (observation, interview, documentation, other). */
export const KIND_VARIABLE = 'kind';

export type { RefiWarning } from '../schemas/refi.js';

/** Limits for archives from outside (zip bombs): checked on the declared sizes before inflating. */
export const REFI_LIMITS = {
  maxZipBytes: 200 * 1024 * 1024,
  maxEntryBytes: 50 * 1024 * 1024,
  maxTotalBytes: 300 * 1024 * 1024,
  maxEntries: 10_000,
};

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const GUID_RE = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;

/**
 * A GUID for one of our entities, stable across exports: the id itself when it already is a UUID
 * (we generate them with randomUUID), otherwise a name-based UUID (v5 layout, SHA-1) of project id,
 * entity kind and id.
 */
export function guidFor(projectId: string, kind: string, id: string): string {
  if (UUID_RE.test(id) && kind !== 'coding' && kind !== 'variable' && kind !== 'case') return id.toLowerCase();
  const h = createHash('sha1').update(`sichtbar\0${projectId}\0${kind}\0${id}`).digest();
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x50;
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** A GUID as written by any tool (upper case, in braces) → lower case without braces; undefined if not a GUID. */
export function normaliseGuid(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const m = GUID_RE.exec(raw.trim());
  return m?.[1]?.toLowerCase();
}

// --- The structured code definition as readable Description text ---------------------------

const HEADINGS = {
  inclusion: '## Inclusion criteria',
  exclusion: '## Exclusion criteria and delimitation',
  anchors: '## Anchor examples',
  rules: '## Coding rules',
} as const;

/**
 * Our structured definition as one readable text: the description first, then headed sections
 * (only those with content). Anchor examples are quoted blocks (`> `), one per example.
 */
export function definitionToDescription(d: CodeDefinition): string {
  const parts: string[] = [];
  if (d.description.trim()) parts.push(d.description.trim());
  if (d.inclusion.trim()) parts.push(`${HEADINGS.inclusion}\n\n${d.inclusion.trim()}`);
  if (d.exclusion.trim()) parts.push(`${HEADINGS.exclusion}\n\n${d.exclusion.trim()}`);
  if (d.anchors.length > 0) {
    parts.push(`${HEADINGS.anchors}\n\n${d.anchors.map((a) => a.text.split('\n').map((l) => (l ? `> ${l}` : '>')).join('\n')).join('\n\n')}`);
  }
  if (d.rules.trim()) parts.push(`${HEADINGS.rules}\n\n${d.rules.trim()}`);
  return parts.join('\n\n');
}

/** Recover the structured definition from a Description; text without our headings is the description. */
export function descriptionToDefinition(text: string): CodeDefinition {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const sections: Record<string, string[]> = { description: [] };
  let current = 'description';
  const byHeading = new Map<string, string>(Object.entries(HEADINGS).map(([k, h]) => [h, k]));
  for (const line of lines) {
    const key = byHeading.get(line.trim());
    if (key) {
      current = key;
      sections[current] = [];
      continue;
    }
    (sections[current] ??= []).push(line);
  }
  const body = (k: string): string => (sections[k] ?? []).join('\n').trim();
  const anchors: { text: string }[] = [];
  if (sections['anchors']) {
    let block: string[] | undefined;
    for (const line of sections['anchors']) {
      if (line.startsWith('>')) {
        (block ??= []).push(line.replace(/^> ?/, ''));
      } else if (line.trim() === '' && block) {
        anchors.push({ text: block.join('\n') });
        block = undefined;
      }
    }
    if (block) anchors.push({ text: block.join('\n') });
  }
  return CodeDefinitionSchema.parse({
    description: body('description').slice(0, 50_000),
    inclusion: body('inclusion').slice(0, 50_000),
    exclusion: body('exclusion').slice(0, 50_000),
    anchors: anchors.filter((a) => a.text.trim() !== '').slice(0, 200),
    rules: body('rules').slice(0, 50_000),
  });
}

// --- XML writing -----------------------------------------------------------------------------

/** Characters XML 1.0 does not allow (C0 controls but tab, LF, CR; lone surrogates; U+FFFE/FFFF). */
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function escapeText(s: string): string {
  return s.replace(INVALID_XML, '\ufffd').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

export function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

/** A minimal element writer: attributes in the given order (undefined ones left out). */
export function el(name: string, attrs: Record<string, string | number | boolean | undefined>, children?: string | string[]): string {
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeAttr(String(v))}"`)
    .join('');
  const inner = Array.isArray(children) ? children.join('') : children;
  return inner === undefined || inner === '' ? `<${name}${a}/>` : `<${name}${a}>${inner}</${name}>`;
}

export function textEl(name: string, text: string): string {
  return `<${name}>${escapeText(text)}</${name}>`;
}

// --- Safe unzipping --------------------------------------------------------------------------

/**
 * Unzip an archive from outside (the shared guard in `safe-zip.ts`): sizes and the entry count are
 * checked on the declared values before anything is inflated.
 */
export function safeUnzip(bytes: Uint8Array, limits = REFI_LIMITS): Map<string, Uint8Array> {
  if (bytes.length <= limits.maxZipBytes && !looksLikeZip(bytes)) throw new InvalidInput('not a zip archive (a .qdpx file is a zip with project.qde and sources/)');
  try {
    return unzipSafely(bytes, limits);
  } catch (e) {
    if (e instanceof UnsafeArchive) throw e.tooLarge ? new TooLarge(e.message) : new InvalidInput(e.message);
    throw e;
  }
}
