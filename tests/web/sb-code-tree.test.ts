import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { Code } from '../../server/schemas/code.js';
import '../../web/components/sb-code-tree.js';
import { CODE_DRAG_TYPE } from '../../web/components/sb-code-tree.js';
import type {
  CodeActivateEvent,
  CodeCreateEvent,
  CodeDeleteEvent,
  CodeFilterEvent,
  CodeMergeEvent,
  CodeMoveEvent,
  CodeRenameEvent,
  CodeSelectEvent,
  SbCodeTree,
} from '../../web/components/sb-code-tree.js';

const base = { colour: '#336699', isCodable: true, definition: { description: '', inclusion: '', exclusion: '', anchors: [], rules: '' }, created: '2024-01-01T00:00:00.000Z', modified: '2024-01-01T00:00:00.000Z', version: 1 };
const codes: Code[] = [
  { ...base, id: 'root', parentId: null, name: 'Beratung', isCodable: false, order: 0 },
  { ...base, id: 'b', parentId: 'root', name: 'Zusammenfassen', order: 1, version: 5 },
  { ...base, id: 'a', parentId: 'root', name: 'Begrüßen', order: 0, version: 3 },
  { ...base, id: 'a1', parentId: 'a', name: 'Hand geben', order: 0, version: 2 },
];
const counts = { a: 2, a1: 3, b: 1 };

const item = (el: SbCodeTree, id: string) => el.shadowRoot!.querySelector<HTMLElement>(`[role="treeitem"][data-code-id="${id}"]`)!;
const press = (target: Element, key: string, init: KeyboardEventInit = {}) =>
  target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true, cancelable: true, ...init }));
const focused = (el: SbCodeTree) => el.shadowRoot!.activeElement?.getAttribute('data-code-id') ?? null;
/** Every event of a type the element fires, to assert that nothing (or exactly one thing) happened. */
function record<E extends Event>(el: Element, type: string): E[] {
  const seen: E[] = [];
  el.addEventListener(type, (e) => seen.push(e as E));
  return seen;
}
const tick = () => new Promise((r) => setTimeout(r, 20));

async function editableTree(extra: Partial<SbCodeTree> = {}): Promise<SbCodeTree> {
  const el = await fixture<SbCodeTree>(html`<sb-code-tree .codes=${codes} .counts=${counts} editable></sb-code-tree>`);
  Object.assign(el, extra);
  await el.updateComplete;
  return el;
}

/** Drag `sourceId` and drop it on the top edge, middle or bottom edge of `target`. */
function dragAndDrop(el: SbCodeTree, sourceId: string, target: HTMLElement, where: 'top' | 'middle' | 'bottom', init: DragEventInit = {}) {
  const dataTransfer = new DataTransfer();
  item(el, sourceId).dispatchEvent(new DragEvent('dragstart', { bubbles: true, composed: true, cancelable: true, dataTransfer }));
  const rect = (target.querySelector('.row') ?? target).getBoundingClientRect();
  const clientY = where === 'top' ? rect.top + 1 : where === 'bottom' ? rect.bottom - 1 : rect.top + rect.height / 2;
  const at = { bubbles: true, composed: true, cancelable: true, dataTransfer, clientX: rect.left + 10, clientY, ...init };
  const over = new DragEvent('dragover', at);
  target.dispatchEvent(over);
  const drop = new DragEvent('drop', at);
  target.dispatchEvent(drop);
  return { dataTransfer, over, drop };
}

describe('sb-code-tree', () => {
  afterEach(() => {
    delete (window as unknown as { __pwned?: number }).__pwned;
  });

  it('renders the hierarchy in sibling order with own and total counts', async () => {
    const el = await fixture<SbCodeTree>(html`<sb-code-tree .codes=${codes} .counts=${{ a: 2, a1: 3, b: 1 }}></sb-code-tree>`);
    const items = [...el.shadowRoot!.querySelectorAll('[role="treeitem"]')];
    expect(items.map((i) => i.getAttribute('data-code-id'))).to.deep.equal(['root', 'a', 'a1', 'b']);
    expect(items.map((i) => i.getAttribute('aria-level'))).to.deep.equal(['1', '2', '3', '2']);
    const count = (id: string) => el.shadowRoot!.querySelector(`[data-code-id="${id}"] > .row .count`)!.textContent!.replace(/\s+/g, '');
    expect(count('root')).to.equal('0/6');
    expect(count('a')).to.equal('2/5');
    expect(count('a1')).to.equal('3');
  });

  it('collapses and expands with the arrow keys and fires sb-code-activate on Enter', async () => {
    const el = await fixture<SbCodeTree>(html`<sb-code-tree .codes=${codes}></sb-code-tree>`);
    const a = el.shadowRoot!.querySelector<HTMLElement>('[data-code-id="a"]')!;
    expect(a.getAttribute('aria-expanded')).to.equal('true');
    a.focus();
    a.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', bubbles: true }));
    await el.updateComplete;
    expect(a.getAttribute('aria-expanded')).to.equal('false');
    expect(el.shadowRoot!.querySelector('[data-code-id="a1"]')).to.equal(null);
    const fired = oneEvent(el, 'sb-code-activate');
    a.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    const event = (await fired) as unknown as CodeActivateEvent;
    expect(event.codeId).to.equal('a');
  });

  it('renders code names as text, never as HTML', async () => {
    const evil: Code[] = [{ ...base, id: 'x', parentId: null, name: '<img src=x onerror="window.__pwned=1">', order: 0 }];
    const el = await fixture<SbCodeTree>(html`<sb-code-tree .codes=${evil}></sb-code-tree>`);
    expect(el.shadowRoot!.querySelector('img')).to.equal(null);
    expect(el.shadowRoot!.querySelector('.name')!.textContent).to.equal('<img src=x onerror="window.__pwned=1">');
  });

  it('passes the accessibility audit', async () => {
    const el = await fixture<SbCodeTree>(html`<sb-code-tree .codes=${codes}></sb-code-tree>`);
    await expect(el).to.be.accessible();
  });

  it('exposes tree semantics: one tab stop, set size and position, selection, filter state and counts', async () => {
    const el = await editableTree({ selectedCodeId: 'b', filterCodeIds: ['a1'] });
    const tree = el.shadowRoot!.querySelector('[role="tree"]')!;
    expect(tree.getAttribute('aria-label')).to.equal('Codesystem');
    const items = [...el.shadowRoot!.querySelectorAll('[role="treeitem"]')];
    expect(items.map((i) => i.getAttribute('aria-label'))).to.deep.equal(['Beratung', 'Begrüßen', 'Hand geben', 'Zusammenfassen']);
    expect(items.map((i) => `${i.getAttribute('aria-posinset')}/${i.getAttribute('aria-setsize')}`)).to.deep.equal(['1/1', '1/2', '1/1', '2/2']);
    expect(items.map((i) => i.getAttribute('aria-selected'))).to.deep.equal(['false', 'false', 'false', 'true']);
    expect(items.map((i) => i.getAttribute('aria-checked'))).to.deep.equal(['false', 'false', 'true', 'false']);
    expect(items.map((i) => i.getAttribute('aria-expanded'))).to.deep.equal(['true', 'true', null, null]);
    // Roving focus: the selected code is the single tab stop.
    expect(items.map((i) => i.getAttribute('tabindex'))).to.deep.equal(['-1', '-1', '-1', '0']);
    expect(el.shadowRoot!.getElementById(item(el, 'a').getAttribute('aria-describedby')!)!.textContent).to.equal('2 eigene, 5 mit Untercodes');
    expect(el.shadowRoot!.getElementById(item(el, 'root').getAttribute('aria-describedby')!)!.textContent).to.equal(
      '0 eigene, 6 mit Untercodes; Kategorie (nicht kodierbar)',
    );
    expect(item(el, 'a').querySelector<HTMLElement>('.swatch')!.style.backgroundColor).to.equal('rgb(51, 102, 153)');
    await expect(el).to.be.accessible();
  });

  it('moves the focus with the arrow keys, Home and End', async () => {
    const el = await editableTree();
    item(el, 'root').focus();
    press(item(el, 'root'), 'ArrowDown');
    expect(focused(el)).to.equal('a');
    press(item(el, 'a'), 'ArrowRight'); // expanded: to the first sub-code
    expect(focused(el)).to.equal('a1');
    press(item(el, 'a1'), 'ArrowLeft'); // a leaf: to its parent
    expect(focused(el)).to.equal('a');
    press(item(el, 'a'), 'End');
    expect(focused(el)).to.equal('b');
    press(item(el, 'b'), 'ArrowUp');
    expect(focused(el)).to.equal('a1');
    press(item(el, 'a1'), 'Home');
    expect(focused(el)).to.equal('root');
    await el.updateComplete;
    expect(item(el, 'root').getAttribute('tabindex')).to.equal('0');
    expect(item(el, 'b').getAttribute('tabindex')).to.equal('-1');
    // Collapse hides the sub-codes from the arrow-key order.
    press(item(el, 'a'), 'ArrowLeft');
    await el.updateComplete;
    item(el, 'a').focus();
    press(item(el, 'a'), 'ArrowDown');
    expect(focused(el)).to.equal('b');
    press(item(el, 'a'), 'ArrowRight');
    await el.updateComplete;
    expect(item(el, 'a').getAttribute('aria-expanded')).to.equal('true');
  });

  it('applies on click (once per double-click) and opens details with F4 or the info button', async () => {
    const el = await editableTree();
    const activated = record<CodeActivateEvent>(el, 'sb-code-activate');
    item(el, 'b').querySelector<HTMLElement>('.name')!.click();
    item(el, 'b').querySelector<HTMLElement>('.name')!.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, detail: 2 }));
    expect(activated.map((e) => e.codeId)).to.deep.equal(['b']);

    const selected = record<CodeSelectEvent>(el, 'sb-code-select');
    item(el, 'a').focus();
    press(item(el, 'a'), 'F4');
    item(el, 'a1').querySelector<HTMLButtonElement>('button.details')!.click();
    expect(selected.map((e) => e.codeId)).to.deep.equal(['a', 'a1']);
    expect(activated.length).to.equal(1);
    await el.updateComplete;
    expect(item(el, 'a1').getAttribute('aria-selected')).to.equal('true');
  });

  it('toggles the filter with Space and the check box and clears it', async () => {
    const el = await editableTree({ filterCodeIds: ['b'] });
    const filters = record<CodeFilterEvent>(el, 'sb-code-filter');
    item(el, 'a').focus();
    press(item(el, 'a'), ' ');
    await el.updateComplete;
    expect(item(el, 'a').getAttribute('aria-checked')).to.equal('true');
    item(el, 'b').querySelector<HTMLElement>('.check')!.click();
    await el.updateComplete;
    expect(item(el, 'b').getAttribute('aria-checked')).to.equal('false');
    press(item(el, 'a'), ' ');
    await el.updateComplete;
    item(el, 'a1').querySelector<HTMLElement>('.check')!.click();
    await el.updateComplete;
    const clear = el.shadowRoot!.querySelector<HTMLButtonElement>('button.filter-clear')!;
    expect(clear.textContent!.trim()).to.equal('Filter aufheben (1)');
    clear.click();
    expect(filters.map((e) => e.codeIds)).to.deep.equal([['b', 'a'], ['a'], [], ['a1'], []]);
  });

  it('creates a sub-code (N, Insert) and a top-level code (Shift+N, button) inline; Escape cancels', async () => {
    const el = await editableTree();
    const created = record<CodeCreateEvent>(el, 'sb-code-create');
    item(el, 'a').focus();
    press(item(el, 'a'), 'n');
    await el.updateComplete;
    let input = el.shadowRoot!.querySelector<HTMLInputElement>('input.edit')!;
    expect(input.getAttribute('aria-label')).to.equal('Name des neuen Untercodes von „Begrüßen“');
    expect(el.shadowRoot!.activeElement).to.equal(input);
    input.value = '  Nicken  ';
    press(input, 'Enter');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('input.edit')).to.equal(null);
    expect(focused(el)).to.equal('a');

    press(item(el, 'a'), 'Insert');
    await el.updateComplete;
    input = el.shadowRoot!.querySelector<HTMLInputElement>('input.edit')!;
    input.value = 'Winken';
    press(input, 'Escape');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('input.edit')).to.equal(null);
    expect(focused(el)).to.equal('a');

    press(item(el, 'a'), 'N', { shiftKey: true });
    await el.updateComplete;
    input = el.shadowRoot!.querySelector<HTMLInputElement>('input.edit')!;
    expect(input.getAttribute('aria-label')).to.equal('Name des neuen Codes');
    input.value = 'Dokumentieren';
    press(input, 'Enter');
    await el.updateComplete;

    el.shadowRoot!.querySelector<HTMLButtonElement>('.actions button.new')!.click();
    await el.updateComplete;
    input = el.shadowRoot!.querySelector<HTMLInputElement>('input.edit')!;
    input.value = '   ';
    press(input, 'Enter');
    expect(created.map((e) => [e.parentId, e.name])).to.deep.equal([
      ['a', 'Nicken'],
      [null, 'Dokumentieren'],
    ]);
  });

  it('renames with F2 or a double-click; Escape and an unchanged name fire nothing', async () => {
    const el = await editableTree();
    const renamed = record<CodeRenameEvent>(el, 'sb-code-rename');
    item(el, 'a').focus();
    press(item(el, 'a'), 'F2');
    await el.updateComplete;
    let input = item(el, 'a').querySelector<HTMLInputElement>('input.edit')!;
    expect(input.value).to.equal('Begrüßen');
    expect(input.getAttribute('aria-label')).to.equal('Neuer Name für „Begrüßen“');
    input.value = 'Begrüßung';
    press(input, 'Enter');
    await el.updateComplete;
    expect(focused(el)).to.equal('a');

    press(item(el, 'a'), 'F2');
    await el.updateComplete;
    input = item(el, 'a').querySelector<HTMLInputElement>('input.edit')!;
    input.value = 'Verworfen';
    press(input, 'Escape');
    await el.updateComplete;
    expect(item(el, 'a').querySelector('input.edit')).to.equal(null);
    expect(item(el, 'a').querySelector('.name')!.textContent).to.equal('Begrüßen');

    item(el, 'b').querySelector('.name')!.dispatchEvent(new MouseEvent('dblclick', { bubbles: true, composed: true }));
    await el.updateComplete;
    input = item(el, 'b').querySelector<HTMLInputElement>('input.edit')!;
    press(input, 'Enter'); // unchanged
    await el.updateComplete;
    expect(renamed.map((e) => [e.codeId, e.version, e.name])).to.deep.equal([['a', 3, 'Begrüßung']]);
  });

  it('offers every action as a button that acts on the focused code', async () => {
    const el = await editableTree();
    const button = (cls: string) => el.shadowRoot!.querySelector<HTMLButtonElement>(`.actions button.${cls}`)!;
    expect(['new', 'new-child', 'rename', 'merge', 'delete', 'details'].map((c) => button(c).disabled)).to.deep.equal([false, true, true, true, true, true]);
    item(el, 'b').focus();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.actions')!.getAttribute('aria-label')).to.equal('Aktionen für „Zusammenfassen“');
    expect(['new-child', 'rename', 'merge', 'delete', 'details'].map((c) => button(c).disabled)).to.deep.equal([false, false, false, false, false]);
    button('rename').click();
    await el.updateComplete;
    expect(item(el, 'b').querySelector<HTMLInputElement>('input.edit')!.value).to.equal('Zusammenfassen');
    press(item(el, 'b').querySelector('input.edit')!, 'Escape');
    await el.updateComplete;
    const selected = oneEvent(el, 'sb-code-select');
    button('details').click();
    expect(((await selected) as unknown as CodeSelectEvent).codeId).to.equal('b');
    button('delete').click();
    await el.updateComplete;
    const dialog = el.shadowRoot!.querySelector('sb-code-delete-dialog')!;
    await dialog.updateComplete;
    expect(dialog.shadowRoot!.getElementById('title')!.textContent).to.equal('Code „Zusammenfassen“ löschen');
  });

  it('offers no editing when not editable', async () => {
    const el = await fixture<SbCodeTree>(html`<sb-code-tree .codes=${codes} .counts=${counts}></sb-code-tree>`);
    const seen = ['sb-code-create', 'sb-code-rename', 'sb-code-move', 'sb-code-filter'].map((type) => record(el, type));
    item(el, 'a').focus();
    for (const [key, init] of [['F2', {}], ['n', {}], ['Delete', {}], ['m', {}], ['ArrowDown', { altKey: true }]] as const) press(item(el, 'a'), key, init);
    await el.updateComplete;
    expect(seen.map((list) => list.length)).to.deep.equal([0, 0, 0, 0]);
    expect(el.shadowRoot!.querySelector('input.edit')).to.equal(null);
    expect(el.shadowRoot!.querySelector('sb-code-delete-dialog')).to.equal(null);
    expect(el.shadowRoot!.querySelector('.actions button.new')).to.equal(null);
  });

  it('opens the delete dialog with Delete, demands a choice and fires sb-code-delete', async () => {
    const el = await editableTree();
    item(el, 'a').focus();
    press(item(el, 'a'), 'Delete');
    await el.updateComplete;
    const dialog = el.shadowRoot!.querySelector('sb-code-delete-dialog')!;
    await dialog.updateComplete;
    const native = dialog.shadowRoot!.querySelector('dialog')!;
    expect(native.open).to.equal(true);
    expect(dialog.shadowRoot!.getElementById('title')!.textContent).to.equal('Code „Begrüßen“ löschen');
    const confirm = dialog.shadowRoot!.querySelector<HTMLButtonElement>('button.confirm')!;
    expect(confirm.disabled).to.equal(true);
    dialog.shadowRoot!.querySelector<HTMLInputElement>('input[name="children"][value="delete"]')!.click();
    dialog.shadowRoot!.querySelector<HTMLInputElement>('input[name="segments"][value="delete"]')!.click();
    await dialog.updateComplete;
    expect(confirm.disabled).to.equal(false);
    const fired = oneEvent(el, 'sb-code-delete');
    confirm.click();
    const event = (await fired) as unknown as CodeDeleteEvent;
    expect([event.codeId, event.version, event.segments, event.children]).to.deep.equal(['a', 3, { action: 'delete' }, 'delete']);
    await el.updateComplete;
    expect(native.open).to.equal(false);
    await tick();
    expect(focused(el)).to.equal('a');
  });

  it('moves codes with Alt+arrow keys and keeps the focus on the moved code', async () => {
    const el = await editableTree();
    const moved = record<CodeMoveEvent>(el, 'sb-code-move');
    const at = (id: string, key: string) => {
      item(el, id).focus();
      press(item(el, id), key, { altKey: true });
    };
    at('a', 'ArrowUp'); // already first: nothing
    at('a', 'ArrowDown');
    at('b', 'ArrowUp');
    at('b', 'ArrowRight'); // below its previous sibling "a", after "a1"
    at('a1', 'ArrowLeft'); // up to "root", right after "a"
    at('root', 'ArrowLeft'); // top level already: nothing
    at('a1', 'ArrowRight'); // no previous sibling: nothing
    expect(moved.map((e) => [e.codeId, e.version, e.parentId, e.order])).to.deep.equal([
      ['a', 3, 'root', 1],
      ['b', 5, 'root', 0],
      ['b', 5, 'a', 1],
      ['a1', 2, 'root', 1],
    ]);

    // The app applies the move: "b" before "a". The re-ordered item keeps the keyboard focus.
    item(el, 'b').focus();
    el.codes = codes.map((c) => (c.id === 'b' ? { ...c, order: 0, version: 6 } : c.id === 'a' ? { ...c, order: 1 } : c));
    await el.updateComplete;
    expect([...el.shadowRoot!.querySelectorAll('[role="treeitem"]')].map((i) => i.getAttribute('data-code-id'))).to.deep.equal(['root', 'b', 'a', 'a1']);
    expect(focused(el)).to.equal('b');
  });

  it('opens the merge dialog with M and fires sb-code-merge', async () => {
    const el = await editableTree();
    item(el, 'a1').focus();
    press(item(el, 'a1'), 'm');
    await el.updateComplete;
    const dialog = el.shadowRoot!.querySelector('sb-code-merge-dialog')!;
    await dialog.updateComplete;
    expect(dialog.shadowRoot!.querySelector('dialog')!.open).to.equal(true);
    const select = dialog.shadowRoot!.querySelector('select')!;
    select.value = 'b';
    select.dispatchEvent(new Event('change'));
    await dialog.updateComplete;
    const fired = oneEvent(el, 'sb-code-merge');
    dialog.shadowRoot!.querySelector<HTMLButtonElement>('button.confirm')!.click();
    const event = (await fired) as unknown as CodeMergeEvent;
    expect([event.sourceId, event.targetId, event.sourceVersion, event.targetVersion]).to.deep.equal(['a1', 'b', 2, 5]);
  });

  describe('drag and drop', () => {
    it('puts the code id and name on the drag data', async () => {
      const el = await editableTree();
      const dataTransfer = new DataTransfer();
      item(el, 'b').dispatchEvent(new DragEvent('dragstart', { bubbles: true, composed: true, cancelable: true, dataTransfer }));
      expect(dataTransfer.getData(CODE_DRAG_TYPE)).to.equal('b');
      expect(CODE_DRAG_TYPE).to.equal('application/x-sichtbar-code');
      expect(dataTransfer.getData('text/plain')).to.equal('Zusammenfassen');
      expect(item(el, 'b').getAttribute('draggable')).to.equal('true');
    });

    it('drops onto the middle as a sub-code and onto the edges before or after', async () => {
      const el = await editableTree();
      const moved = record<CodeMoveEvent>(el, 'sb-code-move');
      const into = dragAndDrop(el, 'b', item(el, 'a1'), 'middle');
      expect(into.over.defaultPrevented).to.equal(true);
      expect(into.drop.defaultPrevented).to.equal(true);
      dragAndDrop(el, 'a1', item(el, 'b'), 'bottom');
      dragAndDrop(el, 'a1', item(el, 'b'), 'top');
      dragAndDrop(el, 'b', item(el, 'a'), 'top');
      dragAndDrop(el, 'b', item(el, 'a'), 'bottom'); // already right after "a": nothing
      dragAndDrop(el, 'b', item(el, 'root'), 'middle'); // appended to the end of "root", where it is: nothing
      dragAndDrop(el, 'a1', el.shadowRoot!.querySelector<HTMLElement>('.root-drop')!, 'middle');
      expect(moved.map((e) => [e.codeId, e.version, e.parentId, e.order])).to.deep.equal([
        ['b', 5, 'a1', 0],
        ['a1', 2, 'root', 2],
        ['a1', 2, 'root', 1],
        ['b', 5, 'root', 0],
        ['a1', 2, null, 1],
      ]);
    });

    it('refuses a drop onto the code itself or its own sub-codes', async () => {
      const el = await editableTree();
      const moved = record<CodeMoveEvent>(el, 'sb-code-move');
      const ontoChild = dragAndDrop(el, 'a', item(el, 'a1'), 'middle');
      expect(ontoChild.over.defaultPrevented).to.equal(false);
      const besideGrandchild = dragAndDrop(el, 'root', item(el, 'a1'), 'bottom');
      expect(besideGrandchild.over.defaultPrevented).to.equal(false);
      dragAndDrop(el, 'a', item(el, 'a'), 'middle');
      await tick();
      expect(moved.length).to.equal(0);
    });

    it('offers the merge dialog when dropped with Alt held', async () => {
      const el = await editableTree();
      const moved = record<CodeMoveEvent>(el, 'sb-code-move');
      dragAndDrop(el, 'b', item(el, 'a'), 'middle', { altKey: true });
      await el.updateComplete;
      const dialog = el.shadowRoot!.querySelector('sb-code-merge-dialog')!;
      await dialog.updateComplete;
      expect(dialog.shadowRoot!.querySelector('dialog')!.open).to.equal(true);
      expect(dialog.shadowRoot!.querySelector('select')!.value).to.equal('a');
      expect(moved.length).to.equal(0);
    });

    it('ignores drops when not editable', async () => {
      const el = await fixture<SbCodeTree>(html`<sb-code-tree .codes=${codes}></sb-code-tree>`);
      const moved = record<CodeMoveEvent>(el, 'sb-code-move');
      const { over } = dragAndDrop(el, 'b', item(el, 'a1'), 'middle');
      expect(over.defaultPrevented).to.equal(false);
      expect(moved.length).to.equal(0);
    });
  });

  it('shows hostile code names as text in the tree, its labels and its dialogs', async () => {
    const evil: Code[] = [
      { ...base, id: 'x', parentId: null, name: '<img src=x onerror="window.__pwned=1">', order: 0 },
      { ...base, id: 'y', parentId: null, name: '<script>window.__pwned=2</script>', order: 1 },
    ];
    const el = await fixture<SbCodeTree>(html`<sb-code-tree .codes=${evil} editable></sb-code-tree>`);
    item(el, 'x').focus();
    press(item(el, 'x'), 'Delete');
    await el.updateComplete;
    const dialog = el.shadowRoot!.querySelector('sb-code-delete-dialog')!;
    await dialog.updateComplete;
    expect(dialog.shadowRoot!.getElementById('title')!.textContent).to.equal('Code „<img src=x onerror="window.__pwned=1">“ löschen');
    expect(item(el, 'y').getAttribute('aria-label')).to.equal('<script>window.__pwned=2</script>');
    expect(item(el, 'y').querySelector('.name')!.textContent).to.equal('<script>window.__pwned=2</script>');
    expect(el.shadowRoot!.querySelectorAll('img, script').length).to.equal(0);
    expect(dialog.shadowRoot!.querySelectorAll('img, script').length).to.equal(0);
    await tick();
    expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
  });

  it('passes the accessibility audit when editable, with a rename field open', async () => {
    const el = await editableTree({ selectedCodeId: 'a', filterCodeIds: ['b'] });
    item(el, 'a1').focus();
    press(item(el, 'a1'), 'F2');
    await el.updateComplete;
    await expect(el).to.be.accessible();
  });
});
