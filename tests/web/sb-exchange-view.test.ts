import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import type { PublicUser } from '../../server/schemas/user.js';
import '../../web/components/sb-exchange-view.js';
import type { SbExchangeView } from '../../web/components/sb-exchange-view.js';
import { setLanguage } from '../../web/i18n/index.js';
import { FakeApi, type Call } from './fake-api.js';

const XSS = '<img src=x onerror="window.__pwned=1">';
const T = '2024-01-01T00:00:00.000Z';
const user = (role: PublicUser['role']): PublicUser => ({ id: `u-${role}`, login: role, displayName: role, role, created: T, version: 1 });
const P = '/api/projects/p1';

let fake: FakeApi;
const realFetch = window.fetch;
/** The file each multipart request carried, by path. */
let sent: { path: string; file: string | undefined }[] = [];

function api(): FakeApi {
  return new FakeApi()
    .on('GET', `${P}/export/qdpx/warnings`, (c: Call) => ({ status: 200, body: { warnings: [{ element: `Set "${XSS}"`, message: c.query.get('lineEndings') === 'crlf' ? 'crlf' : 'filter set as members' }] } }))
    .on('GET', `${P}/export/qdc/warnings`, { warnings: [] })
    .on('POST', `${P}/codebook/import/spreadsheet`, () => ({ status: 201, body: { created: 3, skipped: 1, warnings: [{ element: 'row 4', message: `the colour "${XSS}" is not #rrggbb` }] } }))
    .on('POST', `${P}/codebook/import/qdc`, () => ({ status: 400, body: { error: { code: 'invalid_input', message: 'CodeBook/Codes/Code[2]: the GUID x is used by two codes' } } }))
    .on('POST', '/api/projects/import/qdpx', () => ({ status: 201, body: { projectId: 'p 2', counts: { users: 1, codes: 2, documents: 3, segments: 4, memos: 5, sets: 6 }, warnings: [{ element: 'PictureSource "foto.jpg"', message: 'pictures are not imported' }] } }));
}

async function mount(role: PublicUser['role'] = 'researcher'): Promise<SbExchangeView> {
  fake = api();
  fake.install();
  const faked = window.fetch;
  sent = [];
  window.fetch = (input: RequestInfo | URL, init: RequestInit = {}) => {
    if (init.body instanceof FormData) {
      const f = init.body.get('file');
      sent.push({ path: new URL(String(input), location.origin).pathname, file: f instanceof File ? f.name : undefined });
    }
    return faked(input, init);
  };
  return fixture<SbExchangeView>(html`<sb-exchange-view .projectId=${'p1'} .user=${user(role)}></sb-exchange-view>`);
}

function $(el: SbExchangeView, selector: string): HTMLElement {
  const found = el.shadowRoot!.querySelector<HTMLElement>(selector);
  if (!found) throw new Error(`no ${selector}`);
  return found;
}

function href(el: SbExchangeView, name: string): string {
  return $(el, `a[data-download="${name}"]`).getAttribute('href') ?? '';
}

async function choose(el: SbExchangeView, form: 'qdpx' | 'codebook', file: File): Promise<void> {
  const input = $(el, `form[data-upload="${form}"] input[type=file]`) as HTMLInputElement;
  const dt = new DataTransfer();
  dt.items.add(file);
  input.files = dt.files;
  ($(el, `form[data-upload="${form}"] button[type=submit]`) as HTMLButtonElement).click();
  await el.updateComplete;
}

afterEach(() => {
  fake?.restore();
  window.fetch = realFetch;
  setLanguage('de');
});

describe('sb-exchange-view', () => {
  it('offers every download with its route, in German, and is accessible', async () => {
    const el = await mount();
    expect(href(el, 'qdpx')).to.equal(`${P}/export/qdpx`);
    expect(href(el, 'qdc')).to.equal(`${P}/export/qdc`);
    expect(href(el, 'docx')).to.equal(`${P}/codebook.docx`);
    expect(href(el, 'segments-csv')).to.equal(`${P}/export/segments.csv`);
    expect(href(el, 'segments-xlsx')).to.equal(`${P}/export/segments.xlsx`);
    expect(href(el, 'matrix-csv')).to.equal(`${P}/export/matrix.csv?values=counts`);
    expect(href(el, 'matrix-xlsx')).to.equal(`${P}/export/matrix.xlsx?values=counts`);
    for (const a of el.shadowRoot!.querySelectorAll('a[data-download]')) expect(a.hasAttribute('download')).to.equal(true);
    expect($(el, 'h2').textContent).to.equal('Austausch mit anderen Programmen');
    await expect(el).to.be.accessible();
  });

  it('CRLF and 0/1 options change the download links', async () => {
    const el = await mount();
    const crlf = el.shadowRoot!.querySelector<HTMLInputElement>('input[type=checkbox]')!;
    crlf.click();
    await el.updateComplete;
    expect(href(el, 'qdpx')).to.equal(`${P}/export/qdpx?lineEndings=crlf`);
    el.shadowRoot!.querySelector<HTMLInputElement>('input[value=binary]')!.click();
    await el.updateComplete;
    expect(href(el, 'matrix-csv')).to.equal(`${P}/export/matrix.csv?values=binary`);
    expect(href(el, 'matrix-xlsx')).to.equal(`${P}/export/matrix.xlsx?values=binary`);
  });

  it('lists what an export cannot carry over, element by element, as text', async () => {
    const el = await mount();
    const buttons = el.shadowRoot!.querySelectorAll<HTMLButtonElement>('fieldset button[type=button]');
    buttons[0]!.click();
    await waitUntil(() => el.shadowRoot!.querySelector('ul.warnings li'));
    const li = el.shadowRoot!.querySelector('ul.warnings li')!;
    expect(li.textContent).to.contain(`Set "${XSS}": filter set as members`);
    expect(el.shadowRoot!.querySelector('img')).to.equal(null);
    buttons[1]!.click();
    await waitUntil(() => el.shadowRoot!.textContent!.includes('Alles wird übernommen.'));
    await expect(el).to.be.accessible();
  });

  it('imports a codebook table: sends the file to the spreadsheet route, shows counts and warnings, fires an event', async () => {
    const el = await mount();
    const input = $(el, 'form[data-upload="codebook"] input[type=file]') as HTMLInputElement;
    const dt = new DataTransfer();
    dt.items.add(new File(['Code\nA\n'], 'codes.xlsx'));
    input.files = dt.files;
    const fired = oneEvent(el, 'sb-codebook-imported');
    ($(el, 'form[data-upload="codebook"] button[type=submit]') as HTMLButtonElement).click();
    await fired;
    await el.updateComplete;
    expect(sent).to.deep.equal([{ path: `${P}/codebook/import/spreadsheet`, file: 'codes.xlsx' }]);
    const status = $(el, 'form[data-upload="codebook"] [role=status]');
    expect(status.textContent).to.contain('3 Codes angelegt, 1 schon vorhanden.');
    const warning = $(el, 'form[data-upload="codebook"] ul.warnings li');
    expect(warning.textContent).to.contain(`row 4: the colour "${XSS}" is not #rrggbb`);
    expect(el.shadowRoot!.querySelector('img')).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('a .qdc goes to the qdc route; its error is shown as an alert; an unknown type never leaves the browser', async () => {
    const el = await mount();
    await choose(el, 'codebook', new File(['<x/>'], 'book.qdc'));
    await waitUntil(() => el.shadowRoot!.querySelector('form[data-upload="codebook"] [role=alert]'));
    expect($(el, 'form[data-upload="codebook"] [role=alert]').textContent).to.equal('Import fehlgeschlagen: CodeBook/Codes/Code[2]: the GUID x is used by two codes');
    expect(sent.map((s) => s.path)).to.deep.equal([`${P}/codebook/import/qdc`]);
    await choose(el, 'codebook', new File(['x'], 'notes.pdf'));
    expect($(el, 'form[data-upload="codebook"] [role=alert]').textContent).to.equal('Diese Dateiart wird nicht unterstützt: notes.pdf');
    expect(sent).to.have.length(1);
    await expect(el).to.be.accessible();
  });

  it('imports a .qdpx as a new project with a link to it and the warnings, in English too', async () => {
    setLanguage('en');
    const el = await mount('admin');
    await choose(el, 'qdpx', new File([new Uint8Array([0x50, 0x4b, 3, 4])], 'atlas.qdpx'));
    await waitUntil(() => el.shadowRoot!.querySelector('form[data-upload="qdpx"] [role=status]'));
    expect(sent).to.deep.equal([{ path: '/api/projects/import/qdpx', file: 'atlas.qdpx' }]);
    expect($(el, 'form[data-upload="qdpx"] [role=status]').textContent).to.contain('New project created: 3 documents, 2 codes, 4 segments, 5 memos, 6 sets, 1 people.');
    expect($(el, 'form[data-upload="qdpx"] [role=status] a').getAttribute('href')).to.equal('/projects/p%202/corpus');
    expect($(el, 'form[data-upload="qdpx"] ul.warnings li').textContent).to.contain('PictureSource "foto.jpg": pictures are not imported');
    await expect(el).to.be.accessible();
  });

  it('asks for a file first; a lead sees the downloads but no upload', async () => {
    const el = await mount();
    ($(el, 'form[data-upload="codebook"] button[type=submit]') as HTMLButtonElement).click();
    await el.updateComplete;
    expect($(el, 'form[data-upload="codebook"] [role=alert]').textContent).to.equal('Bitte zuerst eine Datei wählen.');
    fake.restore();
    window.fetch = realFetch;
    const lead = await mount('lead');
    expect(lead.shadowRoot!.querySelector('form')).to.equal(null);
    expect(lead.shadowRoot!.textContent).to.contain('Importieren dürfen Admins und Forschende.');
    expect(href(lead, 'segments-xlsx')).to.equal(`${P}/export/segments.xlsx`);
    await expect(lead).to.be.accessible();
  });
});
