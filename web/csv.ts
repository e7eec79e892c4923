/**
 * CSV export in the browser: RFC 4180 text (comma, CRLF, quoted where needed) with a UTF-8 byte
 * order mark so Excel reads umlauts right, and protection against CSV (formula) injection.
 */
import { PATH_SEPARATOR, codePath, rawAttributeValue, type Code, type DocumentListEntry, type RetrievedSegment } from './components/sb-corpus-model.js';
import { t } from './i18n/index.js';

export type CsvCell = string | number | boolean | null | undefined;

/** Byte order mark; `Blob` encodes it as EF BB BF. */
export const BOM = '\uFEFF';

/** Characters that make a spreadsheet treat a text cell as a formula (or hide one behind them). */
const FORMULA_START = /^[=+\-@\t\r]/;

function cell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  // Numbers and booleans cannot carry a formula; "-3" stays a number.
  let s = typeof value === 'string' ? (FORMULA_START.test(value) ? `'${value}` : value) : String(value);
  if (/[",\r\n]/.test(s)) s = `"${s.replace(/"/g, '""')}"`;
  return s;
}

/**
 * Rows as CSV text (RFC 4180): comma-separated, CRLF after every row, fields with a comma, quote,
 * CR or LF quoted with inner quotes doubled; a text cell starting with =, +, -, @, tab or CR gets a
 * leading apostrophe. Starts with a UTF-8 BOM.
 */
export function toCsv(rows: readonly (readonly CsvCell[])[]): string {
  return BOM + rows.map((row) => `${row.map(cell).join(',')}\r\n`).join('');
}

export interface SegmentCsvContext {
  codes: readonly Code[];
  documents: readonly DocumentListEntry[];
  /** Display names by user id. */
  users: Readonly<Record<string, string>>;
}

/**
 * Retrieved segments as CSV with the columns Dokument, Merkmale (name=value; …), Code, Codepfad,
 * Kodierer·in, Start, Ende, Text, Kontext davor, Kontext danach, Memo (headers in the UI language).
 */
export function segmentsToCsv(segments: readonly RetrievedSegment[], { codes, documents, users }: SegmentCsvContext): string {
  const codesById = new Map(codes.map((c) => [c.id, c]));
  const docsById = new Map(documents.map((d) => [d.id, d]));
  const header = [
    t('segments.csv.document'),
    t('segments.csv.attributes'),
    t('segments.csv.code'),
    t('segments.csv.codePath'),
    t('segments.csv.coder'),
    t('segments.csv.start'),
    t('segments.csv.end'),
    t('segments.csv.text'),
    t('segments.csv.before'),
    t('segments.csv.after'),
    t('segments.csv.memo'),
  ];
  const rows = segments.map((s): CsvCell[] => {
    const doc = docsById.get(s.documentId);
    const code = codesById.get(s.codeId);
    const attributes = doc
      ? Object.entries(doc.attributes)
          .map(([name, v]) => `${name}=${rawAttributeValue(v)}`)
          .join('; ')
      : '';
    return [
      s.documentTitle,
      attributes,
      code?.name ?? s.codeId,
      code ? codePath(code, codesById).join(PATH_SEPARATOR) : '',
      Object.hasOwn(users, s.coder) ? users[s.coder] : s.coder,
      s.start,
      s.end,
      s.text,
      s.before,
      s.after,
      s.memo,
    ];
  });
  return toCsv([header, ...rows]);
}

/** Offer `text` as a download named `filename`, without navigating away. */
export function downloadText(filename: string, text: string, mime = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  a.hidden = true;
  document.body.append(a);
  try {
    a.click();
  } finally {
    a.remove();
    // Revoked later: some browsers read the URL after click() returns.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}
