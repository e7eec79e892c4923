import { Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun } from 'docx';
import { strToU8, zipSync, type Zippable } from 'fflate';
import { describe, expect, it } from 'vitest';
import { importFile } from '../../../server/import/import-file.js';
import { extractOdt } from '../../../server/import/office.js';
import { MAX_RTF_DEPTH, rtfToText } from '../../../server/import/rtf.js';
import { NewDocumentSchema } from '../../../server/schemas/document.js';
import { cpSlice, importError, importRejection, reasonOf } from './helpers.js';

async function docxOf(children: (Paragraph | Table)[]): Promise<Uint8Array> {
  return new Uint8Array(await Packer.toBuffer(new Document({ sections: [{ children }] })));
}

const ODT_NS =
  'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"';

function odtOf(body: string, extra: Zippable = {}, prolog = '<?xml version="1.0" encoding="UTF-8"?>'): Uint8Array {
  return zipSync({
    mimetype: [strToU8('application/vnd.oasis.opendocument.text'), { level: 0 }],
    'content.xml': strToU8(`${prolog}<office:document-content ${ODT_NS}><office:body><office:text>${body}</office:text></office:body></office:document-content>`),
    ...extra,
  });
}

/** A zip whose one entry declares `size` bytes uncompressed (a zip bomb's header), cheaply. */
function lyingZip(name: string, size: number): Uint8Array {
  const zip = zipSync({ [name]: strToU8('<x/>') });
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  for (let i = 0; i + 4 <= zip.length; i++) {
    const sig = view.getUint32(i, true);
    if (sig === 0x04034b50) view.setUint32(i + 22, size, true);
    if (sig === 0x02014b50) view.setUint32(i + 24, size, true);
  }
  return zip;
}

const latin1 = (s: string): Uint8Array => Uint8Array.from([...s].map((c) => c.charCodeAt(0)));

describe('.docx', () => {
  it('keeps paragraphs, line breaks, tabs, tables and umlauts (NFC), titled by the first heading', async () => {
    const bytes = await docxOf([
      new Paragraph({ text: 'Beratungsprotokoll Märzstraße', heading: HeadingLevel.HEADING_1 }),
      new Paragraph({ children: [new TextRun('Erste Zeile mit Grüßen'), new TextRun({ text: 'nach dem Umbruch', break: 1 }), new TextRun('\tEingerückt')] }),
      new Paragraph({ text: '' }),
      new Paragraph({ text: 'Zweiter Absatz: Öl, Übel, Ärger – u\u0308 zerlegt.' }),
      new Table({ rows: [new TableRow({ children: [new TableCell({ children: [new Paragraph('Zelle A')] }), new TableCell({ children: [new Paragraph('Zelle B')] })] })] }),
    ]);
    const doc = await importFile('protokoll.docx', bytes);
    expect(doc.text).toBe(
      'Beratungsprotokoll Märzstraße\n\nErste Zeile mit Grüßen\nnach dem Umbruch\tEingerückt\n\nZweiter Absatz: Öl, Übel, Ärger – ü zerlegt.\n\nZelle A\n\nZelle B',
    );
    expect(doc.text).toBe(doc.text.normalize('NFC'));
    expect(doc.title).toBe('Beratungsprotokoll Märzstraße');
    expect(doc.kind).toBe('other');
    expect(doc.sourceFile).toBe('protokoll.docx');
    expect(doc.turns).toEqual([]);
  });

  it('finds f4/f5 speaker turns and timestamps after extraction, with code-point offsets', async () => {
    const bytes = await docxOf([
      new Paragraph('I: #00:00:01-2# Wie war der Termin? 😀 #00:00:04-0#'),
      new Paragraph(''),
      new Paragraph('B: #00:00:05-5# Schön, über das Büro zu reden.'),
      new Paragraph('I: Danke.'),
    ]);
    const doc = await importFile('interview.docx', bytes);
    expect(doc.kind).toBe('interview');
    expect(doc.title).toBe('interview');
    const turns = doc.turns ?? [];
    expect(turns.map((t) => [t.speaker, t.time, t.endTime])).toEqual([
      ['I', 1.2, 4],
      ['B', 5.5, undefined],
      ['I', undefined, undefined],
    ]);
    const [first, second] = turns;
    expect(cpSlice(doc.text, first!.textStart, first!.end)).toBe('Wie war der Termin? 😀 #00:00:04-0#');
    // The emoji is one code point: the second turn starts where [...text] says it does.
    expect(second!.start).toBe([...'I: #00:00:01-2# Wie war der Termin? 😀 #00:00:04-0#\n\n'].length);
    expect(cpSlice(doc.text, second!.textStart, second!.end)).toBe('Schön, über das Büro zu reden.');
  });

  it('rejects old .doc files, random bytes, truncated archives and zips without a document', async () => {
    const ole = Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]);
    expect(reasonOf(await importRejection(importFile('alt.docx', ole)))).toMatch(/old binary Office file/);
    expect(reasonOf(await importRejection(importFile('x.docx', strToU8('hallo'))))).toBe('not a .docx (a .docx file is a zip archive)');
    const good = await docxOf([new Paragraph('Text')]);
    expect(reasonOf(await importRejection(importFile('kurz.docx', good.subarray(0, Math.floor(good.length / 2)))))).toMatch(/not a readable zip archive/);
    expect(reasonOf(await importRejection(importFile('leer.docx', zipSync({ 'a.txt': strToU8('x') }))))).toMatch(/no word\/document.xml/);
    expect(reasonOf(await importRejection(importFile('leer2.docx', await docxOf([new Paragraph('')]))))).toBe('file has no text');
  });

  it('refuses DTDs and entities, traversal names and zip bombs before mammoth sees them', async () => {
    const xxe = zipSync({
      '[Content_Types].xml': strToU8('<?xml version="1.0"?><Types/>'),
      'word/document.xml': strToU8('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><w:document>&x;</w:document>'),
    });
    expect(reasonOf(await importRejection(importFile('xxe.docx', xxe)))).toBe('word/document.xml: a DTD (<!DOCTYPE>) is not allowed');
    const slip = zipSync({ '../../evil.xml': strToU8('<x/>'), 'word/document.xml': strToU8('<x/>') });
    expect(reasonOf(await importRejection(importFile('slip.docx', slip)))).toMatch(/unsafe entry name "..\/..\/evil.xml"/);
    // The declared size is refused before anything is inflated.
    const bomb = lyingZip('word/document.xml', 4_000_000_000);
    const started = performance.now();
    expect(reasonOf(await importRejection(importFile('bomb.docx', bomb)))).toMatch(/declares 4000000000 bytes/);
    expect(performance.now() - started).toBeLessThan(2000);
    const many: Zippable = {};
    for (let i = 0; i < 5001; i++) many[`word/x${i}.xml`] = strToU8('');
    expect(reasonOf(await importRejection(importFile('many.docx', zipSync(many))))).toMatch(/more than 5000 entries/);
  });
});

describe('.odt', () => {
  it('reads headings, paragraphs, spans, spaces, tabs, line breaks, lists and tables; skips notes', async () => {
    const body = [
      '<text:h text:outline-level="1">Gespräch im <text:span>Büro</text:span></text:h>',
      '<text:p>Erste   Zeile\n  mit <text:span text:style-name="T1">Grüßen</text:span><text:s text:c="3"/>und<text:tab/>Tab<text:line-break/>zweite Zeile<text:note><text:note-body><text:p>Fußnote</text:p></text:note-body></text:note></text:p>',
      '<text:p/>',
      '<text:list><text:list-item><text:p>Punkt &#xE4;</text:p></text:list-item><text:list-item><text:p>Punkt &amp; Ende</text:p></text:list-item></text:list>',
      '<table:table><table:table-row><table:table-cell><text:p>Zelle A</text:p></table:table-cell><table:table-cell><text:p>Zelle B</text:p></table:table-cell></table:table-row></table:table>',
      '<text:p>u&#x308; zerlegt</text:p>',
    ].join('');
    const doc = await importFile('notiz.odt', odtOf(body));
    expect(doc.text).toBe('Gespräch im Büro\n\nErste Zeile mit Grüßen   und\tTab\nzweite Zeile\n\nPunkt ä\n\nPunkt & Ende\n\nZelle A\n\nZelle B\n\nü zerlegt');
    expect(doc.title).toBe('Gespräch im Büro');
    expect(doc.kind).toBe('other');
  });

  it('finds transcript turns in an .odt', async () => {
    const doc = await importFile('t.odt', odtOf('<text:p>I: #00:01:00-0# Hallo.</text:p><text:p>B: #00:01:02-5# Guten Tag.</text:p>'));
    expect(doc.kind).toBe('interview');
    expect(doc.turns?.map((t) => [t.speaker, t.time])).toEqual([
      ['I', 60],
      ['B', 62.5],
    ]);
  });

  it('rejects hostile and broken files with an ImportError', async () => {
    const prolog = '<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>';
    expect(reasonOf(importError(() => extractOdt('b.odt', odtOf('<text:p>&lol2;</text:p>', {}, prolog))))).toBe('content.xml: a DTD (<!DOCTYPE>) is not allowed');
    expect(reasonOf(importError(() => extractOdt('m.odt', odtOf('<text:p>offen</text:span>'))))).toMatch(/^content.xml: malformed XML at line 1/);
    const deep = `${'<text:section>'.repeat(500)}<text:p>x</text:p>${'</text:section>'.repeat(500)}`;
    expect(reasonOf(importError(() => extractOdt('d.odt', odtOf(deep))))).toMatch(/nested/i);
    const sheet = zipSync({ mimetype: strToU8('application/vnd.oasis.opendocument.spreadsheet'), 'content.xml': strToU8('<x/>') });
    expect(reasonOf(importError(() => extractOdt('s.odt', sheet)))).toMatch(/not an OpenDocument text \(mimetype application\/vnd.oasis.opendocument.spreadsheet\)/);
    expect(reasonOf(importError(() => extractOdt('n.odt', zipSync({ 'x.xml': strToU8('<x/>') }))))).toBe('not an OpenDocument text (no content.xml)');
    expect(reasonOf(importError(() => extractOdt('slip.odt', zipSync({ '/etc/passwd': strToU8('x') }))))).toMatch(/unsafe entry name/);
    expect(reasonOf(importError(() => extractOdt('bomb.odt', lyingZip('content.xml', 200 * 1024 * 1024))))).toMatch(/declares 209715200 bytes/);
    const good = odtOf('<text:p>Text</text:p>');
    expect(reasonOf(importError(() => extractOdt('kurz.odt', good.subarray(0, good.length - 30))))).toMatch(/not a readable zip archive/);
  });
});

describe('.rtf', () => {
  const rtf = (body: string, header = '{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\fswiss Arial;}}{\\colortbl;\\red255\\green0\\blue0;}'): Uint8Array =>
    latin1(`${header}{\\*\\generator Writer;}{\\info{\\title Geheim}{\\author Jemand}}\r\n${body}}`);

  it('extracts paragraphs, umlauts from \\\'hh and \\uN (skipping the fallback), tabs and line breaks', async () => {
    const doc = await importFile(
      'brief.rtf',
      rtf("\\pard\\plain Gr\\'fc\\'dfe aus M\\u252?nchen \\u-10179?\\u-8704?!\\par\\par\r\nZeile\\line zwei\\tab Ende \\{x\\} \\\\\\par{\\b fett}\\~und\\emdash Schluss\\ldblquote zitiert\\rdblquote\\par {\\v versteckt}sichtbar{\\*\\bkmkstart a}\\par"),
    );
    expect(doc.text).toBe('Grüße aus München 😀!\n\nZeile\nzwei\tEnde {x} \\\n\nfett\u00a0und—Schluss“zitiert”\n\nsichtbar');
    expect(doc.text).not.toMatch(/Arial|Geheim|Jemand|Writer/);
    expect(doc.title).toBe('brief');
  });

  it('honours \\ucN and \\binN, code pages other than 1252, and Unicode fallbacks of several characters', () => {
    expect(rtfToText('a.rtf', latin1("{\\rtf1\\uc2 \\u228\\'61\\'65 ok\\par}"))).toBe('ä ok');
    expect(rtfToText('b.rtf', latin1('{\\rtf1{\\pict\\bin4 }}}}ende}x\\par}'))).toBe('x');
    expect(rtfToText('c.rtf', latin1("{\\rtf1\\ansi\\ansicpg1251 \\'cf\\'f0\\'e8\\'e2\\'e5\\'f2\\par}"))).toBe('Привет');
    expect(rtfToText('d.rtf', latin1("{\\rtf1 \\'80 \\'9e\\par}"))).toBe('€ ž');
  });

  it('finds f4 turns in an RTF transcript', async () => {
    const doc = await importFile(
      'f4.rtf',
      rtf("I: #00:00:03-1# Erz\\'e4hlen Sie.\\par\\par B: #00:00:05-0# Gern, \\u246?fter. #00:00:09-9#\\par"),
    );
    expect(doc.text).toBe('I: #00:00:03-1# Erzählen Sie.\n\nB: #00:00:05-0# Gern, öfter. #00:00:09-9#');
    expect(doc.kind).toBe('interview');
    expect(doc.turns?.map((t) => [t.speaker, t.time, t.endTime, cpSlice(doc.text, t.textStart, t.end)])).toEqual([
      ['I', 3.1, undefined, 'Erzählen Sie.'],
      ['B', 5, 9.9, 'Gern, öfter. #00:00:09-9#'],
    ]);
    NewDocumentSchema.parse(doc);
  });

  it('rejects deep nesting, truncation, stray braces and non-RTF with the line', () => {
    const deep = latin1(`{\\rtf1 ${'{'.repeat(100_000)}x${'}'.repeat(100_000)}}`);
    const started = performance.now();
    const e = importError(() => rtfToText('tief.rtf', deep));
    expect(reasonOf(e)).toBe(`RTF groups are nested more than ${MAX_RTF_DEPTH} levels deep`);
    expect(e.line).toBe(1);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(reasonOf(importError(() => rtfToText('kurz.rtf', latin1('{\\rtf1\\ansi\r\n{\\b Text\\par'))))).toBe('the RTF file is truncated: 2 groups are not closed');
    expect(importError(() => rtfToText('kurz.rtf', latin1('{\\rtf1\\ansi\r\n{\\b Text\\par'))).line).toBe(2);
    expect(reasonOf(importError(() => rtfToText('x.rtf', latin1('Hallo Welt'))))).toBe('not an RTF file (it must start with {\\rtf)');
    expect(reasonOf(importError(() => rtfToText('h.rtf', latin1("{\\rtf1 \\'zz}"))))).toMatch(/two hex digits/);
    expect(reasonOf(importError(() => rtfToText('w.rtf', latin1(`{\\rtf1 \\${'a'.repeat(40)} x}`))))).toMatch(/longer than 32 letters/);
    expect(reasonOf(importError(() => rtfToText('b.rtf', latin1('{\\rtf1 \\bin999 abc}'))))).toMatch(/truncated/);
  });
});
