/**
 * A codebook from CSV (issue 8, item 8): one row per code with its whole path (`Parent > Child`
 * as MAXQDA writes it, or `Parent\Child`), an optional description and colour column. The result
 * is a codebook file for `importCodebook`. Not yet wired to the CLI or HTTP.
 */
import { parse } from 'csv-parse/sync';
import { InvalidInput } from '../domain/errors.js';
import type { CodebookEntry, CodebookFile } from '../schemas/codebook.js';

const PATH_COLUMNS = ['path', 'code', 'code path', 'codepfad', 'pfad', 'code system', 'codesystem', 'name'];
const DESCRIPTION_COLUMNS = ['description', 'beschreibung', 'memo', 'code memo', 'definition'];
const COLOUR_COLUMNS = ['colour', 'color', 'farbe'];

/**
 * Read a codebook from CSV: one row per code with its whole path (`Parent > Child` or
 * `Parent\Child`), an optional description and colour. Parents missing as rows are created.
 */
export function codebookFromCsv(csv: string, meta: { title: string }): CodebookFile {
  let records: string[][];
  try {
    records = parse(csv.replace(/^\ufeff/, ''), { bom: true, relax_column_count: true, skip_empty_lines: true, delimiter: [',', ';', '\t'] }) as string[][];
  } catch (e) {
    throw new InvalidInput(`not a readable CSV file: ${e instanceof Error ? e.message : String(e)}`);
  }
  const header = (records[0] ?? []).map((h) => h.trim().toLowerCase());
  const col = (names: string[]): number => header.findIndex((h) => names.includes(h));
  const pathCol = col(PATH_COLUMNS);
  if (pathCol < 0) throw new InvalidInput(`the CSV needs a path column (one of: ${PATH_COLUMNS.join(', ')}); found ${header.join(', ') || 'no header'}`);
  const descCol = col(DESCRIPTION_COLUMNS);
  const colourCol = col(COLOUR_COLUMNS);
  const roots: CodebookEntry[] = [];
  const find = (list: CodebookEntry[], name: string): CodebookEntry => {
    let e = list.find((x) => x.name === name);
    if (!e) {
      e = { name };
      list.push(e);
    }
    return e;
  };
  records.slice(1).forEach((r, i) => {
    const raw = (r[pathCol] ?? '').trim();
    if (!raw) return;
    const parts = raw.split(raw.includes('>') ? '>' : '\\').map((p) => p.trim()).filter((p) => p);
    if (parts.length === 0) throw new InvalidInput(`row ${i + 2}: empty code path`);
    let list = roots;
    let entry: CodebookEntry | undefined;
    for (const p of parts) {
      entry = find(list, p.slice(0, 300));
      list = entry.children ??= [];
    }
    if (entry) {
      const description = descCol >= 0 ? (r[descCol] ?? '').trim() : '';
      if (description) entry.definition = { description };
      const colour = colourCol >= 0 ? (r[colourCol] ?? '').trim() : '';
      if (/^#[0-9a-f]{6}$/i.test(colour)) entry.colour = colour.toLowerCase();
    }
  });
  const prune = (list: CodebookEntry[]): void => {
    for (const e of list) {
      if (e.children && e.children.length === 0) delete e.children;
      else if (e.children) prune(e.children);
    }
  };
  prune(roots);
  return { format: 'sichtbar-codebook', formatVersion: 1, name: 'csv-import', title: meta.title, description: '', language: 'de', codes: roots, crosswalk: [] };
}
