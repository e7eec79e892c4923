import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { Memo, MemoTarget } from '../../server/schemas/memo.js';
import { LanguageController, t } from '../i18n/index.js';
import { alertBox, focusRing } from './shared-styles.js';
import { renderMarkdown } from '../markdown.js';

/** What `sb-memo-save` carries; `memoId` and `version` only when an existing memo is edited. */
export interface MemoSaveDetail {
  memoId?: string;
  version?: number;
  target: MemoTarget;
  title: string;
  text: string;
}

/**
 * Fired when the user saves the memo (Save, Ctrl+Enter or Retry after a failure). `Event.target` is
 * taken, so the memo's target travels as `memoTarget`; `detail` holds the whole payload as
 * `{ memoId?, version?, target, title, text }`.
 */
export class MemoSaveEvent extends Event {
  readonly memoId?: string;
  readonly version?: number;
  readonly memoTarget: MemoTarget;
  readonly title: string;
  readonly text: string;
  readonly detail: MemoSaveDetail;
  constructor(detail: MemoSaveDetail) {
    super('sb-memo-save', { bubbles: true, composed: true });
    if (detail.memoId !== undefined) this.memoId = detail.memoId;
    if (detail.version !== undefined) this.version = detail.version;
    this.memoTarget = detail.target;
    this.title = detail.title;
    this.text = detail.text;
    this.detail = detail;
  }
}

/** Fired when the user discards the editor (Cancel). */
export class MemoCancelEvent extends Event {
  constructor() {
    super('sb-memo-cancel', { bubbles: true, composed: true });
  }
}

/**
 * A memo editor: a title and a Markdown text with a preview toggle (rendered through `renderMarkdown`,
 * i.e. marked + DOMPurify). `memo` null writes a new memo for `target`. Pure: the app saves and sets
 * `saving` and `error` (a failed save is shown with a Retry button).
 *
 * Keyboard: Tab through title, preview toggle, text and buttons; Ctrl+Enter (Cmd+Enter) saves.
 *
 * @fires sb-memo-save - `{ memoId?, version?, memoTarget, title, text }`, also as `detail` with `target` (MemoSaveEvent)
 * @fires sb-memo-cancel - the user discarded the editor (MemoCancelEvent)
 */
export class SbMemoEditor extends LitElement {
  /** `editor.focus()` puts the cursor into the title field. */
  static override shadowRootOptions: ShadowRootInit = { ...LitElement.shadowRootOptions, delegatesFocus: true };
  static override properties = {
    memo: { attribute: false },
    target: { attribute: false },
    saving: { type: Boolean },
    error: { type: String },
    draftTitle: { state: true },
    draftText: { state: true },
    preview: { state: true },
  };

  static override styles = [
    alertBox,
    focusRing,
    css`
    :host {
      display: block;
    }
    form {
      display: grid;
      gap: 0.5rem;
    }
    h3 {
      margin: 0;
      font-size: 1rem;
    }
    .target {
      font-weight: normal;
      color: #64748b;
    }
    label {
      display: grid;
      gap: 0.2rem;
    }
    input,
    textarea,
    button {
      font: inherit;
    }
    textarea {
      min-height: 8rem;
      resize: vertical;
    }
    .bar {
      display: flex;
      align-items: center;
      justify-content: space-between;
      gap: 0.5rem;
    }
    button[aria-pressed='true'] {
      background: #dbeafe;
      border: 1px solid #1d4ed8;
    }
    .preview {
      border: 1px dashed #cbd5e1;
      border-radius: 4px;
      padding: 0.3rem 0.6rem;
      min-height: 8rem;
      overflow-wrap: anywhere;
    }
    .hint,
    .empty {
      font-size: 0.8rem;
      color: #64748b;
      margin: 0;
    }
    .buttons {
      display: flex;
      gap: 0.5rem;
    }
  `,
  ];

  /** The memo to edit; null = a new memo. */
  declare memo: Memo | null;
  /** What a new memo is attached to (an edited memo keeps its own target). */
  declare target: MemoTarget;
  declare saving: boolean;
  declare error: string;
  declare draftTitle: string;
  declare draftText: string;
  declare preview: boolean;

  constructor() {
    super();
    new LanguageController(this);
    this.memo = null;
    this.target = { type: 'project' };
    this.saving = false;
    this.error = '';
    this.draftTitle = '';
    this.draftText = '';
    this.preview = false;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const previous = changed.get('memo') as Memo | null | undefined;
    // A different memo (or the first one) replaces the draft; a newer version of the same memo does not.
    if (changed.has('memo') && (previous === undefined || previous?.id !== this.memo?.id)) {
      this.draftTitle = this.memo?.title ?? '';
      this.draftText = this.memo?.text ?? '';
      this.preview = false;
    }
  }

  private canSave(): boolean {
    return this.draftTitle.trim() !== '' || this.draftText.trim() !== '';
  }

  private save(): void {
    if (this.saving || !this.canSave()) return;
    const memo = this.memo;
    this.dispatchEvent(
      new MemoSaveEvent({
        ...(memo ? { memoId: memo.id, version: memo.version } : {}),
        target: memo ? memo.target : this.target,
        title: this.draftTitle.trim(),
        text: this.draftText,
      }),
    );
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      this.save();
    }
  }

  override render(): TemplateResult {
    const target = this.memo?.target ?? this.target;
    return html`<form
      aria-labelledby="heading"
      aria-busy=${this.saving ? 'true' : 'false'}
      @submit=${(e: Event) => {
        e.preventDefault();
        this.save();
      }}
      @keydown=${this.onKey}
    >
      <h3 id="heading">${this.memo ? t('memos.editorEdit') : t('memos.editorNew')} <span class="target">(${t(`memos.target.${target.type}`)})</span></h3>
      <label
        >${t('memos.title')}
        <input name="title" maxlength="300" .value=${this.draftTitle} @input=${(e: Event) => (this.draftTitle = (e.target as HTMLInputElement).value)}
      /></label>
      <div class="bar">
        <label for="text">${t('memos.text')}</label>
        <button type="button" class="preview-toggle" aria-pressed=${this.preview ? 'true' : 'false'} aria-controls="preview" @click=${() => (this.preview = !this.preview)}>
          ${t('memos.preview')}
        </button>
      </div>
      <textarea id="text" name="text" ?hidden=${this.preview} .value=${this.draftText} @input=${(e: Event) => (this.draftText = (e.target as HTMLTextAreaElement).value)}></textarea>
      <div id="preview" class="preview" ?hidden=${!this.preview}>
        ${this.preview ? (this.draftText.trim() ? renderMarkdown(this.draftText) : html`<p class="empty">${t('memos.previewEmpty')}</p>`) : nothing}
      </div>
      <p class="hint">${t('memos.markdownHint')}</p>
      ${this.error
        ? html`<div role="alert">
            ${t('memos.saveFailed', { error: this.error })}
            <button type="button" class="retry" ?disabled=${this.saving} @click=${this.save}>${t('memos.retry')}</button>
          </div>`
        : nothing}
      <div class="buttons">
        <button type="submit" class="save" ?disabled=${this.saving || !this.canSave()}>${this.saving ? t('memos.saving') : t('memos.save')}</button>
        <button type="button" class="cancel" @click=${() => this.dispatchEvent(new MemoCancelEvent())}>${t('memos.cancel')}</button>
      </div>
      <p role="status" class="hint">${this.saving ? t('memos.saving') : ''}</p>
    </form>`;
  }
}

customElements.define('sb-memo-editor', SbMemoEditor);
declare global {
  interface HTMLElementTagNameMap {
    'sb-memo-editor': SbMemoEditor;
  }
}
