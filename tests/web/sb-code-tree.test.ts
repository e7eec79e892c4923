import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { Code } from '../../server/schemas/code.js';
import '../../web/components/sb-code-tree.js';
import type { CodeActivateEvent, SbCodeTree } from '../../web/components/sb-code-tree.js';

const base = { colour: '#336699', isCodable: true, definition: { description: '', inclusion: '', exclusion: '', anchors: [], rules: '' }, created: '2024-01-01T00:00:00.000Z', modified: '2024-01-01T00:00:00.000Z', version: 1 };
const codes: Code[] = [
  { ...base, id: 'root', parentId: null, name: 'Beratung', isCodable: false, order: 0 },
  { ...base, id: 'b', parentId: 'root', name: 'Zusammenfassen', order: 1 },
  { ...base, id: 'a', parentId: 'root', name: 'Begrüßen', order: 0 },
  { ...base, id: 'a1', parentId: 'a', name: 'Hand geben', order: 0 },
];

describe('sb-code-tree', () => {
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
});
