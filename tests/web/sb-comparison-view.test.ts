import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { Code } from '../../server/schemas/code.js';
import type { ComparisonResult, ComparisonRow } from '../../server/schemas/comparison.js';
import '../../web/components/sb-comparison-view.js';
import type { ComparisonDrillEvent, ComparisonQuery, ComparisonQueryEvent, SbComparisonView } from '../../web/components/sb-comparison-view.js';

const XSS = '<img src=x onerror="window.__pwned=1">';
const T = '2024-01-01T00:00:00.000Z';
const base = { isCodable: true, definition: { description: '', inclusion: '', exclusion: '', anchors: [], rules: '' }, created: T, modified: T, version: 1 };
const codes: Code[] = [
  { ...base, id: 'atm', parentId: null, name: 'Gesprächsatmosphäre', colour: '#112233', order: 0 },
  { ...base, id: 'drinks', parentId: 'atm', name: 'Getränke anbieten', colour: '#aa0000', order: 0 },
  { ...base, id: 'sum', parentId: null, name: 'Thematisch zusammenfassen', colour: '#00aa00', order: 1 },
  { ...base, id: 'info', parentId: null, name: 'Informationen zusammenfassen', colour: '#0000aa', order: 2 },
  { ...base, id: 'soft', parentId: null, name: 'Software reflektieren', colour: '#336699', order: 3 },
  { ...base, id: 'evil', parentId: null, name: XSS, colour: '#999999', order: 4 },
];

const stats = (ll: number, p: number, lr: number | null) => ({ logLikelihood: ll, logLikelihoodForm: 'Rayson & Garside 2000, two-cell' as const, logLikelihoodP: 0.5, fisherP: p, logRatio: lr });
const paired = { cases: 2, both: 0, onlyA: 0, onlyB: 0, neither: 2, onlyACases: [], onlyBCases: [] };
const counts = (segments: number, documents: number, share: number) => ({ segments, documents, documentShare: share, textShare: 0.01 });

function row(id: string, partial: Partial<ComparisonRow> & Pick<ComparisonRow, 'label' | 'section' | 'codes' | 'a' | 'b'>): ComparisonRow {
  return { id, kind: 'code', stats: stats(1, 0.5, 0), paired, evidence: [], ...partial };
}

const rows: ComparisonRow[] = [
  row('crosswalk:x1', {
    kind: 'crosswalk',
    label: 'Thematische Zusammenfassung',
    section: 'both',
    codes: [
      { id: 'sum', name: 'Thematisch zusammenfassen', path: ['Thematisch zusammenfassen'], side: 'a' },
      { id: 'info', name: 'Informationen zusammenfassen', path: ['Informationen zusammenfassen'], side: 'b' },
    ],
    a: counts(9, 4, 1),
    b: counts(24, 4, 0.8),
    stats: stats(9.87, 0.0004, -1.66),
    note: 'aus der Studie',
  }),
  row('parent:atm', {
    kind: 'parent',
    label: 'Gesprächsatmosphäre',
    section: 'only-a',
    codes: [{ id: 'atm', name: 'Gesprächsatmosphäre', path: ['Gesprächsatmosphäre'] }],
    a: counts(30, 4, 1),
    b: counts(0, 0, 0),
    stats: stats(40.5, 0.008, 5.2),
  }),
  row('code:drinks', {
    label: 'Getränke anbieten',
    section: 'only-a',
    codes: [{ id: 'drinks', name: 'Getränke anbieten', path: ['Gesprächsatmosphäre', 'Getränke anbieten'] }],
    a: counts(8, 2, 0.4),
    b: counts(0, 0, 0),
    stats: stats(12.25, 0.2, 3.1),
    evidence: [
      {
        side: 'a',
        documentId: 'd1',
        documentTitle: 'Beobachtung 01',
        segmentId: 's1',
        codeId: 'drinks',
        text: 'Sie fragte, ob Frau K. einen Kaffee möchte.',
        highlight: { start: 4, end: 42 },
      },
    ],
  }),
  row('code:soft', {
    label: 'Software reflektieren',
    section: 'only-b',
    codes: [{ id: 'soft', name: 'Software reflektieren', path: ['Software reflektieren'] }],
    a: counts(0, 0, 0),
    b: counts(12, 3, 0.6),
    stats: stats(15, 0.05, null),
  }),
  row('code:evil', {
    label: XSS,
    section: 'rare',
    codes: [{ id: 'evil', name: XSS, path: [XSS] }],
    a: counts(1, 1, 0.25),
    b: counts(0, 0, 0),
    stats: stats(0.3, 1, 1.2),
    evidence: [{ side: 'a', documentId: 'd2', documentTitle: XSS, segmentId: 's2', codeId: 'evil', text: `Zitat ${XSS} Ende`, highlight: { start: 6, end: 6 + XSS.length } }],
  }),
];

const side = (label: string, definition: string, baseDocuments: number) => ({ label, definition, documents: 10, baseDocuments, segments: 200, textLength: 18000, coders: [] });
const result: ComparisonResult = {
  a: side('Beratung (Beobachtungsprotokolle)', 'kind=observation', 4),
  b: side('Dokumentation (Interviews und Dokumentationen)', 'kind=interview,documentation', 5),
  thresholds: { minDocuments: 3, presentDocuments: 1, minCellDocuments: 3, base: 'coded', evidence: 2, pairBy: 'case', by: null },
  rows,
};

const query: ComparisonQuery = { a: 'kind=observation', b: 'kind=interview,documentation', by: null, minDocuments: 3, sections: ['both', 'only-a', 'only-b', 'rare'] };

async function view(props: Partial<SbComparisonView> = {}): Promise<SbComparisonView> {
  const el = await fixture<SbComparisonView>(
    html`<sb-comparison-view
      .result=${result}
      .codes=${codes}
      .query=${query}
      .setNames=${['Beobachtungsprotokolle', 'A, B']}
      .attributeNames=${['region', 'sozialraumbuero']}
      .reportUrls=${{ md: '/r.md', html: '/r.html', csv: '/r.csv' }}
    ></sb-comparison-view>`,
  );
  Object.assign(el, props);
  await el.updateComplete;
  return el;
}
const root = (el: SbComparisonView) => el.shadowRoot!;
const labelsIn = (el: SbComparisonView, section: string) => [...root(el).querySelectorAll(`section[data-section="${section}"] tbody tr[data-row-id] .label`)].map((n) => n.textContent);

describe('sb-comparison-view', () => {
  afterEach(() => {
    delete (window as unknown as Record<string, unknown>).__pwned;
  });

  it('groups the rows in the four sections, side by side, with the statistics labelled', async () => {
    const el = await view();
    const headings = [...root(el).querySelectorAll('caption h3')].map((h) => h.textContent);
    expect(headings).to.deep.equal(['Sichtbar in beidem', 'Nur in der Beratung / unsichtbar in der Dokumentation', 'Nur in der Dokumentation', 'Zu selten für eine Aussage']);
    expect(labelsIn(el, 'both')).to.deep.equal(['Thematische Zusammenfassung']);
    expect(labelsIn(el, 'only-a')).to.deep.equal(['Gesprächsatmosphäre', 'Getränke anbieten']);
    expect(labelsIn(el, 'only-b')).to.deep.equal(['Software reflektieren']);
    // The crosswalk row: the A-side codes on the left, the B-side codes on the right.
    const cw = root(el).querySelector('tr[data-row-id="crosswalk:x1"]')!;
    expect(cw.querySelector('.side-a')!.textContent).to.contain('Thematisch zusammenfassen').and.not.contain('Informationen');
    expect(cw.querySelector('.side-b')!.textContent).to.contain('Informationen zusammenfassen').and.not.contain('Thematisch');
    expect(cw.querySelector('.kind')!.textContent).to.equal('Crosswalk-Zeile');
    expect(cw.querySelector('.note')!.textContent).to.equal('aus der Studie');
    expect(cw.querySelector('.ll')!.textContent!.trim()).to.equal('9,87');
    expect(cw.querySelector('.p')!.textContent!.trim()).to.equal('< 0,001');
    expect(cw.querySelector('.lr')!.textContent!.trim()).to.equal('-1,66');
    // An only-A code: its name on the A side, nothing on the B side.
    const drinks = root(el).querySelector('tr[data-row-id="code:drinks"]')!;
    expect(drinks.querySelector('.side-a .code-name')!.textContent).to.equal('Getränke anbieten');
    expect(drinks.querySelector('.side-a li')!.getAttribute('title')).to.equal('Gesprächsatmosphäre › Getränke anbieten');
    expect(drinks.querySelector('th .path')!.textContent).to.equal('Gesprächsatmosphäre');
    expect(drinks.querySelector('.side-b .none')!.textContent).to.equal('–');
    expect(drinks.querySelector('.side-b .vh')!.textContent).to.equal('nicht auf dieser Seite');
    const shares = [...drinks.querySelectorAll('.share')].map((s) => s.textContent!.replace(/\s/g, ' '));
    expect(shares).to.deep.equal(['(40 %)', '(0 %)']);
    const header = [...root(el).querySelectorAll('section[data-section="both"] thead th')].map((h) => h.textContent!.trim());
    expect(header).to.include('LL (Rayson & Garside 2000, zweizellig)');
    expect(header).to.include('Fisher p');
    expect(header).to.include('Markierungen A: Beratung (Beobachtungsprotokolle)');
    const method = root(el).querySelector('#method')!.textContent!;
    expect(method).to.contain('weniger als 3 Dokumente');
    expect(method).to.contain('beschreibende Hilfen für die qualitative Arbeit, kein Beweis');
    expect(root(el).querySelector<HTMLAnchorElement>('a.report-csv')!.getAttribute('href')).to.equal('/r.csv');
    await expect(el).to.be.accessible();
  });

  it('sorts by a numeric column (descending, ascending, back to the original order) and says so with aria-sort', async () => {
    const el = await view();
    const sortBy = async (key: string) => {
      root(el).querySelector<HTMLButtonElement>(`section[data-section="only-a"] button[data-sort="${key}"]`)!.click();
      await el.updateComplete;
    };
    await sortBy('logRatio');
    expect(labelsIn(el, 'only-a')).to.deep.equal(['Gesprächsatmosphäre', 'Getränke anbieten']);
    expect(root(el).querySelector('section[data-section="only-a"] button[data-sort="logRatio"]')!.closest('th')!.getAttribute('aria-sort')).to.equal('descending');
    await sortBy('logRatio');
    expect(labelsIn(el, 'only-a')).to.deep.equal(['Getränke anbieten', 'Gesprächsatmosphäre']);
    expect(root(el).querySelector('section[data-section="only-b"] button[data-sort="logRatio"]')!.closest('th')!.getAttribute('aria-sort')).to.equal('ascending');
    await sortBy('fisherP');
    expect(labelsIn(el, 'only-a')).to.deep.equal(['Getränke anbieten', 'Gesprächsatmosphäre']);
    await sortBy('fisherP');
    expect(labelsIn(el, 'only-a')).to.deep.equal(['Gesprächsatmosphäre', 'Getränke anbieten']);
    await sortBy('fisherP');
    expect(root(el).querySelector('section[data-section="only-a"] button[data-sort="fisherP"]')!.closest('th')!.getAttribute('aria-sort')).to.equal('none');
  });

  it('filters by section and tells the app (the URL keeps the filter)', async () => {
    const el = await view();
    const box = root(el).querySelector<HTMLInputElement>('input[name="section"][value="rare"]')!;
    expect(box.parentElement!.textContent).to.contain('Zu selten für eine Aussage (1)');
    const fired = oneEvent(el, 'sb-comparison-query');
    box.checked = false;
    box.dispatchEvent(new Event('change'));
    const q = ((await fired) as unknown as ComparisonQueryEvent).query;
    expect(q).to.deep.equal({ ...query, sections: ['both', 'only-a', 'only-b'] });
    await el.updateComplete;
    expect(root(el).querySelector('section[data-section="rare"]')).to.equal(null);
    expect(root(el).querySelectorAll('section[data-section]').length).to.equal(3);
    expect(root(el).querySelector('.chart-row[data-row-id="code:evil"]')).to.equal(null);
  });

  it('runs a new comparison from the controls, refusing conditions that do not parse', async () => {
    const el = await view();
    const a = root(el).querySelector<HTMLInputElement>('#side-a')!;
    expect(a.value).to.equal('kind=observation');
    expect(root(el).querySelector<HTMLInputElement>('#side-b')!.value).to.equal('kind=interview,documentation');
    const options = [...root(el).querySelectorAll<HTMLOptionElement>('datalist option')].map((o) => o.value);
    expect(options).to.include('set=Beobachtungsprotokolle');
    expect(options).to.include('set=A\\, B');
    a.value = 'kind=beobachtung';
    a.dispatchEvent(new Event('input'));
    let events = 0;
    el.addEventListener('sb-comparison-query', () => events++);
    root(el).querySelector<HTMLButtonElement>('button.run')!.click();
    await el.updateComplete;
    expect(events).to.equal(0);
    expect(a.getAttribute('aria-invalid')).to.equal('true');
    expect(root(el).querySelector('#side-a-error')!.textContent).to.contain('kind must be one of');

    a.value = 'kind=observation;region=Region 1';
    a.dispatchEvent(new Event('input'));
    // The app re-rendering with an equal query (a new object) keeps what the user typed.
    el.query = { ...query, sections: [...query.sections] };
    await el.updateComplete;
    expect(a.value).to.equal('kind=observation;region=Region 1');
    const by = root(el).querySelector<HTMLSelectElement>('select[name="by"]')!;
    by.value = 'region';
    by.dispatchEvent(new Event('change'));
    const min = root(el).querySelector<HTMLInputElement>('input[name="minDocuments"]')!;
    min.value = '';
    min.dispatchEvent(new Event('input'));
    root(el).querySelector<HTMLButtonElement>('button.run')!.click();
    await el.updateComplete;
    expect(events).to.equal(0);
    expect(root(el).querySelector('#min-error')!.textContent).to.equal('Bitte eine ganze Zahl ab 1 angeben.');
    min.value = '5';
    min.dispatchEvent(new Event('input'));
    const fired = oneEvent(el, 'sb-comparison-query');
    root(el).querySelector<HTMLButtonElement>('button.run')!.click();
    expect(((await fired) as unknown as ComparisonQueryEvent).query).to.deep.equal({ ...query, a: 'kind=observation;region=Region 1', by: 'region', minDocuments: 5 });
  });

  it('turns every count into a button that asks for the segments of the row on that side', async () => {
    const el = await view();
    const cw = root(el).querySelector('tr[data-row-id="crosswalk:x1"]')!;
    let fired = oneEvent(el, 'sb-comparison-drill');
    cw.querySelector<HTMLButtonElement>('button[data-drill="b-segments"]')!.click();
    let e = (await fired) as unknown as ComparisonDrillEvent;
    expect([e.codeIds, e.side, e.includeSubcodes, e.rowId, e.group]).to.deep.equal([['info'], 'b', false, 'crosswalk:x1', null]);

    fired = oneEvent(el, 'sb-comparison-drill');
    const parent = root(el).querySelector('tr[data-row-id="parent:atm"] button[data-drill="a-documents"]') as HTMLButtonElement;
    expect(parent.getAttribute('aria-label')).to.equal('4 Dokumente in A: Segmente zu „Gesprächsatmosphäre“ anzeigen');
    parent.click();
    e = (await fired) as unknown as ComparisonDrillEvent;
    expect([e.codeIds, e.side, e.includeSubcodes]).to.deep.equal([['atm'], 'a', true]);
    // A zero shows nothing: its button is disabled.
    expect(root(el).querySelector<HTMLButtonElement>('tr[data-row-id="code:drinks"] button[data-drill="b-segments"]')!.disabled).to.equal(true);
  });

  it('draws a diverging bar per row with an accessible name, A to the left and B to the right', async () => {
    const el = await view();
    const svg = root(el).querySelector('svg')!;
    expect(svg.getAttribute('aria-labelledby')).to.equal('chart-caption');
    const bars = [...svg.querySelectorAll('g[role="img"]')];
    expect(bars.length).to.equal(5);
    const drinks = svg.querySelector('g[data-row-id="code:drinks"]')!;
    const name = drinks.getAttribute('aria-label')!.replace(/\s/g, ' ');
    expect(name).to.equal('Getränke anbieten: 40 % der Dokumente in A (Beratung (Beobachtungsprotokolle)), 0 % in B (Dokumentation (Interviews und Dokumentationen))');
    expect(drinks.querySelector('title')!.textContent!.replace(/\s/g, ' ')).to.equal(name);
    const a = drinks.querySelector('rect.bar-a')!;
    const b = drinks.querySelector('rect.bar-b')!;
    expect(Number(a.getAttribute('width'))).to.be.greaterThan(0);
    expect(Number(b.getAttribute('width'))).to.equal(0);
    // A grows leftwards from the centre line, B rightwards.
    expect(Number(a.getAttribute('x')) + Number(a.getAttribute('width'))).to.equal(Number(b.getAttribute('x')));
    const soft = svg.querySelector('g[data-row-id="code:soft"] rect.bar-b')!;
    expect(Number(soft.getAttribute('x'))).to.equal(Number(b.getAttribute('x')));
    expect(Number(soft.getAttribute('width'))).to.be.greaterThan(0);
  });

  it('shows evidence quotes as text, collapsible, with the coded part marked', async () => {
    const el = await view();
    const details = root(el).querySelector('tr[data-row-id="code:drinks"] + tr.more details.evidence') as HTMLDetailsElement;
    expect(details.open).to.equal(false);
    expect(details.querySelector('summary')!.textContent).to.equal('1 Belegstellen zu „Getränke anbieten“');
    expect(details.querySelector('mark')!.textContent).to.equal('fragte, ob Frau K. einen Kaffee möchte');
    expect(details.querySelector('.quote-source')!.textContent).to.equal('A · Beobachtung 01:');
  });

  it('shows breakdown cells per attribute value with suppressed small cells as "< k" and explains them', async () => {
    const cell = (segments: number, documents: number, baseDocuments: number) => ({ suppressed: null, baseDocuments, segments, documents, documentShare: documents / baseDocuments });
    const hidden = (why: 'small' | 'secondary') => ({ suppressed: why, baseDocuments: null, segments: null, documents: null, documentShare: null });
    const withBreakdown: ComparisonResult = {
      ...result,
      thresholds: { ...result.thresholds, by: 'region' },
      rows: result.rows.map((r) =>
        r.id === 'code:drinks'
          ? {
              ...r,
              breakdown: [
                { value: 'Region 1', a: cell(5, 3, 4), b: cell(0, 0, 6), section: 'only-a' },
                { value: 'Region 2', a: hidden('small'), b: cell(0, 0, 5), section: null },
                { value: '', a: hidden('secondary'), b: hidden('small'), section: null },
              ],
            }
          : { ...r, breakdown: [] },
      ),
    };
    const el = await view({ result: withBreakdown, query: { ...query, by: 'region' } });
    const table = root(el).querySelector('tr[data-row-id="code:drinks"] + tr.more details.breakdown table')!;
    const groups = [...table.querySelectorAll(':scope > tbody > tr')];
    expect(groups.map((g) => g.querySelector('th')!.textContent)).to.deep.equal(['Region 1', 'Region 2', '(ohne Angabe)']);
    expect(groups[0]!.querySelector('button[data-drill="a-documents"]')!.textContent!.trim()).to.equal('3');
    const small = groups[1]!.querySelector('[data-suppressed="small"]')!;
    expect(small.textContent).to.contain('< 3');
    expect(small.textContent).to.contain('unterdrückt: weniger als 3 Dokumente');
    expect(groups[1]!.querySelector('button[data-drill="a-documents"]')).to.equal(null);
    expect(groups[2]!.querySelector('[data-suppressed="secondary"]')!.textContent).to.contain('×');
    const explain = root(el).getElementById(table.getAttribute('aria-describedby')!)!;
    expect(explain.textContent).to.contain('„< 3“');
    expect(root(el).querySelector('#method')!.textContent).to.contain('Aufschlüsselung nach „region“');
    expect((root(el).querySelector('select[name="by"]') as HTMLSelectElement).value).to.equal('region');

    const fired = oneEvent(el, 'sb-comparison-drill');
    groups[0]!.querySelector<HTMLButtonElement>('button[data-drill="a-segments"]')!.click();
    expect(((await fired) as unknown as ComparisonDrillEvent).group).to.deep.equal({ attribute: 'region', value: 'Region 1' });
    await expect(el).to.be.accessible();
  });

  it('shows hostile code names and quotes as text, running nothing', async () => {
    const el = await view();
    const evil = root(el).querySelector('tr[data-row-id="code:evil"]')!;
    expect(evil.querySelector('.label')!.textContent).to.equal(XSS);
    expect(evil.querySelector('.code-name')!.textContent).to.equal(XSS);
    const quote = root(el).querySelector('tr[data-row-id="code:evil"] + tr.more .quote')!;
    expect(quote.querySelector('mark')!.textContent).to.equal(XSS);
    expect(quote.querySelector('.quote-source')!.textContent).to.contain(XSS);
    expect(root(el).querySelector('g[data-row-id="code:evil"]')!.getAttribute('aria-label')).to.contain(XSS);
    expect(root(el).querySelectorAll('img').length).to.equal(0);
    await new Promise((r) => setTimeout(r, 50));
    expect((window as unknown as Record<string, unknown>).__pwned).to.equal(undefined);
  });

  it('shows loading, and a failure with a Retry that asks again', async () => {
    const el = await view({ result: null, loading: true });
    expect(root(el).querySelector('[role="status"].loading')!.textContent).to.equal('Vergleich wird berechnet …');
    el.loading = false;
    el.error = 'Dieser Vergleich ist so nicht möglich: the sets A and B share 2 document(s).';
    await el.updateComplete;
    const alert = root(el).querySelector('[role="alert"]')!;
    expect(alert.textContent).to.contain('share 2 document(s)');
    const fired = oneEvent(el, 'sb-comparison-query');
    alert.querySelector<HTMLButtonElement>('button.retry')!.click();
    expect(((await fired) as unknown as ComparisonQueryEvent).query).to.deep.equal(query);
    await expect(el).to.be.accessible();
  });
});
