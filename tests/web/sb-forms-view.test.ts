import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { Code } from '../../server/schemas/code.js';
import type { CoverageResult, FormDefinition, FormVersion, Requirement, StoredForm } from '../../server/schemas/form.js';
import type { PublicUser } from '../../server/schemas/user.js';
import '../../web/components/sb-forms-view.js';
import type { SbFormsView } from '../../web/components/sb-forms-view.js';
import { setLanguage } from '../../web/i18n/index.js';
import { FakeApi, type Call } from './fake-api.js';


// ---- fixtures ----

const XSS = '<img src=x onerror="window.__pwned=1">';
const T = '2024-01-01T00:00:00.000Z';
const user = (role: PublicUser['role']): PublicUser => ({ id: `u-${role}`, login: role, displayName: role, role, created: T, version: 1 });
const codeBase = { colour: '#336699', isCodable: true, definition: { description: '', inclusion: '', exclusion: '', anchors: [], rules: '' }, created: T, modified: T, version: 1 };
const codes: Code[] = [
  { ...codeBase, id: 'atmo', parentId: null, name: 'Gesprächsatmosphäre', order: 0, isCodable: false },
  { ...codeBase, id: 'drinks', parentId: 'atmo', name: 'Getränke anbieten', order: 0 },
  { ...codeBase, id: 'greet', parentId: 'atmo', name: 'Herzlich begrüßen', order: 1 },
  { ...codeBase, id: 'goals', parentId: null, name: 'Ziele formulieren', order: 1 },
];
const form: FormDefinition = {
  id: 'beratung',
  title: 'Beratungsdokumentation',
  description: '',
  sections: [
    {
      id: 'inhalt',
      title: 'Inhalt',
      help: '',
      fields: [
        { id: 'anlass', label: 'Anlass', help: 'Warum kam die Person?', type: 'long-text', options: [], required: true, captures: [] },
        { id: 'ziele', label: 'Vereinbarte Ziele', help: '', type: 'long-text', options: [], required: false, captures: ['goals'] },
        { id: 'form', label: 'Beratungsform', help: '', type: 'single-choice', options: [{ value: 'termin', label: 'Termin', captures: [] }, { value: 'offen', label: 'offene Sprechstunde', captures: [] }], required: true, captures: [] },
        { id: 'dauer', label: XSS, help: XSS, type: 'duration', options: [], required: false, captures: [] },
      ],
    },
  ],
};
const v1: FormVersion = { number: 1, author: 'import', authorName: 'Import', date: T, note: 'Erste Fassung', changeLog: [], implements: [], form };
const v2form: FormDefinition = {
  ...form,
  sections: [{ ...form.sections[0]!, fields: [...form.sections[0]!.fields, { id: 'atmosphaere', label: 'Gesprächsatmosphäre', help: '', type: 'multiple-choice', options: [{ value: 'drinks', label: 'Getränke anbieten', captures: ['drinks'] }], required: false, captures: ['atmo'] }] }],
};
const v2: FormVersion = {
  number: 2,
  author: 'u-product-owner',
  authorName: 'Paula',
  date: T,
  note: 'Beziehungsarbeit sichtbar machen',
  changeLog: [{ kind: 'added', fieldId: 'atmosphaere', summary: 'Feld hinzugefügt', requirementId: 'r1', requirementTitle: 'Feld Gesprächsatmosphäre ergänzen', codes: [{ id: 'drinks', name: 'Getränke anbieten' }], segments: ['s1', 's2'], documents: [{ id: 'd1', name: 'Beobachtung 1' }] }],
  implements: ['r1'],
  diff: { added: [{ fieldId: 'atmosphaere', label: 'Gesprächsatmosphäre', sectionId: 'inhalt' }], removed: [], changed: [] },
  form: v2form,
};
const coverage: CoverageResult = {
  formId: 'beratung',
  version: 1,
  fields: form.sections[0]!.fields.map((f) => ({ fieldId: f.id, label: f.label, sectionId: 'inhalt', type: f.type, required: f.required, records: 4, filled: f.id === 'dauer' ? 1 : 4, fillRate: f.id === 'dauer' ? 0.25 : 1, meanLength: 40, maxLength: 80 })),
  rows: [
    { code: { id: 'drinks', name: 'Getränke anbieten', path: ['Gesprächsatmosphäre', 'Getränke anbieten'] }, documentsA: 5, segmentsA: 8, cells: form.sections[0]!.fields.map((f) => ({ fieldId: f.id, captures: false, inText: 0 })), covered: false },
    { code: { id: 'goals', name: 'Ziele formulieren', path: ['Ziele formulieren'] }, documentsA: 4, segmentsA: 6, cells: form.sections[0]!.fields.map((f) => ({ fieldId: f.id, captures: f.id === 'ziele', inText: f.id === 'ziele' ? 3 : 0 })), covered: true },
  ],
  uncovered: [{ id: 'drinks', name: 'Getränke anbieten', path: ['Gesprächsatmosphäre', 'Getränke anbieten'], documentsA: 5 }],
  simplify: [{ fieldId: 'dauer', label: XSS, reasons: ['rarely-filled'], fillRate: 0.25 }],
  thresholds: { minFillRate: 0.5, minDocuments: 1 },
};
const proposal: Requirement = {
  id: 'r1',
  formId: 'beratung',
  title: 'Feld Gesprächsatmosphäre ergänzen',
  rationale: XSS,
  change: 'add-field',
  fieldType: 'multiple-choice',
  targetFieldId: null,
  sectionId: 'inhalt',
  field: v2form.sections[0]!.fields[4]!,
  options: [],
  help: '',
  codes: ['drinks', 'greet'],
  evidence: {
    rowId: 'parent:atmo',
    rowLabel: 'Gesprächsatmosphäre',
    section: 'only-a',
    documentsA: 5,
    documentsB: 0,
    segmentsA: 8,
    segmentsB: 0,
    quotes: [{ side: 'a', documentId: 'd1', documentTitle: 'Beobachtung 1', segmentId: 's1', text: `FK bietet Kaffee an. ${XSS}` }],
    segmentIds: ['s1', 's2'],
    documents: [{ id: 'd1', name: 'Beobachtung 1' }],
  },
  status: 'open',
  decision: null,
  comments: [{ id: 'c1', author: 'u-lead', authorName: 'Lena', date: T, text: XSS }],
  created: T,
  modified: T,
  version: 1,
};

const BASE = '/api/projects/p1';
let api: FakeApi;
let stored: StoredForm;
let proposals: Requirement[];

function install(): void {
  stored = { id: 'beratung', versions: [v1] };
  proposals = [proposal];
  api = new FakeApi()
    .on('GET', `${BASE}/forms`, () => ({ status: 200, body: { forms: [{ id: 'beratung', title: 'Beratungsdokumentation', version: stored.versions.length, fields: 4, versions: stored.versions.length }] } }))
    .on('GET', `${BASE}/codes`, { codes })
    .on('GET', `${BASE}/forms/beratung`, () => ({ status: 200, body: stored }))
    .on('GET', `${BASE}/forms/beratung/coverage`, coverage)
    .on('GET', `${BASE}/forms/beratung/proposals`, () => ({ status: 200, body: { proposals } }))
    .on('PUT', `${BASE}/forms/beratung`, (c: Call) => {
      const body = c.body as { basedOn: number; form: FormDefinition; note: string };
      const v: FormVersion = { ...v1, number: body.basedOn + 1, note: body.note, form: body.form };
      stored = { ...stored, versions: [...stored.versions, v] };
      return { status: 201, body: v };
    })
    .on('POST', `${BASE}/forms/beratung/proposals/r1/decision`, (c: Call) => {
      const body = c.body as { action: string; reason: string };
      if (body.action === 'accept') {
        stored = { ...stored, versions: [...stored.versions, v2] };
        proposals = [{ ...proposal, status: 'accepted', decision: { by: 'u-po', byName: 'Paula', at: T, reason: body.reason, version: 2 }, version: 2 }];
        return { status: 200, body: { requirement: proposals[0], version: v2 } };
      }
      proposals = [{ ...proposal, status: 'rejected', decision: { by: 'u-po', byName: 'Paula', at: T, reason: body.reason, version: null }, version: 2 }];
      return { status: 200, body: { requirement: proposals[0], version: null } };
    })
    .on('POST', `${BASE}/forms/beratung/proposals/r1/comments`, (c: Call) => ({ status: 201, body: { ...proposal, comments: [...proposal.comments, { id: 'c2', author: 'u-lead', authorName: 'Lena', date: T, text: (c.body as { text: string }).text }], version: 2 } }))
    .on('POST', `${BASE}/forms/beratung/proposals/generate`, () => ({ status: 200, body: { created: [], proposals } }));
  api.install();
}

async function mount(role: PublicUser['role'] = 'product-owner'): Promise<SbFormsView> {
  const el = await fixture<SbFormsView>(html`<sb-forms-view projectId="p1" .user=${user(role)}></sb-forms-view>`);
  await waitUntil(() => el.shadowRoot!.querySelector('[role="tablist"]'), 'the view loads');
  await el.updateComplete;
  return el;
}

const root = (el: SbFormsView) => el.shadowRoot!;

async function openTab(el: SbFormsView, tab: string): Promise<void> {
  root(el).querySelector<HTMLButtonElement>(`#tab-${tab}`)!.click();
  await el.updateComplete;
}

const fieldIds = (el: SbFormsView) => [...root(el).querySelectorAll<HTMLElement>('li.field')].map((li) => li.dataset['fieldId']);

describe('sb-forms-view', () => {
  beforeEach(() => {
    setLanguage('de');
    install();
  });
  afterEach(() => {
    api.restore();
    delete (window as unknown as Record<string, unknown>).__pwned;
  });

  it('loads forms, codes, coverage and proposals itself and shows the editor; accessible', async () => {
    const el = await mount();
    expect(api.calls.map((c) => `${c.method} ${c.path}`)).to.include.members([`GET ${BASE}/forms`, `GET ${BASE}/codes`, `GET ${BASE}/forms/beratung`, `GET ${BASE}/forms/beratung/coverage`, `GET ${BASE}/forms/beratung/proposals`]);
    expect(fieldIds(el)).to.deep.equal(['anlass', 'ziele', 'form', 'dauer']);
    expect(root(el).querySelector('[role="tab"][aria-selected="true"]')!.textContent!.trim()).to.equal('Formular bearbeiten');
    await expect(el).to.be.accessible();
  });

  it('shows hostile labels, help, quotes and comments as text everywhere', async () => {
    const el = await mount();
    for (const tab of ['editor', 'coverage', 'proposals', 'preview']) {
      await openTab(el, tab);
      expect(root(el).querySelector('img'), tab).to.equal(null);
    }
    await openTab(el, 'proposals');
    expect(root(el).querySelector('.rationale')!.textContent).to.equal(XSS);
    expect(root(el).querySelector('blockquote')!.textContent).to.contain(XSS);
    expect(root(el).querySelector('.comments')!.textContent).to.contain(XSS);
    await openTab(el, 'preview');
    expect(root(el).querySelector('label[for="pv-dauer"]')!.textContent).to.contain(XSS);
    expect((window as unknown as Record<string, unknown>).__pwned).to.equal(undefined);
  });

  it('reorders fields by keyboard (Alt+Arrow) and by drag and drop, and saves a new version based on the current one', async () => {
    const el = await mount();
    const first = root(el).querySelector<HTMLElement>('li.field[data-field-id="anlass"]')!;
    first.focus();
    first.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', altKey: true, bubbles: true, cancelable: true }));
    await el.updateComplete;
    expect(fieldIds(el)).to.deep.equal(['ziele', 'anlass', 'form', 'dauer']);
    expect(root(el).querySelector('.message')!.textContent).to.contain('Position 2');
    expect(root(el).activeElement?.getAttribute('data-field-id')).to.equal('anlass');
    // drag "dauer" onto the first place
    const dauer = root(el).querySelector<HTMLElement>('li.field[data-field-id="dauer"]')!;
    dauer.dispatchEvent(new DragEvent('dragstart', { bubbles: true, dataTransfer: new DataTransfer() }));
    await el.updateComplete;
    const target = root(el).querySelector<HTMLElement>('li.field[data-field-id="ziele"]')!;
    target.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true }));
    await el.updateComplete;
    expect(fieldIds(el)).to.deep.equal(['dauer', 'ziele', 'anlass', 'form']);
    // pick a captured code from the code tree
    const anlass = root(el).querySelector<HTMLElement>('li.field[data-field-id="anlass"]')!;
    const drinks = [...anlass.querySelectorAll<HTMLLabelElement>('.codes label')].find((l) => l.textContent!.includes('Getränke anbieten'))!.querySelector('input')!;
    drinks.checked = true;
    drinks.dispatchEvent(new Event('change', { bubbles: true }));
    await el.updateComplete;
    // an option of a choice field captures one code
    const termin = root(el).querySelector<HTMLElement>('li.field[data-field-id="form"]')!.querySelector<HTMLSelectElement>('.option-captures select')!;
    termin.value = 'goals';
    termin.dispatchEvent(new Event('change'));
    await el.updateComplete;
    const note = root(el).querySelector<HTMLInputElement>('input.note')!;
    note.value = 'Reihenfolge';
    note.dispatchEvent(new Event('input'));
    root(el).querySelector<HTMLButtonElement>('button.save')!.click();
    await waitUntil(() => api.last('PUT', `${BASE}/forms/beratung`), 'saved');
    const body = api.last('PUT', `${BASE}/forms/beratung`)!.body as { basedOn: number; note: string; form: FormDefinition };
    expect(body.basedOn).to.equal(1);
    expect(body.note).to.equal('Reihenfolge');
    expect(body.form.sections[0]!.fields.map((f) => f.id)).to.deep.equal(['dauer', 'ziele', 'anlass', 'form']);
    expect(body.form.sections[0]!.fields[2]!.captures).to.deep.equal(['drinks']);
    expect(body.form.sections[0]!.fields[3]!.options.map((o) => o.captures)).to.deep.equal([['goals'], []]);
    await waitUntil(() => root(el).querySelector('.message')!.textContent!.includes('Version 2'), 'confirmation');
  });

  it('shows the coverage matrix as a real table with column and row headers', async () => {
    const el = await mount();
    await openTab(el, 'coverage');
    const table = root(el).querySelector('table.coverage')!;
    expect(table.querySelector('caption')).to.not.equal(null);
    const heads = [...table.querySelectorAll('thead th[scope="col"]')].map((th) => th.textContent!.trim());
    expect(heads.slice(0, 3)).to.deep.equal(['Code (Beratung)', 'Beratungen', 'Anlass']);
    expect([...table.querySelectorAll('tbody th[scope="row"]')].map((th) => th.textContent!.trim())).to.deep.equal(['Getränke anbieten', 'Ziele formulieren']);
    const goals = table.querySelector('tr[data-code-id="goals"]')!;
    expect(goals.querySelectorAll('td.hit')).to.have.length(1);
    expect(goals.querySelector('td.hit')!.textContent).to.contain('erfasst');
    expect(goals.querySelector('td.hit')!.textContent).to.contain('3');
    expect(table.querySelector('tr[data-code-id="drinks"]')!.classList.contains('uncovered')).to.equal(true);
    expect(root(el).querySelector('ul.uncovered')!.textContent).to.contain('Gesprächsatmosphäre › Getränke anbieten');
    expect(root(el).querySelector('ul.simplify')!.textContent).to.contain('selten ausgefüllt (25 %)');
    await expect(el).to.be.accessible();
  });

  it('accepts a proposal only with a reason; the new version appears in the history with diff and trace', async () => {
    const el = await mount();
    await openTab(el, 'proposals');
    await expect(el).to.be.accessible();
    root(el).querySelector<HTMLButtonElement>('button.accept')!.click();
    await el.updateComplete;
    expect(root(el).querySelector('[role="alert"]')!.textContent).to.contain('Begründung');
    expect(api.last('POST', `${BASE}/forms/beratung/proposals/r1/decision`)).to.equal(undefined);
    const reason = root(el).querySelector<HTMLTextAreaElement>('textarea.reason')!;
    reason.value = 'Beziehungsarbeit sichtbar machen';
    reason.dispatchEvent(new Event('input'));
    root(el).querySelector<HTMLButtonElement>('button.accept')!.click();
    await waitUntil(() => root(el).querySelector('.message')!.textContent!.includes('Version 2'), 'accepted');
    expect(api.last('POST', `${BASE}/forms/beratung/proposals/r1/decision`)!.body).to.deep.equal({ version: 1, action: 'accept', reason: 'Beziehungsarbeit sichtbar machen' });
    expect(root(el).querySelector('.decision')!.textContent).to.contain('Paula');
    expect(root(el).querySelector('button.accept')).to.equal(null);
    await openTab(el, 'history');
    const latest = root(el).querySelector('li[data-version="2"]')!;
    expect(latest.querySelector('.diff .added')!.textContent).to.contain('Gesprächsatmosphäre');
    expect(latest.querySelector('.trace')!.textContent).to.contain('Getränke anbieten');
    expect(latest.querySelector('.trace')!.textContent).to.contain('2 Segmente in 1 Dokumenten');
    const links = [...latest.querySelectorAll('a')].map((a) => a.getAttribute('href'));
    expect(links).to.include(`${BASE}/forms/beratung/export?format=json-schema&version=2`);
    await expect(el).to.be.accessible();
  });

  it('rejects with a reason', async () => {
    const el = await mount('admin');
    await openTab(el, 'proposals');
    const reason = root(el).querySelector<HTMLTextAreaElement>('textarea.reason')!;
    reason.value = 'Nicht jetzt';
    reason.dispatchEvent(new Event('input'));
    root(el).querySelector<HTMLButtonElement>('button.reject')!.click();
    await waitUntil(() => root(el).querySelector('.decision'), 'rejected');
    expect((api.last('POST', `${BASE}/forms/beratung/proposals/r1/decision`)!.body as { action: string }).action).to.equal('reject');
    expect(root(el).querySelector('.status')!.textContent).to.equal('abgelehnt');
  });

  it('leads comment but cannot edit or decide; researchers only read', async () => {
    const lead = await mount('lead');
    expect(root(lead).querySelector('button.save')).to.equal(null);
    expect(root(lead).querySelector<HTMLInputElement>('li.field input')!.readOnly).to.equal(true);
    await openTab(lead, 'proposals');
    expect(root(lead).querySelector('button.accept')).to.equal(null);
    expect(root(lead).querySelector('button.generate')).to.equal(null);
    const box = root(lead).querySelector<HTMLTextAreaElement>('textarea.comment')!;
    box.value = 'Wichtig für die Leitung';
    root(lead).querySelector<HTMLButtonElement>('button.add-comment')!.click();
    await waitUntil(() => root(lead).querySelector('.comments')!.textContent!.includes('Wichtig für die Leitung'), 'comment shown');
    expect(api.last('POST', `${BASE}/forms/beratung/proposals/r1/comments`)!.body).to.deep.equal({ text: 'Wichtig für die Leitung' });
    const researcher = await mount('researcher');
    await openTab(researcher, 'proposals');
    expect(root(researcher).querySelector('textarea.comment')).to.equal(null);
    expect(root(researcher).querySelector('button.accept')).to.equal(null);
  });

  it('previews the form as a fillable, labelled HTML form; tabs follow the arrow keys', async () => {
    const el = await mount();
    const tabs = root(el).querySelector<HTMLElement>('[role="tablist"]')!;
    root(el).querySelector<HTMLElement>('#tab-editor')!.focus();
    tabs.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true }));
    await el.updateComplete;
    expect(root(el).querySelector('[role="tab"][aria-selected="true"]')!.id).to.equal('tab-preview');
    const form = root(el).querySelector('form.preview')!;
    expect(form.querySelector<HTMLTextAreaElement>('textarea#pv-anlass')!.required).to.equal(true);
    expect(form.querySelector('#pv-anlass-help')!.textContent).to.equal('Warum kam die Person?');
    expect(form.querySelectorAll('input[type="radio"][name="form"]')).to.have.length(2);
    expect(form.querySelector<HTMLInputElement>('#pv-dauer')!.type).to.equal('number');
    await expect(el).to.be.accessible();
  });

  it('a refused save shows the field the server names; sections can be renamed and added', async () => {
    api.on('PUT', `${BASE}/forms/beratung`, () => ({
      status: 400,
      body: { error: { code: 'invalid_input', message: 'the request json is not valid', issues: [{ path: ['form', 'sections', 0, 'fields', 0, 'id'], message: 'use lower-case letters' }] } },
    }));
    const el = await mount();
    const title = root(el).querySelector<HTMLInputElement>('input.section-title')!;
    title.value = 'Inhalt der Beratung';
    title.dispatchEvent(new Event('change'));
    root(el).querySelector<HTMLButtonElement>('button.add-section')!.click();
    await el.updateComplete;
    expect([...root(el).querySelectorAll('fieldset > legend')].map((l) => l.textContent!.trim())).to.deep.equal(['Abschnitt „Inhalt der Beratung“', 'Abschnitt „Neuer Abschnitt“']);
    root(el).querySelector<HTMLButtonElement>('button.save')!.click();
    await waitUntil(() => root(el).querySelector('[role="alert"]'), 'error shown');
    expect(root(el).querySelector('[role="alert"]')!.textContent).to.contain('form.sections.0.fields.0.id: use lower-case letters');
    const sent = api.last('PUT', `${BASE}/forms/beratung`)!.body as { form: FormDefinition };
    expect(sent.form.sections.map((s) => s.title)).to.deep.equal(['Inhalt der Beratung', 'Neuer Abschnitt']);
  });

  it('imports a form file and edits a proposal (title, field label, section)', async () => {
    const imported: FormVersion = { ...v1, form: { ...form, id: 'neu', title: 'Neues Formular' } };
    api.on('POST', `${BASE}/forms/import`, () => {
      return { status: 201, body: imported };
    });
    api.on('PATCH', `${BASE}/forms/beratung/proposals/r1`, (c: Call) => ({ status: 200, body: { ...proposal, ...(c.body as object), version: 2 } }));
    const el = await mount();
    const input = root(el).querySelector<HTMLInputElement>('label.import input[type="file"]')!;
    const dt = new DataTransfer();
    dt.items.add(new File([JSON.stringify({ ...form, id: 'neu', title: 'Neues Formular' })], 'neu.json', { type: 'application/json' }));
    input.files = dt.files;
    input.dispatchEvent(new Event('change'));
    await waitUntil(() => api.last('POST', `${BASE}/forms/import`), 'imported');
    expect((api.last('POST', `${BASE}/forms/import`)!.body as FormDefinition).id).to.equal('neu');
    await waitUntil(() => root(el).querySelector('.message')!.textContent!.includes('Neues Formular'), 'confirmation');
    await openTab(el, 'proposals');
    const article = root(el).querySelector<HTMLElement>('article[data-proposal-id="r1"]')!;
    article.querySelector<HTMLInputElement>('input.title')!.value = 'Atmosphäre erfassen';
    article.querySelector<HTMLInputElement>('input.field-label')!.value = 'Atmosphäre';
    expect([...article.querySelectorAll('select.section option')].map((o) => o.textContent!.trim())).to.deep.equal(['Inhalt']);
    article.querySelector<HTMLButtonElement>('button.save-edit')!.click();
    await waitUntil(() => api.last('PATCH', `${BASE}/forms/beratung/proposals/r1`), 'patched');
    const body = api.last('PATCH', `${BASE}/forms/beratung/proposals/r1`)!.body as { version: number; title: string; sectionId: string; field: { label: string } };
    expect(body.version).to.equal(1);
    expect(body.title).to.equal('Atmosphäre erfassen');
    expect(body.field.label).to.equal('Atmosphäre');
    expect(body.sectionId).to.equal('inhalt');
    await waitUntil(() => root(el).querySelector('article h3')!.textContent === 'Atmosphäre erfassen', 'title updated');
  });

  it('shows a load failure with a retry', async () => {
    api.on('GET', `${BASE}/codes`, () => ({ status: 500, body: { error: { code: 'internal', message: 'kaputt' } } }));
    const el = await fixture<SbFormsView>(html`<sb-forms-view projectId="p1" .user=${user('admin')}></sb-forms-view>`);
    await waitUntil(() => root(el).querySelector('[role="alert"]'), 'error shown');
    expect(root(el).querySelector('[role="alert"]')!.textContent).to.contain('kaputt');
    api.on('GET', `${BASE}/codes`, { codes });
    root(el).querySelector<HTMLButtonElement>('button.retry')!.click();
    await waitUntil(() => root(el).querySelector('[role="tablist"]'), 'loaded after retry');
  });
});
