import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { importCodebook } from '../../../server/domain/codebook.js';
import { makeDeps } from '../../../server/domain/deps.js';
import { exportProject } from '../../../server/domain/projects.js';
import { matrixToCsv, segmentsToCsv } from '../../../server/export/spreadsheet.js';
import { codebookFromCsv } from '../../../server/import/codebook-csv.js';
import { MemoryStore } from '../../../server/storage/memory-store.js';
import { buildRichProject } from './fixture.js';

async function data() {
  const deps = makeDeps(new MemoryStore());
  const { projectId } = await buildRichProject(deps);
  return { deps, projectId, data: await exportProject(deps, projectId) };
}

const table = (csv: string): string[][] => parse(csv, { bom: true }) as string[][];

describe('spreadsheets (CSV)', () => {
  it('coded segments: one row per segment with document, attributes, code path, coder, text, memo', async () => {
    const { data: d } = await data();
    const csv = segmentsToCsv(d);
    expect(csv.startsWith('\ufeffdocument,kind,anteil,datum,dauer,erstgespraech,region,code,coder,start,end,text,memo\r\n')).toBe(true);
    const rows = table(csv);
    expect(rows).toHaveLength(d.segments.length + 1);
    expect(rows).toContainEqual(['Beobachtung 1', 'observation', '0.25', '2023-05-04', '45', 'true', 'Region 1', 'Beratung > Atmosphäre > Begrüßen', 'Alice A.', '8', '16', 'lacht 😀😀', 'lacht zweimal\n\nZeile 1\nZeile 2']);
  });

  it('guards against formula injection', async () => {
    const { data: d } = await data();
    const doc = d.documents[0]!;
    const evil = { ...d, documents: [{ ...doc, title: '=HYPERLINK("http://x")' }, ...d.documents.slice(1)] };
    expect(segmentsToCsv(evil)).toContain(`"'=HYPERLINK(""http://x"")"`);
  });

  it('the code × document matrix, counts and 0/1', async () => {
    const { data: d } = await data();
    const counts = table(matrixToCsv(d));
    expect(counts[0]).toEqual(['code', 'Beobachtung 1', 'Dokumentation 1', 'Interview 1']);
    expect(counts.find((r) => r[0] === 'Ergebnis')).toEqual(['Ergebnis', '1', '1', '1']);
    expect(counts.find((r) => r[0] === 'Beratung')).toEqual(['Beratung', '0', '0', '0']);
    const binary = table(matrixToCsv(d, 'binary'));
    expect(binary.slice(1).every((r) => r.slice(1).every((v) => v === '0' || v === '1'))).toBe(true);
  });

  it('a codebook from CSV with > or \\ paths and descriptions (MAXQDA, Taguette), imported into a project', async () => {
    const csv = '\ufeffCode;Beschreibung;Farbe\r\nBeratung > Atmosphäre;Stimmung;#AABBCC\r\nBeratung > Atmosphäre > Begrüßen;;\r\nDoku\\Anliegen;Was gewollt ist;\r\n';
    const book = codebookFromCsv(csv, { title: 'Aus CSV' });
    expect(book.codes).toEqual([
      { name: 'Beratung', children: [{ name: 'Atmosphäre', definition: { description: 'Stimmung' }, colour: '#aabbcc', children: [{ name: 'Begrüßen' }] }] },
      { name: 'Doku', children: [{ name: 'Anliegen', definition: { description: 'Was gewollt ist' } }] },
    ]);
    const { deps, projectId } = await data();
    const r = await importCodebook(deps, projectId, book);
    expect(r.created.map((c) => c.name).sort()).toEqual(['Anliegen', 'Atmosphäre', 'Begrüßen', 'Beratung', 'Doku']);
    expect(() => codebookFromCsv('a,b\n1,2\n', { title: 'x' })).toThrow(/needs a path column/);
  });
});
