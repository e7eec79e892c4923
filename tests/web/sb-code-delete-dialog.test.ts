import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { Code } from '../../server/schemas/code.js';
import '../../web/components/sb-code-delete-dialog.js';
import { codesInTreeOrder, descendantIds, PATH_SEPARATOR } from '../../server/domain/code-tree.js';
import type { CodeDeleteEvent, SbCodeDeleteDialog } from '../../web/components/sb-code-delete-dialog.js';

const base = { colour: '#336699', isCodable: true, definition: { description: '', inclusion: '', exclusion: '', anchors: [], rules: '' }, created: '2024-01-01T00:00:00.000Z', modified: '2024-01-01T00:00:00.000Z', version: 1 };
const codes: Code[] = [
  { ...base, id: 'root', parentId: null, name: 'Beratung', isCodable: false, order: 0 },
  { ...base, id: 'a', parentId: 'root', name: 'Begrüßen', order: 0, version: 4 },
  { ...base, id: 'a1', parentId: 'a', name: 'Hand geben', order: 0 },
  { ...base, id: 'a2', parentId: 'a1', name: 'Fest', order: 0 },
  { ...base, id: 'b', parentId: 'root', name: 'Zusammenfassen', order: 1 },
  { ...base, id: 'c', parentId: null, name: 'Leer', order: 1, version: 7 },
];
const counts = { a: 2, a1: 3, a2: 1, b: 1 };
const byId = (id: string) => codes.find((c) => c.id === id)!;

async function openDialog(code: Code, extraCounts: Record<string, number> = counts): Promise<SbCodeDeleteDialog> {
  const el = await fixture<SbCodeDeleteDialog>(html`<sb-code-delete-dialog .code=${code} .codes=${codes} .counts=${extraCounts} open></sb-code-delete-dialog>`);
  await el.updateComplete;
  return el;
}
const q = <T extends Element>(el: SbCodeDeleteDialog, selector: string) => el.shadowRoot!.querySelector<T>(selector)!;
async function choose(el: SbCodeDeleteDialog, name: string, value: string): Promise<void> {
  q<HTMLInputElement>(el, `input[name="${name}"][value="${value}"]`).click();
  await el.updateComplete;
}
const options = (el: SbCodeDeleteDialog) => [...el.shadowRoot!.querySelectorAll('select option')].map((o) => [o.getAttribute('value'), o.textContent]);

describe('sb-code-delete-dialog', () => {
  it('lists descendants and the codes in tree order with their paths', () => {
    expect(descendantIds(codes, 'a')).to.deep.equal(['a1', 'a2']);
    expect(descendantIds(codes, 'c')).to.deep.equal([]);
    expect(codesInTreeOrder(codes).map((e) => e.path.join(PATH_SEPARATOR))).to.deep.equal([
      'Beratung',
      'Beratung › Begrüßen',
      'Beratung › Begrüßen › Hand geben',
      'Beratung › Begrüßen › Hand geben › Fest',
      'Beratung › Zusammenfassen',
      'Leer',
    ]);
  });

  it('is a labelled modal dialog that shows what is affected', async () => {
    const el = await openDialog(byId('a'));
    const dialog = q<HTMLDialogElement>(el, 'dialog');
    expect(dialog.open).to.equal(true);
    expect(dialog.matches(':modal')).to.equal(true);
    expect(el.shadowRoot!.getElementById(dialog.getAttribute('aria-labelledby')!)!.textContent).to.equal('Code „Begrüßen“ löschen');
    expect([...el.shadowRoot!.querySelectorAll('#summary li')].map((li) => li.textContent!.trim())).to.deep.equal([
      'Eigene Segmente: 2',
      'Untercodes (alle Ebenen): 2, mit zusammen 4 Segmenten',
    ]);
    expect(q(el, '.segments legend').textContent).to.equal('Was soll mit den 6 betroffenen Segmenten geschehen?');
    await expect(el).to.be.accessible();
  });

  it('demands an explicit choice for sub-codes and segments before it deletes', async () => {
    const el = await openDialog(byId('a'));
    const confirm = q<HTMLButtonElement>(el, 'button.confirm');
    expect([...el.shadowRoot!.querySelectorAll<HTMLInputElement>('input[type="radio"]')].some((r) => r.checked)).to.equal(false);
    expect(confirm.disabled).to.equal(true);
    expect(q(el, '.hint').textContent).to.equal('Bitte treffen Sie für jede Frage eine Entscheidung.');
    await choose(el, 'segments', 'delete');
    expect(confirm.disabled).to.equal(true);
    await choose(el, 'children', 'lift');
    expect(confirm.disabled).to.equal(false);
    // Lifting keeps the sub-codes, so only the own segments are at stake.
    expect(q(el, '.segments legend').textContent).to.equal('Was soll mit den 2 betroffenen Segmenten geschehen?');
    const fired = oneEvent(el, 'sb-code-delete');
    confirm.click();
    const event = (await fired) as unknown as CodeDeleteEvent;
    expect([event.codeId, event.version, event.segments, event.children]).to.deep.equal(['a', 4, { action: 'delete' }, 'lift']);
    await el.updateComplete;
    expect(q<HTMLDialogElement>(el, 'dialog').open).to.equal(false);
  });

  it('moves segments only to a codable code that survives', async () => {
    const el = await openDialog(byId('a'));
    await choose(el, 'children', 'delete');
    await choose(el, 'segments', 'move');
    // Sub-codes are deleted too: neither they nor the folder "Beratung" can take the segments.
    expect(options(el)).to.deep.equal([
      ['', '– Code wählen –'],
      ['b', 'Beratung › Zusammenfassen'],
      ['c', 'Leer'],
    ]);
    expect(q<HTMLButtonElement>(el, 'button.confirm').disabled).to.equal(true);
    await choose(el, 'children', 'lift');
    expect(options(el).map(([id]) => id)).to.deep.equal(['', 'a1', 'a2', 'b', 'c']);
    const select = q<HTMLSelectElement>(el, 'select');
    select.value = 'a1';
    select.dispatchEvent(new Event('change'));
    await el.updateComplete;
    const fired = oneEvent(el, 'sb-code-delete');
    q<HTMLButtonElement>(el, 'button.confirm').click();
    const event = (await fired) as unknown as CodeDeleteEvent;
    expect([event.segments, event.children]).to.deep.equal([{ action: 'move', toCodeId: 'a1' }, 'lift']);
  });

  it('drops a move target that would be deleted when the sub-code choice changes', async () => {
    const el = await openDialog(byId('a'));
    await choose(el, 'children', 'lift');
    await choose(el, 'segments', 'move');
    const select = q<HTMLSelectElement>(el, 'select');
    select.value = 'a2';
    select.dispatchEvent(new Event('change'));
    await el.updateComplete;
    expect(q<HTMLButtonElement>(el, 'button.confirm').disabled).to.equal(false);
    await choose(el, 'children', 'delete');
    expect(q<HTMLSelectElement>(el, 'select').value).to.equal('');
    expect(q<HTMLButtonElement>(el, 'button.confirm').disabled).to.equal(true);
  });

  it('asks nothing when nothing is at stake', async () => {
    const el = await openDialog(byId('c'));
    expect(el.shadowRoot!.querySelectorAll('fieldset').length).to.equal(0);
    expect(q(el, '#summary').textContent!.replace(/\s+/g, ' ').trim()).to.equal('Eigene Segmente: 0 Keine Untercodes.');
    expect(q(el, 'form > p').textContent).to.equal('Es sind keine Segmente betroffen.');
    const fired = oneEvent(el, 'sb-code-delete');
    q<HTMLButtonElement>(el, 'button.confirm').click();
    const event = (await fired) as unknown as CodeDeleteEvent;
    expect([event.codeId, event.version, event.segments, event.children]).to.deep.equal(['c', 7, { action: 'delete' }, 'lift']);
  });

  it('cancels with the button and with Escape, and starts afresh when reopened', async () => {
    const el = await openDialog(byId('a'));
    await choose(el, 'children', 'delete');
    let fired = oneEvent(el, 'sb-code-delete-cancel');
    q<HTMLButtonElement>(el, 'button[type="button"]').click();
    await fired;
    await el.updateComplete;
    expect(q<HTMLDialogElement>(el, 'dialog').open).to.equal(false);
    el.open = true;
    await el.updateComplete;
    expect(q<HTMLInputElement>(el, 'input[name="children"][value="delete"]').checked).to.equal(false);
    // The browser turns Escape into a "cancel" event on the dialog.
    fired = oneEvent(el, 'sb-code-delete-cancel');
    q<HTMLDialogElement>(el, 'dialog').dispatchEvent(new Event('cancel', { cancelable: true }));
    await fired;
    await el.updateComplete;
    expect(el.open).to.equal(false);
    expect(q<HTMLDialogElement>(el, 'dialog').open).to.equal(false);
  });

  it('shows hostile code names as text', async () => {
    const evil: Code[] = [
      { ...base, id: 'x', parentId: null, name: '<img src=x onerror="window.__pwned=1">', order: 0 },
      { ...base, id: 'y', parentId: null, name: '<script>window.__pwned=2</script>', order: 1 },
    ];
    const el = await fixture<SbCodeDeleteDialog>(html`<sb-code-delete-dialog .code=${evil[0]} .codes=${evil} .counts=${{ x: 1 }} open></sb-code-delete-dialog>`);
    await choose(el, 'segments', 'move');
    expect(el.shadowRoot!.getElementById('title')!.textContent).to.equal('Code „<img src=x onerror="window.__pwned=1">“ löschen');
    expect(options(el)).to.deep.equal([
      ['', '– Code wählen –'],
      ['y', '<script>window.__pwned=2</script>'],
    ]);
    expect(el.shadowRoot!.querySelectorAll('img, script').length).to.equal(0);
    await new Promise((r) => setTimeout(r, 20));
    expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
  });
});
