import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { AttributeValue } from '../../server/schemas/attribute.js';
import type { DocumentKind } from '../../server/schemas/document.js';
import '../../web/components/sb-corpus-view.js';
import { setLanguage } from '../../web/i18n/index.js';
import type { DocumentOpenEvent, SbCorpusView, SetCreateEvent } from '../../web/components/sb-corpus-view.js';
import type { DocumentListEntry, DocumentSetWithMembers } from '../../web/components/sb-corpus-model.js';

const XSS = '<img src=x onerror="window.__pwned=1">';

function doc(id: string, title: string, kind: DocumentKind, segmentCount: number, attributes: Record<string, AttributeValue> = {}): DocumentListEntry {
  return { id, title, kind, attributes, segmentCount, length: 1000, created: '2024-01-01T00:00:00.000Z', version: 1 };
}

const documents: DocumentListEntry[] = [
  doc('d1', 'Zander', 'interview', 100, { Region: { type: 'text', value: 'Nord' }, Alter: { type: 'number', value: 9 }, Datum: { type: 'date', value: '2024-03-05' } }),
  doc('d2', 'Ärger im Amt', 'observation', 5, { Region: { type: 'text', value: 'Süd' }, Alter: { type: 'number', value: 100 } }),
  doc('d3', 'Apfel', 'interview', 20, { Region: { type: 'text', value: 'nord' }, Alter: { type: 'number', value: 10 } }),
  doc('d4', 'Beratung 10', 'documentation', 3, { Region: { type: 'text', value: 'Süd' } }),
  doc('d5', 'Beratung 2', 'other', 0, { Erstgespräch: { type: 'boolean', value: true } }),
];

const sets: DocumentSetWithMembers[] = [
  { id: 's1', name: 'Nordteam', definition: { type: 'members', documentIds: ['d1', 'd3'] }, created: '2024-01-01T00:00:00.000Z', version: 1, documentIds: ['d1', 'd3'] },
];

const root = (el: SbCorpusView) => el.shadowRoot!;
const titles = (el: SbCorpusView) => [...root(el).querySelectorAll('tbody th[scope="row"]')].map((th) => th.textContent!.trim());
const count = (el: SbCorpusView) => root(el).querySelector('.count')!.textContent!.trim();
const header = (el: SbCorpusView, key: string) => root(el).querySelector<HTMLElement>(`th[data-sort="${key}"]`)!;

async function click(el: SbCorpusView, selector: string): Promise<void> {
  root(el).querySelector<HTMLElement>(selector)!.click();
  await el.updateComplete;
}

async function tick(el: SbCorpusView, selector: string, on = true): Promise<void> {
  const box = root(el).querySelector<HTMLInputElement>(selector)!;
  box.checked = on;
  box.dispatchEvent(new Event('change', { bubbles: true }));
  await el.updateComplete;
}

async function addCondition(el: SbCorpusView, name: string): Promise<void> {
  root(el).querySelector<HTMLSelectElement>('select[name="attribute"]')!.value = name;
  await click(el, 'button.add-condition');
}

describe('sb-corpus-view', () => {
  afterEach(() => {
    delete (window as unknown as Record<string, unknown>).__pwned;
  });

  it('lists documents by title in German order with kind, attribute columns and segment counts', async () => {
    const el = await fixture<SbCorpusView>(html`<sb-corpus-view .documents=${documents}></sb-corpus-view>`);
    expect(titles(el)).to.deep.equal(['Apfel', 'Ärger im Amt', 'Beratung 2', 'Beratung 10', 'Zander']);
    expect(header(el, 'title').getAttribute('aria-sort')).to.equal('ascending');
    expect(header(el, 'kind').getAttribute('aria-sort')).to.equal('none');
    const heads = [...root(el).querySelectorAll('thead th')].map((th) => th.querySelector('button')!.textContent!.replace(/[▲▼]/g, '').trim());
    expect(heads).to.deep.equal(['Titel', 'Art', 'Alter', 'Datum', 'Erstgespräch', 'Region', 'Segmente']);
    const zander = [...root(el).querySelectorAll('tr[data-document-id="d1"] > *')].map((c) => c.textContent!.trim());
    expect(zander).to.deep.equal(['Zander', 'Interview', '9', '05.03.2024', '', 'Nord', '100']);
    const beratung2 = [...root(el).querySelectorAll('tr[data-document-id="d5"] > *')].map((c) => c.textContent!.trim());
    expect(beratung2).to.deep.equal(['Beratung 2', 'Sonstiges', '', '', 'ja', '', '0']);
    expect(count(el)).to.equal('5 von 5 Dokumenten');
  });

  it('sorts by a column on click and on Enter, toggling the direction; numbers numerically, missing values last', async () => {
    const el = await fixture<SbCorpusView>(html`<sb-corpus-view .documents=${documents}></sb-corpus-view>`);
    await click(el, 'th[data-sort="title"] button');
    expect(titles(el)).to.deep.equal(['Zander', 'Beratung 10', 'Beratung 2', 'Ärger im Amt', 'Apfel']);
    expect(header(el, 'title').getAttribute('aria-sort')).to.equal('descending');

    await click(el, 'th[data-sort="segments"] button');
    expect(titles(el)).to.deep.equal(['Beratung 2', 'Beratung 10', 'Ärger im Amt', 'Apfel', 'Zander']);
    expect(header(el, 'segments').getAttribute('aria-sort')).to.equal('ascending');
    expect(header(el, 'title').getAttribute('aria-sort')).to.equal('none');

    const alter = header(el, 'attr:Alter').querySelector('button')!;
    alter.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    await el.updateComplete;
    expect(titles(el)).to.deep.equal(['Zander', 'Apfel', 'Ärger im Amt', 'Beratung 2', 'Beratung 10']);
    expect(header(el, 'attr:Alter').getAttribute('aria-sort')).to.equal('ascending');
    alter.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    await el.updateComplete;
    expect(titles(el)).to.deep.equal(['Ärger im Amt', 'Apfel', 'Zander', 'Beratung 2', 'Beratung 10']);
    expect(header(el, 'attr:Alter').getAttribute('aria-sort')).to.equal('descending');

    await click(el, 'th[data-sort="kind"] button');
    // Beobachtungsprotokoll, Dokumentation, Interview (Apfel, Zander), Sonstiges
    expect(titles(el)).to.deep.equal(['Ärger im Amt', 'Beratung 10', 'Apfel', 'Zander', 'Beratung 2']);
  });

  it('filters by kind', async () => {
    const el = await fixture<SbCorpusView>(html`<sb-corpus-view .documents=${documents}></sb-corpus-view>`);
    const labels = [...root(el).querySelectorAll('fieldset.kinds label')].map((l) => l.textContent!.trim());
    expect(labels).to.deep.equal(['Beobachtungsprotokoll (1)', 'Interview (2)', 'Dokumentation (1)', 'Sonstiges (1)']);
    await tick(el, 'input[name="kind"][value="interview"]');
    expect(titles(el)).to.deep.equal(['Apfel', 'Zander']);
    expect(count(el)).to.equal('2 von 5 Dokumenten');
    await tick(el, 'input[name="kind"][value="other"]');
    expect(titles(el)).to.deep.equal(['Apfel', 'Beratung 2', 'Zander']);
    await tick(el, 'input[name="kind"][value="interview"]', false);
    await tick(el, 'input[name="kind"][value="other"]', false);
    expect(titles(el)).to.have.length(5);
  });

  it('filters by attribute values present in the corpus (text compared case-insensitively, as on the server)', async () => {
    const el = await fixture<SbCorpusView>(html`<sb-corpus-view .documents=${documents}></sb-corpus-view>`);
    await addCondition(el, 'Region');
    const condition = root(el).querySelector('fieldset.condition[data-attribute="Region"]')!;
    expect(condition.querySelector('legend')!.textContent).to.equal('Region');
    expect([...condition.querySelectorAll('.values label')].map((l) => l.textContent!.trim())).to.deep.equal(['Nord', 'nord', 'Süd']);
    // No value ticked yet: no restriction.
    expect(titles(el)).to.have.length(5);
    await tick(el, 'fieldset.condition input[data-value="string:Süd"]');
    expect(titles(el)).to.deep.equal(['Ärger im Amt', 'Beratung 10']);
    await tick(el, 'fieldset.condition input[data-value="string:Nord"]');
    expect(titles(el)).to.deep.equal(['Apfel', 'Ärger im Amt', 'Beratung 10', 'Zander']);

    await addCondition(el, 'Alter');
    await tick(el, 'fieldset.condition[data-attribute="Alter"] input[data-value="number:100"]');
    expect(titles(el)).to.deep.equal(['Ärger im Amt']);
    expect(count(el)).to.equal('1 von 5 Dokumenten');

    await click(el, 'fieldset.condition[data-attribute="Alter"] button.remove-condition');
    expect(titles(el)).to.have.length(4);
    await click(el, 'button.reset');
    expect(titles(el)).to.have.length(5);
  });

  it('shows only the documents of a chosen set', async () => {
    const el = await fixture<SbCorpusView>(html`<sb-corpus-view .documents=${documents} .sets=${sets}></sb-corpus-view>`);
    const select = root(el).querySelector<HTMLSelectElement>('select[name="set"]')!;
    expect([...select.options].map((o) => o.textContent!.trim())).to.deep.equal(['Alle Dokumente', 'Nordteam (2)']);
    select.value = 's1';
    select.dispatchEvent(new Event('change'));
    await el.updateComplete;
    expect(titles(el)).to.deep.equal(['Apfel', 'Zander']);
    expect(count(el)).to.equal('2 von 5 Dokumenten');
  });

  it('creates a set from the filter through a labelled dialog', async () => {
    const el = await fixture<SbCorpusView>(html`<sb-corpus-view editable .documents=${documents} .sets=${sets}></sb-corpus-view>`);
    await tick(el, 'input[name="kind"][value="interview"]');
    await addCondition(el, 'Region');
    await tick(el, 'fieldset.condition input[data-value="string:Nord"]');
    await click(el, 'button.set-from-filter');
    const dialog = root(el).querySelector('dialog')!;
    expect(dialog.open).to.equal(true);
    expect(root(el).getElementById(dialog.getAttribute('aria-labelledby')!)!.textContent).to.equal('Set aus Filter anlegen');
    expect([...dialog.querySelectorAll('.summary li')].map((li) => li.textContent)).to.deep.equal(['Art: Interview', 'Region: Nord']);
    expect(dialog.querySelector('.hint')!.textContent).to.contain('derzeit passen 2 Dokumente');
    await expect(el).to.be.accessible();

    const input = dialog.querySelector('input')!;
    input.value = 'Nordteam';
    await click(el, 'dialog button[type="submit"]');
    expect(root(el).querySelector('[role="alert"]')!.textContent).to.equal('Es gibt schon ein Set mit diesem Namen.');
    input.value = '  Interviews Nord ';
    const fired = oneEvent(el, 'sb-set-create');
    root(el).querySelector<HTMLButtonElement>('dialog button[type="submit"]')!.click();
    const e = (await fired) as unknown as SetCreateEvent;
    expect(e.name).to.equal('Interviews Nord');
    expect(e.definition).to.deep.equal({ type: 'filter', filter: { kinds: ['interview'], attributes: [{ name: 'Region', anyOf: ['Nord'] }] } });
    await el.updateComplete;
    expect(root(el).querySelector('dialog')).to.equal(null);
  });

  it('creates a set from the selection; "select all visible" selects the filtered rows only', async () => {
    const el = await fixture<SbCorpusView>(html`<sb-corpus-view editable .documents=${documents}></sb-corpus-view>`);
    expect(root(el).querySelector<HTMLButtonElement>('button.set-from-selection')!.disabled).to.equal(true);
    await tick(el, 'tr[data-document-id="d4"] input.select-row');
    await tick(el, 'tr[data-document-id="d2"] input.select-row');
    expect(root(el).querySelector('.selected-count')!.textContent).to.equal('2 ausgewählt');
    expect(root(el).querySelector<HTMLInputElement>('input.select-all')!.indeterminate).to.equal(true);

    await click(el, 'button.set-from-selection');
    const dialog = root(el).querySelector('dialog')!;
    expect(dialog.querySelector('h2')!.textContent).to.equal('Set aus Auswahl anlegen');
    await click(el, 'dialog button[type="submit"]');
    expect(root(el).querySelector('[role="alert"]')!.textContent).to.equal('Bitte einen Namen eingeben.');
    dialog.querySelector('input')!.value = 'Zwei';
    const fired = oneEvent(el, 'sb-set-create');
    root(el).querySelector<HTMLButtonElement>('dialog button[type="submit"]')!.click();
    const e = (await fired) as unknown as SetCreateEvent;
    expect([e.name, e.definition]).to.deep.equal(['Zwei', { type: 'members', documentIds: ['d2', 'd4'] }]);

    await tick(el, 'tr[data-document-id="d4"] input.select-row', false);
    await tick(el, 'tr[data-document-id="d2"] input.select-row', false);
    await tick(el, 'input[name="kind"][value="interview"]');
    await tick(el, 'input.select-all');
    expect(root(el).querySelector('.selected-count')!.textContent).to.equal('2 ausgewählt');
    await click(el, 'button.set-from-selection');
    root(el).querySelector<HTMLInputElement>('dialog input')!.value = 'Interviews';
    const fired2 = oneEvent(el, 'sb-set-create');
    root(el).querySelector<HTMLButtonElement>('dialog button[type="submit"]')!.click();
    const e2 = (await fired2) as unknown as SetCreateEvent;
    expect(e2.definition).to.deep.equal({ type: 'members', documentIds: ['d1', 'd3'] });
  });

  it('fires sb-document-open when a title is activated', async () => {
    const el = await fixture<SbCorpusView>(html`<sb-corpus-view .documents=${documents}></sb-corpus-view>`);
    const fired = oneEvent(el, 'sb-document-open');
    root(el).querySelector<HTMLButtonElement>('tr[data-document-id="d3"] button.title')!.click();
    expect(((await fired) as unknown as DocumentOpenEvent).documentId).to.equal('d3');
  });

  it('shows an empty state, and a no-match state with a reset', async () => {
    const empty = await fixture<SbCorpusView>(html`<sb-corpus-view .documents=${[]}></sb-corpus-view>`);
    expect(root(empty).querySelector('.empty')!.textContent).to.equal('Noch keine Dokumente. Importieren Sie Textdateien (.txt, .md), um zu beginnen.');
    expect(root(empty).querySelector('table')).to.equal(null);
    await expect(empty).to.be.accessible();

    const el = await fixture<SbCorpusView>(html`<sb-corpus-view .documents=${documents}></sb-corpus-view>`);
    await addCondition(el, 'Alter');
    await tick(el, 'fieldset.condition input[data-value="number:9"]');
    await tick(el, 'input[name="kind"][value="observation"]');
    expect(root(el).querySelector('table')).to.equal(null);
    expect(root(el).querySelector('.no-match')!.textContent).to.contain('Kein Dokument entspricht dem Filter.');
    expect(count(el)).to.equal('0 von 5 Dokumenten');
    await click(el, 'button.reset-inline');
    expect(titles(el)).to.have.length(5);
  });

  it('renders titles and attribute values as text, never as HTML', async () => {
    const evil = [doc('x', XSS, 'other', 0, { [XSS]: { type: 'text', value: XSS } })];
    const el = await fixture<SbCorpusView>(html`<sb-corpus-view editable .documents=${evil}></sb-corpus-view>`);
    await addCondition(el, XSS);
    expect(root(el).querySelector('img')).to.equal(null);
    expect(root(el).querySelector('button.title')!.textContent).to.equal(XSS);
    const cells = [...root(el).querySelectorAll('tr[data-document-id="x"] td')].map((c) => c.textContent!.trim());
    expect(cells).to.include(XSS);
    expect(root(el).querySelector('fieldset.condition legend')!.textContent).to.equal(XSS);
    expect((window as unknown as Record<string, unknown>).__pwned).to.equal(undefined);
  });

  it('renders 1,000 documents quickly', async () => {
    const many = Array.from({ length: 1000 }, (_, i) =>
      doc(`d${i}`, `Dokument ${i}`, i % 2 ? 'interview' : 'observation', i % 37, { Nummer: { type: 'number', value: i }, Ort: { type: 'text', value: `Ort ${i % 10}` } }),
    );
    const t0 = performance.now();
    const el = await fixture<SbCorpusView>(html`<sb-corpus-view editable .documents=${many}></sb-corpus-view>`);
    const rendered = performance.now() - t0;
    expect(root(el).querySelectorAll('tbody tr').length).to.equal(1000);
    const t1 = performance.now();
    await click(el, 'th[data-sort="attr:Nummer"] button');
    await click(el, 'th[data-sort="attr:Nummer"] button');
    const resorted = performance.now() - t1;
    expect(titles(el)[0]).to.equal('Dokument 999');
    expect(rendered).to.be.below(1500);
    expect(resorted).to.be.below(1500);
  });

  it('switches to English, re-sorting kinds by their English names', async () => {
    const el = await fixture<SbCorpusView>(html`<sb-corpus-view .documents=${documents}></sb-corpus-view>`);
    await click(el, 'th[data-sort="kind"] button');
    try {
      setLanguage('en');
      await el.updateComplete;
      expect(count(el)).to.equal('5 of 5 documents');
      // Documentation record, Interview (Apfel, Zander), Observation protocol, Other
      expect(titles(el)).to.deep.equal(['Beratung 10', 'Apfel', 'Zander', 'Ärger im Amt', 'Beratung 2']);
      const cells = [...root(el).querySelectorAll('tr[data-document-id="d5"] > *')].map((c) => c.textContent!.trim());
      expect(cells).to.deep.equal(['Beratung 2', 'Other', '', '', 'yes', '', '0']);
      expect(root(el).querySelector('tr[data-document-id="d1"] > td:nth-of-type(3)')!.textContent).to.equal('Mar 5, 2024');
    } finally {
      setLanguage('de');
    }
  });

  it('passes the accessibility audit with filters, selection and sets', async () => {
    const el = await fixture<SbCorpusView>(html`<sb-corpus-view editable .documents=${documents} .sets=${sets}></sb-corpus-view>`);
    await addCondition(el, 'Region');
    await tick(el, 'tr[data-document-id="d1"] input.select-row');
    await expect(el).to.be.accessible();
  });
});
