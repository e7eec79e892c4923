import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { Memo } from '../../server/schemas/memo.js';
import type { SbMemoEditor } from '../../web/components/sb-memo-editor.js';
import '../../web/components/sb-memo-list.js';
import type { MemoDeleteEvent, MemoSaveEvent, SbMemoList } from '../../web/components/sb-memo-list.js';

const memos: Memo[] = [
  {
    id: 'm1',
    target: { type: 'project' },
    title: 'Älteres',
    text: 'Ein *älterer* Gedanke.',
    author: 'u1',
    created: '2024-03-01T10:00:00.000Z',
    modified: '2024-03-01T10:00:00.000Z',
    version: 2,
  },
  {
    id: 'm2',
    target: { type: 'project' },
    title: '',
    text: '**Neuer** Gedanke',
    author: 'u9',
    created: '2024-03-05T10:00:00.000Z',
    modified: '2024-03-05T14:45:00.000Z',
    version: 5,
  },
];
const users = { u1: 'Anna Beispiel' };

const q = <T extends Element>(el: SbMemoList, selector: string) => el.shadowRoot!.querySelector<T>(selector)!;
const editor = (el: SbMemoList) => q<SbMemoEditor>(el, 'sb-memo-editor');
function type(field: HTMLTextAreaElement | HTMLInputElement, value: string): void {
  field.value = value;
  field.dispatchEvent(new Event('input', { bubbles: true }));
}

describe('sb-memo-list', () => {
  afterEach(() => {
    delete (window as unknown as { __pwned?: number }).__pwned;
  });

  it('lists memos newest first with title, author, date and rendered text', async () => {
    const el = await fixture<SbMemoList>(html`<sb-memo-list .memos=${memos} .users=${users}></sb-memo-list>`);
    const items = [...el.shadowRoot!.querySelectorAll('li')];
    expect(items.map((li) => li.getAttribute('data-memo-id'))).to.deep.equal(['m2', 'm1']);
    expect(items.map((li) => li.querySelector('h4')!.textContent)).to.deep.equal(['Ohne Titel', 'Älteres']);
    expect(items.map((li) => li.querySelector('.meta')!.textContent!.replace(/\s+/g, ' ').trim().split(', geändert')[0])).to.deep.equal([
      'von unbekannt',
      'von Anna Beispiel',
    ]);
    const time = items[1]!.querySelector('time')!;
    expect(time.getAttribute('datetime')).to.equal('2024-03-01T10:00:00.000Z');
    expect(time.textContent).to.match(/2024/);
    expect(items[0]!.querySelector('.md strong')!.textContent).to.equal('Neuer');
    expect(items[1]!.querySelector('.md em')!.textContent).to.equal('älterer');
    expect(el.shadowRoot!.querySelectorAll('button').length).to.equal(0);
    await expect(el).to.be.accessible();
  });

  it('says when there are no memos', async () => {
    const el = await fixture<SbMemoList>(html`<sb-memo-list></sb-memo-list>`);
    expect(q(el, 'p.none').textContent).to.equal('Noch keine Memos.');
  });

  it('writes a new memo for its target and closes the editor when the save went through', async () => {
    const el = await fixture<SbMemoList>(html`<sb-memo-list .memos=${memos} .users=${users} .target=${{ type: 'segment', id: 's4' }} editable></sb-memo-list>`);
    q<HTMLButtonElement>(el, 'button.new').click();
    await el.updateComplete;
    const ed = editor(el);
    expect(ed.memo).to.equal(null);
    await ed.updateComplete;
    expect(ed.shadowRoot!.activeElement).to.equal(ed.shadowRoot!.querySelector('input[name="title"]'));
    type(ed.shadowRoot!.querySelector<HTMLTextAreaElement>('textarea')!, 'Frage nach dem *Warum*');
    await ed.updateComplete;
    el.addEventListener('sb-memo-save', () => (el.saving = true), { once: true });
    const fired = oneEvent(el, 'sb-memo-save');
    ed.shadowRoot!.querySelector<HTMLButtonElement>('button.save')!.click();
    const event = (await fired) as unknown as MemoSaveEvent;
    expect(event.detail).to.deep.equal({ target: { type: 'segment', id: 's4' }, title: '', text: 'Frage nach dem *Warum*' });
    await el.updateComplete;
    expect(editor(el).saving).to.equal(true);
    el.saving = false;
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('sb-memo-editor')).to.equal(null);
  });

  it('keeps the editor open with the error after a failed save', async () => {
    const el = await fixture<SbMemoList>(html`<sb-memo-list .memos=${memos} .users=${users} editable></sb-memo-list>`);
    q<HTMLButtonElement>(el, 'li[data-memo-id="m1"] button.edit').click();
    await el.updateComplete;
    const ed = editor(el);
    expect(ed.memo!.id).to.equal('m1');
    await ed.updateComplete;
    type(ed.shadowRoot!.querySelector<HTMLTextAreaElement>('textarea')!, 'Geändert');
    const fired = oneEvent(el, 'sb-memo-save');
    ed.shadowRoot!.querySelector<HTMLButtonElement>('button.save')!.click();
    const event = (await fired) as unknown as MemoSaveEvent;
    expect([event.memoId, event.version, event.text]).to.deep.equal(['m1', 2, 'Geändert']);
    el.error = '409: Das Memo wurde inzwischen geändert';
    await el.updateComplete;
    await editor(el).updateComplete;
    expect(editor(el).shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain('409: Das Memo wurde inzwischen geändert');
    expect(editor(el).shadowRoot!.querySelector<HTMLTextAreaElement>('textarea')!.value).to.equal('Geändert');
    await expect(el).to.be.accessible();
    // Cancel closes the editor and returns the focus to the memo's Edit button.
    el.error = '';
    editor(el).shadowRoot!.querySelector<HTMLButtonElement>('button.cancel')!.click();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('sb-memo-editor')).to.equal(null);
    expect(el.shadowRoot!.activeElement).to.equal(q(el, 'li[data-memo-id="m1"] button.edit'));
  });

  it('deletes only after a confirmation', async () => {
    const el = await fixture<SbMemoList>(html`<sb-memo-list .memos=${memos} .users=${users} editable></sb-memo-list>`);
    const deleted: MemoDeleteEvent[] = [];
    el.addEventListener('sb-memo-delete', (e) => deleted.push(e as MemoDeleteEvent));
    const del = q<HTMLButtonElement>(el, 'li[data-memo-id="m2"] button.delete');
    expect(del.getAttribute('aria-label')).to.equal('Memo „Ohne Titel“ löschen');
    del.click();
    await el.updateComplete;
    expect(q(el, 'li[data-memo-id="m2"] .confirm').textContent).to.equal('Memo „Ohne Titel“ wirklich löschen?');
    expect(el.shadowRoot!.activeElement).to.equal(q(el, 'button.delete-no'));
    await expect(el).to.be.accessible();
    q<HTMLButtonElement>(el, 'button.delete-no').click();
    await el.updateComplete;
    expect(deleted.length).to.equal(0);
    q<HTMLButtonElement>(el, 'li[data-memo-id="m1"] button.delete').click();
    await el.updateComplete;
    q<HTMLButtonElement>(el, 'button.delete-yes').click();
    expect(deleted.map((e) => [e.memoId, e.version])).to.deep.equal([['m1', 2]]);
  });

  it('shows hostile titles as text and sanitises hostile Markdown', async () => {
    const evil: Memo[] = [
      {
        ...memos[0]!,
        title: '<img src=x onerror="window.__pwned=4">',
        text: '<img src=x onerror="window.__pwned=1">\n\n<script>window.__pwned=3</script>\n\n[x](javascript:window.__pwned=2)',
      },
    ];
    const el = await fixture<SbMemoList>(html`<sb-memo-list .memos=${evil} .users=${users} editable></sb-memo-list>`);
    expect(q(el, 'h4').textContent).to.equal('<img src=x onerror="window.__pwned=4">');
    expect(el.shadowRoot!.querySelectorAll('img, script, [onerror]').length).to.equal(0);
    expect(q(el, '.md a').hasAttribute('href')).to.equal(false);
    await new Promise((r) => setTimeout(r, 30));
    expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
  });
});
