import { unzipSync } from 'fflate';
import { readSheet } from 'read-excel-file/node';
import { describe, expect, it } from 'vitest';
import { codePathNames } from '../../../server/domain/code-tree.js';
import { makeDeps } from '../../../server/domain/deps.js';
import { exportProject } from '../../../server/domain/projects.js';
import { CodePointIndex } from '../../../server/domain/text.js';
import { matrixTable, matrixToXlsx, segmentsTable, segmentsToCsv, segmentsToXlsx, XLSX_MAX_CELL_CHARS } from '../../../server/export/spreadsheet.js';
import type { ProjectExport } from '../../../server/schemas/export.js';
import { MemoryStore } from '../../../server/storage/memory-store.js';
import { buildRichProject } from '../refi/fixture.js';

async function data(): Promise<ProjectExport> {
  const deps = makeDeps(new MemoryStore());
  const { projectId } = await buildRichProject(deps);
  return exportProject(deps, projectId);
}

/** The first sheet, read back exactly (no trimming); empty cells as null. */
async function sheet(bytes: Uint8Array): Promise<unknown[][]> {
  return (await readSheet(Buffer.from(bytes), { trim: false })) as unknown[][];
}

/** The raw XML of every worksheet in an .xlsx. */
function sheetXml(bytes: Uint8Array): string {
  const files = unzipSync(bytes);
  return Object.entries(files)
    .filter(([name]) => name.startsWith('xl/worksheets/') && name.endsWith('.xml'))
    .map(([, b]) => new TextDecoder().decode(b))
    .join('\n');
}

describe('coded segments as XLSX', () => {
  it('one row per segment, the same columns as the CSV, values computed from the project', async () => {
    const d = await data();
    const rows = await sheet(await segmentsToXlsx(d));
    const csvHeader = segmentsToCsv(d).slice(1).split('\r\n')[0]!.split(',');
    expect(rows[0]).toEqual(csvHeader);
    expect(rows).toHaveLength(d.segments.length + 1);
    const col = (name: string): number => (rows[0] as string[]).indexOf(name);
    const paths = codePathNames(d.codes);
    const users = new Map(d.users.map((u) => [u.id, u.displayName]));
    // Every segment of the project, found by its own values.
    for (const s of d.segments) {
      const doc = d.documents.find((x) => x.id === s.documentId)!;
      const text = new CodePointIndex(doc.text).slice(s.start, s.end);
      const row = rows.find((r) => r[col('document')] === doc.title && r[col('start')] === s.start && r[col('end')] === s.end && r[col('code')] === paths.get(s.codeId)!.join(' > '));
      expect(row, `segment ${s.id}`).toBeDefined();
      expect(row![col('text')]).toBe(text);
      expect(row![col('coder')]).toBe(users.get(s.coder));
      expect(row![col('kind')]).toBe(doc.kind);
      // Typed attribute values: numbers as numbers, truth values as booleans, absent as empty.
      for (const [name, v] of Object.entries(doc.attributes)) expect(row![col(name)]).toEqual(v.value);
    }
    // The segment with a memo and a memo on it: both, as in the CSV.
    const memo = d.segments.find((s) => s.memo)!;
    const onIt = d.memos.filter((m) => m.target.type === 'segment' && m.target.id === memo.id).map((m) => m.text);
    expect(rows.find((r) => r[col('start')] === memo.start && r[col('end')] === memo.end && r[col('memo')])![col('memo')]).toBe([memo.memo, ...onIt].join('\n\n'));
  });

  it('the XLSX holds the same table as the CSV (cell by cell, empty cells empty)', async () => {
    const d = await data();
    const rows = await sheet(await segmentsToXlsx(d));
    const table = segmentsTable(d).map((r) => r.map((v) => (v === '' ? null : v)));
    expect(rows).toEqual(table);
  });

  it('formula injection: text that looks like a formula is a typed string cell, never <f>, and kept exactly', async () => {
    const d = await data();
    const evil = ['=HYPERLINK("http://x","klick")', '+1+1', '-2+3', '@SUM(A1)', '=cmd|\' /C calc\'!A0'];
    const docs = d.documents.map((doc, i) => ({ ...doc, title: evil[i] ?? doc.title }));
    const coded = d.segments[0]!.codeId;
    const codes = d.codes.map((c) => (c.id === coded ? { ...c, name: evil[3]! } : c));
    const x = await segmentsToXlsx({ ...d, documents: docs, codes });
    const xml = sheetXml(x);
    expect(xml).not.toMatch(/<f[ >]/);
    expect(xml).toMatch(/t="s"/);
    const rows = await sheet(x);
    const titles = new Set(rows.slice(1).map((r) => r[0]));
    for (const t of evil.slice(0, docs.length)) expect(titles.has(t)).toBe(true);
    expect(rows.slice(1).some((r) => String(r[(rows[0] as string[]).indexOf('code')]).endsWith('@SUM(A1)'))).toBe(true);
    // The CSV of the same data prefixes them instead (a CSV cell has no type).
    expect(segmentsToCsv({ ...d, documents: docs, codes })).toContain(`"'=HYPERLINK(""http://x"",""klick"")"`);
  });

  it('cuts a cell to Excel\'s limit of 32,767 characters', async () => {
    const d = await data();
    const long = 'x'.repeat(XLSX_MAX_CELL_CHARS + 100);
    const s = d.segments[0]!;
    const rows = await sheet(await segmentsToXlsx({ ...d, segments: [{ ...s, memo: long }] }));
    const memo = rows[1]![(rows[0] as string[]).indexOf('memo')] as string;
    expect(memo).toHaveLength(XLSX_MAX_CELL_CHARS);
    expect(memo.endsWith('…')).toBe(true);
  });
});

describe('the code × document matrix as XLSX', () => {
  it('counts and 0/1, computed from the segments', async () => {
    const d = await data();
    const counts = await sheet(await matrixToXlsx(d));
    const titles = [...d.documents].map((x) => x.title).sort((a, b) => a.localeCompare(b));
    expect(counts[0]).toEqual(['code', ...titles]);
    const paths = codePathNames(d.codes);
    expect(counts).toHaveLength(d.codes.length + 1);
    for (const c of d.codes) {
      const row = counts.find((r) => r[0] === paths.get(c.id)!.join(' > '))!;
      titles.forEach((title, i) => {
        const doc = d.documents.find((x) => x.title === title)!;
        const n = d.segments.filter((s) => s.codeId === c.id && s.documentId === doc.id).length;
        expect(row[i + 1]).toBe(n);
      });
    }
    const binary = await sheet(await matrixToXlsx(d, 'binary'));
    expect(binary.slice(1).map((r) => r.slice(1))).toEqual(counts.slice(1).map((r) => r.slice(1).map((n) => ((n as number) > 0 ? 1 : 0))));
    expect(binary.slice(1).flatMap((r) => r.slice(1)).some((v) => v === 1)).toBe(true);
    // Same numbers as the table behind the CSV.
    expect(counts).toEqual(matrixTable(d));
  });
});
