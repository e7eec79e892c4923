import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { DocumentKind } from '../../server/schemas/document.js';
import '../../web/components/sb-upload.js';
import type { SbUpload, UploadDoneEvent, UploadFn, UploadResult } from '../../web/components/sb-upload.js';

const XSS = '<img src=x onerror="window.__pwned=1">';

interface Call {
  files: File[];
  onProgress: (loaded: number, total: number) => void;
  kind: DocumentKind | undefined;
  resolve: (r: UploadResult) => void;
  reject: (e: Error) => void;
}

/** A fake upload whose calls the test answers by hand. */
function fakeUpload(): { upload: UploadFn; calls: Call[] } {
  const calls: Call[] = [];
  const upload: UploadFn = (files, onProgress, kind) =>
    new Promise((resolve, reject) => {
      calls.push({ files, onProgress, kind, resolve, reject });
    });
  return { upload, calls };
}

const file = (name: string, text: string) => new File([text], name, { type: 'text/plain' });
const root = (el: SbUpload) => el.shadowRoot!;
const settle = async (el: SbUpload) => {
  await new Promise((r) => setTimeout(r, 0));
  await el.updateComplete;
};

function choose(el: SbUpload, files: File[]): void {
  const input = root(el).querySelector<HTMLInputElement>('input[type="file"]')!;
  const dt = new DataTransfer();
  for (const f of files) dt.items.add(f);
  input.files = dt.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

const result: UploadResult = {
  imported: [{ file: 'a.txt', documentId: 'd1', title: 'Erstes Gespräch', kind: 'interview' }],
  failed: [{ file: 'b.pdf', error: 'b.pdf: unsupported file type .pdf (use .txt, .md or .markdown)' }],
};

describe('sb-upload', () => {
  afterEach(() => {
    delete (window as unknown as Record<string, unknown>).__pwned;
  });

  it('offers a keyboard-reachable chooser for several text files', async () => {
    const el = await fixture<SbUpload>(html`<sb-upload></sb-upload>`);
    const input = root(el).querySelector<HTMLInputElement>('input[type="file"]')!;
    expect([input.multiple, input.accept, input.hidden]).to.deep.equal([true, '.txt,.md,.markdown,.docx,.odt,.rtf,.srt,.vtt', true]);
    const button = root(el).querySelector<HTMLButtonElement>('button.choose')!;
    expect(button.textContent!.trim()).to.equal('Dateien wählen');
    let opened = false;
    input.addEventListener('click', (e) => {
      opened = true;
      e.preventDefault();
    });
    button.click();
    expect(opened).to.equal(true);
    await expect(el).to.be.accessible();
  });

  it('shows progress while uploading, then a per-file result, and fires sb-upload-done', async () => {
    const { upload, calls } = fakeUpload();
    const el = await fixture<SbUpload>(html`<sb-upload .upload=${upload}></sb-upload>`);
    choose(el, [file('a.txt', 'FK: Hallo'), file('b.pdf', '%PDF')]);
    await settle(el);
    expect(calls).to.have.length(1);
    expect(calls[0]!.files.map((f) => f.name)).to.deep.equal(['a.txt', 'b.pdf']);
    expect(calls[0]!.kind).to.equal(undefined);

    const bar = () => root(el).querySelector('[role="progressbar"]')!;
    expect(bar().getAttribute('aria-valuenow')).to.equal('0');
    expect([bar().getAttribute('aria-valuemin'), bar().getAttribute('aria-valuemax')]).to.deep.equal(['0', '100']);
    expect(root(el).querySelector<HTMLButtonElement>('button.choose')!.disabled).to.equal(true);
    calls[0]!.onProgress(50, 200);
    await el.updateComplete;
    expect(bar().getAttribute('aria-valuenow')).to.equal('25');
    expect(bar().getAttribute('aria-valuetext')).to.equal('25 % (50 B von 200 B)');
    expect(root(el).querySelector('.progress p')!.textContent).to.equal('2 Dateien werden hochgeladen …');
    await expect(el).to.be.accessible();
    calls[0]!.onProgress(200, 200);
    await el.updateComplete;
    expect(bar().getAttribute('aria-valuenow')).to.equal('100');
    expect(root(el).querySelector('.progress p')!.textContent).to.equal('Dateien werden verarbeitet …');

    const done = oneEvent(el, 'sb-upload-done');
    calls[0]!.resolve(result);
    const e = (await done) as unknown as UploadDoneEvent;
    expect([e.imported, e.failed]).to.deep.equal([result.imported, result.failed]);
    await el.updateComplete;
    expect(root(el).querySelector('[role="progressbar"]')).to.equal(null);
    const live = root(el).querySelector('[aria-live="polite"]')!;
    expect(live.querySelector('.summary')!.textContent).to.equal('1 importiert, 1 fehlgeschlagen');
    expect([...live.querySelectorAll('.imported li')].map((li) => li.textContent!.replace(/\s+/g, ' ').trim())).to.deep.equal(['a.txt → Erstes Gespräch (Interview)']);
    expect([...live.querySelectorAll('.failed li')].map((li) => li.textContent!.replace(/\s+/g, ' ').trim())).to.deep.equal([
      'b.pdf: b.pdf: unsupported file type .pdf (use .txt, .md or .markdown)',
    ]);
    await expect(el).to.be.accessible();
  });

  it('passes the chosen default kind to the upload', async () => {
    const { upload, calls } = fakeUpload();
    const el = await fixture<SbUpload>(html`<sb-upload .upload=${upload}></sb-upload>`);
    const select = root(el).querySelector<HTMLSelectElement>('select[name="kind"]')!;
    expect([...select.options].map((o) => o.value)).to.deep.equal(['', 'observation', 'interview', 'documentation', 'other']);
    select.value = 'observation';
    select.dispatchEvent(new Event('change'));
    expect(el.kind).to.equal('observation');
    choose(el, [file('p.md', '# Protokoll')]);
    await settle(el);
    expect(calls[0]!.kind).to.equal('observation');
  });

  it('shows a failed request with its reason and retries the same files', async () => {
    const { upload, calls } = fakeUpload();
    const el = await fixture<SbUpload>(html`<sb-upload .upload=${upload}></sb-upload>`);
    choose(el, [file('a.txt', 'Text')]);
    await settle(el);
    calls[0]!.reject(new Error('the upload is larger than 100 MB'));
    await settle(el);
    const alert = root(el).querySelector('[role="alert"]')!;
    expect(alert.textContent).to.contain('Hochladen fehlgeschlagen: the upload is larger than 100 MB');
    await expect(el).to.be.accessible();

    root(el).querySelector<HTMLButtonElement>('button.retry')!.click();
    await settle(el);
    expect(calls).to.have.length(2);
    expect(calls[1]!.files.map((f) => f.name)).to.deep.equal(['a.txt']);
    expect(root(el).querySelector('[role="alert"]')).to.equal(null);
    const done = oneEvent(el, 'sb-upload-done');
    calls[1]!.resolve({ imported: [{ file: 'a.txt', documentId: 'd9', title: 'A', kind: 'other' }], failed: [] });
    expect(((await done) as unknown as UploadDoneEvent).imported.map((i) => i.documentId)).to.deep.equal(['d9']);
  });

  it('uploads files dropped on the zone', async () => {
    const { upload, calls } = fakeUpload();
    const el = await fixture<SbUpload>(html`<sb-upload .upload=${upload}></sb-upload>`);
    const zone = root(el).querySelector<HTMLElement>('.zone')!;
    const dt = new DataTransfer();
    dt.items.add(file('eins.txt', 'eins'));
    dt.items.add(file('zwei.md', '# Zwei'));
    const over = new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true });
    zone.dispatchEvent(over);
    expect(over.defaultPrevented).to.equal(true);
    await el.updateComplete;
    expect(zone.classList.contains('dragging')).to.equal(true);
    const drop = new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true });
    zone.dispatchEvent(drop);
    expect(drop.defaultPrevented).to.equal(true);
    await settle(el);
    expect(zone.classList.contains('dragging')).to.equal(false);
    expect(calls).to.have.length(1);
    expect(calls[0]!.files.map((f) => f.name)).to.deep.equal(['eins.txt', 'zwei.md']);
    expect(await calls[0]!.files[1]!.text()).to.equal('# Zwei');
  });

  it('renders file names, titles and reasons as text, never as HTML', async () => {
    const { upload, calls } = fakeUpload();
    const el = await fixture<SbUpload>(html`<sb-upload .upload=${upload}></sb-upload>`);
    choose(el, [file('x.txt', 'x')]);
    await settle(el);
    calls[0]!.resolve({ imported: [{ file: XSS, documentId: 'd1', title: XSS, kind: 'other' }], failed: [{ file: XSS, error: XSS }] });
    await settle(el);
    expect(root(el).querySelector('img')).to.equal(null);
    expect(root(el).querySelector('.imported .title')!.textContent).to.equal(`${XSS} (Sonstiges)`);
    expect(root(el).querySelector('.failed .reason')!.textContent).to.equal(XSS);
    expect((window as unknown as Record<string, unknown>).__pwned).to.equal(undefined);
  });
});
