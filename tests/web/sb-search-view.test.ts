import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { Code } from '../../server/schemas/code.js';
import type { AutocodePreview, AutocodeRun, SearchResult, WordsResult } from '../../server/schemas/search.js';
import type { PublicUser } from '../../server/schemas/user.js';
import '../../web/components/sb-search-view.js';
import type { SbSearchView } from '../../web/components/sb-search-view.js';
import { setLanguage } from '../../web/i18n/index.js';
import { FakeApi, type Call } from './fake-api.js';


// ---- fixtures ----

const XSS = '<img src=x onerror="window.__pwned=1">';
const T = '2024-01-01T00:00:00.000Z';
const user = (role: PublicUser['role']): PublicUser => ({ id: `u-${role}`, login: role, displayName: role, role, created: T, version: 1 });
const code = (id: string, name: string, isCodable = true): Code => ({
  id,
  parentId: null,
  name,
  colour: '#336699',
  isCodable,
  order: 0,
  definition: { description: '', inclusion: '', exclusion: '', anchors: [], rules: '' },
  created: T,
  modified: T,
  version: 1,
});
const P = '/api/projects/p1';

const result: SearchResult = {
  query: 'Beratung',
  total: 3,
  truncated: false,
  documents: [
    { documentId: 'd1', title: XSS, count: 2 },
    { documentId: 'd2', title: 'Interview 2', count: 1 },
  ],
  hits: [
    { documentId: 'd1', title: XSS, start: 10, end: 18, match: 'Beratung', left: `vor ${XSS} `, right: ' danach' },
    { documentId: 'd1', title: XSS, start: 40, end: 50, match: 'Beratungen', left: 'die ', right: ' der' },
    { documentId: 'd2', title: 'Interview 2', start: 5, end: 12, match: 'beraten', left: 'FK: ', right: ' wir' },
  ],
};

function api(): FakeApi {
  return new FakeApi()
    .on('GET', `${P}/codes`, { codes: [code('c1', 'Thema'), code('folder', 'Ordner', false), code('c2', XSS)] })
    .on('GET', `${P}/sets`, { sets: [{ id: 's1', name: 'Interviews', definition: { type: 'members', documentIds: ['d2'] }, created: T, version: 1, documentIds: ['d2'] }] })
    .on('GET', `${P}/search`, result);
}

async function mount(fake: FakeApi, role: PublicUser['role'] = 'researcher'): Promise<SbSearchView> {
  fake.install();
  const el = await fixture<SbSearchView>(html`<sb-search-view projectId="p1" .user=${user(role)}></sb-search-view>`);
  await waitUntil(() => el.codes.length > 0, 'codes load');
  return el;
}

async function runSearch(el: SbSearchView, query: string): Promise<void> {
  const input = el.shadowRoot!.querySelector<HTMLInputElement>('input.query')!;
  input.value = query;
  input.dispatchEvent(new Event('input'));
  el.shadowRoot!.querySelector<HTMLButtonElement>('button.submit')!.click();
  await waitUntil(() => el.result !== undefined || el.error !== '', 'search answers');
  await el.updateComplete;
}

let fake: FakeApi;
beforeEach(() => setLanguage('de'));
afterEach(() => fake?.restore());

describe('sb-search-view', () => {
  it('loads codes and sets itself and is accessible', async () => {
    fake = api();
    const el = await mount(fake);
    expect(fake.last('GET', `${P}/codes`)).to.not.equal(undefined);
    expect(fake.last('GET', `${P}/sets`)).to.not.equal(undefined);
    const setOptions = [...el.shadowRoot!.querySelectorAll('select.scope-set option')].map((o) => o.textContent?.trim());
    expect(setOptions).to.deep.equal(['Alle Dokumente', 'Interviews']);
    await expect(el).to.be.accessible();
  });

  it('searches with the scope, shows counts per document and KWIC links to the hit, hostile text as text', async () => {
    fake = api();
    const el = await mount(fake);
    const set = el.shadowRoot!.querySelector<HTMLSelectElement>('select.scope-set')!;
    set.value = 's1';
    set.dispatchEvent(new Event('change'));
    const speaker = el.shadowRoot!.querySelector<HTMLInputElement>('input.scope-speaker')!;
    speaker.value = 'FK';
    speaker.dispatchEvent(new Event('input'));
    await runSearch(el, 'Beratung*');
    const call = fake.last('GET', `${P}/search`)!;
    expect(call.query.get('q')).to.equal('Beratung*');
    expect(call.query.get('set')).to.equal('s1');
    expect(call.query.get('speaker')).to.equal('FK');
    const root = el.shadowRoot!;
    expect(root.querySelector('p.status')!.textContent).to.contain('3 Treffer in 2 Dokumenten');
    expect([...root.querySelectorAll('.doc-count')].map((c) => c.textContent)).to.deep.equal(['2', '1']);
    const links = [...root.querySelectorAll<HTMLAnchorElement>('a.hit')];
    expect(links.map((a) => a.getAttribute('href'))).to.deep.equal(['/projects/p1/coding/d1?start=10&end=18', '/projects/p1/coding/d1?start=40&end=50', '/projects/p1/coding/d2?start=5&end=12']);
    expect(links[0]!.textContent).to.equal('Beratung');
    expect(root.querySelector('img')).to.equal(null);
    expect(root.querySelector('.doc-title')!.textContent).to.equal(XSS);
    expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
    await expect(el).to.be.accessible();
  });

  it('shows the help on demand', async () => {
    fake = api();
    const el = await mount(fake);
    const toggle = el.shadowRoot!.querySelector<HTMLButtonElement>('button.help-toggle')!;
    expect(el.shadowRoot!.querySelector<HTMLElement>('#help')!.hidden).to.equal(true);
    toggle.click();
    await el.updateComplete;
    expect(toggle.getAttribute('aria-expanded')).to.equal('true');
    expect(el.shadowRoot!.querySelector<HTMLElement>('#help')!.hidden).to.equal(false);
    expect(el.shadowRoot!.querySelector('#help')!.textContent).to.contain('=Beratung');
  });

  it('autocodes: chosen hits, preview, apply, undo; a 409 on undo is explained', async () => {
    const preview: AutocodePreview = { codeId: 'c1', unit: 'turn', items: [{ documentId: 'd2', title: 'Interview 2', start: 4, end: 30, text: XSS, hits: 1 }], duplicates: 2, unextendable: 0 };
    const run: AutocodeRun = { id: 'run-1', codeId: 'c1', query: 'Beratung', unit: 'turn', coder: 'u-researcher', created: T, segments: [{ id: 's9', version: 1 }], duplicates: 2 };
    let undoStatus = 409;
    fake = api()
      .on('POST', `${P}/autocode/preview`, preview)
      .on('POST', `${P}/autocode`, () => ({ status: 201, body: run }))
      .on('POST', `${P}/autocode/run-1/undo`, () => (undoStatus === 409 ? { status: 409, body: { error: { code: 'conflict', message: 'changed' } } } : { status: 200, body: { deleted: 1 } }));
    const el = await mount(fake);
    await runSearch(el, 'Beratung');
    const root = el.shadowRoot!;
    // Folders are not offered.
    expect([...root.querySelectorAll('select.auto-code option')].map((o) => o.getAttribute('value'))).to.deep.equal(['', 'c1', 'c2']);
    const pick = (selector: string, value: string): void => {
      const s = root.querySelector<HTMLSelectElement>(selector)!;
      s.value = value;
      s.dispatchEvent(new Event('change'));
    };
    pick('select.auto-code', 'c1');
    pick('select.auto-unit', 'turn');
    const boxes = root.querySelectorAll<HTMLInputElement>('input.choose');
    boxes[2]!.click();
    await el.updateComplete;
    pick('select.auto-which', 'chosen');
    await el.updateComplete;
    root.querySelector<HTMLButtonElement>('button.preview')!.click();
    await waitUntil(() => el.preview !== undefined, 'preview');
    expect(fake.last('POST', `${P}/autocode/preview`)!.body).to.deep.equal({ query: 'Beratung', scope: {}, codeId: 'c1', unit: 'turn', hits: [{ documentId: 'd2', start: 5, end: 12 }] });
    await el.updateComplete;
    expect(root.querySelector('.preview-result')!.textContent).to.contain('1 Segmente würden angelegt; 2 bereits kodiert');
    expect(root.querySelector('.preview-result q')!.textContent).to.equal(XSS);
    await expect(el).to.be.accessible();
    root.querySelector<HTMLButtonElement>('button.apply')!.click();
    await waitUntil(() => el.lastRun !== undefined, 'applied');
    await el.updateComplete;
    expect(el.message).to.equal('1 Segmente angelegt.');
    root.querySelector<HTMLButtonElement>('button.undo')!.click();
    await waitUntil(() => el.error !== '', 'conflict');
    expect(el.error).to.contain('inzwischen geändert');
    undoStatus = 200;
    await el.updateComplete;
    root.querySelector<HTMLButtonElement>('button.undo')!.click();
    await waitUntil(() => el.lastRun === undefined, 'undone');
    expect(el.message).to.contain('1 Segmente entfernt');
  });

  it('a lead sees no autocoding controls', async () => {
    fake = api();
    const el = await mount(fake, 'lead');
    await runSearch(el, 'Beratung');
    expect(el.shadowRoot!.querySelector('fieldset.autocode')).to.equal(null);
    expect(el.shadowRoot!.textContent).to.contain('Ihre Rolle darf nicht kodieren.');
  });

  it('shows a broken query as an alert', async () => {
    fake = api().on('GET', `${P}/search`, () => ({ status: 400, body: { error: { code: 'invalid_input', message: 'a bracket is not closed' } } }));
    const el = await mount(fake);
    await runSearch(el, '(Beratung');
    expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain('a bracket is not closed');
  });

  it('word frequencies as a table with SVG bars, keyness, and a CSV download', async () => {
    const words: WordsResult & { type: 'frequencies' } = {
      type: 'frequencies',
      tokens: 100,
      distinct: 40,
      documents: 3,
      words: [
        { stem: 'berat', form: 'Beratung', count: 10, documents: 3 },
        { stem: 'x', form: XSS, count: 5, documents: 1 },
      ],
    };
    fake = api()
      .on('GET', `${P}/words`, (call: Call) =>
        call.query.get('format') === 'csv'
          ? { status: 200, body: null, text: 'form,stem,count,documents\r\n' }
          : call.query.get('a')
            ? { status: 200, body: { type: 'keyness', a: { label: 'A', documents: 1, tokens: 4 }, b: { label: 'B', documents: 1, tokens: 6 }, rows: [{ stem: 'wass', form: 'Wasser', a: 0, b: 3, ll: 3.06, sign: '-', logRatio: -2 }] } }
            : { status: 200, body: words },
      );
    const el = await mount(fake);
    const root = el.shadowRoot!;
    root.querySelector<HTMLButtonElement>('button.tab-words')!.click();
    await el.updateComplete;
    root.querySelector<HTMLButtonElement>('button.load-words')!.click();
    await waitUntil(() => el.words !== undefined, 'words');
    await el.updateComplete;
    const rows = [...root.querySelectorAll('table.words tbody tr')];
    expect(rows.map((r) => r.querySelector('th')!.textContent)).to.deep.equal(['Beratung', XSS]);
    const bars = [...root.querySelectorAll('table.words rect')].map((r) => Number(r.getAttribute('width')));
    expect(bars).to.deep.equal([160, 80]);
    expect(root.querySelector('table.words svg')!.getAttribute('aria-hidden')).to.equal('true');
    await expect(el).to.be.accessible();
    // keyness
    const mode = root.querySelector<HTMLSelectElement>('select.words-mode')!;
    mode.value = 'keyness';
    mode.dispatchEvent(new Event('change'));
    await el.updateComplete;
    root.querySelector<HTMLButtonElement>('button.load-words')!.click();
    await waitUntil(() => el.keyness !== undefined, 'keyness');
    await el.updateComplete;
    expect(fake.last('GET', `${P}/words`)!.query.get('a')).to.equal('kind=observation');
    expect(root.querySelector('table.keyness tbody th')!.textContent).to.equal('Wasser');
    // CSV download goes through the API with format=csv.
    const created: string[] = [];
    const originalCreate = URL.createObjectURL;
    URL.createObjectURL = (b: Blob) => {
      created.push(b.type);
      return 'blob:x';
    };
    try {
      root.querySelector<HTMLButtonElement>('button.csv')!.click();
      await waitUntil(() => created.length > 0, 'download');
    } finally {
      URL.createObjectURL = originalCreate;
    }
    expect(fake.last('GET', `${P}/words`)!.query.get('format')).to.equal('csv');
  });
});
