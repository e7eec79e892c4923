import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { Code } from '../../server/schemas/code.js';
import type { CrosswalkEntry } from '../../server/schemas/crosswalk.js';
import '../../web/components/sb-crosswalk-editor.js';
import type { CrosswalkSaveEvent, SbCrosswalkEditor } from '../../web/components/sb-crosswalk-editor.js';

const XSS = '<img src=x onerror="window.__pwned=1">';
const T = '2024-01-01T00:00:00.000Z';
const base = { colour: '#336699', isCodable: true, definition: { description: '', inclusion: '', exclusion: '', anchors: [], rules: '' }, created: T, modified: T, version: 1 };
const codes: Code[] = [
  { ...base, id: 'ber', parentId: null, name: 'Beratung', isCodable: false, order: 0 },
  { ...base, id: 'sum', parentId: 'ber', name: 'Thematisch zusammenfassen', order: 0 },
  { ...base, id: 'goal', parentId: 'ber', name: 'Ziele formulieren', order: 1 },
  { ...base, id: 'dok', parentId: null, name: 'Dokumentation', isCodable: false, order: 1 },
  { ...base, id: 'info', parentId: 'dok', name: 'Informationen zusammenfassen', order: 0 },
  { ...base, id: 'goals', parentId: 'dok', name: 'Ziele festhalten', order: 1 },
  { ...base, id: 'evil', parentId: 'dok', name: XSS, order: 2 },
];
const crosswalk: CrosswalkEntry[] = [
  { id: 'x1', label: 'Thematische Zusammenfassung', a: ['sum'], b: ['info', 'gone'], note: 'wie in der Studie' },
  { id: 'x2', label: XSS, a: ['goal'], b: ['evil'], note: XSS },
];

async function editor(editable = true): Promise<SbCrosswalkEditor> {
  const el = await fixture<SbCrosswalkEditor>(html`<sb-crosswalk-editor .crosswalk=${crosswalk} .codes=${codes} ?editable=${editable}></sb-crosswalk-editor>`);
  await el.updateComplete;
  return el;
}
const root = (el: SbCrosswalkEditor) => el.shadowRoot!;
const q = <T extends Element>(el: SbCrosswalkEditor, sel: string) => root(el).querySelector<T>(sel)!;
const rowLabels = (el: SbCrosswalkEditor) => [...root(el).querySelectorAll('tbody th.label')].map((n) => n.textContent);
async function type(el: SbCrosswalkEditor, sel: string, value: string): Promise<void> {
  const input = q<HTMLInputElement>(el, sel);
  input.value = value;
  input.dispatchEvent(new Event('input'));
  await el.updateComplete;
}
async function check(el: SbCrosswalkEditor, side: 'a' | 'b', codeId: string, on = true): Promise<void> {
  const box = q<HTMLInputElement>(el, `fieldset.side-${side} input[data-code-id="${codeId}"]`);
  box.checked = on;
  box.dispatchEvent(new Event('change'));
  await el.updateComplete;
}

describe('sb-crosswalk-editor', () => {
  afterEach(() => {
    delete (window as unknown as Record<string, unknown>).__pwned;
  });

  it('lists the rows with label, the codes of both sides as paths, and the note', async () => {
    const el = await editor();
    expect(rowLabels(el)).to.deep.equal(['Thematische Zusammenfassung', XSS]);
    const first = q(el, 'tbody tr[data-index="0"]');
    expect([...first.querySelectorAll('td.a li')].map((l) => l.textContent!.trim())).to.deep.equal(['Beratung › Thematisch zusammenfassen']);
    expect([...first.querySelectorAll('td.b li')].map((l) => l.textContent!.trim())).to.deep.equal(['Dokumentation › Informationen zusammenfassen', 'unbekannter Code (gone)']);
    expect(first.querySelector('td.note')!.textContent).to.equal('wie in der Studie');
    expect(q<HTMLButtonElement>(el, 'button.save').disabled).to.equal(true);
    await expect(el).to.be.accessible();
  });

  it('adds a row in a labelled modal dialog: codes chosen from filtered paths, then saved as a whole list', async () => {
    const el = await editor();
    q<HTMLButtonElement>(el, 'button.add').click();
    await el.updateComplete;
    const dialog = q<HTMLDialogElement>(el, 'dialog');
    expect(dialog.open).to.equal(true);
    expect(dialog.matches(':modal')).to.equal(true);
    expect(root(el).getElementById(dialog.getAttribute('aria-labelledby')!)!.textContent).to.equal('Neue Crosswalk-Zeile');
    expect(root(el).activeElement).to.equal(q(el, 'input[name="label"]'));
    await expect(el).to.be.accessible();

    // Without codes the row is refused.
    await type(el, 'input[name="label"]', 'Ziele');
    q<HTMLButtonElement>(el, 'button.apply').click();
    await el.updateComplete;
    expect(q(el, '.dialog-error').textContent).to.equal('Bitte auf beiden Seiten mindestens einen Code wählen.');

    await type(el, 'input[name="filter-a"]', 'ZIEL');
    expect([...root(el).querySelectorAll('fieldset.side-a .choices label')].map((l) => l.textContent!.trim())).to.deep.equal(['Beratung › Ziele formulieren', 'Dokumentation › Ziele festhalten']);
    await check(el, 'a', 'goal');
    await check(el, 'b', 'goals');
    await type(el, 'textarea[name="note"]', 'neu');
    q<HTMLButtonElement>(el, 'button.apply').click();
    await el.updateComplete;
    expect(dialog.open).to.equal(false);
    expect(rowLabels(el)).to.deep.equal(['Thematische Zusammenfassung', XSS, 'Ziele']);
    expect(q(el, '.state').textContent).to.equal('Ungespeicherte Änderungen.');

    const fired = oneEvent(el, 'sb-crosswalk-save');
    q<HTMLButtonElement>(el, 'button.save').click();
    const saved = ((await fired) as unknown as CrosswalkSaveEvent).crosswalk;
    expect(saved).to.deep.equal([
      { id: 'x1', label: 'Thematische Zusammenfassung', a: ['sum'], b: ['info', 'gone'], note: 'wie in der Studie' },
      { id: 'x2', label: XSS, a: ['goal'], b: ['evil'], note: XSS },
      { label: 'Ziele', a: ['goal'], b: ['goals'], note: 'neu' },
    ]);
  });

  it('edits and deletes rows; Escape cancels the dialog and returns the focus', async () => {
    const el = await editor();
    const edit = q<HTMLButtonElement>(el, 'tbody tr[data-index="0"] button.edit');
    expect(edit.getAttribute('aria-label')).to.equal('„Thematische Zusammenfassung“ bearbeiten');
    edit.click();
    await el.updateComplete;
    expect(q<HTMLInputElement>(el, 'input[name="label"]').value).to.equal('Thematische Zusammenfassung');
    expect(q<HTMLInputElement>(el, 'fieldset.side-b input[data-code-id="info"]').checked).to.equal(true);
    expect(q(el, 'fieldset.side-b .chosen').textContent!.trim()).to.equal('Gewählt: Informationen zusammenfassen; gone');
    // Escape: the dialog's cancel event.
    q<HTMLDialogElement>(el, 'dialog').dispatchEvent(new Event('cancel', { cancelable: true }));
    await el.updateComplete;
    await el.updateComplete;
    expect(q<HTMLDialogElement>(el, 'dialog').open).to.equal(false);
    expect(root(el).activeElement).to.equal(edit);

    edit.click();
    await el.updateComplete;
    await type(el, 'input[name="label"]', 'Zusammenfassung');
    await check(el, 'b', 'info', false);
    await check(el, 'b', 'goals');
    q<HTMLButtonElement>(el, 'button.apply').click();
    await el.updateComplete;
    q<HTMLButtonElement>(el, 'tbody tr[data-index="1"] button.delete').click();
    await el.updateComplete;
    expect(rowLabels(el)).to.deep.equal(['Zusammenfassung']);

    const fired = oneEvent(el, 'sb-crosswalk-save');
    q<HTMLButtonElement>(el, 'button.save').click();
    expect(((await fired) as unknown as CrosswalkSaveEvent).crosswalk).to.deep.equal([{ id: 'x1', label: 'Zusammenfassung', a: ['sum'], b: ['gone', 'goals'], note: 'wie in der Studie' }]);

    // Discard brings back what the app gave.
    q<HTMLButtonElement>(el, 'button.discard').click();
    await el.updateComplete;
    expect(rowLabels(el)).to.deep.equal(['Thematische Zusammenfassung', XSS]);
  });

  it('takes a new list from the app after a save, and shows saving and errors', async () => {
    const el = await editor();
    q<HTMLButtonElement>(el, 'tbody tr[data-index="1"] button.delete').click();
    await el.updateComplete;
    el.saving = true;
    await el.updateComplete;
    expect(q(el, '.state').textContent).to.equal('Speichert …');
    expect(q<HTMLButtonElement>(el, 'button.save').disabled).to.equal(true);
    el.saving = false;
    el.error = 'Der Crosswalk wurde nicht gespeichert: code gone not found.';
    await el.updateComplete;
    expect(q(el, '[role="alert"].error').textContent).to.contain('code gone not found');
    el.crosswalk = [crosswalk[0]!];
    await el.updateComplete;
    expect(rowLabels(el)).to.deep.equal(['Thematische Zusammenfassung']);
    expect(q<HTMLButtonElement>(el, 'button.save').disabled).to.equal(true);
  });

  it('is read-only without the permission', async () => {
    const el = await editor(false);
    expect(rowLabels(el)).to.deep.equal(['Thematische Zusammenfassung', XSS]);
    expect(root(el).querySelectorAll('button').length).to.equal(0);
    expect(root(el).querySelector('dialog')).to.equal(null);
    expect(q(el, '.readonly').textContent).to.contain('Nur Forschende');
    await expect(el).to.be.accessible();
  });

  it('shows hostile labels, code names and notes as text', async () => {
    const el = await editor();
    const row = q(el, 'tbody tr[data-index="1"]');
    expect(row.querySelector('th.label')!.textContent).to.equal(XSS);
    expect(row.querySelector('td.b .code-name')!.textContent).to.equal(XSS);
    expect(row.querySelector('td.note')!.textContent).to.equal(XSS);
    expect(root(el).querySelectorAll('img').length).to.equal(0);
    await new Promise((r) => setTimeout(r, 50));
    expect((window as unknown as Record<string, unknown>).__pwned).to.equal(undefined);
  });
});
