import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { AuditEntry } from '../../server/schemas/audit.js';
import type { PublicUser } from '../../server/schemas/user.js';
import '../../web/components/sb-audit-view.js';
import type { SbAuditView } from '../../web/components/sb-audit-view.js';
import { setLanguage } from '../../web/i18n/index.js';
import { FakeApi } from './fake-api.js';

const T = '2026-11-21T10:00:00.000Z';
const admin: PublicUser = { id: 'u1', login: 'admin', displayName: 'Administration', role: 'admin', created: T, version: 1 };
const rita: PublicUser = { ...admin, id: 'u2', login: 'rita', displayName: 'Rita <b>R</b>', role: 'researcher' };
const hostile = '<img src=x onerror="window.__pwned=1">';

const projectEntries: AuditEntry[] = [
  { at: T, projectId: 'p1', userId: 'u2', kind: 'segment', id: 's1', action: 'deleted', version: 2, change: 'c2', step: 'undo', target: 'c1' },
  { at: T, projectId: 'p1', userId: 'u2', kind: 'code', id: 'k1', action: 'created', version: 1, name: hostile, change: 'c0', step: 'action' },
];
const serverEntries: AuditEntry[] = [
  { at: T, projectId: '_server', userId: null, kind: 'session', id: '', action: 'sign-in-failed', name: 'mallory', detail: 'wrong-credentials' },
  { at: T, projectId: '_server', userId: 'u1', kind: 'user', id: 'u2', action: 'changed', name: 'rita', role: 'lead', fields: ['role'] },
];

let fake: FakeApi;

async function view(user: PublicUser = admin): Promise<SbAuditView> {
  const el = await fixture<SbAuditView>(html`<sb-audit-view .projectId=${'p1'} .user=${user}></sb-audit-view>`);
  return el;
}
const rows = (el: SbAuditView) => [...el.shadowRoot!.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent!.replace(/\s+/g, ' ').trim()));

describe('sb-audit-view', () => {
  beforeEach(() => {
    setLanguage('de');
    fake = new FakeApi()
      .on('GET', '/api/users', { users: [admin, rita] })
      .on('GET', '/api/projects/p1/audit', (c: { query: URLSearchParams }) => ({ status: 200, body: { entries: c.query.get('offset') === '50' ? [] : projectEntries, more: c.query.get('offset') !== '50' } }))
      .on('GET', '/api/audit', { entries: serverEntries, more: false });
    fake.install();
  });
  afterEach(() => fake.restore());

  it('lists the project trail newest first with names, renders user text as text, and is accessible', async () => {
    const el = await view();
    await waitUntil(() => rows(el).length === 2 && el.shadowRoot!.textContent!.includes('Rita'), 'the entries did not load');
    const call = fake.last('GET', '/api/projects/p1/audit')!;
    expect(call.query.get('order')).to.equal('desc');
    expect(call.query.get('limit')).to.equal('50');
    expect(call.query.get('offset')).to.equal('0');
    const [first, second] = rows(el);
    expect(first!.slice(1)).to.deep.equal(['Rita <b>R</b>', 'gelöscht (rückgängig gemacht)', 'Kodierung', 's1']);
    expect(second![4]).to.equal(`${hostile} k1`);
    expect(el.shadowRoot!.querySelector('img')).to.equal(null);
    expect(el.shadowRoot!.querySelector('b')).to.equal(null);
    expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
    expect(el.shadowRoot!.querySelector('caption')!.textContent).to.contain('Seite 1');
    await expect(el).to.be.accessible();
  });

  it('filters by kind, user and date, pages, and offers CSV and JSON downloads of the filtered trail', async () => {
    const el = await view();
    await waitUntil(() => rows(el).length === 2, 'the entries did not load');
    const root = el.shadowRoot!;
    root.querySelector<HTMLSelectElement>('select[name="kind"]')!.value = 'segment';
    await waitUntil(() => root.querySelectorAll('select[name="userId"] option').length === 3, 'no users');
    root.querySelector<HTMLSelectElement>('select[name="userId"]')!.value = 'u2';
    root.querySelector<HTMLInputElement>('input[name="since"]')!.value = '2026-11-01';
    root.querySelector<HTMLButtonElement>('form.filters button[type="submit"]')!.click();
    await waitUntil(() => fake.count('GET', '/api/projects/p1/audit') === 2, 'no reload');
    const q = fake.last('GET', '/api/projects/p1/audit')!.query;
    expect([q.get('kind'), q.get('userId'), q.get('since')]).to.deep.equal(['segment', 'u2', '2026-11-01']);
    await el.updateComplete;
    const csv = root.querySelector<HTMLAnchorElement>('a.csv')!;
    expect(csv.hasAttribute('download')).to.equal(true);
    const url = new URL(csv.href);
    expect(url.pathname).to.equal('/api/projects/p1/audit');
    expect([url.searchParams.get('format'), url.searchParams.get('kind'), url.searchParams.get('userId')]).to.deep.equal(['csv', 'segment', 'u2']);
    expect(new URL(root.querySelector<HTMLAnchorElement>('a.json')!.href).searchParams.get('format')).to.equal('json');
    // Paging: "older" asks for the next 50; "newer" is disabled on the first page.
    expect(root.querySelector<HTMLButtonElement>('button.prev')!.disabled).to.equal(true);
    root.querySelector<HTMLButtonElement>('button.next')!.click();
    await waitUntil(() => fake.last('GET', '/api/projects/p1/audit')!.query.get('offset') === '50', 'no next page');
    await waitUntil(() => root.textContent!.includes('Keine Einträge.'), 'the empty page is not shown');
    expect(root.querySelector<HTMLButtonElement>('button.next')!.disabled).to.equal(true);
  });

  it('has a server-wide tab for sign-ins and user management, in English too', async () => {
    setLanguage('en');
    const el = await view();
    await waitUntil(() => rows(el).length === 2, 'the entries did not load');
    el.shadowRoot!.querySelector<HTMLButtonElement>('button.tab-server')!.click();
    await waitUntil(() => fake.count('GET', '/api/audit') === 1 && rows(el)[0]?.[2]?.startsWith('sign-in failed'), 'the server trail did not load');
    const [failed, changed] = rows(el);
    expect(failed!.slice(1)).to.deep.equal(['System', 'sign-in failed (wrong-credentials)', 'Sign-in', 'mallory']);
    expect(changed!.slice(1)).to.deep.equal(['Administration', 'changed (role · lead)', 'User', 'rita u2']);
    expect(el.shadowRoot!.querySelector('button.tab-server')!.getAttribute('aria-pressed')).to.equal('true');
    expect(new URL(el.shadowRoot!.querySelector<HTMLAnchorElement>('a.csv')!.href).pathname).to.equal('/api/audit');
    await expect(el).to.be.accessible();
    setLanguage('de');
  });

  it('shows nothing but a note to non-admins and loads nothing', async () => {
    const el = await view(rita);
    expect(el.shadowRoot!.textContent).to.contain('Das Protokoll sehen nur Admins.');
    expect(fake.calls).to.have.length(0);
  });
});
