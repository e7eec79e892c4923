import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { Code } from '../../server/schemas/code.js';
import '../../web/components/sb-code-merge-dialog.js';
import type { CodeMergeEvent, SbCodeMergeDialog } from '../../web/components/sb-code-merge-dialog.js';

const base = { colour: '#336699', isCodable: true, definition: { description: '', inclusion: '', exclusion: '', anchors: [], rules: '' }, created: '2024-01-01T00:00:00.000Z', modified: '2024-01-01T00:00:00.000Z', version: 1 };
const codes: Code[] = [
  { ...base, id: 'root', parentId: null, name: 'Beratung', isCodable: false, order: 0, version: 9 },
  { ...base, id: 'a', parentId: 'root', name: 'Begrüßen', order: 0, version: 4 },
  { ...base, id: 'a1', parentId: 'a', name: 'Hand geben', order: 0 },
  { ...base, id: 'b', parentId: 'root', name: 'Zusammenfassen', order: 1, version: 6 },
];
const byId = (id: string) => codes.find((c) => c.id === id)!;

async function openDialog(source: Code, counts: Record<string, number>, targetId = ''): Promise<SbCodeMergeDialog> {
  const el = await fixture<SbCodeMergeDialog>(
    html`<sb-code-merge-dialog .source=${source} .codes=${codes} .counts=${counts} .targetId=${targetId} open></sb-code-merge-dialog>`,
  );
  await el.updateComplete;
  return el;
}
const q = <T extends Element>(el: SbCodeMergeDialog, selector: string) => el.shadowRoot!.querySelector<T>(selector)!;
const options = (el: SbCodeMergeDialog) =>
  [...el.shadowRoot!.querySelectorAll<HTMLOptionElement>('select option')].map((o) => [o.value, o.textContent, o.disabled]);

describe('sb-code-merge-dialog', () => {
  it('is a labelled modal dialog that explains the merge', async () => {
    const el = await openDialog(byId('a'), { a: 2 });
    const dialog = q<HTMLDialogElement>(el, 'dialog');
    expect(dialog.open).to.equal(true);
    expect(dialog.matches(':modal')).to.equal(true);
    expect(el.shadowRoot!.getElementById(dialog.getAttribute('aria-labelledby')!)!.textContent).to.equal('„Begrüßen“ zusammenführen');
    expect(el.shadowRoot!.getElementById(dialog.getAttribute('aria-describedby')!)!.textContent).to.contain('„Begrüßen“ wird danach gelöscht');
    expect(q(el, 'form > p:nth-of-type(2)').textContent).to.equal('Betroffen: 2 Segmente, 1 direkte Untercodes.');
    await expect(el).to.be.accessible();
  });

  it('offers neither the source nor its sub-codes, and no folder when segments must move', async () => {
    const el = await openDialog(byId('a'), { a: 2 });
    expect(options(el)).to.deep.equal([
      ['', '– Code wählen –', false],
      ['root', 'Beratung', true],
      ['b', 'Beratung › Zusammenfassen', false],
    ]);
    const quiet = await openDialog(byId('a'), {});
    expect(options(quiet).map(([id, , disabled]) => [id, disabled])).to.deep.equal([
      ['', false],
      ['root', false],
      ['b', false],
    ]);
  });

  it('fires sb-code-merge with both versions once a target is chosen', async () => {
    const el = await openDialog(byId('a1'), { a1: 3 });
    const confirm = q<HTMLButtonElement>(el, 'button.confirm');
    expect(confirm.disabled).to.equal(true);
    const select = q<HTMLSelectElement>(el, 'select');
    select.value = 'b';
    select.dispatchEvent(new Event('change'));
    await el.updateComplete;
    expect(confirm.disabled).to.equal(false);
    const fired = oneEvent(el, 'sb-code-merge');
    confirm.click();
    const event = (await fired) as unknown as CodeMergeEvent;
    expect([event.sourceId, event.targetId, event.sourceVersion, event.targetVersion]).to.deep.equal(['a1', 'b', 1, 6]);
    await el.updateComplete;
    expect(q<HTMLDialogElement>(el, 'dialog').open).to.equal(false);
  });

  it('takes a preselected target but ignores one that is not allowed', async () => {
    const el = await openDialog(byId('b'), { b: 1 }, 'a');
    expect(q<HTMLSelectElement>(el, 'select').value).to.equal('a');
    expect(q<HTMLButtonElement>(el, 'button.confirm').disabled).to.equal(false);
    const folder = await openDialog(byId('b'), { b: 1 }, 'root');
    expect(q<HTMLSelectElement>(folder, 'select').value).to.equal('');
    const own = await openDialog(byId('a'), {}, 'a1');
    expect(q<HTMLSelectElement>(own, 'select').value).to.equal('');
    expect(q<HTMLButtonElement>(own, 'button.confirm').disabled).to.equal(true);
  });

  it('cancels with the button and with Escape', async () => {
    const el = await openDialog(byId('a'), {});
    let fired = oneEvent(el, 'sb-code-merge-cancel');
    q<HTMLButtonElement>(el, 'button[type="button"]').click();
    await fired;
    await el.updateComplete;
    expect(q<HTMLDialogElement>(el, 'dialog').open).to.equal(false);
    el.open = true;
    await el.updateComplete;
    fired = oneEvent(el, 'sb-code-merge-cancel');
    q<HTMLDialogElement>(el, 'dialog').dispatchEvent(new Event('cancel', { cancelable: true }));
    await fired;
    await el.updateComplete;
    expect(q<HTMLDialogElement>(el, 'dialog').open).to.equal(false);
  });

  it('shows hostile code names as text', async () => {
    const evil: Code[] = [
      { ...base, id: 'x', parentId: null, name: '<img src=x onerror="window.__pwned=1">', order: 0 },
      { ...base, id: 'y', parentId: null, name: '<script>window.__pwned=2</script>', order: 1 },
    ];
    const el = await fixture<SbCodeMergeDialog>(html`<sb-code-merge-dialog .source=${evil[0]} .codes=${evil} open></sb-code-merge-dialog>`);
    expect(el.shadowRoot!.getElementById('title')!.textContent).to.equal('„<img src=x onerror="window.__pwned=1">“ zusammenführen');
    expect(options(el)[1]).to.deep.equal(['y', '<script>window.__pwned=2</script>', false]);
    expect(el.shadowRoot!.querySelectorAll('img, script').length).to.equal(0);
    await new Promise((r) => setTimeout(r, 20));
    expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
  });
});
