import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { AgreementResult, Disagreement } from '../../server/schemas/agreement.js';
import type { PublicUser } from '../../server/schemas/user.js';
import '../../web/components/sb-agreement-view.js';
import type { SbAgreementView } from '../../web/components/sb-agreement-view.js';

interface Call {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

const XSS = '<img src=x onerror="window.__pwned=1">';
const T = '2024-01-01T00:00:00.000Z';
const researcher: PublicUser = { id: 'u-mara', login: 'mara', displayName: 'Mara', role: 'researcher', created: T, version: 1 };
const lead: PublicUser = { ...researcher, id: 'u-lena', login: 'lena', displayName: 'Lena', role: 'lead' };
const coders = [
  { id: 'u-jonas', login: 'jonas', displayName: 'Jonas' },
  { id: 'u-mara', login: 'mara', displayName: 'Mara' },
];
const m = (units: number, agreements: number | null, p: number | null, k: number | null) => ({
  units,
  agreements,
  percentAgreement: p,
  cohenKappa: k,
  fleissKappa: null,
  brennanPredigerKappa: k,
  krippendorffAlpha: k,
});
const result = (level: AgreementResult['level']): AgreementResult => ({
  level,
  coders,
  threshold: level === 'segment' ? 0.9 : null,
  overall: m(10, 8, 0.8, 0.6),
  codes: [
    { id: 'c1', name: XSS, path: `Wurzel › ${XSS}`, ...m(5, 4, 0.8, 0.5) },
    { id: 'c2', name: 'Getränke anbieten', path: 'Getränke anbieten', ...m(5, 4, 0.8, null) },
  ],
});
const disagreements: Disagreement[] = [
  {
    id: 's1|s2',
    documentId: 'd1',
    documentTitle: 'Beobachtung 01',
    start: 10,
    end: 40,
    codeId: 'c1',
    kind: 'different-code',
    a: { coder: 'u-jonas', segment: { id: 's1', codeId: 'c1', start: 10, end: 40, memo: XSS, text: XSS, version: 1 } },
    b: { coder: 'u-mara', segment: { id: 's2', codeId: 'c2', start: 12, end: 40, memo: '', text: 'Kaffee?', version: 1 } },
  },
  {
    id: '|s3',
    documentId: 'd2',
    documentTitle: 'Interview 01',
    start: 5,
    end: 9,
    codeId: 'c2',
    kind: 'unmatched',
    a: { coder: 'u-jonas', segment: null },
    b: { coder: 'u-mara', segment: { id: 's3', codeId: 'c2', start: 5, end: 9, memo: '', text: 'Tee', version: 1 } },
  },
];

let calls: Call[] = [];
let original: typeof window.fetch;
let failConsensus = false;

beforeEach(() => {
  calls = [];
  failConsensus = false;
  original = window.fetch;
  window.fetch = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input), location.origin);
    const method = (init.method ?? 'GET').toUpperCase();
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    calls.push({ method, path: url.pathname, query: url.searchParams, body });
    const json = (status: number, value: unknown) => new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } });
    if (url.pathname === '/api/projects/p1/sets') return json(200, { sets: [{ id: 's-obs', name: 'Beobachtungen', definition: { type: 'members', documentIds: ['d1'] }, created: T, version: 1 }] });
    if (url.pathname === '/api/projects/p1/agreement') return json(200, result((url.searchParams.get('level') ?? 'document') as AgreementResult['level']));
    if (url.pathname === '/api/projects/p1/agreement/disagreements') return json(200, { coders, threshold: 0.9, disagreements });
    if (url.pathname === '/api/projects/p1/agreement/consensus') {
      return failConsensus ? json(409, { error: { code: 'conflict', message: 'geändert' } }) : json(201, { created: [], coder: 'u-konsens' });
    }
    return json(404, { error: { code: 'not_found', message: 'no route' } });
  };
});

afterEach(() => {
  window.fetch = original;
});

async function view(user: PublicUser = researcher): Promise<SbAgreementView> {
  const el = await fixture<SbAgreementView>(html`<sb-agreement-view projectId="p1" .user=${user}></sb-agreement-view>`);
  await waitUntil(() => el.shadowRoot!.querySelector('table') !== null, 'the table appears');
  return el;
}

describe('sb-agreement-view', () => {
  it('loads the table and the disagreements itself, renders hostile text as text, and is accessible', async () => {
    const el = await view();
    const root = el.shadowRoot!;
    expect(calls.some((c) => c.path === '/api/projects/p1/agreement' && c.query.get('level') === 'document')).to.equal(true);
    expect(calls.some((c) => c.path === '/api/projects/p1/agreement/disagreements')).to.equal(true);
    const rows = [...root.querySelectorAll('tbody tr')];
    expect(rows).to.have.length(2);
    expect(rows[0]!.querySelector('th')!.textContent).to.equal(XSS);
    expect(root.querySelector('img')).to.equal(null);
    expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
    expect(root.querySelector('tfoot')!.textContent).to.contain('80.0 %');
    // null shows as "not applicable".
    expect(rows[1]!.querySelector('[aria-label]')).to.not.equal(null);
    await expect(el).to.be.accessible();
  });

  it('sends level, threshold, set and coders; offers CSV and Markdown downloads', async () => {
    const el = await view();
    const root = el.shadowRoot!;
    const level = root.querySelector<HTMLSelectElement>('select[name=level]')!;
    level.value = 'segment';
    level.dispatchEvent(new Event('change'));
    await el.updateComplete;
    const threshold = root.querySelector<HTMLInputElement>('input[name=threshold]')!;
    expect(threshold.disabled).to.equal(false);
    threshold.value = '75';
    threshold.dispatchEvent(new Event('change'));
    const set = root.querySelector<HTMLSelectElement>('select[name=set]')!;
    set.value = 's-obs';
    set.dispatchEvent(new Event('change'));
    const boxes = [...root.querySelectorAll<HTMLInputElement>('input[name=coder]')];
    expect(boxes.map((b) => b.checked)).to.deep.equal([true, true]);
    calls = [];
    root.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
    await waitUntil(() => calls.some((c) => c.path === '/api/projects/p1/agreement'));
    const call = calls.find((c) => c.path === '/api/projects/p1/agreement')!;
    expect(call.query.get('level')).to.equal('segment');
    expect(call.query.get('threshold')).to.equal('0.75');
    expect(call.query.get('set')).to.equal('s-obs');
    expect(call.query.get('coders')).to.equal('u-jonas,u-mara');
    await el.updateComplete;
    const links = [...root.querySelectorAll<HTMLAnchorElement>('.downloads a')];
    expect(links.map((a) => new URL(a.href).searchParams.get('format'))).to.deep.equal(['csv', 'md']);
    expect(new URL(links[0]!.href).searchParams.get('level')).to.equal('segment');
  });

  it('shows disagreements side by side with a jump link, filters by code, and takes consensus decisions', async () => {
    const el = await view();
    const root = el.shadowRoot!;
    const items = () => [...root.querySelectorAll('li.dis')];
    expect(items()).to.have.length(2);
    const first = items()[0]!;
    expect(first.querySelector('a')!.getAttribute('href')).to.equal('/projects/p1/coding/d1?start=10&end=40');
    expect(first.querySelectorAll('.side')[0]!.textContent).to.contain(XSS);
    expect(first.querySelector('img')).to.equal(null);
    // The second has no side A: "take A" and "both" are disabled.
    const second = items()[1]!;
    expect(second.querySelector<HTMLButtonElement>('[data-take=a]')!.disabled).to.equal(true);
    expect(second.querySelector<HTMLButtonElement>('[data-take=both]')!.disabled).to.equal(true);
    first.querySelector<HTMLButtonElement>('[data-take=b]')!.click();
    await waitUntil(() => root.querySelector('li.dis [role=status]') !== null);
    const post = calls.find((c) => c.method === 'POST')!;
    expect(post.path).to.equal('/api/projects/p1/agreement/consensus');
    expect(post.body).to.deep.equal({ take: 'b', a: 's1', b: 's2' });
    expect(items()[0]!.querySelector('[role=status]')!.textContent).to.contain('Mara');
    // A failed decision shows an alert and leaves the buttons.
    failConsensus = true;
    items()[1]!.querySelector<HTMLButtonElement>('[data-take=neither]')!.click();
    await waitUntil(() => root.querySelector('[role=alert]') !== null);
    expect(root.querySelector('[role=alert]')!.textContent).to.contain('geändert');
    // Filter by code c1: only the first remains.
    const filter = root.querySelector<HTMLSelectElement>('select[name=code-filter]')!;
    filter.value = 'c1';
    filter.dispatchEvent(new Event('change'));
    await el.updateComplete;
    expect(items()).to.have.length(1);
    await expect(el).to.be.accessible();
  });

  it('with one coder chosen it asks for no disagreement list', async () => {
    const el = await view();
    const root = el.shadowRoot!;
    const box = root.querySelectorAll<HTMLInputElement>('input[name=coder]')[1]!;
    box.checked = false;
    box.dispatchEvent(new Event('change'));
    calls = [];
    root.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
    await waitUntil(() => calls.some((c) => c.path === '/api/projects/p1/agreement'));
    await waitUntil(() => !el.loading);
    expect(calls.find((c) => c.path === '/api/projects/p1/agreement')!.query.get('coders')).to.equal('u-jonas');
    expect(calls.some((c) => c.path.endsWith('/disagreements'))).to.equal(false);
    expect(root.querySelector('[role=alert]')).to.equal(null);
  });

  it('a lead sees the list without consensus buttons', async () => {
    const el = await view(lead);
    expect(el.shadowRoot!.querySelectorAll('li.dis')).to.have.length(2);
    expect(el.shadowRoot!.querySelector('[data-take]')).to.equal(null);
  });

  it('shows the error with a retry when the table cannot be loaded', async () => {
    window.fetch = async () => new Response(JSON.stringify({ error: { code: 'forbidden', message: 'nicht erlaubt' } }), { status: 403, headers: { 'content-type': 'application/json' } });
    const el = await fixture<SbAgreementView>(html`<sb-agreement-view projectId="p1" .user=${researcher}></sb-agreement-view>`);
    await waitUntil(() => el.shadowRoot!.querySelector('[role=alert]') !== null);
    expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.contain('nicht erlaubt');
    expect(el.shadowRoot!.querySelector('[role=alert] button')).to.not.equal(null);
  });
});
