/**
 * Shared, element-free helpers of the corpus and segment views: the list types the server sends,
 * attribute formatting and comparison, the document filter (same semantics as the server's
 * `matchesFilter` in server/domain/corpus.ts, which web/ may not import) and code paths.
 */
import type { AttributeValue } from '../../server/schemas/attribute.js';
import type { DocumentFilter, DocumentSet } from '../../server/schemas/document-set.js';
import type { DocumentKind, DocumentMeta } from '../../server/schemas/document.js';
export { codePath, codesInTreeOrder, PATH_SEPARATOR } from '../../server/domain/code-tree.js';
import { getLanguage, t } from '../i18n/index.js';

// Re-exported for web/*.ts modules, whose lint rule admits only the AppType from ../server.
export type { Code } from '../../server/schemas/code.js';
export type { RetrievedSegment } from '../../server/schemas/segment.js';

/** A row of GET /documents (server/domain/corpus.ts `DocumentListEntry`). */
export type DocumentListEntry = DocumentMeta & { segmentCount: number };

/** A row of GET /sets: the set with the document ids it stands for now. */
export type DocumentSetWithMembers = DocumentSet & { documentIds: string[] };

/** A value an attribute condition compares with (DocumentFilter `anyOf`). */
export type FilterValue = string | number | boolean;

/** German collation (Ä with A), numbers inside strings compared numerically. */
export const collator = new Intl.Collator('de', { numeric: true, sensitivity: 'base' });

const dateFormats = new Map<string, Intl.DateTimeFormat>();
const numberFormats = new Map<string, Intl.NumberFormat>();

function dateFormat(): Intl.DateTimeFormat {
  const lang = getLanguage();
  let f = dateFormats.get(lang);
  if (!f) {
    f = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeZone: 'UTC' });
    dateFormats.set(lang, f);
  }
  return f;
}

/** A number in the UI language (1.234,5 in German). */
export function formatNumber(n: number): string {
  const lang = getLanguage();
  let f = numberFormats.get(lang);
  if (!f) {
    f = new Intl.NumberFormat(lang, { maximumFractionDigits: 6 });
    numberFormats.set(lang, f);
  }
  return f.format(n);
}

/** An ISO date (YYYY-MM-DD) as a date in the UI language; anything unparsable as it is. */
export function formatDate(iso: string): string {
  const d = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? iso : dateFormat().format(d);
}

/** An attribute value for display: numbers and dates localised, booleans as yes/no. */
export function formatAttributeValue(v: AttributeValue): string {
  switch (v.type) {
    case 'number':
      return formatNumber(v.value);
    case 'date':
      return formatDate(v.value);
    case 'boolean':
      return v.value ? t('corpus.yes') : t('corpus.no');
    default:
      return v.value;
  }
}

/** An attribute value for machine-readable output (CSV): ISO dates, plain numbers, true/false. */
export function rawAttributeValue(v: AttributeValue): string {
  return String(v.value);
}

const typeRank: Record<AttributeValue['type'], number> = { number: 0, date: 1, boolean: 2, text: 3 };

/** Order two attribute values: numbers numerically, dates chronologically, text by German collation. */
export function compareAttributeValues(a: AttributeValue, b: AttributeValue): number {
  if (a.type !== b.type) return typeRank[a.type] - typeRank[b.type];
  if (a.type === 'number' && b.type === 'number') return a.value - b.value;
  if (a.type === 'boolean' && b.type === 'boolean') return Number(a.value) - Number(b.value);
  if (a.type === 'date' && b.type === 'date') return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  const x = String(a.value);
  const y = String(b.value);
  // Values equal under collation ("Nord", "nord") still get a fixed order.
  return collator.compare(x, y) || (x < y ? -1 : x > y ? 1 : 0);
}

/** The filter value an attribute value is matched by (dates as their ISO string). */
export function filterValueOf(v: AttributeValue): FilterValue {
  return v.value;
}

function valueMatches(value: AttributeValue | undefined, wanted: FilterValue): boolean {
  if (value === undefined) return false;
  if (typeof wanted === 'string') return String(value.value).toLocaleLowerCase('de') === wanted.toLocaleLowerCase('de');
  return value.value === wanted;
}

/** Does a document satisfy a filter (any of the kinds, every attribute condition)? As on the server. */
export function matchesFilter(doc: Pick<DocumentMeta, 'kind' | 'attributes'>, filter: DocumentFilter): boolean {
  if (filter.kinds && filter.kinds.length > 0 && !filter.kinds.includes(doc.kind)) return false;
  return filter.attributes.every((cond) => cond.anyOf.some((v) => valueMatches(Object.hasOwn(doc.attributes, cond.name) ? doc.attributes[cond.name] : undefined, v)));
}

/** The translated name of a document kind. */
export function kindLabel(kind: DocumentKind): string {
  return t(`corpus.kind.${kind}`);
}



