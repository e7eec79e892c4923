import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import type { PseudonymisationResult, PseudonymKey, PseudonymSuggestion } from '../../server/schemas/pseudonym.js';
import type { PublicUser } from '../../server/schemas/user.js';
import '../../web/components/sb-pseudonym-view.js';
import '../../web/components/sb-upload.js';
import type { SbUpload, UploadFn } from '../../web/components/sb-upload.js';
import type { PseudonymsAppliedEvent, SbPseudonymView } from '../../web/components/sb-pseudonym-view.js';
import { setLanguage } from '../../web/i18n/index.js';
import { parseRoute, routeToUrl } from '../../web/route.js';
import { FakeApi, type Call } from './fake-api.js';

const T = '2026-11-21T10:00:00.000Z';
const admin: PublicUser = { id: 'u1', login: 'admin', displayName: 'Administration', role: 'admin', created: T, version: 1 };
const rita: PublicUser = { ...admin, id: 'u2', login: 'rita', displayName: 'Rita', role: 'researcher' };
const hostile = '<img src=x onerror="window.__pwned=1">';
const P = '/api/projects/p1/pseudonyms';

// Fictitious names only.
let key: PseudonymKey;
const suggestions: PseudonymSuggestion[] = [
  { text: 'Kowalczyk', category: 'person', reason: 'title', count: 3, documents: 2, contexts: ['…Frau Kowalczyk kam…'], inKey: true },
  { text: 'Quellbrück', category: 'place', reason: 'preposition', count: 1, documents: 1, contexts: [`…aus Quellbrück ${hostile}…`], inKey: false },
];
const preview: PseudonymisationResult = {
  keyVersion: 1,
  total: 4,
  documents: [{ documentId: 'd1', title: `Interview ${hostile}`, replacements: 4, segments: 2, memos: 1, byEntry: [{ real: 'Kowalczyk', pseudonym: 'Lindner', count: 4 }], samples: [] }],
};

let fake: FakeApi;

function putKey(call: Call) {
  const body = call.body as { entries: PseudonymKey['entries']; version: number };
  if (body.version !== key.version) return { status: 409, body: { error: { code: 'conflict', message: 'changed', current: key } } };
  key = { ...key, entries: body.entries, version: key.version + 1, modified: T };
  return { status: 200, body: key };
}

async function view(user: PublicUser = admin): Promise<SbPseudonymView> {
  const el = await fixture<SbPseudonymView>(html`<sb-pseudonym-view .projectId=${'p1'} .user=${user}></sb-pseudonym-view>`);
  return el;
}
const keyRows = (el: SbPseudonymView) =>
  [...el.shadowRoot!.querySelectorAll('section[aria-labelledby="key-heading"] tbody tr')].map((tr) => [...tr.querySelectorAll('input')].map((i) => i.value));

describe('sb-pseudonym-view', () => {
  beforeEach(() => {
    setLanguage('de');
    key = { projectId: 'p1', entries: [{ real: 'Kowalczyk', pseudonym: 'Lindner', category: 'person' }], modified: T, version: 1 };
    fake = new FakeApi()
      .on('GET', `${P}/key`, () => ({ status: 200, body: key }))
      .on('PUT', `${P}/key`, putKey)
      .on('GET', `${P}/suggestions`, { suggestions })
      .on('POST', `${P}/preview`, preview)
      .on('POST', `${P}/apply`, { ...preview, documents: preview.documents.map((d) => ({ ...d, version: 2 })) });
    fake.install();
  });
  afterEach(() => fake.restore());

  it('keeps unsaved key edits when the user object is replaced with the same role (password change)', async () => {
    const el = await view();
    await waitUntil(() => keyRows(el).length === 1, 'the key did not load');
    const form = el.shadowRoot!.querySelector<HTMLFormElement>('form.add')!;
    const real = form.querySelector<HTMLInputElement>('input[name="real"]')!;
    const pseudo = form.querySelector<HTMLInputElement>('input[name="pseudonym"]')!;
    real.value = 'Abendroth';
    real.dispatchEvent(new Event('input'));
    pseudo.value = 'Seidel';
    pseudo.dispatchEvent(new Event('input'));
    form.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await el.updateComplete;
    expect(keyRows(el)).to.have.length(2);
    const loads = fake.count('GET', `${P}/key`);
    el.user = { ...admin, version: 2 };
    await el.updateComplete;
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.count('GET', `${P}/key`)).to.equal(loads);
    expect(keyRows(el)).to.deep.equal([['Kowalczyk', 'Lindner'], ['Abendroth', 'Seidel']]);
  });

  it('lists the key, adds an entry, removes one and saves with the version; is accessible', async () => {
    const el = await view();
    await waitUntil(() => keyRows(el).length === 1, 'the key did not load');
    const root = el.shadowRoot!;
    expect(keyRows(el)).to.deep.equal([['Kowalczyk', 'Lindner']]);
    expect(root.querySelector('caption')!.textContent).to.contain('Version 1');
    expect(root.querySelector<HTMLAnchorElement>('a[download]')!.getAttribute('href')).to.equal(`${P}/key/export`);
    await expect(el).to.be.accessible();

    const form = root.querySelector<HTMLFormElement>('form.add')!;
    const real = form.querySelector<HTMLInputElement>('input[name="real"]')!;
    const pseudo = form.querySelector<HTMLInputElement>('input[name="pseudonym"]')!;
    real.value = 'Abendroth';
    real.dispatchEvent(new Event('input'));
    pseudo.value = 'Seidel';
    pseudo.dispatchEvent(new Event('input'));
    form.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await el.updateComplete;
    expect(keyRows(el)).to.deep.equal([['Kowalczyk', 'Lindner'], ['Abendroth', 'Seidel']]);
    // A duplicate is refused with a message.
    real.value = 'Abendroth';
    real.dispatchEvent(new Event('input'));
    pseudo.value = 'X';
    pseudo.dispatchEvent(new Event('input'));
    form.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await el.updateComplete;
    expect(root.querySelector('[role="alert"]')!.textContent).to.contain('steht schon im Schlüssel');
    root.querySelector<HTMLButtonElement>('button[aria-label="„Kowalczyk“ entfernen"]')!.click();
    await el.updateComplete;
    expect(keyRows(el)).to.deep.equal([['Abendroth', 'Seidel']]);
    // Apply is blocked while the key has unsaved changes.
    expect(root.querySelector<HTMLButtonElement>('button.preview')!.disabled).to.equal(true);
    root.querySelector<HTMLButtonElement>('button.save')!.click();
    await waitUntil(() => fake.count('PUT', `${P}/key`) === 1 && root.textContent!.includes('Schlüssel gespeichert (Version 2)'), 'not saved');
    expect(fake.last('PUT', `${P}/key`)!.body).to.deep.equal({ entries: [{ real: 'Abendroth', pseudonym: 'Seidel', category: 'person' }], version: 1 });
  });

  it('reloads and explains on a 409', async () => {
    const el = await view();
    await waitUntil(() => keyRows(el).length === 1, 'the key did not load');
    // Someone else saves meanwhile.
    key = { ...key, entries: [...key.entries, { real: 'Brandt', pseudonym: 'Vogel', category: 'person' }], version: 2 };
    el.shadowRoot!.querySelector<HTMLButtonElement>('button[aria-label="„Kowalczyk“ entfernen"]')!.click();
    await el.updateComplete;
    el.shadowRoot!.querySelector<HTMLButtonElement>('button.save')!.click();
    await waitUntil(() => el.shadowRoot!.querySelector('[role="alert"]')?.textContent?.includes('Jemand anderes'), 'no conflict message');
    expect(keyRows(el)).to.deep.equal([['Kowalczyk', 'Lindner'], ['Brandt', 'Vogel']]);
  });

  it('shows suggestions as text, marks those in the key, adopts one with a placeholder pseudonym', async () => {
    const el = await view();
    await waitUntil(() => keyRows(el).length === 1, 'the key did not load');
    const root = el.shadowRoot!;
    root.querySelector<HTMLButtonElement>('button.suggest')!.click();
    await waitUntil(() => root.querySelectorAll('table.suggestions tbody tr').length === 2, 'no suggestions');
    const cells = [...root.querySelectorAll('table.suggestions tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent!.replace(/\s+/g, ' ').trim()));
    expect(cells[0]!.slice(0, 4)).to.deep.equal(['Kowalczyk', 'Person', 'nach Frau/Herr/Familie', '3 (2 Dok.)']);
    expect(cells[0]![5]).to.equal('im Schlüssel');
    expect(cells[1]![4]).to.contain(hostile);
    expect(root.querySelector('img')).to.equal(null);
    expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
    await expect(el).to.be.accessible();
    root.querySelector<HTMLButtonElement>('button[aria-label="„Quellbrück“ in den Schlüssel übernehmen"]')!.click();
    await el.updateComplete;
    expect(keyRows(el)).to.deep.equal([['Kowalczyk', 'Lindner'], ['Quellbrück', 'Ort 1']]);
    expect(root.querySelectorAll('table.suggestions .in-key')).to.have.length(2);
  });

  it('previews per document and applies, firing sb-pseudonyms-applied; in English too', async () => {
    setLanguage('en');
    const el = await view();
    await waitUntil(() => keyRows(el).length === 1, 'the key did not load');
    const root = el.shadowRoot!;
    root.querySelector<HTMLButtonElement>('button.preview')!.click();
    await waitUntil(() => root.querySelectorAll('table.preview tbody tr').length === 1, 'no preview');
    const row = [...root.querySelectorAll('table.preview tbody td')].map((td) => td.textContent!.trim());
    expect(row).to.deep.equal([`Interview ${hostile}`, '4', '2', '1', 'Kowalczyk → Lindner (4)']);
    expect(root.textContent).to.contain('4 replacements in 1 documents.');
    expect(root.querySelector('img')).to.equal(null);
    await expect(el).to.be.accessible();
    const applied = oneEvent(el, 'sb-pseudonyms-applied') as Promise<PseudonymsAppliedEvent>;
    root.querySelector<HTMLButtonElement>('button.apply')!.click();
    const event = await applied;
    expect(event.result.total).to.equal(4);
    expect(fake.count('POST', `${P}/apply`)).to.equal(1);
    await el.updateComplete;
    expect(root.querySelector('[role="status"]')!.textContent).to.contain('4 names replaced in 1 documents.');
    setLanguage('de');
  });

  it('shows nothing but a note to non-admins and loads nothing', async () => {
    const el = await view(rita);
    expect(el.shadowRoot!.textContent).to.contain('nur Admins');
    expect(fake.calls).to.have.length(0);
  });
});

describe('sb-upload: the pseudonymise option', () => {
  it('passes pseudonymise=true to the upload when the box is ticked, and is accessible', async () => {
    setLanguage('de');
    const calls: { options: { pseudonymise?: boolean } | undefined }[] = [];
    const upload: UploadFn = (_files, _progress, _kind, options) => {
      calls.push({ options });
      return Promise.resolve({ imported: [], failed: [] });
    };
    const el = await fixture<SbUpload>(html`<sb-upload .upload=${upload}></sb-upload>`);
    const box = el.shadowRoot!.querySelector<HTMLInputElement>('input[name="pseudonymise"]')!;
    expect(box.closest('label')!.textContent).to.contain('pseudonymisieren');
    await expect(el).to.be.accessible();
    box.click();
    await el.updateComplete;
    const dt = new DataTransfer();
    dt.items.add(new File(['Frau Kowalczyk'], 'a.txt', { type: 'text/plain' }));
    el.shadowRoot!.querySelector<HTMLElement>('.zone')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    await waitUntil(() => calls.length === 1, 'no upload');
    expect(calls[0]!.options).to.deep.equal({ pseudonymise: true });
  });
});

describe('the pseudonymisation route', () => {
  it('parses and builds /projects/:id/pseudonyms', () => {
    expect(parseRoute('/projects/p1/pseudonyms', '')).to.deep.equal({ name: 'pseudonyms', projectId: 'p1' });
    expect(routeToUrl({ name: 'pseudonyms', projectId: 'p 1' })).to.equal('/projects/p%201/pseudonyms');
  });
});
