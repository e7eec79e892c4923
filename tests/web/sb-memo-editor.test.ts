import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { Memo } from '../../server/schemas/memo.js';
import '../../web/components/sb-memo-editor.js';
import type { MemoSaveEvent, SbMemoEditor } from '../../web/components/sb-memo-editor.js';

const memo: Memo = {
  id: 'm1',
  target: { type: 'code', id: 'c1' },
  title: 'Erste Gedanken',
  text: 'Das ist *vorläufig*.',
  author: 'u1',
  created: '2024-03-01T10:00:00.000Z',
  modified: '2024-03-02T11:30:00.000Z',
  version: 3,
};

const q = <T extends Element>(el: SbMemoEditor, selector: string) => el.shadowRoot!.querySelector<T>(selector)!;
function type(field: HTMLTextAreaElement | HTMLInputElement, value: string): void {
  field.value = value;
  field.dispatchEvent(new Event('input', { bubbles: true }));
}

describe('sb-memo-editor', () => {
  afterEach(() => {
    delete (window as unknown as { __pwned?: number }).__pwned;
  });

  it('writes a new memo for its target and fires sb-memo-save without id and version', async () => {
    const el = await fixture<SbMemoEditor>(html`<sb-memo-editor .target=${{ type: 'document', id: 'd7' }}></sb-memo-editor>`);
    expect(q(el, 'h3').textContent!.replace(/\s+/g, ' ').trim()).to.equal('Neues Memo (Dokumentmemo)');
    const save = q<HTMLButtonElement>(el, 'button.save');
    expect(save.disabled).to.equal(true);
    type(q<HTMLInputElement>(el, 'input[name="title"]'), '  Auffällig  ');
    type(q<HTMLTextAreaElement>(el, 'textarea'), 'Die Beraterin **fragt nach**.');
    await el.updateComplete;
    expect(save.disabled).to.equal(false);
    const fired = oneEvent(el, 'sb-memo-save');
    save.click();
    const event = (await fired) as unknown as MemoSaveEvent;
    expect('memoId' in event).to.equal(false);
    expect('version' in event).to.equal(false);
    expect([event.memoTarget, event.title, event.text]).to.deep.equal([{ type: 'document', id: 'd7' }, 'Auffällig', 'Die Beraterin **fragt nach**.']);
    expect(event.detail).to.deep.equal({ target: { type: 'document', id: 'd7' }, title: 'Auffällig', text: 'Die Beraterin **fragt nach**.' });
    await expect(el).to.be.accessible();
  });

  it('edits an existing memo and keeps its own target', async () => {
    const el = await fixture<SbMemoEditor>(html`<sb-memo-editor .memo=${memo} .target=${{ type: 'project' }}></sb-memo-editor>`);
    expect(q(el, 'h3').textContent!.replace(/\s+/g, ' ').trim()).to.equal('Memo bearbeiten (Code-Memo)');
    expect(q<HTMLInputElement>(el, 'input[name="title"]').value).to.equal('Erste Gedanken');
    expect(q<HTMLTextAreaElement>(el, 'textarea').value).to.equal('Das ist *vorläufig*.');
    type(q<HTMLTextAreaElement>(el, 'textarea'), 'Jetzt *endgültig*.');
    const fired = oneEvent(el, 'sb-memo-save');
    // Ctrl+Enter saves from anywhere in the form.
    q(el, 'textarea').dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, bubbles: true, composed: true }));
    const event = (await fired) as unknown as MemoSaveEvent;
    expect(event.detail).to.deep.equal({ memoId: 'm1', version: 3, target: { type: 'code', id: 'c1' }, title: 'Erste Gedanken', text: 'Jetzt *endgültig*.' });
    expect([event.memoId, event.version]).to.deep.equal(['m1', 3]);
  });

  it('toggles a rendered preview of the Markdown', async () => {
    const el = await fixture<SbMemoEditor>(html`<sb-memo-editor .memo=${memo}></sb-memo-editor>`);
    const toggle = q<HTMLButtonElement>(el, 'button.preview-toggle');
    expect(toggle.getAttribute('aria-pressed')).to.equal('false');
    expect(q<HTMLElement>(el, '#preview').hidden).to.equal(true);
    type(q<HTMLTextAreaElement>(el, 'textarea'), '# Kopf\n\n- eins\n- **zwei**');
    toggle.click();
    await el.updateComplete;
    expect(toggle.getAttribute('aria-pressed')).to.equal('true');
    expect(q<HTMLTextAreaElement>(el, 'textarea').hidden).to.equal(true);
    const preview = q<HTMLElement>(el, '#preview');
    expect(preview.hidden).to.equal(false);
    expect(preview.querySelector('h1')!.textContent).to.equal('Kopf');
    expect([...preview.querySelectorAll('li')].map((li) => li.innerHTML)).to.deep.equal(['eins', '<strong>zwei</strong>']);
    await expect(el).to.be.accessible();
    toggle.click();
    await el.updateComplete;
    expect(q<HTMLTextAreaElement>(el, 'textarea').hidden).to.equal(false);
    // The text survives the round trip through the preview.
    expect(q<HTMLTextAreaElement>(el, 'textarea').value).to.equal('# Kopf\n\n- eins\n- **zwei**');
  });

  it('fires sb-memo-cancel', async () => {
    const el = await fixture<SbMemoEditor>(html`<sb-memo-editor></sb-memo-editor>`);
    const fired = oneEvent(el, 'sb-memo-cancel');
    q<HTMLButtonElement>(el, 'button.cancel').click();
    const event = await fired;
    expect(event.type).to.equal('sb-memo-cancel');
    expect(event.bubbles && event.composed).to.equal(true);
  });

  it('shows the saving state and a failed save with Retry', async () => {
    const el = await fixture<SbMemoEditor>(html`<sb-memo-editor .memo=${memo} saving></sb-memo-editor>`);
    expect(q<HTMLButtonElement>(el, 'button.save').disabled).to.equal(true);
    expect(q<HTMLButtonElement>(el, 'button.save').textContent!.trim()).to.equal('Speichert …');
    expect(q(el, '[role="status"]').textContent).to.equal('Speichert …');
    el.saving = false;
    el.error = 'Netzwerkfehler';
    await el.updateComplete;
    expect(q(el, '[role="alert"]').textContent).to.contain('Speichern fehlgeschlagen: Netzwerkfehler');
    await expect(el).to.be.accessible();
    const fired = oneEvent(el, 'sb-memo-save');
    q<HTMLButtonElement>(el, '[role="alert"] button.retry').click();
    const event = (await fired) as unknown as MemoSaveEvent;
    expect([event.memoId, event.version, event.text]).to.deep.equal(['m1', 3, 'Das ist *vorläufig*.']);
  });

  it('keeps the draft when a newer version of the same memo arrives', async () => {
    const el = await fixture<SbMemoEditor>(html`<sb-memo-editor .memo=${memo}></sb-memo-editor>`);
    type(q<HTMLTextAreaElement>(el, 'textarea'), 'Entwurf');
    el.memo = { ...memo, version: 4 };
    await el.updateComplete;
    expect(q<HTMLTextAreaElement>(el, 'textarea').value).to.equal('Entwurf');
    el.memo = { ...memo, id: 'm2', text: 'Anderes Memo' };
    await el.updateComplete;
    expect(q<HTMLTextAreaElement>(el, 'textarea').value).to.equal('Anderes Memo');
  });

  it('sanitises hostile Markdown in the preview', async () => {
    const el = await fixture<SbMemoEditor>(html`<sb-memo-editor></sb-memo-editor>`);
    type(q<HTMLInputElement>(el, 'input[name="title"]'), '<img src=x onerror="window.__pwned=4">');
    type(q<HTMLTextAreaElement>(el, 'textarea'), '<img src=x onerror="window.__pwned=1">\n\n<script>window.__pwned=3</script>\n\n[x](javascript:window.__pwned=2)');
    q<HTMLButtonElement>(el, 'button.preview-toggle').click();
    await el.updateComplete;
    const preview = q<HTMLElement>(el, '#preview');
    expect(preview.querySelectorAll('img, script, [onerror]').length).to.equal(0);
    expect(preview.querySelector('a')!.textContent).to.equal('x');
    expect(preview.querySelector('a')!.hasAttribute('href')).to.equal(false);
    expect(el.shadowRoot!.querySelectorAll('img, script').length).to.equal(0);
    await new Promise((r) => setTimeout(r, 30));
    expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
  });
});
