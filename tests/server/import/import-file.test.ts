import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NewDocumentSchema } from '../../../server/schemas/document.js';
import { importFile } from '../../../server/import/import-file.js';
import { cpSlice, importRejection, put, reasonOf, tempDir, utf16 } from './helpers.js';

let dir = '';
let cleanup: () => Promise<void> = async () => {};

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('import-file'));
});
afterAll(() => cleanup());

/** Write a real file, read it back and import it. */
async function roundTrip(name: string, content: string | Uint8Array, options?: Parameters<typeof importFile>[2]) {
  const file = await put(dir, name, content);
  const bytes = await readFile(file);
  return { file, bytes, document: await importFile(file, bytes, options) };
}

async function failure(name: string, content: string | Uint8Array, options?: Parameters<typeof importFile>[2]) {
  const file = await put(dir, name, content);
  const bytes = await readFile(file);
  return importRejection(importFile(file, bytes, options));
}

const INTERVIEW = 'I: Wie geht es Ihnen?\r\nB: Gut, danke.\r\nI: Und der Antrag?\r\nB: Liegt noch beim Amt.\r\n';

describe('importFile', () => {
  it('imports a UTF-8 transcript with CRLF as an interview titled by its file name', async () => {
    const { file, bytes, document } = await roundTrip('gespraech-04.txt', INTERVIEW);
    expect(document.text).toBe('I: Wie geht es Ihnen?\nB: Gut, danke.\nI: Und der Antrag?\nB: Liegt noch beim Amt.');
    expect(document.text.includes('\r')).toBe(false);
    expect(document.kind).toBe('interview');
    expect(document.title).toBe('gespraech-04');
    expect(document.sourceFile).toBe('gespraech-04.txt');
    expect(document.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(document.sha256).toBe(createHash('sha256').update(Buffer.from(INTERVIEW, 'utf8')).digest('hex'));
    expect(document.attributes).toEqual({});
    expect(document.turns?.map((t) => t.speaker)).toEqual(['I', 'B', 'I', 'B']);
    expect(path.isAbsolute(file)).toBe(true);
    expect(NewDocumentSchema.parse(document)).toEqual(document);
  });

  it('imports plain prose as kind "other" with no turns', async () => {
    const { document } = await roundTrip('notiz.txt', 'Heute kam niemand.\n\nDer Drucker war kaputt.\n');
    expect(document.kind).toBe('other');
    expect(document.turns).toEqual([]);
    expect(document.text).toBe('Heute kam niemand.\n\nDer Drucker war kaputt.');
  });

  it('reads Markdown front matter, keeps the Markdown as written and offsets turns into the body', async () => {
    const md = [
      '---',
      'title: Beratung Nord 😀',
      'region: Nord',
      'datum: 2024-03-05',
      '---',
      '',
      '',
      '# Überschrift',
      '',
      '**FK:** ist fett, kein Label.',
      '',
      'FK: Guten Tag, q\u0307 😀.',
      'B: Hallo. #00:00:04-5#',
      '',
    ].join('\n');
    const { document } = await roundTrip('beratung.md', md);
    expect(document.title).toBe('Beratung Nord 😀');
    expect(document.kind).toBe('interview');
    expect(document.attributes).toEqual({
      region: { type: 'text', value: 'Nord' },
      datum: { type: 'date', value: '2024-03-05' },
    });
    expect(document.text).toBe(
      '# Überschrift\n\n**FK:** ist fett, kein Label.\n\nFK: Guten Tag, q\u0307 😀.\nB: Hallo. #00:00:04-5#',
    );
    const turns = document.turns ?? [];
    expect(turns.map((t) => cpSlice(document.text, t.start, t.end))).toEqual([
      'FK: Guten Tag, q\u0307 😀.',
      'B: Hallo. #00:00:04-5#',
    ]);
    expect(turns[1]?.endTime).toBe(4.5);
  });

  it('takes the first "# " heading as title of a Markdown file without one', async () => {
    const md = '```\n# kein Titel im Code\n```\n\n## Unterpunkt\n\n# Protokoll vom 5. März #\n\nText';
    expect((await roundTrip('p.md', md)).document.title).toBe('Protokoll vom 5. März');
    expect((await roundTrip('p.markdown', 'Nur Text\n')).document.title).toBe('p');
    // Plain-text files do not use headings.
    expect((await roundTrip('q.txt', '# Kein Titel\nText')).document.title).toBe('q');
  });

  it('reads front matter in a .txt file that starts with ---', async () => {
    const { document } = await roundTrip('t.txt', '---\nkind: documentation\nfall: 17\n---\nEintrag');
    expect(document.kind).toBe('documentation');
    expect(document.attributes).toEqual({ fall: { type: 'number', value: 17 } });
    expect(document.text).toBe('Eintrag');
  });

  it('uses defaults under the front matter', async () => {
    const md = '---\nkind: observation\nregion: Süd\n---\nText';
    const { document } = await roundTrip('d.md', md, {
      defaults: {
        title: 'Aus der Tabelle',
        kind: 'documentation',
        attributes: { region: { type: 'text', value: 'Nord' }, dauer: { type: 'number', value: 30 } },
      },
    });
    expect(document.title).toBe('Aus der Tabelle');
    expect(document.kind).toBe('observation');
    expect(document.attributes).toEqual({
      region: { type: 'text', value: 'Süd' },
      dauer: { type: 'number', value: 30 },
    });
    const plain = await roundTrip('e.txt', INTERVIEW, { defaults: { kind: 'observation' } });
    expect(plain.document.kind).toBe('observation');
  });

  it('trims leading blank lines (keeping indentation) and trailing whitespace', async () => {
    const { document } = await roundTrip('i.txt', '\n  \n    eingerückt\nZeile  \n\n\t\n');
    expect(document.text).toBe('    eingerückt\nZeile');
  });

  it('imports UTF-16 LE/BE and Windows-1252 files', async () => {
    const text = 'I: Grüß Gott.\nB: Servus – 5 €.';
    expect((await roundTrip('le.txt', utf16(text, 'le'))).document.text).toBe(text);
    expect((await roundTrip('be.txt', utf16(text, 'be'))).document.text).toBe(text);
    const cp1252 = Uint8Array.from([0xc4, 0xd6, 0xdc, 0xdf, 0x80]);
    const { document, bytes } = await roundTrip('alt.txt', cp1252);
    expect(document.text).toBe('ÄÖÜß€');
    expect(document.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('rejects unsupported file types', async () => {
    const e = await importRejection(importFile('bericht.pdf', Buffer.from('x')));
    expect(e.message).toBe('bericht.pdf: unsupported file type .pdf; supported: .txt, .md, .markdown, .docx, .odt, .rtf, .srt, .vtt');
    expect(reasonOf(await importRejection(importFile('README', Buffer.from('x'))))).toBe(
      'unsupported file type (no extension); supported: .txt, .md, .markdown, .docx, .odt, .rtf, .srt, .vtt',
    );
  });

  it('rejects oversized files', async () => {
    const e = await failure('gross.txt', 'x'.repeat(2048), { maxBytes: 1024 });
    expect(reasonOf(e)).toBe('file is larger than 1 KB (2 KB)');
  });

  it('rejects empty, blank and front-matter-only files', async () => {
    expect(reasonOf(await failure('leer.txt', ''))).toBe('file is empty');
    expect(reasonOf(await failure('blank.txt', ' \n\t\n'))).toBe('file has no text');
    expect(reasonOf(await failure('nur-kopf.md', '---\ntitle: X\n---\n\n'))).toBe(
      'file has no text after the front matter',
    );
  });

  it('rejects binary content', async () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0, 0]);
    expect(reasonOf(await failure('bild.txt', png))).toBe('looks like binary data, not text');
  });

  it('reports front-matter errors with the file line', async () => {
    const e = await failure('kaputt.md', '---\ntitle: ok\nort: "Kassel\n---\nText');
    expect(e.line).toBe(3);
    expect(e.file).toBe(path.join(dir, 'kaputt.md'));
    expect(reasonOf(e)).toBe('invalid YAML in front matter: Missing closing "quote');
  });

  it('turns a schema failure into an ImportError', async () => {
    const e = await failure('lang.md', `---\ntitle: ${'T'.repeat(301)}\n---\nText`);
    expect(reasonOf(e)).toBe('invalid document: title: Too big: expected string to have <=300 characters');
  });
});
