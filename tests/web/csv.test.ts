import { expect } from '@open-wc/testing';
import type { Code } from '../../server/schemas/code.js';
import type { RetrievedSegment } from '../../server/schemas/segment.js';
import type { DocumentListEntry } from '../../web/components/sb-corpus-model.js';
import { downloadText, segmentsToCsv, toCsv } from '../../web/csv.js';

/** A small RFC 4180 parser (comma, CRLF, quoted fields with doubled quotes) for round trips. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i++;
      } else {
        field += c;
        i++;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
      i++;
    } else if (c === ',') {
      row.push(field);
      field = '';
      i++;
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 2;
    } else if (c === '\r' || c === '\n') {
      throw new Error(`bare line break at ${i}`);
    } else {
      field += c;
      i++;
    }
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

const BOM = '\uFEFF';
const T = '2024-01-01T00:00:00.000Z';

describe('csv', () => {
  it('writes RFC 4180 with CRLF line ends after a BOM', () => {
    expect(toCsv([['a', 'b'], ['c', 'd']])).to.equal(`${BOM}a,b\r\nc,d\r\n`);
    expect(toCsv([])).to.equal(BOM);
  });

  it('quotes fields with comma, quote, CR or LF and doubles inner quotes', () => {
    expect(toCsv([['a,b', 'sagt "ja"', 'eins\nzwei', 'x\r\ny', 'plain']])).to.equal(`${BOM}"a,b","sagt ""ja""","eins\nzwei","x\r\ny",plain\r\n`);
  });

  it('writes numbers, booleans and empty cells', () => {
    expect(toCsv([[0, -3, 2.5, true, false, null, undefined, '']])).to.equal(`${BOM}0,-3,2.5,true,false,,,\r\n`);
  });

  it('protects against formula injection in text cells', () => {
    expect(toCsv([['=SUM(A1:A2)', '+49 30', '-1', '@cmd', '\tTab', '\rCR', 'a=b', "'schon"]])).to.equal(
      `${BOM}'=SUM(A1:A2),'+49 30,'-1,'@cmd,'\tTab,"'\rCR",a=b,'schon\r\n`,
    );
    expect(toCsv([['=HYPERLINK("http://x","klick")']])).to.equal(`${BOM}"'=HYPERLINK(""http://x"",""klick"")"\r\n`);
  });

  it('keeps umlauts, which a Blob encodes as UTF-8 after the byte order mark', async () => {
    const csv = toCsv([['Größe', 'Übergabe ÄÖÜ ß']]);
    expect(csv).to.equal(`${BOM}Größe,Übergabe ÄÖÜ ß\r\n`);
    const bytes = new Uint8Array(await new Blob([csv]).arrayBuffer());
    expect([...bytes.slice(0, 5)]).to.deep.equal([0xef, 0xbb, 0xbf, 0x47, 0x72]);
    expect([...bytes.slice(5, 7)]).to.deep.equal([0xc3, 0xb6]); // ö
  });

  it('round-trips through a parser', () => {
    const rows = [
      ['Dokument', 'Text', 'Zahl'],
      ['Interview "Nord"', 'Zeile 1\nZeile 2, mit Komma', '42'],
      ['', ' Leerzeichen ', 'Ärger'],
      ['=1+1', 'ok', '-5'],
    ];
    const parsed = parseCsv(toCsv(rows).slice(1));
    expect(parsed).to.deep.equal([rows[0], rows[1], rows[2], ["'=1+1", 'ok', "'-5"]]);
  });

  it('turns retrieved segments into rows with attributes, code path and coder name', () => {
    const base = { isCodable: true, definition: { description: '', inclusion: '', exclusion: '', anchors: [], rules: '' }, created: T, modified: T, version: 1, colour: '#336699' };
    const codes: Code[] = [
      { ...base, id: 'root', parentId: null, name: 'Beratung', order: 0 },
      { ...base, id: 'a', parentId: 'root', name: 'Begrüßen', order: 0 },
    ];
    const documents: DocumentListEntry[] = [
      {
        id: 'd1',
        title: 'Interview, Nord',
        kind: 'interview',
        attributes: { Region: { type: 'text', value: 'Nord' }, Alter: { type: 'number', value: 42 }, Datum: { type: 'date', value: '2024-03-05' }, Neu: { type: 'boolean', value: false } },
        segmentCount: 1,
        length: 100,
        created: T,
        version: 1,
      },
    ];
    const segments: RetrievedSegment[] = [
      { id: 's1', documentId: 'd1', documentTitle: 'Interview, Nord', codeId: 'a', start: 5, end: 9, coder: 'u1', memo: '=gefährlich', created: T, modified: T, version: 1, text: 'Hallo', before: 'FK: ', after: '\nKlient: Tag' },
      { id: 's2', documentId: 'gone', documentTitle: 'Weg', codeId: 'zz', start: 0, end: 1, coder: 'u9', memo: '', created: T, modified: T, version: 1, text: 'x', before: '', after: '' },
    ];
    const csv = segmentsToCsv(segments, { codes, documents, users: { u1: 'Mara Schulz' } });
    expect(parseCsv(csv.slice(1))).to.deep.equal([
      ['Dokument', 'Merkmale', 'Code', 'Codepfad', 'Kodierer·in', 'Start', 'Ende', 'Text', 'Kontext davor', 'Kontext danach', 'Memo'],
      ['Interview, Nord', 'Region=Nord; Alter=42; Datum=2024-03-05; Neu=false', 'Begrüßen', 'Beratung › Begrüßen', 'Mara Schulz', '5', '9', 'Hallo', 'FK: ', '\nKlient: Tag', "'=gefährlich"],
      ['Weg', '', 'zz', '', 'u9', '0', '1', 'x', '', '', ''],
    ]);
  });

  it('downloads through a temporary link without navigating', async () => {
    const blobs: Blob[] = [];
    const clicked: { href: string; download: string; connected: boolean }[] = [];
    const create = URL.createObjectURL;
    const click = HTMLAnchorElement.prototype.click;
    URL.createObjectURL = (b: Blob | MediaSource) => {
      blobs.push(b as Blob);
      return create(b);
    };
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      clicked.push({ href: this.href, download: this.download, connected: this.isConnected });
    };
    const before = location.href;
    try {
      downloadText('liste.csv', toCsv([['ä']]), 'text/csv;charset=utf-8');
    } finally {
      URL.createObjectURL = create;
      HTMLAnchorElement.prototype.click = click;
    }
    expect(clicked).to.have.length(1);
    expect(clicked[0]!.download).to.equal('liste.csv');
    expect(clicked[0]!.href).to.match(/^blob:/);
    expect(clicked[0]!.connected).to.equal(true);
    expect(document.querySelector('a[download]')).to.equal(null);
    expect(location.href).to.equal(before);
    expect(blobs[0]!.type).to.equal('text/csv;charset=utf-8');
    expect([...new Uint8Array(await blobs[0]!.arrayBuffer())]).to.deep.equal([0xef, 0xbb, 0xbf, 0xc3, 0xa4, 0x0d, 0x0a]);
  });
});
