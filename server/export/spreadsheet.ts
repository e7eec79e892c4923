/**
 * Spreadsheets (issue 8, item 8): coded segments (one row per segment) and the code × document
 * matrix (counts or 0/1), as CSV and as XLSX. Both formats are written from the same tables, so
 * their columns cannot drift apart. The codebook reader is import/codebook-table.ts.
 *
 * Formula injection (OWASP "CSV injection"):
 * - CSV: cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR) get a
 *   leading apostrophe, because a CSV cell has no type and Excel guesses.
 * - XLSX: text is written as typed string cells (`t="s"`, shared strings) and never as a formula
 *   cell (`<f>`), so Excel and LibreOffice show it as text and never evaluate it. The text is kept
 *   exactly (a transcript line "- ja, genau" stays as it is); the tests check that no `<f>` is written.
 */
import writeExcelFile, { type Row, type SheetData } from 'write-excel-file/node';
import { CodePointIndex } from '../domain/text.js';
import type { AttributeValue } from '../schemas/attribute.js';
import type { Code } from '../schemas/code.js';
import { codePathNames } from '../domain/code-tree.js';
import type { ProjectExport } from '../schemas/export.js';
import { csvField } from './csv.js';

/** One cell of a table: text, a number or a truth value. */
export type TableCell = string | number | boolean;
export type MatrixMode = 'counts' | 'binary';

/** Excel's limit of characters in one cell; longer text makes Excel "repair" (truncate) the file. */
export const XLSX_MAX_CELL_CHARS = 32_767;

/** Code paths with MAXQDA's separator " > " (the path column its codebook import reads). */
function codePathsForSpreadsheet(codes: readonly Code[]): Map<string, string> {
  return new Map([...codePathNames(codes)].map(([id, names]) => [id, names.join(' > ')]));
}

/** Also quoted on ';', which Excel splits on in some locales. */
const QUOTE_WHEN = /[",\n\r;]/;

function csvCell(v: TableCell): string {
  // Numbers and truth values never hold a quote, separator or line break, nor read as a formula.
  return typeof v === 'string' ? csvField(v, QUOTE_WHEN) : String(v);
}

function toCsv(table: TableCell[][]): string {
  // A BOM so that Excel opens the file as UTF-8; CRLF as RFC 4180 says.
  return `\ufeff${table.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

function attributeText(v: AttributeValue | undefined): TableCell {
  return v === undefined ? '' : v.value;
}

/** The segments table: document, kind, every attribute, code path, coder, offsets, text, memo. */
export function segmentsTable(data: ProjectExport): TableCell[][] {
  const paths = codePathsForSpreadsheet(data.codes);
  const users = new Map(data.users.map((u) => [u.id, u.displayName]));
  const docs = new Map(data.documents.map((d) => [d.id, d]));
  const indexes = new Map<string, CodePointIndex>();
  const attrNames = [...new Set(data.documents.flatMap((d) => Object.keys(d.attributes)))].sort();
  const memoOf = new Map<string, string[]>();
  for (const m of data.memos) if (m.target.type === 'segment') memoOf.set(m.target.id, [...(memoOf.get(m.target.id) ?? []), m.text]);
  const table: TableCell[][] = [['document', 'kind', ...attrNames, 'code', 'coder', 'start', 'end', 'text', 'memo']];
  const segs = [...data.segments].sort((a, b) => (docs.get(a.documentId)?.title ?? '').localeCompare(docs.get(b.documentId)?.title ?? '') || a.start - b.start || a.end - b.end);
  for (const s of segs) {
    const d = docs.get(s.documentId);
    if (!d) continue;
    let idx = indexes.get(d.id);
    if (!idx) indexes.set(d.id, (idx = new CodePointIndex(d.text)));
    const memo = [s.memo, ...(memoOf.get(s.id) ?? [])].filter((x) => x).join('\n\n');
    table.push([d.title, d.kind, ...attrNames.map((n) => attributeText(d.attributes[n])), paths.get(s.codeId) ?? '?', users.get(s.coder) ?? s.coder, s.start, s.end, idx.slice(s.start, s.end), memo]);
  }
  return table;
}

/** The code × document matrix: segment counts, or 0/1 for "coded at all". Codes sorted by path. */
export function matrixTable(data: ProjectExport, mode: MatrixMode = 'counts'): TableCell[][] {
  const paths = codePathsForSpreadsheet(data.codes);
  const docs = [...data.documents].sort((a, b) => a.title.localeCompare(b.title));
  const counts = new Map<string, number>();
  for (const s of data.segments) counts.set(`${s.codeId}\0${s.documentId}`, (counts.get(`${s.codeId}\0${s.documentId}`) ?? 0) + 1);
  const codes = [...data.codes].sort((a, b) => (paths.get(a.id) ?? '').localeCompare(paths.get(b.id) ?? ''));
  const table: TableCell[][] = [['code', ...docs.map((d) => d.title)]];
  for (const c of codes) {
    table.push([
      paths.get(c.id) ?? c.name,
      ...docs.map((d) => {
        const n = counts.get(`${c.id}\0${d.id}`) ?? 0;
        return mode === 'binary' ? (n > 0 ? 1 : 0) : n;
      }),
    ]);
  }
  return table;
}

/** One row per segment as CSV (BOM, CRLF, formula cells prefixed with `'`). */
export function segmentsToCsv(data: ProjectExport): string {
  return toCsv(segmentsTable(data));
}

/** The code × document matrix as CSV. */
export function matrixToCsv(data: ProjectExport, mode: MatrixMode = 'counts'): string {
  return toCsv(matrixTable(data, mode));
}

/** A string cell: typed as String (never a formula), cut to Excel's cell limit. */
function xlsxText(s: string): { value: string; type: StringConstructor } {
  return { value: s.length > XLSX_MAX_CELL_CHARS ? `${s.slice(0, XLSX_MAX_CELL_CHARS - 1)}…` : s, type: String };
}

async function toXlsx(table: TableCell[][], sheet: string, widths: (i: number) => number): Promise<Uint8Array> {
  const [header = [], ...body] = table;
  const data: SheetData = [
    header.map((h) => ({ ...xlsxText(String(h)), fontWeight: 'bold' as const })),
    ...body.map((r): Row => r.map((v) => (typeof v === 'string' ? (v === '' ? null : xlsxText(v)) : typeof v === 'number' ? { value: v, type: Number } : { value: v, type: Boolean }))),
  ];
  const buffer = await writeExcelFile(data, { sheet, stickyRowsCount: 1, columns: header.map((_, i) => ({ width: widths(i) })) }).toBuffer();
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** One row per segment as XLSX, the same columns as the CSV; numbers and truth values typed. */
export function segmentsToXlsx(data: ProjectExport): Promise<Uint8Array> {
  const table = segmentsTable(data);
  const header = (table[0] ?? []).map(String);
  return toXlsx(table, 'Segmente', (i) => (header[i] === 'text' || header[i] === 'memo' ? 60 : header[i] === 'code' || header[i] === 'document' ? 30 : 14));
}

/** The code × document matrix as XLSX (numbers typed). */
export function matrixToXlsx(data: ProjectExport, mode: MatrixMode = 'counts'): Promise<Uint8Array> {
  return toXlsx(matrixTable(data, mode), mode === 'binary' ? 'Matrix 0-1' : 'Matrix', (i) => (i === 0 ? 40 : 16));
}
