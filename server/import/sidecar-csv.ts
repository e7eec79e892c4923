/**
 * `attributes.csv` next to imported files: one row per file, columns `file`, optionally `title`
 * and `kind`, and any number of attribute columns.
 *
 * ```
 * file;region;datum;dauer
 * beratung-01.txt;Nord;2024-03-05;45
 * ```
 */
import { parse } from 'csv-parse/sync';
import { ImportError } from '../domain/errors.js';
import type { AttributeValue } from '../schemas/attribute.js';
import { DOCUMENT_KINDS, type DocumentKind } from '../schemas/document.js';
import { checkAttributeName, MAX_TEXT_VALUE, typeCell } from './attribute-values.js';
import { decodeText } from './decode.js';
import type { ImportDefaults } from './import-file.js';

/** The sidecar's file name. */
export const SIDECAR_NAME = 'attributes.csv';

export interface SidecarRow {
  /** Line of the row in the CSV (its last line if a quoted cell spans lines). */
  line: number;
  defaults: ImportDefaults;
}

export interface Sidecar {
  /** Rows by file name (NFC, without a leading "./"). */
  rows: Map<string, SidecarRow>;
  /** Problems: a malformed file gives one error and no rows; a bad row gives an error and is skipped. */
  errors: ImportError[];
}

/** The name under which a file is looked up: NFC (macOS file systems report NFD), no "./". */
export function sidecarKey(name: string): string {
  return name.trim().replace(/^(?:\.\/)+/, '').normalize('NFC');
}

/** Pick the delimiter that occurs most often in the header line outside quotes; "," by default. */
function detectDelimiter(text: string): ',' | ';' | '\t' {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '\n') break;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
  if (counts['\t'] > counts[','] && counts['\t'] > counts[';']) return '\t';
  return ',';
}

interface CsvRecord {
  cells: string[];
  line: number;
}

function readRecords(file: string, text: string): CsvRecord[] {
  let raw: unknown;
  try {
    raw = parse(text, { delimiter: detectDelimiter(text), info: true, skip_empty_lines: true, bom: true });
  } catch (e) {
    // CsvError carries the line it stopped at.
    const lines = (e as { lines?: unknown } | null)?.lines;
    const line = typeof lines === 'number' ? lines : undefined;
    throw new ImportError(file, `malformed CSV: ${e instanceof Error ? e.message : String(e)}`, line);
  }
  if (!Array.isArray(raw)) return [];
  // With `info: true` csv-parse yields { record, info } objects (its types do not say so).
  return raw.map((item: unknown) => {
    const { record, info } = item as { record: string[]; info: { lines: number } };
    return { cells: record, line: info.lines };
  });
}

/**
 * Parse a sidecar CSV (UTF-8 with or without BOM; comma, semicolon or tab as detected from the
 * header). Values are typed like front matter: true/false → boolean, decimal numbers → number,
 * YYYY-MM-DD → date, otherwise text; empty cells are skipped. Never throws: problems are
 * returned as ImportErrors naming the CSV and line.
 */
export function parseSidecar(file: string, bytes: Uint8Array): Sidecar {
  const rows = new Map<string, SidecarRow>();
  const errors: ImportError[] = [];
  let records: CsvRecord[];
  try {
    records = readRecords(file, decodeText(file, bytes).text);
  } catch (e) {
    errors.push(e instanceof ImportError ? e : new ImportError(file, String(e)));
    return { rows, errors };
  }

  const header = records[0];
  if (header === undefined) {
    errors.push(new ImportError(file, 'CSV has no header row', 1));
    return { rows, errors };
  }
  const columns = header.cells.map((c) => c.trim());
  const fileColumn = columns.findIndex((c) => c.toLowerCase() === 'file');
  if (fileColumn === -1) {
    errors.push(new ImportError(file, 'CSV header needs a "file" column', header.line));
    return { rows, errors };
  }
  const seen = new Set<string>();
  for (const [i, name] of columns.entries()) {
    const checked = checkAttributeName(name);
    const problem = !checked.ok
      ? `column ${i + 1}: ${checked.reason}`
      : seen.has(name)
        ? `column "${name}" appears twice`
        : undefined;
    if (problem !== undefined) {
      errors.push(new ImportError(file, problem, header.line));
      return { rows, errors };
    }
    seen.add(name);
  }

  for (const record of records.slice(1)) {
    try {
      const [name, row] = readRow(file, columns, fileColumn, record);
      const earlier = rows.get(name);
      if (earlier !== undefined) {
        throw new ImportError(file, `file "${name}" is listed twice (first on line ${earlier.line})`, record.line);
      }
      rows.set(name, row);
    } catch (e) {
      errors.push(e instanceof ImportError ? e : new ImportError(file, String(e), record.line));
    }
  }
  return { rows, errors };
}

function readRow(file: string, columns: string[], fileColumn: number, record: CsvRecord): [string, SidecarRow] {
  const name = sidecarKey(record.cells[fileColumn] ?? '');
  if (name === '') throw new ImportError(file, 'row has no file name', record.line);

  const defaults: ImportDefaults = {};
  const attributes = new Map<string, AttributeValue>();
  for (const [i, column] of columns.entries()) {
    if (i === fileColumn) continue;
    const cell = (record.cells[i] ?? '').trim();
    if (cell === '') continue;
    const lower = column.toLowerCase();
    if (lower === 'title') {
      defaults.title = cell;
    } else if (lower === 'kind') {
      const kind = cell.toLowerCase();
      if (!(DOCUMENT_KINDS as readonly string[]).includes(kind)) {
        throw new ImportError(
          file,
          `invalid kind "${cell}" for ${name}; valid kinds: ${DOCUMENT_KINDS.join(', ')}`,
          record.line,
        );
      }
      defaults.kind = kind as DocumentKind;
    } else {
      const value = typeCell(cell);
      if (value === undefined) continue;
      if (value.type === 'text' && value.value.length > MAX_TEXT_VALUE) {
        throw new ImportError(file, `value of "${column}" is longer than ${MAX_TEXT_VALUE} characters`, record.line);
      }
      attributes.set(column, value);
    }
  }
  if (attributes.size > 0) defaults.attributes = Object.fromEntries(attributes);
  return [name, { line: record.line, defaults }];
}
