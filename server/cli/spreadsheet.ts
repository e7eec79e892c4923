/**
 * Spreadsheets on the command line (issue 8, item 8), called from the built-in commands in
 * server/cli.ts:
 *
 *   sichtbar export --data DIR --format csv|xlsx [--table segments|matrix] [--binary] [--out FILE] [--json]
 *   sichtbar codebook import FILE.csv|FILE.xlsx [--json]
 *
 * Exit 0 ok, 1 failure (a bad file writes nothing), 2 bad usage.
 */
import { readFile, stat } from 'node:fs/promises';
import type { Deps } from '../domain/deps.js';
import { exportProject } from '../domain/projects.js';
import { matrixToCsv, matrixToXlsx, segmentsToCsv, segmentsToXlsx } from '../export/spreadsheet.js';
import { CODEBOOK_TABLE_LIMITS, readCodebookTable, type CodebookTableImportResult } from '../import/codebook-table.js';
import { UsageError, type CliIO } from './common.js';

export type SpreadsheetTable = 'segments' | 'matrix';

/** `--table` and `--binary` checked against the format; bad combinations are usage errors. */
export function spreadsheetOptions(format: string, table: string | undefined, binary: boolean): { table: SpreadsheetTable; binary: boolean } {
  const isSheet = format === 'csv' || format === 'xlsx';
  if (table !== undefined && !isSheet) throw new UsageError(`--table only goes with --format csv or xlsx (got --format ${format})`);
  if (table !== undefined && table !== 'segments' && table !== 'matrix') throw new UsageError(`--table must be segments or matrix, not "${table}"`);
  const t: SpreadsheetTable = table === 'matrix' ? 'matrix' : 'segments';
  if (binary && t !== 'matrix') throw new UsageError('--binary only goes with --table matrix (0/1 instead of counts)');
  return { table: t, binary };
}

/** The segments or the matrix of a project as CSV text or XLSX bytes. */
export async function buildSpreadsheet(deps: Deps, projectId: string, format: 'csv' | 'xlsx', table: SpreadsheetTable, binary: boolean): Promise<string | Uint8Array> {
  const data = await exportProject(deps, projectId);
  const mode = binary ? 'binary' : 'counts';
  if (format === 'csv') return table === 'matrix' ? matrixToCsv(data, mode) : segmentsToCsv(data);
  return table === 'matrix' ? matrixToXlsx(data, mode) : segmentsToXlsx(data);
}

/** Read and check a codebook table file before the data directory is opened (nothing written on error). */
export async function readCodebookTableFile(file: string) {
  const size = (await stat(file)).size;
  if (size > CODEBOOK_TABLE_LIMITS.maxBytes) throw new UsageError(`${file} is larger than ${Math.round(CODEBOOK_TABLE_LIMITS.maxBytes / 1024 / 1024)} MB`);
  return readCodebookTable(new Uint8Array(await readFile(file)), file);
}

/** Is this a codebook table (CSV or XLSX) rather than a JSON codebook? */
export function isCodebookTableFile(file: string): boolean {
  return /\.(csv|tsv|xlsx|xls)$/i.test(file);
}

export function reportCodebookImport(io: CliIO, json: boolean, r: CodebookTableImportResult & { projectId: string }): void {
  if (json) {
    io.stdout(`${JSON.stringify(r, null, 2)}\n`);
    return;
  }
  for (const w of r.warnings) io.stderr(`warning: ${w.element}: ${w.message}\n`);
  io.stderr(`${r.created} codes created, ${r.skipped} already there; ${r.warnings.length} warning(s).\n`);
}
