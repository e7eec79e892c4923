import { symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectImports } from '../../../server/import/import-paths.js';
import { put, tempDir } from './helpers.js';

let dir = '';
let cleanup: () => Promise<void> = async () => {};

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('import-paths'));
});
afterEach(() => cleanup());

const BOM = '\ufeff';
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0, 0, 0, 0]);

/** A corpus folder with a semicolon sidecar, sub-folders, a bad file and things to skip. */
async function buildCorpus(root: string): Promise<void> {
  await put(
    root,
    'attributes.csv',
    [
      `${BOM}file;title;kind;region;datum;dauer;erstkontakt;plz`,
      'a-interview.txt;Erstes Gespräch;;Nord;2024-03-05;45;true;01067',
      'b-notiz.md;;documentation;Süd;;;FALSE;',
      'd-protokoll.txt;"Protokoll; Teil 2";observation;Ost;;12.5;;',
      'fehlt.txt;;;West;;;;',
      '',
    ].join('\r\n'),
  );
  await put(root, 'a-interview.txt', 'I: Wie geht es?\nB: Gut.\n');
  await put(root, 'b-notiz.md', '---\nregion: Mitte\n---\n# Notiz\n\nText der Notiz.\n');
  await put(root, 'c-kaputt.txt', PNG);
  await put(root, 'd-protokoll.txt', 'Beobachtung im Büro.\n');
  await put(root, 'bild.png', PNG);
  await put(root, 'bericht.pdf', 'nicht importiert');
  await put(root, '.versteckt.txt', 'versteckt');
  await put(root, '.git/HEAD.txt', 'versteckt');
  await put(root, 'node_modules/paket/readme.md', 'versteckt');
  await put(root, 'sub/e.md', '# Sub E\n\nText E');
  await put(root, 'sub/deeper/f.txt', 'Text F');
  // A malformed sidecar in sub/: the quote is never closed.
  await put(root, 'sub/attributes.csv', 'file,region\ne.md,Nord\nf.txt,"Süd\n');
}

describe('collectImports', () => {
  it('imports a folder recursively with a semicolon sidecar, reporting bad files and rows', async () => {
    await buildCorpus(dir);
    const result = await collectImports([dir]);

    expect(result.imported.map((i) => path.relative(dir, i.file))).toEqual([
      'a-interview.txt',
      'b-notiz.md',
      'd-protokoll.txt',
      path.join('sub', 'deeper', 'f.txt'),
      path.join('sub', 'e.md'),
    ]);
    expect(result.failed).toEqual([
      { file: path.join(dir, 'c-kaputt.txt'), error: 'looks like binary data, not text' },
      { file: path.join(dir, 'sub', 'attributes.csv'), error: expect.stringMatching(/^line 3: malformed CSV: Quote Not Closed/) },
      { file: path.join(dir, 'attributes.csv'), error: 'line 5: no file "fehlt.txt" to import in this folder' },
    ]);

    const [a, b, d, f, e] = result.imported.map((i) => i.document);
    expect(a).toMatchObject({ title: 'Erstes Gespräch', kind: 'interview', sourceFile: 'a-interview.txt' });
    expect(a?.attributes).toEqual({
      region: { type: 'text', value: 'Nord' },
      datum: { type: 'date', value: '2024-03-05' },
      dauer: { type: 'number', value: 45 },
      erstkontakt: { type: 'boolean', value: true },
      plz: { type: 'text', value: '01067' },
    });
    // Front matter wins over the sidecar; the heading gives the title.
    expect(b).toMatchObject({ title: 'Notiz', kind: 'documentation' });
    expect(b?.attributes).toEqual({
      region: { type: 'text', value: 'Mitte' },
      erstkontakt: { type: 'boolean', value: false },
    });
    expect(d).toMatchObject({ title: 'Protokoll; Teil 2', kind: 'observation' });
    expect(d?.attributes).toEqual({ region: { type: 'text', value: 'Ost' }, dauer: { type: 'number', value: 12.5 } });
    // The malformed sidecar in sub/ gives nothing, but its files still import.
    expect(e).toMatchObject({ title: 'Sub E', kind: 'other', attributes: {} });
    expect(f).toMatchObject({ title: 'f', text: 'Text F', attributes: {} });
  });

  it('keeps relative paths relative', async () => {
    await put(dir, 'korpus/eins.txt', 'Eins');
    await put(dir, 'korpus/zwei.md', 'Zwei');
    const rel = path.relative(process.cwd(), path.join(dir, 'korpus'));
    expect(path.isAbsolute(rel)).toBe(false);
    const result = await collectImports([rel]);
    expect(result.imported.map((i) => i.file)).toEqual([path.join(rel, 'eins.txt'), path.join(rel, 'zwei.md')]);
    expect(result.failed).toEqual([]);
  });

  it('fails explicit files of other types, missing paths and bad files, importing the rest', async () => {
    const good = await put(dir, 'gut.txt', 'Guter Text');
    const pdf = await put(dir, 'bericht.pdf', 'x');
    const empty = await put(dir, 'leer.md', '');
    const missing = path.join(dir, 'gibt-es-nicht.txt');
    const result = await collectImports([pdf, missing, empty, good]);
    expect(result.imported.map((i) => i.file)).toEqual([good]);
    expect(result.failed).toEqual([
      { file: pdf, error: 'unsupported file type .pdf; supported: .txt, .md, .markdown, .docx, .odt, .rtf, .srt, .vtt' },
      { file: missing, error: 'no such file or folder' },
      { file: empty, error: 'file is empty' },
    ]);
  });

  it('applies the folder sidecar to explicitly given files and imports each file once', async () => {
    await put(dir, 'attributes.csv', 'file,region,kind\nx.txt,Nord,observation\n');
    const x = await put(dir, 'x.txt', 'Text X');
    const result = await collectImports([x, x, dir]);
    expect(result.imported).toHaveLength(1);
    expect(result.imported[0]?.document).toMatchObject({
      kind: 'observation',
      attributes: { region: { type: 'text', value: 'Nord' } },
    });
    expect(result.failed).toEqual([]);
  });

  it('reports bad sidecar rows and header problems with their lines', async () => {
    await put(dir, 'a/attributes.csv', 'file,kind,region\neins.txt,protokoll,Nord\nzwei.txt,,Süd\nzwei.txt,,Ost\n,,West\n');
    await put(dir, 'a/eins.txt', 'Eins');
    await put(dir, 'a/zwei.txt', 'Zwei');
    await put(dir, 'b/attributes.csv', 'name;region\neins.txt;Nord\n');
    await put(dir, 'b/eins.txt', 'Eins');
    const result = await collectImports([dir]);
    const csvA = path.join(dir, 'a', 'attributes.csv');
    expect(result.failed).toEqual([
      { file: csvA, error: 'line 2: invalid kind "protokoll" for eins.txt; valid kinds: observation, interview, documentation, other' },
      { file: csvA, error: 'line 4: file "zwei.txt" is listed twice (first on line 3)' },
      { file: csvA, error: 'line 5: row has no file name' },
      { file: path.join(dir, 'b', 'attributes.csv'), error: 'line 1: CSV header needs a "file" column' },
    ]);
    const docs = Object.fromEntries(result.imported.map((i) => [path.relative(dir, i.file), i.document]));
    expect(Object.keys(docs)).toEqual([path.join('a', 'eins.txt'), path.join('a', 'zwei.txt'), path.join('b', 'eins.txt')]);
    expect(docs[path.join('a', 'eins.txt')]?.attributes).toEqual({});
    expect(docs[path.join('a', 'zwei.txt')]?.attributes).toEqual({ region: { type: 'text', value: 'Süd' } });
  });

  it('caps the number of files', async () => {
    for (const n of [1, 2, 3, 4]) await put(dir, `t${n}.txt`, `Text ${n}`);
    const result = await collectImports([dir], { maxFiles: 2 });
    expect(result.imported.map((i) => path.basename(i.file))).toEqual(['t1.txt', 't2.txt']);
    expect(result.failed).toEqual([
      { file: path.join(dir, 't3.txt'), error: 'more than 2 files; this and later files were not imported' },
    ]);
  });

  it('fails files over maxBytes without stopping the batch', async () => {
    await put(dir, 'gross.txt', 'x'.repeat(3000));
    await put(dir, 'klein.txt', 'klein');
    const result = await collectImports([dir], { maxBytes: 1024 });
    expect(result.imported.map((i) => path.basename(i.file))).toEqual(['klein.txt']);
    expect(result.failed).toEqual([{ file: path.join(dir, 'gross.txt'), error: 'file is larger than 1 KB (2.9 KB)' }]);
  });

  it('does not follow symbolic links out of the folder', async () => {
    const outside = await put(dir, 'draussen/geheim.txt', 'geheim');
    await put(dir, 'korpus/drin.txt', 'drin');
    await symlink(outside, path.join(dir, 'korpus', 'link.txt'));
    await symlink(path.join(dir, 'draussen'), path.join(dir, 'korpus', 'ordner'));
    await symlink(path.join(dir, 'korpus', 'drin.txt'), path.join(dir, 'korpus', 'zweitname.txt'));
    const root = path.join(dir, 'korpus');
    const result = await collectImports([root]);
    // The inner link points at a file already imported under its own name.
    expect(result.imported.map((i) => path.basename(i.file))).toEqual(['drin.txt']);
    expect(result.failed).toEqual([
      { file: path.join(root, 'link.txt'), error: 'symbolic link leads outside the imported folder; not followed' },
      { file: path.join(root, 'ordner'), error: 'symbolic link leads outside the imported folder; not followed' },
    ]);
  });
});
