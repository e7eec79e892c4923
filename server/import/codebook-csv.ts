/**
 * A codebook from CSV (issue 8, item 8): one row per code with its whole path (`Parent > Child`
 * as MAXQDA writes it, or `Parent\Child`), an optional description and colour column. The reading
 * itself (shared with XLSX, with its limits and row/column errors) is in codebook-table.ts.
 */
import type { CodebookFile } from '../schemas/codebook.js';
import { codebookFromRows, csvRows } from './codebook-table.js';

/**
 * Read a codebook from CSV text: one row per code with its whole path (`Parent > Child` or
 * `Parent\Child`), an optional description and colour. Parents missing as rows are created.
 */
export function codebookFromCsv(csv: string, meta: { title: string }): CodebookFile {
  return codebookFromRows(csvRows(csv), meta).book;
}
