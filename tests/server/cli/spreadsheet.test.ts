import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { readSheet } from 'read-excel-file/node';
import writeExcelFile from 'write-excel-file/node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { codePathNames } from '../../../server/domain/code-tree.js';
import { makeDeps } from '../../../server/domain/deps.js';
import { exportProject } from '../../../server/domain/projects.js';
import type { ProjectExport } from '../../../server/schemas/export.js';
import { LowdbStore } from '../../../server/storage/lowdb-store.js';
import { tempDir } from '../helpers.js';
import { buildRichProject } from '../refi/fixture.js';
import { onlyJson, runCliCaptured as cli } from '../support.js';

let dir = '';
let work = '';
let data: ProjectExport;
const cleanups: (() => Promise<void>)[] = [];

async function withData<T>(fn: (store: LowdbStore) => Promise<T>): Promise<T> {
  const store = await LowdbStore.open(dir);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  vi.stubEnv('SICHTBAR_ADMIN_PASSWORD', 'cli-admin-password');
  const a = await tempDir('sichtbar-sheet-cli-');
  const b = await tempDir('sichtbar-sheet-work-');
  dir = a.dir;
  work = b.dir;
  cleanups.push(a.cleanup, b.cleanup);
  data = await withData(async (store) => {
    const deps = makeDeps(store);
    const { projectId } = await buildRichProject(deps);
    return exportProject(deps, projectId);
  });
});

afterAll(async () => {
  vi.unstubAllEnvs();
  for (const c of cleanups) await c();
});

describe('sichtbar export --format csv|xlsx [--table segments|matrix] [--binary]', () => {
  it('--format xlsx writes the coded segments; --json reports the file', async () => {
    const out = join(work, 'segments.xlsx');
    const r = await cli(['export', '--data', dir, '--format', 'xlsx', '--out', out, '--json']);
    expect(r.code).toBe(0);
    const report = onlyJson<{ file: string; bytes: number; format: string; table: string }>(r.stdout);
    expect(report).toEqual({ file: out, bytes: readFileSync(out).length, format: 'xlsx', table: 'segments' });
    const rows = (await readSheet(readFileSync(out), { trim: false })) as unknown[][];
    expect(rows).toHaveLength(data.segments.length + 1);
    const csv = await cli(['export', '--data', dir, '--format', 'csv']);
    expect(csv.code).toBe(0);
    const csvRows = parse(csv.stdout, { bom: true }) as string[][];
    expect(rows.map((row) => row.map((v) => (v === null ? '' : String(v))))).toEqual(csvRows);
  });

  it('--table matrix as CSV (stdout) and XLSX, counts and --binary', async () => {
    const paths = codePathNames(data.codes);
    const titles = data.documents.map((d) => d.title).sort((a, b) => a.localeCompare(b));
    const count = (codeId: string, title: string): number => data.segments.filter((s) => s.codeId === codeId && data.documents.find((d) => d.id === s.documentId)!.title === title).length;
    const csv = await cli(['export', '--data', dir, '--format', 'csv', '--table', 'matrix']);
    expect(csv.code).toBe(0);
    const table = parse(csv.stdout, { bom: true }) as string[][];
    expect(table[0]).toEqual(['code', ...titles]);
    for (const c of data.codes) expect(table.find((r) => r[0] === paths.get(c.id)!.join(' > '))!.slice(1)).toEqual(titles.map((t) => String(count(c.id, t))));
    const out = join(work, 'matrix.xlsx');
    expect((await cli(['export', '--data', dir, '--format', 'xlsx', '--table', 'matrix', '--binary', '--out', out])).code).toBe(0);
    const sheet = (await readSheet(readFileSync(out))) as unknown[][];
    for (const c of data.codes) expect(sheet.find((r) => r[0] === paths.get(c.id)!.join(' > '))!.slice(1)).toEqual(titles.map((t) => (count(c.id, t) > 0 ? 1 : 0)));
  });

  it('bad usage exits 2: xlsx without --out, --table with json, --binary without matrix, unknown table', async () => {
    for (const args of [
      ['--format', 'xlsx'],
      ['--format', 'json', '--table', 'matrix'],
      ['--format', 'csv', '--binary'],
      ['--format', 'csv', '--table', 'cases'],
      ['--format', 'ods', '--out', join(work, 'x.ods')],
    ]) {
      const r = await cli(['export', '--data', dir, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
    }
    expect(existsSync(join(work, 'x.ods'))).toBe(false);
  });

  it('--help lists the spreadsheet options', async () => {
    const r = await cli(['--help']);
    expect(r.stdout).toContain('--table matrix');
    expect(r.stdout).toMatch(/export --format json\|csv\|xlsx\|qdpx\|qdc/);
  });
});

describe('sichtbar codebook import FILE.csv|FILE.xlsx', () => {
  it('imports an XLSX (MAXQDA-like) and a CSV (Taguette-like, "\\" paths); --json answers counts and warnings', async () => {
    const xlsx = join(work, 'codesystem.xlsx');
    await writeExcelFile([['Code', 'Code-Memo', 'Farbe'], ['Neu > Unterpunkt', 'Ein Unterpunkt', 'grün'], ['Ergebnis', '', '']]).toFile(xlsx);
    const r = await cli(['codebook', 'import', xlsx, '--data', dir, '--json']);
    expect(r.code).toBe(0);
    const body = onlyJson<{ projectId: string; created: number; skipped: number; warnings: { element: string; message: string }[] }>(r.stdout);
    expect(body).toMatchObject({ created: 2, skipped: 1 });
    expect(body.warnings).toEqual([{ element: 'row 2', message: expect.stringContaining('"grün"') as string }]);
    const csv = join(work, 'taguette.csv');
    writeFileSync(csv, 'tag,description,number of highlights\r\nNeu\\Zweiter,Zweiter Punkt,0\r\n');
    const t = await cli(['codebook', 'import', csv, '--data', dir]);
    expect(t.code).toBe(0);
    expect(t.stderr).toContain('1 codes created, 1 already there; 0 warning(s).');
    const codes = await withData((store) => store.listCodes(data.project.id));
    const paths = codePathNames(codes);
    expect(codes.map((c) => paths.get(c.id)!.join(' > '))).toEqual(expect.arrayContaining(['Neu', 'Neu > Unterpunkt', 'Neu > Zweiter']));
    expect(codes.find((c) => c.name === 'Unterpunkt')!.definition.description).toBe('Ein Unterpunkt');
  });

  it('a bad file exits 1 naming row and column, and writes nothing; a missing file exits 1', async () => {
    const before = await withData((store) => store.listCodes(data.project.id));
    const bad = join(work, 'bad.csv');
    writeFileSync(bad, `Code;Beschreibung\nGanz neu;gut\nGanz neu > ${'y'.repeat(400)};zu lang\n`);
    const r = await cli(['codebook', 'import', bad, '--data', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: row 3, column A \(Code\): the name "y+…" is longer than 300 characters/);
    const notZip = join(work, 'fake.xlsx');
    writeFileSync(notZip, 'not a zip');
    const z = await cli(['codebook', 'import', notZip, '--data', dir, '--json']);
    expect(z.code).toBe(1);
    expect(z.stdout).toBe('');
    expect(z.stderr).toMatch(/not an XLSX file/);
    expect((await cli(['codebook', 'import', join(work, 'missing.csv'), '--data', dir])).code).toBe(1);
    expect(await withData((store) => store.listCodes(data.project.id))).toEqual(before);
  });
});
