import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { Code } from '../../server/schemas/code.js';
import type { RetrievedSegment } from '../../server/schemas/segment.js';
import '../../web/components/sb-segment-list.js';
import type { DocumentListEntry, DocumentSetWithMembers } from '../../web/components/sb-corpus-model.js';
import type { SbSegmentList, SegmentOpenEvent, SegmentQueryEvent } from '../../web/components/sb-segment-list.js';

const XSS = '<img src=x onerror="window.__pwned=1">';
const T = '2024-01-01T00:00:00.000Z';

const base = { isCodable: true, definition: { description: '', inclusion: '', exclusion: '', anchors: [], rules: '' }, created: T, modified: T, version: 1 };
const codes: Code[] = [
  { ...base, id: 'root', parentId: null, name: 'Beratung', colour: '#112233', isCodable: false, order: 0 },
  { ...base, id: 'greet', parentId: 'root', name: 'Begrüßen', colour: '#336699', order: 0 },
  { ...base, id: 'hand', parentId: 'greet', name: 'Hand geben', colour: '#aa0000', order: 0 },
  { ...base, id: 'sum', parentId: 'root', name: 'Zusammenfassen', colour: '#00aa00', order: 1 },
];

const documents: DocumentListEntry[] = [
  {
    id: 'd1',
    title: 'Interview Nord',
    kind: 'interview',
    attributes: { Region: { type: 'text', value: 'Nord' }, Datum: { type: 'date', value: '2024-03-05' } },
    segmentCount: 2,
    length: 500,
    created: T,
    version: 1,
  },
  { id: 'd2', title: 'Protokoll', kind: 'observation', attributes: {}, segmentCount: 1, length: 37, created: T, version: 1 },
];

const sets: DocumentSetWithMembers[] = [{ id: 's1', name: 'Nordteam', definition: { type: 'members', documentIds: ['d1'] }, created: T, version: 1, documentIds: ['d1'] }];

function segment(id: string, documentId: string, documentTitle: string, codeId: string, start: number, before: string, text: string, after: string, memo = ''): RetrievedSegment {
  return { id, documentId, documentTitle, codeId, start, end: start + [...text].length, coder: 'u1', memo, created: T, modified: T, version: 1, text, before, after };
}

const segments: RetrievedSegment[] = [
  segment('g1', 'd1', 'Interview Nord', 'greet', 100, 'Sie kommt herein. ', 'Guten Tag, Frau Müller!', ' Sie setzen sich.', 'freundlich'),
  segment('g2', 'd2', 'Protokoll', 'hand', 6, 'Zuerst', ' gibt sie die Hand', ' und lächelt.'),
];

const users = { u1: 'Mara Schulz' };
const query = { codeIds: ['greet'], includeSubcodes: false, setId: null };
const root = (el: SbSegmentList) => el.shadowRoot!;
const entries = (el: SbSegmentList) => [...root(el).querySelectorAll<HTMLButtonElement>('button.entry')];

async function list(props: Partial<SbSegmentList> = {}): Promise<SbSegmentList> {
  const el = await fixture<SbSegmentList>(
    html`<sb-segment-list .segments=${segments} .total=${2} .codes=${codes} .documents=${documents} .sets=${sets} .users=${users} .query=${query}></sb-segment-list>`,
  );
  Object.assign(el, props);
  await el.updateComplete;
  return el;
}

describe('sb-segment-list', () => {
  afterEach(() => {
    delete (window as unknown as Record<string, unknown>).__pwned;
  });

  it('shows each segment with document, attributes, coder, code and the coded text in its context', async () => {
    const el = await list();
    expect(root(el).querySelector('.count')!.textContent!.trim()).to.equal('2 Segmente');
    expect(root(el).querySelector('.truncated')).to.equal(null);
    const [first, second] = entries(el);
    expect(first!.dataset.segmentId).to.equal('g1');
    expect(first!.querySelector('.doc')!.textContent).to.equal('Interview Nord');
    expect([...first!.querySelectorAll('.attr')].map((a) => a.textContent)).to.deep.equal(['Region: Nord', 'Datum: 05.03.2024']);
    expect(first!.querySelector('.coder')!.textContent).to.equal('Kodierer·in: Mara Schulz');
    expect(first!.querySelector('.code-name')!.textContent).to.equal('Begrüßen');
    expect((first!.querySelector('.code .swatch') as HTMLElement).style.background).to.equal('rgb(51, 102, 153)');
    expect(first!.querySelector('.before')!.textContent).to.equal('…Sie kommt herein. ');
    expect(first!.querySelector('mark')!.textContent).to.equal('Guten Tag, Frau Müller!');
    expect(first!.querySelector('.after')!.textContent).to.equal(' Sie setzen sich.…');
    expect(first!.querySelector('.memo')!.textContent).to.equal('Memo: freundlich');
    // The context reaches the start and the end of the document: no ellipsis.
    expect(second!.querySelector('.before')!.textContent).to.equal('Zuerst');
    expect(second!.querySelector('.after')!.textContent).to.equal(' und lächelt.');
    expect(second!.querySelector('.attrs')).to.equal(null);
    expect(second!.querySelector('.memo')).to.equal(null);
  });

  it('lists the codes with their paths, filters them by text and fires sb-segment-query on changes', async () => {
    const el = await list();
    const labels = () => [...root(el).querySelectorAll('.code-list label')].map((l) => l.textContent!.trim());
    expect(labels()).to.deep.equal(['Beratung', 'Beratung › Begrüßen', 'Beratung › Begrüßen › Hand geben', 'Beratung › Zusammenfassen']);
    expect(root(el).querySelector<HTMLInputElement>('input[data-code-id="greet"]')!.checked).to.equal(true);
    expect(root(el).querySelector('.chosen')!.textContent).to.equal('1 Codes gewählt');

    const filter = root(el).querySelector<HTMLInputElement>('input.code-filter')!;
    filter.value = 'HAND';
    filter.dispatchEvent(new Event('input'));
    await el.updateComplete;
    expect(labels()).to.deep.equal(['Beratung › Begrüßen › Hand geben']);

    let fired = oneEvent(el, 'sb-segment-query');
    const hand = root(el).querySelector<HTMLInputElement>('input[data-code-id="hand"]')!;
    hand.checked = true;
    hand.dispatchEvent(new Event('change'));
    expect(((await fired) as unknown as SegmentQueryEvent).query).to.deep.equal({ codeIds: ['greet', 'hand'], includeSubcodes: false, setId: null });

    fired = oneEvent(el, 'sb-segment-query');
    const sub = root(el).querySelector<HTMLInputElement>('input.subcodes')!;
    sub.checked = true;
    sub.dispatchEvent(new Event('change'));
    expect(((await fired) as unknown as SegmentQueryEvent).query).to.deep.equal({ codeIds: ['greet', 'hand'], includeSubcodes: true, setId: null });

    fired = oneEvent(el, 'sb-segment-query');
    const select = root(el).querySelector<HTMLSelectElement>('select[name="set"]')!;
    expect([...select.options].map((o) => o.textContent)).to.deep.equal(['Alle Dokumente', 'Set: Nordteam']);
    select.value = 's1';
    select.dispatchEvent(new Event('change'));
    expect(((await fired) as unknown as SegmentQueryEvent).query).to.deep.equal({ codeIds: ['greet', 'hand'], includeSubcodes: true, setId: 's1' });

    await el.updateComplete;
    fired = oneEvent(el, 'sb-segment-query');
    root(el).querySelector<HTMLButtonElement>('button.clear-codes')!.click();
    expect(((await fired) as unknown as SegmentQueryEvent).query).to.deep.equal({ codeIds: [], includeSubcodes: true, setId: 's1' });
  });

  it('opens a segment at its place', async () => {
    const el = await list();
    const fired = oneEvent(el, 'sb-segment-open');
    entries(el)[1]!.click();
    const e = (await fired) as unknown as SegmentOpenEvent;
    expect([e.documentId, e.segmentId, e.start, e.end]).to.deep.equal(['d2', 'g2', 6, 24]);
    expect(entries(el)[1]!.tagName).to.equal('BUTTON');
  });

  it('says when the list is truncated', async () => {
    const el = await list({ total: 12500 });
    expect(root(el).querySelector('.count')!.textContent!.replace(/\s+/g, ' ').trim()).to.equal('2 Segmente (zeige erste 2 von 12.500)');
    const one = await list({ segments: [segments[0]!], total: 1 });
    expect(root(one).querySelector('.count')!.textContent!.trim()).to.equal('1 Segment');
  });

  it('shows loading, an error with Retry that re-fires the query, and the empty states', async () => {
    const el = await list({ loading: true });
    expect(root(el).querySelector('[role="status"]')!.textContent!.trim()).to.equal('Segmente werden geladen …');
    expect(root(el).querySelector('[role="status"]')!.getAttribute('aria-busy')).to.equal('true');
    expect(entries(el)).to.have.length(0);
    expect(root(el).querySelector<HTMLButtonElement>('button.export')!.disabled).to.equal(true);
    await expect(el).to.be.accessible();

    Object.assign(el, { loading: false, error: 'HTTP 500', segments: [] });
    await el.updateComplete;
    const alert = root(el).querySelector('[role="alert"]')!;
    expect(alert.textContent).to.contain('Laden fehlgeschlagen: HTTP 500');
    await expect(el).to.be.accessible();
    const fired = oneEvent(el, 'sb-segment-query');
    root(el).querySelector<HTMLButtonElement>('button.retry')!.click();
    expect(((await fired) as unknown as SegmentQueryEvent).query).to.deep.equal(query);

    Object.assign(el, { error: '' });
    await el.updateComplete;
    expect(root(el).querySelector('.empty')!.textContent).to.equal('Keine Segmente gefunden.');
    Object.assign(el, { query: { codeIds: [], includeSubcodes: false, setId: null } });
    await el.updateComplete;
    expect(root(el).querySelector('.empty')!.textContent).to.equal('Wählen Sie einen oder mehrere Codes, um ihre Segmente zu sehen.');
  });

  it('exports the list as CSV without navigating', async () => {
    const el = await list();
    const blobs: Blob[] = [];
    const downloads: string[] = [];
    const create = URL.createObjectURL;
    const click = HTMLAnchorElement.prototype.click;
    URL.createObjectURL = (b: Blob | MediaSource) => {
      blobs.push(b as Blob);
      return create(b);
    };
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      downloads.push(this.download);
    };
    try {
      root(el).querySelector<HTMLButtonElement>('button.export')!.click();
    } finally {
      URL.createObjectURL = create;
      HTMLAnchorElement.prototype.click = click;
    }
    expect(downloads).to.have.length(1);
    expect(downloads[0]).to.match(/^segmente-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(blobs[0]!.type).to.equal('text/csv;charset=utf-8');
    // Blob.text() would drop the byte order mark; decode keeping it.
    const lines = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await blobs[0]!.arrayBuffer()).split('\r\n');
    expect(lines[0]).to.equal('\uFEFFDokument,Merkmale,Code,Codepfad,Kodierer·in,Start,Ende,Text,Kontext davor,Kontext danach,Memo');
    expect(lines[1]).to.equal('Interview Nord,Region=Nord; Datum=2024-03-05,Begrüßen,Beratung › Begrüßen,Mara Schulz,100,123,"Guten Tag, Frau Müller!",Sie kommt herein. , Sie setzen sich.,freundlich');
    expect(lines[2]).to.equal('Protokoll,,Hand geben,Beratung › Begrüßen › Hand geben,Mara Schulz,6,24, gibt sie die Hand,Zuerst, und lächelt.,');
    expect(lines).to.have.length(4);
    expect(document.querySelector('a[download]')).to.equal(null);
  });

  it('renders code names, titles, attribute values, text and memos as text, never as HTML', async () => {
    const evilCodes: Code[] = [{ ...base, id: 'x', parentId: null, name: XSS, colour: '#000000', order: 0 }];
    const evilDocs: DocumentListEntry[] = [{ ...documents[0]!, id: 'dx', attributes: { Region: { type: 'text', value: XSS } } }];
    const evil: RetrievedSegment[] = [{ ...segment('sx', 'dx', XSS, 'x', 10, XSS, XSS, XSS, XSS) }];
    const el = await fixture<SbSegmentList>(
      html`<sb-segment-list .segments=${evil} .total=${1} .codes=${evilCodes} .documents=${evilDocs} .users=${{ u1: XSS }} .query=${{ codeIds: ['x'], includeSubcodes: false, setId: null }}></sb-segment-list>`,
    );
    expect(root(el).querySelector('img')).to.equal(null);
    const entry = entries(el)[0]!;
    expect(entry.querySelector('.doc')!.textContent).to.equal(XSS);
    expect(entry.querySelector('.code-name')!.textContent).to.equal(XSS);
    expect(entry.querySelector('mark')!.textContent).to.equal(XSS);
    expect(entry.querySelector('.attr')!.textContent).to.equal(`Region: ${XSS}`);
    expect(entry.querySelector('.coder')!.textContent).to.equal(`Kodierer·in: ${XSS}`);
    expect(root(el).querySelector('.code-list .name')!.textContent).to.equal(XSS);
    expect((window as unknown as Record<string, unknown>).__pwned).to.equal(undefined);
  });

  it('passes the accessibility audit', async () => {
    const el = await list({ total: 40 });
    await expect(el).to.be.accessible();
  });
});
