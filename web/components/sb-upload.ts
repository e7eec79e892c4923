import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { styleMap } from 'lit/directives/style-map.js';
import { DOCUMENT_KINDS, type DocumentKind } from '../../server/schemas/document.js';
import { LanguageController, t } from '../i18n/index.js';
import { formatNumber, kindLabel } from './sb-corpus-model.js';

/** What POST /documents/import answers. */
export interface UploadResult {
  imported: { file: string; documentId: string; title: string; kind: DocumentKind }[];
  failed: { file: string; error: string }[];
}

/**
 * Sends the files (the app does the request, e.g. an XHR with upload progress) and resolves with
 * the per-file result; rejects when the request as a whole fails. `kind` is the chosen default
 * kind, if any (the same as the element's `kind` property).
 */
export type UploadFn = (files: File[], onProgress: (loaded: number, total: number) => void, kind?: DocumentKind, options?: { pseudonymise?: boolean }) => Promise<UploadResult>;

/** Fired when an upload finished (some files may have failed) so the app can reload the corpus. */
export class UploadDoneEvent extends Event {
  constructor(
    readonly imported: UploadResult['imported'],
    readonly failed: UploadResult['failed'],
  ) {
    super('sb-upload-done', { bubbles: true, composed: true });
  }
}

/** File types the importers read. */
const UPLOAD_ACCEPT = '.txt,.md,.markdown,.docx,.odt,.rtf,.srt,.vtt';

const notConfigured: UploadFn = () => Promise.reject(new Error('no upload function'));

function formatBytes(n: number): string {
  if (n < 1024) return `${formatNumber(n)} B`;
  if (n < 1024 * 1024) return `${formatNumber(Math.round((n / 1024) * 10) / 10)} KB`;
  return `${formatNumber(Math.round((n / 1024 / 1024) * 10) / 10)} MB`;
}

/**
 * File import: a drop zone and a "choose files" button, an optional default kind, a progress bar
 * while the files are sent, then a per-file result; a failed request can be retried.
 *
 * @fires sb-upload-done - the upload finished (UploadDoneEvent: `imported`, `failed`)
 * @csspart zone - the drop zone
 */
export class SbUpload extends LitElement {
  static override properties = {
    upload: { attribute: false },
    kind: { type: String },
    pseudonymise: { type: Boolean },
    phase: { state: true },
    loaded: { state: true },
    total: { state: true },
    result: { state: true },
    error: { state: true },
    dragging: { state: true },
  };

  static override styles = css`
    :host {
      display: block;
    }
    .zone {
      border: 2px dashed #94a3b8;
      border-radius: 6px;
      padding: 1rem;
      text-align: center;
      background: #f8fafc;
    }
    .zone.dragging {
      border-color: #1d4ed8;
      background: #eff6ff;
    }
    .hint {
      color: #475569;
      font-size: 0.85rem;
      margin: 0.3rem 0 0;
    }
    .options {
      margin: 0.6rem 0;
    }
    button,
    select {
      font: inherit;
    }
    button:focus-visible,
    select:focus-visible {
      outline: 2px solid #1d4ed8;
      outline-offset: 2px;
    }
    .progress {
      margin: 0.6rem 0;
    }
    [role='progressbar'] {
      height: 0.6rem;
      background: #e2e8f0;
      border-radius: 3px;
      overflow: hidden;
    }
    .bar {
      height: 100%;
      background: #1d4ed8;
    }
    .failed li,
    [role='alert'] {
      color: #b91c1c;
    }
    .file {
      font-family: ui-monospace, monospace;
    }
  `;

  /** Injected by the app: sends the files and reports progress. */
  declare upload: UploadFn;
  /** Default kind for files that do not name one ('' = detect). */
  declare kind: DocumentKind | '';
  /** Replace the names of the project's pseudonym key on import (issue 9). */
  declare pseudonymise: boolean;
  declare phase: 'idle' | 'uploading' | 'done' | 'error';
  declare loaded: number;
  declare total: number;
  declare result: UploadResult | null;
  declare error: string;
  declare dragging: boolean;

  /** The files of the last attempt, for Retry. */
  private lastFiles: File[] = [];

  constructor() {
    super();
    new LanguageController(this);
    this.upload = notConfigured;
    this.kind = '';
    this.pseudonymise = false;
    this.phase = 'idle';
    this.loaded = 0;
    this.total = 0;
    this.result = null;
    this.error = '';
    this.dragging = false;
  }

  /** Upload `files` (what dropping or choosing files does). */
  async send(files: File[]): Promise<void> {
    if (this.phase === 'uploading' || files.length === 0) return;
    this.lastFiles = files;
    this.phase = 'uploading';
    this.loaded = 0;
    this.total = files.reduce((n, f) => n + f.size, 0);
    this.result = null;
    this.error = '';
    try {
      const result = await this.upload(
        files,
        (loaded, total) => {
          this.loaded = loaded;
          this.total = total;
        },
        this.kind === '' ? undefined : this.kind,
        this.pseudonymise ? { pseudonymise: true } : {},
      );
      this.result = { imported: result.imported ?? [], failed: result.failed ?? [] };
      this.phase = 'done';
      this.dispatchEvent(new UploadDoneEvent(this.result.imported, this.result.failed));
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
      this.phase = 'error';
    }
  }

  private choose(): void {
    this.renderRoot.querySelector<HTMLInputElement>('input[type="file"]')?.click();
  }

  private chosen(e: Event): void {
    const input = e.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    // Cleared so that choosing the same file again fires change again.
    input.value = '';
    void this.send(files);
  }

  private dragOver(e: DragEvent): void {
    if (!e.dataTransfer || ![...e.dataTransfer.types].includes('Files')) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = this.phase === 'uploading' ? 'none' : 'copy';
    this.dragging = true;
  }

  private dragLeave(e: DragEvent): void {
    const zone = e.currentTarget as HTMLElement;
    if (e.relatedTarget instanceof Node && zone.contains(e.relatedTarget)) return;
    this.dragging = false;
  }

  private drop(e: DragEvent): void {
    e.preventDefault();
    this.dragging = false;
    void this.send([...(e.dataTransfer?.files ?? [])]);
  }

  private renderProgress(): TemplateResult {
    const percent = this.total > 0 ? Math.min(100, Math.round((this.loaded / this.total) * 100)) : 0;
    const sent = this.total > 0 && this.loaded >= this.total;
    return html`<div class="progress">
      <p>${sent ? t('corpus.upload.processing') : t('corpus.upload.sending', { n: formatNumber(this.lastFiles.length) })}</p>
      <div
        role="progressbar"
        aria-label=${t('corpus.upload.progress')}
        aria-valuemin="0"
        aria-valuemax="100"
        aria-valuenow=${percent}
        aria-valuetext=${t('corpus.upload.progressText', { percent, loaded: formatBytes(this.loaded), total: formatBytes(this.total) })}
      >
        <div class="bar" style=${styleMap({ width: `${percent}%` })}></div>
      </div>
    </div>`;
  }

  private renderResult(result: UploadResult): TemplateResult {
    return html`<p class="summary">${t('corpus.upload.summary', { imported: formatNumber(result.imported.length), failed: formatNumber(result.failed.length) })}</p>
      ${result.imported.length > 0
        ? html`<ul class="imported" aria-label=${t('corpus.upload.imported')}>
            ${result.imported.map(
              (r) => html`<li data-document-id=${r.documentId}>
                <span class="file">${r.file}</span> → <span class="title">${t('corpus.upload.importedAs', { title: r.title, kind: kindLabel(r.kind) })}</span>
              </li>`,
            )}
          </ul>`
        : nothing}
      ${result.failed.length > 0
        ? html`<ul class="failed" aria-label=${t('corpus.upload.failed')}>
            ${result.failed.map((r) => html`<li><span class="file">${r.file}</span>: <span class="reason">${r.error}</span></li>`)}
          </ul>`
        : nothing}`;
  }

  override render(): TemplateResult {
    const busy = this.phase === 'uploading';
    return html`<div
        part="zone"
        class=${this.dragging ? 'zone dragging' : 'zone'}
        @dragenter=${this.dragOver}
        @dragover=${this.dragOver}
        @dragleave=${this.dragLeave}
        @drop=${this.drop}
      >
        <p>${t('corpus.upload.drop')} <button type="button" class="choose" ?disabled=${busy} @click=${this.choose}>${t('corpus.upload.choose')}</button></p>
        <p class="hint">${t('corpus.upload.formats')}</p>
        <input type="file" multiple accept=${UPLOAD_ACCEPT} hidden aria-label=${t('corpus.upload.choose')} @change=${this.chosen} />
      </div>
      <div class="options">
        <label
          >${t('corpus.upload.kind')}
          <select
            name="kind"
            ?disabled=${busy}
            @change=${(e: Event) => {
              this.kind = (e.target as HTMLSelectElement).value as DocumentKind | '';
            }}
          >
            <option value="" ?selected=${this.kind === ''}>${t('corpus.upload.kindAuto')}</option>
            ${DOCUMENT_KINDS.map((k) => html`<option value=${k} ?selected=${this.kind === k}>${kindLabel(k)}</option>`)}
          </select></label
        >
        <label
          ><input
            type="checkbox"
            name="pseudonymise"
            .checked=${this.pseudonymise}
            ?disabled=${busy}
            @change=${(e: Event) => {
              this.pseudonymise = (e.target as HTMLInputElement).checked;
            }}
          />
          ${t('pseudo.upload.option')}</label
        >
      </div>
      ${busy ? this.renderProgress() : nothing}
      <div class="results" aria-live="polite">${this.phase === 'done' && this.result ? this.renderResult(this.result) : nothing}</div>
      ${this.phase === 'error'
        ? html`<div role="alert" class="error">
            ${t('corpus.upload.error', { message: this.error })}
            <button type="button" class="retry" @click=${() => void this.send(this.lastFiles)}>${t('corpus.upload.retry')}</button>
          </div>`
        : nothing}`;
  }
}

customElements.define('sb-upload', SbUpload);
declare global {
  interface HTMLElementTagNameMap {
    'sb-upload': SbUpload;
  }
}
