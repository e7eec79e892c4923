/**
 * Spreadsheets (issue 8, item 8) – CSV only so far: coded segments (one row per segment), the
 * code × document matrix (counts or 0/1). The codebook CSV reader is import/codebook-csv.ts.
 * Not yet wired to the CLI or HTTP.
 *
 * Cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR) get a
 * leading apostrophe (OWASP "CSV injection").
 */
import { CodePointIndex } from '../domain/text.js';
import type { AttributeValue } from '../schemas/attribute.js';
import type { Code } from '../schemas/code.js';
import { codePathNames } from '../domain/code-tree.js';
import type { ProjectExport } from '../schemas/export.js';

/** Code paths with MAXQDA's separator " > " (the path column its codebook import reads). */
function codePathsForSpreadsheet(codes: readonly Code[]): Map<string, string> {
  return new Map([...codePathNames(codes)].map(([id, names]) => [id, names.join(' > ')]));
}

function cell(v: string | number | boolean): string {
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function rows(table: (string | number | boolean)[][]): string {
  // A BOM so that Excel opens the file as UTF-8; CRLF as RFC 4180 says.
  return `\ufeff${table.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}


function attributeText(v: AttributeValue | undefined): string | number | boolean {
  return v === undefined ? '' : v.value;
}

/** One row per segment: document, kind, every attribute, code path, coder, offsets, text, memo. */
export function segmentsToCsv(data: ProjectExport): string {
  const paths = codePathsForSpreadsheet(data.codes);
  const users = new Map(data.users.map((u) => [u.id, u.displayName]));
  const docs = new Map(data.documents.map((d) => [d.id, d]));
  const indexes = new Map<string, CodePointIndex>();
  const attrNames = [...new Set(data.documents.flatMap((d) => Object.keys(d.attributes)))].sort();
  const memoOf = new Map<string, string[]>();
  for (const m of data.memos) if (m.target.type === 'segment') memoOf.set(m.target.id, [...(memoOf.get(m.target.id) ?? []), m.text]);
  const table: (string | number | boolean)[][] = [['document', 'kind', ...attrNames, 'code', 'coder', 'start', 'end', 'text', 'memo']];
  const segs = [...data.segments].sort((a, b) => (docs.get(a.documentId)?.title ?? '').localeCompare(docs.get(b.documentId)?.title ?? '') || a.start - b.start || a.end - b.end);
  for (const s of segs) {
    const d = docs.get(s.documentId);
    if (!d) continue;
    let idx = indexes.get(d.id);
    if (!idx) indexes.set(d.id, (idx = new CodePointIndex(d.text)));
    const memo = [s.memo, ...(memoOf.get(s.id) ?? [])].filter((x) => x).join('\n\n');
    table.push([d.title, d.kind, ...attrNames.map((n) => attributeText(d.attributes[n])), paths.get(s.codeId) ?? '?', users.get(s.coder) ?? s.coder, s.start, s.end, idx.slice(s.start, s.end), memo]);
  }
  return rows(table);
}

/** The code × document matrix: segment counts, or 0/1 for "coded at all". Codes in tree order. */
export function matrixToCsv(data: ProjectExport, mode: 'counts' | 'binary' = 'counts'): string {
  const paths = codePathsForSpreadsheet(data.codes);
  const docs = [...data.documents].sort((a, b) => a.title.localeCompare(b.title));
  const counts = new Map<string, number>();
  for (const s of data.segments) counts.set(`${s.codeId}\0${s.documentId}`, (counts.get(`${s.codeId}\0${s.documentId}`) ?? 0) + 1);
  const codes = [...data.codes].sort((a, b) => (paths.get(a.id) ?? '').localeCompare(paths.get(b.id) ?? ''));
  const table: (string | number)[][] = [['code', ...docs.map((d) => d.title)]];
  for (const c of codes) {
    table.push([paths.get(c.id) ?? c.name, ...docs.map((d) => {
      const n = counts.get(`${c.id}\0${d.id}`) ?? 0;
      return mode === 'binary' ? (n > 0 ? 1 : 0) : n;
    })]);
  }
  return rows(table);
}
