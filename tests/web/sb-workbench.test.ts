import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import type { Code } from '../../server/schemas/code.js';
import type { ComparisonResult } from '../../server/schemas/comparison.js';
import type { CrosswalkEntry } from '../../server/schemas/crosswalk.js';
import type { Project } from '../../server/schemas/project.js';
import type { PublicUser } from '../../server/schemas/user.js';
import type { DocumentListEntry, DocumentSetWithMembers } from '../../web/components/sb-corpus-model.js';
import '../../web/components/sb-workbench.js';
import type { NavigateEvent, SbWorkbench } from '../../web/components/sb-workbench.js';
import type { Route } from '../../web/route.js';
import { FakeApi, type Call } from './fake-api.js';


// ---- fixtures ----

const T = '2024-01-01T00:00:00.000Z';
const admin: PublicUser = { id: 'u1', login: 'admin', displayName: 'Administration', role: 'admin', created: T, version: 1 };
const lead: PublicUser = { ...admin, id: 'u2', login: 'lead', displayName: 'Leitung', role: 'lead' };
const project: Project = { id: 'p1', name: 'Demo: Relevanzmarkierungen', description: '', language: 'de', created: T, crosswalk: [], version: 1 };
const documents: DocumentListEntry[] = [
  { id: 'd1', title: 'Beobachtung 01', kind: 'observation', attributes: { region: { type: 'text', value: 'Region 1' } }, segmentCount: 3, length: 500, created: T, version: 1 },
  { id: 'd2', title: 'Interview 01', kind: 'interview', attributes: { region: { type: 'text', value: 'Region 1' } }, segmentCount: 2, length: 400, created: T, version: 1 },
  { id: 'd3', title: 'Beobachtung 02 (unkodiert)', kind: 'observation', attributes: {}, segmentCount: 0, length: 300, created: T, version: 1 },
];
const sets: DocumentSetWithMembers[] = [
  // d3 has no segments: the set still stands for side A as far as segments go.
  { id: 's-obs', name: 'Beobachtungsprotokolle', definition: { type: 'filter', filter: { kinds: ['observation'], attributes: [] } }, created: T, version: 1, documentIds: ['d1', 'd3'] },
];
const codeBase = { colour: '#336699', isCodable: true, definition: { description: '', inclusion: '', exclusion: '', anchors: [], rules: '' }, created: T, modified: T, version: 1 };
const codes: Code[] = [
  { ...codeBase, id: 'drinks', parentId: null, name: 'Getränke anbieten', order: 0 },
  { ...codeBase, id: 'sum', parentId: null, name: 'Thematisch zusammenfassen', order: 1 },
  { ...codeBase, id: 'info', parentId: null, name: 'Informationen zusammenfassen', order: 2 },
];
const crosswalk: CrosswalkEntry[] = [{ id: 'x1', label: 'Thematische Zusammenfassung', a: ['sum'], b: ['info'], note: '' }];

const counts = (segments: number, documents: number, share: number) => ({ segments, documents, documentShare: share, textShare: 0.01 });
const stats = { logLikelihood: 3.2, logLikelihoodForm: 'Rayson & Garside 2000, two-cell' as const, logLikelihoodP: 0.07, fisherP: 0.4, logRatio: 1.5 };
const paired = { cases: 0, both: 0, onlyA: 0, onlyB: 0, neither: 0, onlyACases: [], onlyBCases: [] };
const sideSummary = (label: string, definition: string) => ({ label, definition, documents: 2, baseDocuments: 1, segments: 3, textLength: 500, coders: [] });
const comparison: ComparisonResult = {
  a: sideSummary('Beratung (Beobachtungsprotokolle)', 'kind=observation'),
  b: sideSummary('Dokumentation (Interviews und Dokumentationen)', 'kind=interview,documentation'),
  thresholds: { minDocuments: 3, presentDocuments: 1, minCellDocuments: 3, base: 'coded', evidence: 2, pairBy: 'case', by: null },
  rows: [
    {
      id: 'crosswalk:x1',
      kind: 'crosswalk',
      label: 'Thematische Zusammenfassung',
      section: 'both',
      codes: [
        { id: 'sum', name: 'Thematisch zusammenfassen', path: ['Thematisch zusammenfassen'], side: 'a' },
        { id: 'info', name: 'Informationen zusammenfassen', path: ['Informationen zusammenfassen'], side: 'b' },
      ],
      a: counts(2, 1, 1),
      b: counts(2, 1, 1),
      stats,
      paired,
      evidence: [],
    },
    {
      id: 'code:drinks',
      kind: 'code',
      label: 'Getränke anbieten',
      section: 'only-a',
      codes: [{ id: 'drinks', name: 'Getränke anbieten', path: ['Getränke anbieten'] }],
      a: counts(1, 1, 1),
      b: counts(0, 0, 0),
      stats,
      paired,
      evidence: [],
    },
  ],
};

function api(): FakeApi {
  return new FakeApi()
    .on('GET', '/api/projects/p1', project)
    .on('GET', '/api/projects/p1/documents', { documents })
    .on('GET', '/api/projects/p1/sets', { sets })
    .on('GET', '/api/projects/p1/codes', { codes })
    .on('GET', '/api/projects/p1/segments/counts', { byCode: { drinks: 1, sum: 2, info: 2 } })
    .on('GET', '/api/users', { users: [admin] })
    .on('GET', '/api/projects/p1/memos', { memos: [] })
    .on('GET', '/api/projects/p1/segments', { total: 0, segments: [] })
    .on('GET', '/api/projects/p1/comparison', comparison)
    .on('GET', '/api/projects/p1/crosswalk', { rows: crosswalk });
}

const comparisonRoute = (patch: Partial<Extract<Route, { name: 'comparison' }>> = {}): Route => ({
  name: 'comparison',
  projectId: 'p1',
  a: null,
  b: null,
  by: null,
  minDocuments: null,
  sections: ['both', 'only-a', 'only-b', 'rare'],
  ...patch,
});

let fake: FakeApi;

async function workbench(route: Route, user: PublicUser = admin): Promise<SbWorkbench> {
  const el = await fixture<SbWorkbench>(html`<sb-workbench .route=${route} .user=${user}></sb-workbench>`);
  await waitUntil(() => el.shadowRoot!.querySelector('h2'), 'the project did not load');
  return el;
}
const view = (el: SbWorkbench) => el.shadowRoot!.querySelector('sb-comparison-view')!;
const editor = (el: SbWorkbench) => el.shadowRoot!.querySelector('sb-crosswalk-editor')!;
async function comparisonShown(el: SbWorkbench): Promise<void> {
  await waitUntil(() => view(el)?.result && editor(el)?.crosswalk.length, 'the comparison did not load');
  await view(el).updateComplete;
}

describe('sb-workbench', () => {
  beforeEach(() => {
    fake = api();
    fake.install();
  });
  afterEach(() => fake.restore());

  it('has a Vergleich tab that loads the comparison and the crosswalk through the API', async () => {
    const el = await workbench(comparisonRoute());
    await comparisonShown(el);
    const tab = [...el.shadowRoot!.querySelectorAll('nav a')].find((a) => a.textContent === 'Vergleich')!;
    expect(tab.getAttribute('aria-current')).to.equal('page');
    expect(tab.getAttribute('href')).to.equal('/projects/p1/comparison');
    const get = fake.calls.find((c) => c.path === '/api/projects/p1/comparison')!;
    // The default sides are left to the server, which labels them.
    expect(get.query.has('a')).to.equal(false);
    expect(get.query.has('b')).to.equal(false);
    expect(get.query.get('minDocuments')).to.equal('3');
    expect(get.query.has('by')).to.equal(false);
    const v = view(el);
    expect(v.result).to.deep.equal(comparison);
    expect(v.attributeNames).to.deep.equal(['region']);
    expect(v.setNames).to.deep.equal(['Beobachtungsprotokolle']);
    const csv = new URL(v.reportUrls!.csv);
    expect(csv.pathname).to.equal('/api/projects/p1/comparison');
    expect(csv.searchParams.get('format')).to.equal('csv');
    expect(csv.searchParams.get('minDocuments')).to.equal('3');
    expect(new URL(v.reportUrls!.html).searchParams.get('format')).to.equal('html');
    expect(editor(el).editable).to.equal(true);
    expect(editor(el).crosswalk).to.deep.equal(crosswalk);
    await expect(el).to.be.accessible();
  });

  it('navigates on a new query, and computes again only when the sides, breakdown or threshold change', async () => {
    const el = await workbench(comparisonRoute());
    await comparisonShown(el);
    let fired = oneEvent(el, 'sb-navigate');
    const a = view(el).shadowRoot!.querySelector<HTMLInputElement>('#side-a')!;
    a.value = 'set=Beobachtungsprotokolle';
    a.dispatchEvent(new Event('input'));
    view(el).shadowRoot!.querySelector<HTMLButtonElement>('button.run')!.click();
    const next = ((await fired) as unknown as NavigateEvent).route;
    expect(next).to.deep.equal(comparisonRoute({ a: 'set=Beobachtungsprotokolle' }));
    el.route = next as typeof el.route;
    await waitUntil(() => fake.count('GET', '/api/projects/p1/comparison') === 2);
    expect(fake.calls.filter((c) => c.path === '/api/projects/p1/comparison')[1]!.query.get('a')).to.equal('set=Beobachtungsprotokolle');

    // Hiding a section changes the URL only.
    fired = oneEvent(el, 'sb-navigate');
    await view(el).updateComplete;
    const box = view(el).shadowRoot!.querySelector<HTMLInputElement>('input[name="section"][value="rare"]')!;
    box.checked = false;
    box.dispatchEvent(new Event('change'));
    const hidden = ((await fired) as unknown as NavigateEvent).route;
    expect(hidden).to.deep.include({ sections: ['both', 'only-a', 'only-b'] });
    el.route = hidden as typeof el.route;
    await el.updateComplete;
    await new Promise((r) => setTimeout(r, 20));
    expect(fake.count('GET', '/api/projects/p1/comparison')).to.equal(2);
  });

  it('turns a click on a number into the segment list of those codes, restricted to a matching set or saying that it cannot be', async () => {
    const el = await workbench(comparisonRoute());
    await comparisonShown(el);
    let fired = oneEvent(el, 'sb-navigate');
    view(el).shadowRoot!.querySelector<HTMLButtonElement>('tr[data-row-id="code:drinks"] button[data-drill="a-segments"]')!.click();
    expect(((await fired) as unknown as NavigateEvent).route).to.deep.equal({ name: 'segments', projectId: 'p1', codeIds: ['drinks'], includeSubcodes: false, setId: 's-obs' });
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[role="status"].status')!.textContent).to.contain('Dokumentmenge „Beobachtungsprotokolle“');

    fired = oneEvent(el, 'sb-navigate');
    view(el).shadowRoot!.querySelector<HTMLButtonElement>('tr[data-row-id="crosswalk:x1"] button[data-drill="b-documents"]')!.click();
    const route = ((await fired) as unknown as NavigateEvent).route;
    expect(route).to.deep.equal({ name: 'segments', projectId: 'p1', codeIds: ['info'], includeSubcodes: false, setId: null });
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[role="status"].status')!.textContent).to.contain('entspricht keiner Dokumentmenge: gezeigt werden alle Segmente dieser Codes');
    el.route = route as typeof el.route;
    await waitUntil(() => el.shadowRoot!.querySelector('sb-segment-list'));
    await waitUntil(() => fake.calls.some((c) => c.path === '/api/projects/p1/segments'));
    expect(fake.calls.find((c) => c.path === '/api/projects/p1/segments')!.query.get('codeId')).to.equal('info');
  });

  it('explains a comparison the server refuses (400) and retries it', async () => {
    let refuse = true;
    fake.on('GET', '/api/projects/p1/comparison', () =>
      refuse ? { status: 400, body: { error: { code: 'invalid_input', message: 'the sets A and B share 2 document(s); choose conditions that keep them apart' } } } : { status: 200, body: comparison },
    );
    const el = await workbench(comparisonRoute({ a: 'kind=observation,interview' }));
    await waitUntil(() => view(el)?.error, 'no error shown');
    await view(el).updateComplete;
    const alert = view(el).shadowRoot!.querySelector('[role="alert"]')!;
    expect(alert.textContent).to.contain('Dieser Vergleich ist so nicht möglich: the sets A and B share 2 document(s)');
    expect(alert.textContent).to.contain('Bitte prüfen Sie die Bedingungen für A und B');
    refuse = false;
    alert.querySelector<HTMLButtonElement>('button.retry')!.click();
    await waitUntil(() => view(el).result, 'the retry did not load');
    expect(view(el).error).to.equal('');
    expect(fake.count('GET', '/api/projects/p1/comparison')).to.equal(2);
  });

  it('keeps a failed crosswalk save visible with a Retry that saves again', async () => {
    let fail = true;
    fake.on('PUT', '/api/projects/p1/crosswalk', (c: Call) =>
      fail ? { status: 500, body: { error: { code: 'internal', message: 'internal error' } } } : { status: 200, body: { rows: (c.body as { rows: CrosswalkEntry[] }).rows.map((r, i) => ({ ...r, id: r.id ?? `new${i}` })) } },
    );
    const el = await workbench(comparisonRoute());
    await comparisonShown(el);
    const ed = editor(el);
    ed.shadowRoot!.querySelector<HTMLButtonElement>('tbody tr[data-index="0"] button.delete')!.click();
    await ed.updateComplete;
    ed.shadowRoot!.querySelector<HTMLButtonElement>('button.save')!.click();
    await waitUntil(() => el.shadowRoot!.querySelector('.status.error'), 'no error shown');
    const alert = el.shadowRoot!.querySelector('.status.error')!;
    expect(alert.getAttribute('role')).to.equal('alert');
    expect(alert.textContent).to.contain('Fehlgeschlagen: Crosswalk speichern – internal error');
    expect(fake.calls.filter((c) => c.method === 'PUT')[0]!.body).to.deep.equal({ rows: [] });
    await expect(el).to.be.accessible();

    fail = false;
    const before = fake.count('GET', '/api/projects/p1/comparison');
    [...alert.querySelectorAll('button')].find((b) => b.textContent === 'Erneut versuchen')!.click();
    await waitUntil(() => !el.shadowRoot!.querySelector('.status.error'), 'the retry did not clear the error');
    expect(fake.count('PUT', '/api/projects/p1/crosswalk')).to.equal(2);
    // The new crosswalk changes the table: the comparison is computed again.
    await waitUntil(() => fake.count('GET', '/api/projects/p1/comparison') === before + 1);
    expect(editor(el).crosswalk).to.deep.equal([]);
  });

  it('explains a 409 conflict and reloads', async () => {
    fake.on('PUT', '/api/projects/p1/crosswalk', () => ({ status: 409, body: { error: { code: 'conflict', message: 'version mismatch' } } }));
    const el = await workbench(comparisonRoute());
    await comparisonShown(el);
    expect(fake.count('GET', '/api/projects/p1/crosswalk')).to.equal(1);
    const ed = editor(el);
    ed.shadowRoot!.querySelector<HTMLButtonElement>('tbody tr[data-index="0"] button.delete')!.click();
    await ed.updateComplete;
    ed.shadowRoot!.querySelector<HTMLButtonElement>('button.save')!.click();
    await waitUntil(() => el.shadowRoot!.querySelector('.status.conflict'), 'no conflict shown');
    const alert = el.shadowRoot!.querySelector('.status.conflict')!;
    expect(alert.getAttribute('role')).to.equal('alert');
    expect(alert.textContent).to.contain('Jemand anderes hat dies inzwischen geändert. Die Daten wurden neu geladen');
    expect(alert.textContent).to.contain('version mismatch');
    expect(fake.count('GET', '/api/projects/p1/crosswalk')).to.equal(2);
    expect(fake.count('GET', '/api/projects/p1/codes')).to.equal(2);
    // The editor shows the reloaded crosswalk again, not the lost edit.
    await ed.updateComplete;
    expect([...ed.shadowRoot!.querySelectorAll('tbody th.label')].map((n) => n.textContent)).to.deep.equal(['Thematische Zusammenfassung']);
  });

  it('explains a crosswalk naming deleted codes (400) at the editor and reloads the codes', async () => {
    fake.on('PUT', '/api/projects/p1/crosswalk', () => ({ status: 400, body: { error: { code: 'invalid_input', message: 'the crosswalk names codes that do not exist' } } }));
    const el = await workbench(comparisonRoute());
    await comparisonShown(el);
    const ed = editor(el);
    ed.shadowRoot!.querySelector<HTMLButtonElement>('tbody tr[data-index="0"] button.delete')!.click();
    await ed.updateComplete;
    ed.shadowRoot!.querySelector<HTMLButtonElement>('button.save')!.click();
    await waitUntil(() => ed.error, 'no error at the editor');
    expect(ed.error).to.contain('Der Crosswalk wurde nicht gespeichert: the crosswalk names codes that do not exist');
    await waitUntil(() => fake.count('GET', '/api/projects/p1/codes') === 2);
    expect(el.shadowRoot!.querySelector('.status.error')).to.equal(null);
  });

  it('shows the crosswalk read-only to roles without the code permission', async () => {
    const el = await workbench(comparisonRoute(), lead);
    await comparisonShown(el);
    expect(editor(el).editable).to.equal(false);
    expect(editor(el).shadowRoot!.querySelector('button.save')).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('keeps the other tabs, and shows a failed project load with a Retry', async () => {
    const el = await workbench({ name: 'corpus', projectId: 'p1' });
    expect(el.shadowRoot!.querySelector('sb-corpus-view')).to.not.equal(null);
    const tabs = [...el.shadowRoot!.querySelectorAll('nav a')].map((a) => a.textContent);
    expect(tabs.slice(0, 9)).to.deep.equal(['Korpus', 'Kodieren', 'Segmente', 'Memos', 'Vergleich', 'Suche', 'Übereinstimmung', 'Formular', 'Austausch']);
    // Admins also get the audit trail ("Protokoll"), and further admin tabs after it.
    expect(tabs[9]).to.equal('Protokoll');
    expect(fake.count('GET', '/api/projects/p1/comparison')).to.equal(0);

    let down = true;
    const failing = { status: 500, body: { error: { code: 'internal', message: 'internal error' } } };
    for (const path of ['', '/documents', '/sets', '/codes', '/segments/counts', '/memos']) {
      const ok = fake.calls.find((c) => c.path === `/api/projects/p1${path}`);
      expect(ok, path).to.not.equal(undefined);
    }
    fake.on('GET', '/api/projects/p1/codes', () => (down ? failing : { status: 200, body: { codes } }));
    el.route = { name: 'corpus', projectId: 'p2' };
    await waitUntil(() => el.shadowRoot!.querySelector('[role="alert"]'), 'no alert');
    expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain('Laden fehlgeschlagen');
    // p2 does not exist in the fake; back to p1, whose codes fail once.
    el.route = { name: 'corpus', projectId: 'p1' };
    await waitUntil(() => el.shadowRoot!.querySelector('[role="alert"]')?.textContent?.includes('internal error'), 'no alert for p1');
    await expect(el).to.be.accessible();
    down = false;
    el.shadowRoot!.querySelector<HTMLButtonElement>('[role="alert"] button')!.click();
    await waitUntil(() => el.shadowRoot!.querySelector('sb-corpus-view'), 'the retry did not load');
  });
});
