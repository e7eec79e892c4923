import { zipSync, strToU8 } from 'fflate';
import writeExcelFile, { type SheetData } from 'write-excel-file/node';
import { describe, expect, it } from 'vitest';
import { codePathNames } from '../../../server/domain/code-tree.js';
import { makeDeps, type Deps } from '../../../server/domain/deps.js';
import { InvalidInput, TooLarge } from '../../../server/domain/errors.js';
import { createProject } from '../../../server/domain/projects.js';
import { codebookFromCsv } from '../../../server/import/codebook-csv.js';
import { CODEBOOK_TABLE_LIMITS, columnLetter, importCodebookTable, readCodebookTable } from '../../../server/import/codebook-table.js';
import { MemoryStore } from '../../../server/storage/memory-store.js';

async function xlsx(rows: SheetData, sheet = 'Codesystem'): Promise<Uint8Array> {
  const b = await writeExcelFile(rows, { sheet }).toBuffer();
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

async function project(): Promise<{ deps: Deps; projectId: string }> {
  const deps = makeDeps(new MemoryStore());
  const p = await createProject(deps, { name: 'Codebuch-Test' });
  return { deps, projectId: p.id };
}

/** Code paths (" > ") of a project with their descriptions, sorted. */
async function tree(deps: Deps, projectId: string): Promise<string[]> {
  const codes = await deps.store.listCodes(projectId);
  const paths = codePathNames(codes);
  return codes.map((c) => `${paths.get(c.id)!.join(' > ')}${c.definition.description ? ` = ${c.definition.description}` : ''}`).sort();
}

/** Import a file into a fresh project; returns the result and the tree. */
async function importInto(bytes: Uint8Array, name: string) {
  const { deps, projectId } = await project();
  const result = await importCodebookTable(deps, projectId, await readCodebookTable(bytes, name));
  return { deps, projectId, result, tree: await tree(deps, projectId) };
}

/** The error an import throws, with nothing written into the project. */
async function failure(bytes: Uint8Array, name: string): Promise<Error> {
  const { deps, projectId } = await project();
  let error: unknown;
  try {
    await importCodebookTable(deps, projectId, await readCodebookTable(bytes, name));
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(Error);
  expect(await deps.store.listCodes(projectId)).toEqual([]);
  return error as Error;
}

// A MAXQDA-like code system: "Parent > Child" paths, German headers, colours, memo column.
const MAXQDA_ROWS: SheetData = [
  ['Farbe', 'Code', 'Code-Memo', 'Segmente'],
  ['#E6194B', 'Beratung', 'Alles zur Beratung', 3],
  ['#3CB44B', 'Beratung > Atmosphäre', 'Wie die Stimmung entsteht', 2],
  [null, 'Beratung > Atmosphäre > Begrüßen', null, 1],
  ['rot', 'Dokumentation > Anliegen', 'Was gewollt ist', 0],
];
// A Taguette-like codebook: tag, description, number of highlights; "\" paths.
const TAGUETTE_ROWS: SheetData = [
  ['tag', 'description', 'number of highlights'],
  ['interview\\opening', 'How it starts', 4],
  ['interview\\closing', '', 1],
  ['interview', 'Interview codes', 0],
  ['2019', 'a tag named by a number', 2],
];

describe('codebook from a table (CSV, XLSX)', () => {
  it('MAXQDA-like XLSX: paths with ">", descriptions, colours; missing parents created; a bad colour warned', async () => {
    const { result, tree: t, deps, projectId } = await importInto(await xlsx(MAXQDA_ROWS), 'Codesystem.xlsx');
    expect(t).toEqual([
      'Beratung = Alles zur Beratung',
      'Beratung > Atmosphäre = Wie die Stimmung entsteht',
      'Beratung > Atmosphäre > Begrüßen',
      'Dokumentation',
      'Dokumentation > Anliegen = Was gewollt ist',
    ]);
    expect(result.created).toBe(5);
    expect(result.skipped).toBe(0);
    const codes = await deps.store.listCodes(projectId);
    expect(codes.find((c) => c.name === 'Atmosphäre')!.colour).toBe('#3cb44b');
    expect(result.warnings).toEqual([{ element: 'row 5', message: expect.stringContaining('"rot" is not #rrggbb') as string }]);
  });

  it('Taguette-like XLSX and CSV with "\\" paths give the same tree; a number as a name', async () => {
    const fromXlsx = await importInto(await xlsx(TAGUETTE_ROWS, 'codebook'), 'taguette.xlsx');
    const csv = TAGUETTE_ROWS.map((r) => r.map((v) => (v === null ? '' : `"${String(v as string | number)}"`)).join(',')).join('\r\n');
    const fromCsv = await importInto(utf8(csv), 'taguette.csv');
    expect(fromXlsx.tree).toEqual(['2019 = a tag named by a number', 'interview = Interview codes', 'interview > closing', 'interview > opening = How it starts']);
    expect(fromCsv.tree).toEqual(fromXlsx.tree);
  });

  it('CSV as German Excel writes it: Windows-1252, ";" and a header "Code;Beschreibung"', async () => {
    const text = 'Code;Beschreibung\r\nBegrüßung > Blickkontakt;Schaut an\r\n';
    const bytes = Uint8Array.from([...text].map((ch) => ch.charCodeAt(0)));
    const { tree: t } = await importInto(bytes, 'codes.csv');
    expect(t).toEqual(['Begrüßung', 'Begrüßung > Blickkontakt = Schaut an']);
  });

  it('a second import of the same file creates nothing; a changed description is reported, not overwritten', async () => {
    const { deps, projectId } = await project();
    const bytes = await xlsx(MAXQDA_ROWS);
    await importCodebookTable(deps, projectId, await readCodebookTable(bytes, 'a.xlsx'));
    const before = await tree(deps, projectId);
    const again = await importCodebookTable(deps, projectId, await readCodebookTable(bytes, 'a.xlsx'));
    expect(again.created).toBe(0);
    expect(again.skipped).toBe(5);
    const changed = await xlsx([['Code', 'Beschreibung'], ['beratung', 'Neu'], ['Beratung > Neu', '']]);
    const r = await importCodebookTable(deps, projectId, await readCodebookTable(changed, 'b.xlsx'));
    expect(r.created).toBe(1);
    expect(r.warnings).toEqual([{ element: 'Code "beratung"', message: expect.stringContaining('description was kept') as string }]);
    expect(await tree(deps, projectId)).toEqual([...before, 'Beratung > Neu'].sort());
  });

  it('duplicate rows and rows without a path are warned by row number', async () => {
    const csv = 'path,description\nA > B,first\nA>B,second\n,orphan description\n';
    const { result, tree: t } = await importInto(utf8(csv), 'dup.csv');
    expect(t).toEqual(['A', 'A > B = first']);
    expect(result.warnings.map((w) => w.element)).toEqual(['row 3', 'row 4']);
  });

  it('codebookFromCsv still answers a codebook file', () => {
    expect(codebookFromCsv('Code\nX\\Y\n', { title: 't' }).codes).toEqual([{ name: 'X', children: [{ name: 'Y' }] }]);
  });
});

describe('bad and hostile codebook files: a clear error, nothing written', () => {
  it('no path column: names the header row and the columns found', async () => {
    const e = await failure(utf8('Farbe,Text\n#ffffff,x\n'), 'x.csv');
    expect(e).toBeInstanceOf(InvalidInput);
    expect(e.message).toMatch(/^row 1: the codebook needs a path column .*found Farbe, Text/);
  });

  it('a bad cell after good rows: names row and column, and none of the good rows is written', async () => {
    const rows: SheetData = [['Code', 'Beschreibung'], ['Gut', 'ok'], ['Gut > Auch gut', ''], [`Gut > ${'n'.repeat(301)}`, '']];
    const e = await failure(await xlsx(rows), 'long.xlsx');
    expect(e.message).toMatch(/^row 4, column A \(Code\): the name "n+…" is longer than 300 characters/);
    const deep = await failure(utf8(`Code\n${Array.from({ length: 21 }, (_, i) => `L${i}`).join(' > ')}\n`), 'deep.csv');
    expect(deep.message).toMatch(/^row 2, column A \(Code\): the path is 21 levels deep/);
    const empty = await failure(utf8('x,Code\n1, > > \n'), 'empty.csv');
    expect(empty.message).toMatch(/^row 2, column B \(Code\): the code path "> >" names no code/);
  });

  it('not a zip, not a workbook, the old .xls, binary as CSV', async () => {
    expect((await failure(utf8('just text'), 'fake.xlsx')).message).toMatch(/not an XLSX file/);
    expect((await failure(zipSync({ 'hello.txt': strToU8('hi') }), 'other.xlsx')).message).toMatch(/not an XLSX workbook \(xl\/workbook.xml is missing\)/);
    expect((await failure(Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0]), 'old.xls')).message).toMatch(/\.xls\) is not supported/);
    expect((await failure(Uint8Array.from([0, 1, 2, 3, 0, 0, 0, 0xff, 0xfe, 0]), 'bin.csv')).message).toMatch(/not a CSV text file/);
  });

  it('a zip bomb: a huge sheet is refused on its declared size before inflating', async () => {
    const good = (await import('fflate')).unzipSync(await xlsx(MAXQDA_ROWS));
    // ~60 MB of rows that deflate to well under a megabyte.
    const row = '<row><c t="inlineStr"><is><t>Beratung</t></is></c></row>';
    const huge = `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${row.repeat(Math.ceil((60 * 1024 * 1024) / row.length))}</sheetData></worksheet>`;
    const bomb = zipSync({ ...good, 'xl/worksheets/sheet1.xml': strToU8(huge) }, { level: 9 });
    expect(bomb.length).toBeLessThan(CODEBOOK_TABLE_LIMITS.maxBytes);
    const e = await failure(bomb, 'bomb.xlsx');
    expect(e).toBeInstanceOf(TooLarge);
    expect(e.message).toMatch(/xl\/worksheets\/sheet1.xml" declares \d+ bytes/);
  });

  it('too many rows (XLSX and CSV), too large a file', async () => {
    const many: SheetData = [['Code'], ...Array.from({ length: CODEBOOK_TABLE_LIMITS.maxRows }, (_, i) => [`Code ${i}`])];
    const e = await failure(await xlsx(many), 'many.xlsx');
    expect(e).toBeInstanceOf(TooLarge);
    expect(e.message).toMatch(/many.xlsx: the sheet has 5001 rows; at most 5000 are allowed/);
    const csv = `Code\n${Array.from({ length: CODEBOOK_TABLE_LIMITS.maxRows + 10 }, (_, i) => `C${i}`).join('\n')}\n`;
    expect((await failure(utf8(csv), 'many.csv')).message).toMatch(/^the codebook has more than 5000 rows/);
    expect((await failure(new Uint8Array(CODEBOOK_TABLE_LIMITS.maxBytes + 1), 'big.csv')).message).toMatch(/larger than 5 MB/);
  });

  it('zip slip entry names and DTDs in the workbook are refused', async () => {
    const good = (await import('fflate')).unzipSync(await xlsx(MAXQDA_ROWS));
    expect((await failure(zipSync({ ...good, '../evil.xml': strToU8('<x/>') }), 'slip.xlsx')).message).toMatch(/unsafe entry name/);
    const dtd = strToU8('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>');
    expect((await failure(zipSync({ ...good, 'xl/sharedStrings.xml': dtd }), 'dtd.xlsx')).message).toMatch(/declares a DTD or entities; refused/);
    // A DOCTYPE pushed back behind a long comment is found too.
    const late = strToU8(`<?xml version="1.0"?><!--${'x'.repeat(10_000)}--><!DOCTYPE x [<!ENTITY a "aaaa">]><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>`);
    expect((await failure(zipSync({ ...good, 'xl/sharedStrings.xml': late }), 'late.xlsx')).message).toMatch(/declares a DTD or entities; refused/);
  });

  it('column letters for messages', () => {
    expect([0, 1, 25, 26, 27, 701, 702].map(columnLetter)).toEqual(['A', 'B', 'Z', 'AA', 'AB', 'ZZ', 'AAA']);
  });
});
