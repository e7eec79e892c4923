/**
 * A codebook from a table (issue 8, item 8): CSV or XLSX with one row per code and its whole path
 * (`Parent > Child` as MAXQDA writes it, or `Parent\Child`), an optional description and colour
 * column. Taguette's codebook export (`tag, description, number of highlights`) and MAXQDA's
 * (`Code`/`Codesystem`, `Beschreibung`/`Code-Memo`, `Farbe`) both fit.
 *
 * Everything from outside is bounded (bytes, rows, columns, cell length; for XLSX the archive is
 * checked on its declared sizes before anything is inflated) and fully read and checked before
 * anything is written: a bad file names its row and column and writes nothing; an import is one
 * commit.
 */
import { zipSync } from 'fflate';
import { parse } from 'csv-parse/sync';
import { readSheet } from 'read-excel-file/node';
import { PALETTE } from '../domain/codebook.js';
import { InvalidInput, NotFound, TooLarge } from '../domain/errors.js';
import type { Deps } from '../domain/deps.js';
import { CodeSchema, type Code } from '../schemas/code.js';
import type { CodebookEntry, CodebookFile } from '../schemas/codebook.js';
import type { RefiWarning } from '../schemas/refi.js';
import { decodeText } from './decode.js';
import { safeUnzip } from './refi-model.js';
import { forbiddenXmlDeclaration } from './safe-zip.js';

/** Limits for codebook tables from outside. */
export const CODEBOOK_TABLE_LIMITS = {
  /** The uploaded file (CSV or XLSX). */
  maxBytes: 5 * 1024 * 1024,
  /** Rows including the header. */
  maxRows: 5_000,
  maxColumns: 200,
  /** Characters in one cell (the description limit of a code definition). */
  maxCellChars: 50_000,
  /** Inside an XLSX archive (declared sizes, checked before inflating). */
  xlsx: { maxZipBytes: 5 * 1024 * 1024, maxEntryBytes: 20 * 1024 * 1024, maxTotalBytes: 40 * 1024 * 1024, maxEntries: 500 },
};

const PATH_COLUMNS = ['path', 'code', 'code path', 'codepfad', 'pfad', 'code system', 'codesystem', 'tag', 'name'];
const DESCRIPTION_COLUMNS = ['description', 'beschreibung', 'memo', 'code memo', 'code-memo', 'codememo', 'definition'];
const COLOUR_COLUMNS = ['colour', 'color', 'farbe'];
const MAX_NAME = 300;
const MAX_DEPTH = 20;
const MAX_WARNINGS = 1000;

export type TableValue = string | number | boolean | Date | null | undefined;

/** A codebook read from a table, with what was noticed row by row. */
export interface CodebookTable {
  book: CodebookFile;
  warnings: RefiWarning[];
  /** Data rows that named a code. */
  rows: number;
}

/** A1-style column letter (A, B, …, Z, AA, …). */
export function columnLetter(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

function cellText(v: TableValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString().slice(0, 10);
  return String(v);
}

/**
 * Turn the rows of a table (the first row is the header) into a codebook file for `importCodebook`
 * or `importCodebookTable`. Parents missing as rows are created. Throws InvalidInput naming the row
 * and column of the first bad cell; warnings name the row.
 */
export function codebookFromRows(rows: readonly (readonly TableValue[])[], meta: { title: string }): CodebookTable {
  const L = CODEBOOK_TABLE_LIMITS;
  if (rows.length > L.maxRows) throw new TooLarge(`the codebook has more than ${L.maxRows} rows (the limit)`);
  const headerRow = rows.findIndex((r) => r.some((c) => cellText(c).trim() !== ''));
  if (headerRow < 0) throw new InvalidInput('the codebook file is empty (no header row)');
  const rawHeader = (rows[headerRow] ?? []).map((h) => cellText(h).trim());
  if (rawHeader.length > L.maxColumns) throw new TooLarge(`row ${headerRow + 1}: ${rawHeader.length} columns; at most ${L.maxColumns} are allowed`);
  const header = rawHeader.map((h) => h.toLowerCase().replace(/\s+/g, ' '));
  const col = (names: string[]): number => header.findIndex((h) => names.includes(h));
  const pathCol = col(PATH_COLUMNS);
  if (pathCol < 0) {
    throw new InvalidInput(`row ${headerRow + 1}: the codebook needs a path column (one of: ${PATH_COLUMNS.join(', ')}); found ${rawHeader.filter((h) => h).join(', ') || 'no header'}`);
  }
  const descCol = col(DESCRIPTION_COLUMNS);
  const colourCol = col(COLOUR_COLUMNS);
  const where = (row: number, c: number): string => `row ${row}, column ${columnLetter(c)} (${rawHeader[c] ?? ''})`;
  const warnings: RefiWarning[] = [];
  const warn = (element: string, message: string): void => {
    if (warnings.length < MAX_WARNINGS) warnings.push({ element, message });
  };
  const roots: CodebookEntry[] = [];
  const firstRowOf = new Map<CodebookEntry, number>();
  let count = 0;
  for (let i = headerRow + 1; i < rows.length; i++) {
    const r = rows[i] ?? [];
    const rowNo = i + 1;
    if (r.length > L.maxColumns) throw new TooLarge(`row ${rowNo}: ${r.length} columns; at most ${L.maxColumns} are allowed`);
    r.forEach((v, c) => {
      if (cellText(v).length > L.maxCellChars) throw new InvalidInput(`${where(rowNo, c)}: the cell holds more than ${L.maxCellChars} characters`);
    });
    const raw = cellText(r[pathCol]).trim();
    if (!raw) {
      if (r.some((v) => cellText(v).trim() !== '')) warn(`row ${rowNo}`, 'no code path; the row was skipped');
      continue;
    }
    // MAXQDA writes "Parent > Child", Taguette and MAXQDA's segment exports "Parent\Child".
    const parts = raw.split(raw.includes('>') ? '>' : '\\').map((p) => p.trim());
    if (parts.every((p) => p === '')) throw new InvalidInput(`${where(rowNo, pathCol)}: the code path "${raw.slice(0, 100)}" names no code`);
    if (parts.some((p) => p === '')) warn(`row ${rowNo}`, `the path "${raw.slice(0, 200)}" has an empty part; it was left out`);
    const names = parts.filter((p) => p !== '');
    if (names.length > MAX_DEPTH) throw new InvalidInput(`${where(rowNo, pathCol)}: the path is ${names.length} levels deep; at most ${MAX_DEPTH} are allowed`);
    const long = names.find((n) => [...n].length > MAX_NAME);
    if (long) throw new InvalidInput(`${where(rowNo, pathCol)}: the name "${long.slice(0, 60)}…" is longer than ${MAX_NAME} characters`);
    let list = roots;
    let entry: CodebookEntry | undefined;
    for (const name of names) {
      entry = list.find((x) => x.name.toLowerCase() === name.toLowerCase());
      if (!entry) {
        entry = { name };
        list.push(entry);
      }
      list = entry.children ??= [];
    }
    if (!entry) continue;
    count++;
    const seenIn = firstRowOf.get(entry);
    if (seenIn !== undefined) {
      warn(`row ${rowNo}`, `the code "${names.join(' > ')}" already came in row ${seenIn}; this row was skipped`);
      continue;
    }
    firstRowOf.set(entry, rowNo);
    const description = descCol >= 0 ? cellText(r[descCol]).trim() : '';
    if (description) entry.definition = { description };
    const colour = colourCol >= 0 ? cellText(r[colourCol]).trim() : '';
    if (/^#[0-9a-f]{6}$/i.test(colour)) entry.colour = colour.toLowerCase();
    else if (colour) warn(`row ${rowNo}`, `the colour "${colour.slice(0, 40)}" is not #rrggbb; a colour was chosen`);
  }
  const prune = (list: CodebookEntry[]): void => {
    for (const e of list) {
      if (e.children && e.children.length === 0) delete e.children;
      else if (e.children) prune(e.children);
    }
  };
  prune(roots);
  if (roots.length === 0) throw new InvalidInput('the codebook file names no code (every row below the header is empty)');
  return {
    book: { format: 'sichtbar-codebook', formatVersion: 1, name: 'table-import', title: meta.title.slice(0, 200) || 'Codebook', description: '', language: 'de', codes: roots, crosswalk: [] },
    warnings,
    rows: count,
  };
}

/** Parse CSV text (`,`, `;` or tab; quotes; a BOM) into rows. */
export function csvRows(csv: string): string[][] {
  try {
    return parse(csv.replace(/^\ufeff/, ''), {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      delimiter: [',', ';', '\t'],
      // One more than allowed, so "too many rows" is reported rather than silently cut.
      to: CODEBOOK_TABLE_LIMITS.maxRows + 1,
      max_record_size: CODEBOOK_TABLE_LIMITS.maxCellChars * 4,
    }) as string[][];
  } catch (e) {
    const m = e instanceof Error ? e.message : String(e);
    const line = /line (\d+)/i.exec(m)?.[1];
    throw new InvalidInput(`not a readable CSV file${line ? ` (row ${line})` : ''}: ${m}`);
  }
}

function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/**
 * The first sheet of an XLSX file as rows. The archive is unzipped by `safeUnzip` (declared sizes
 * and entry count checked before inflating, zip-slip names refused), DTDs are refused, and only
 * the checked XML parts are zipped again (stored, no compression) for read-excel-file – so its own
 * unzipper only ever sees entries whose real size we know.
 */
export async function xlsxRows(bytes: Uint8Array, fileName = 'codebook.xlsx'): Promise<TableValue[][]> {
  const L = CODEBOOK_TABLE_LIMITS;
  if (bytes.length > L.maxBytes) throw new TooLarge(`${fileName}: larger than ${Math.round(L.maxBytes / 1024 / 1024)} MB`);
  if (!looksLikeZip(bytes)) throw new InvalidInput(`${fileName}: not an XLSX file (an .xlsx file is a zip archive)`);
  const entries = safeUnzip(bytes, L.xlsx);
  if (!entries.has('xl/workbook.xml')) throw new InvalidInput(`${fileName}: not an XLSX workbook (xl/workbook.xml is missing)`);
  const kept: Record<string, Uint8Array> = {};
  const decoder = new TextDecoder();
  for (const [name, data] of entries) {
    if (!name.endsWith('.xml') && !name.endsWith('.rels')) continue;
    // Whole part, not just its head: a long comment could push a DOCTYPE back. Text content never
    // holds a raw "<!" (it is escaped), so this has no false positives.
    if (forbiddenXmlDeclaration(decoder.decode(data)) !== undefined) throw new InvalidInput(`${fileName}: ${name} declares a DTD or entities; refused`);
    kept[name] = data;
  }
  const zipped = zipSync(kept, { level: 0 });
  let rows: TableValue[][];
  try {
    rows = (await readSheet(Buffer.from(zipped.buffer, zipped.byteOffset, zipped.byteLength))) as TableValue[][];
  } catch (e) {
    throw new InvalidInput(`${fileName}: not a readable XLSX workbook: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (rows.length > L.maxRows) throw new TooLarge(`${fileName}: the sheet has ${rows.length} rows; at most ${L.maxRows} are allowed (the limit)`);
  return rows;
}

/** Read a codebook file: XLSX when the bytes are a zip (or the name ends in .xlsx), else CSV. */
export async function readCodebookTable(bytes: Uint8Array, fileName: string): Promise<CodebookTable> {
  const L = CODEBOOK_TABLE_LIMITS;
  if (bytes.length > L.maxBytes) throw new TooLarge(`${fileName}: larger than ${Math.round(L.maxBytes / 1024 / 1024)} MB`);
  const title = fileName.replace(/^.*[\\/]/, '').replace(/\.(csv|tsv|txt|xlsx)$/i, '') || 'Codebook';
  if (looksLikeZip(bytes) || /\.xlsx$/i.test(fileName)) return codebookFromRows(await xlsxRows(bytes, fileName), { title });
  if (/\.xls$/i.test(fileName)) throw new InvalidInput(`${fileName}: the old Excel format (.xls) is not supported; save it as .xlsx or .csv`);
  let text: string;
  try {
    text = decodeText(fileName, bytes).text;
  } catch (e) {
    throw new InvalidInput(`${fileName}: not a CSV text file (${e instanceof Error ? e.message : String(e)})`);
  }
  return codebookFromRows(csvRows(text), { title });
}

/** What a codebook table import did. */
export interface CodebookTableImportResult {
  created: number;
  skipped: number;
  warnings: RefiWarning[];
}

/**
 * Add a table's codes to a project's code tree in one commit. A code whose path already exists
 * (names compared without case, as the .qdc import does) is kept as it is and counted as skipped;
 * a differing description is reported, never overwritten.
 */
export async function importCodebookTable(deps: Deps, projectId: string, table: CodebookTable): Promise<CodebookTableImportResult> {
  if (!(await deps.store.getProject(projectId))) throw new NotFound(`project ${projectId} not found`);
  const existing = await deps.store.listCodes(projectId);
  const warnings = [...table.warnings];
  const now = deps.now();
  const created: Code[] = [];
  let skipped = 0;
  const walk = (entries: CodebookEntry[], parentId: string | null, path: string[]): void => {
    let order = [...existing, ...created].filter((c) => c.parentId === parentId).length;
    for (const e of entries) {
      const here = [...path, e.name];
      const known = existing.find((c) => c.parentId === parentId && c.name.toLowerCase() === e.name.toLowerCase());
      let id: string;
      if (known) {
        skipped++;
        id = known.id;
        const description = e.definition?.description ?? '';
        if (description && description !== known.definition.description && warnings.length < MAX_WARNINGS) {
          warnings.push({ element: `Code "${here.join(' > ')}"`, message: 'already in the project; its description was kept, the one in the file was not taken over' });
        }
      } else {
        id = deps.newId();
        const code: Code = {
          id,
          parentId,
          name: e.name,
          colour: e.colour ?? PALETTE[(existing.length + created.length) % PALETTE.length] ?? '#4363d8',
          isCodable: true,
          order: order++,
          definition: { description: e.definition?.description ?? '', inclusion: '', exclusion: '', anchors: [], rules: '' },
          created: now,
          modified: now,
          version: 1,
        };
        const r = CodeSchema.safeParse(code);
        if (!r.success) throw new InvalidInput(`Code "${here.join(' > ')}": ${r.error.issues[0]?.message ?? 'invalid'}`);
        created.push(r.data);
      }
      if (e.children) walk(e.children, id, here);
    }
  };
  walk(table.book.codes, null, []);
  if (created.length > 0) await deps.store.commit(projectId, { codes: { put: created } });
  return { created: created.length, skipped, warnings };
}
