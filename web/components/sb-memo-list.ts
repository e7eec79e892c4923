import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { Memo, MemoTarget } from '../../server/schemas/memo.js';
import { LanguageController, getLanguage, t } from '../i18n/index.js';
import { renderMarkdown } from '../markdown.js';
import './sb-memo-editor.js';
import { focusRing } from './shared-styles.js';

export { MemoSaveEvent, MemoCancelEvent } from './sb-memo-editor.js';

/** Fired when the user confirms deleting a memo. */
export class MemoDeleteEvent extends Event {
  constructor(
    readonly memoId: string,
    readonly version: number,
  ) {
    super('sb-memo-delete', { bubbles: true, composed: true });
  }
}

/**
 * The memos of one target (project, document, code or segment), newest first: title, author, date
 * and the text rendered as Markdown through `renderMarkdown` (marked + DOMPurify). With `editable`:
 * "Neues Memo" and per memo "Bearbeiten" open an `<sb-memo-editor>` in place; "Löschen" asks for a
 * confirmation first. Pure: the app saves and deletes, and sets `saving`/`error` (passed on to the
 * open editor). The editor closes when a save it sent ends without an error.
 *
 * Keyboard: every action is a button in the Tab order; in the editor Ctrl+Enter saves.
 *
 * @fires sb-memo-save - from the open editor: `{ memoId?, version?, memoTarget, title, text }` (MemoSaveEvent)
 * @fires sb-memo-cancel - the open editor was discarded (MemoCancelEvent)
 * @fires sb-memo-delete - `{ memoId, version }` after the confirmation (MemoDeleteEvent)
 */
export class SbMemoList extends LitElement {
  static override properties = {
    memos: { attribute: false },
    users: { attribute: false },
    target: { attribute: false },
    editable: { type: Boolean },
    saving: { type: Boolean },
    error: { type: String },
    editing: { state: true },
    confirming: { state: true },
  };

  static override styles = [
    focusRing,
    css`
    :host {
      display: block;
    }
    .head {
      display: flex;
      align-items: center;
      justify-content: space-between;
      gap: 0.5rem;
    }
    h3 {
      margin: 0.3rem 0;
      font-size: 1rem;
    }
    h4 {
      margin: 0;
      font-size: 0.95rem;
      overflow-wrap: anywhere;
    }
    ul {
      list-style: none;
      padding: 0;
      margin: 0;
      display: grid;
      gap: 0.6rem;
    }
    li {
      border: 1px solid #e2e8f0;
      border-radius: 4px;
      padding: 0.5rem 0.7rem;
    }
    .meta {
      font-size: 0.8rem;
      color: #475569;
      margin: 0.1rem 0 0.4rem;
    }
    .md {
      overflow-wrap: anywhere;
    }
    .md :first-child {
      margin-top: 0;
    }
    .md :last-child {
      margin-bottom: 0;
    }
    .buttons {
      display: flex;
      gap: 0.4rem;
      margin-top: 0.4rem;
      flex-wrap: wrap;
      align-items: center;
    }
    .confirm {
      color: #b91c1c;
    }
    button {
      font: inherit;
      font-size: 0.85rem;
    }
    sb-memo-editor.new {
      margin-bottom: 0.6rem;
    }
  `,
  ];

  declare memos: Memo[];
  /** Display names by user id. */
  declare users: Record<string, string>;
  /** What "Neues Memo" attaches a new memo to. */
  declare target: MemoTarget;
  declare editable: boolean;
  /** Set by the app while a save is under way (passed on to the open editor). */
  declare saving: boolean;
  /** Set by the app when a save failed (passed on to the open editor). */
  declare error: string;
  /** The memo being edited: its id, 'new', or null. */
  declare editing: string | null;
  /** The memo whose deletion awaits confirmation. */
  declare confirming: string | null;

  private pending = false;

  constructor() {
    super();
    new LanguageController(this);
    this.memos = [];
    this.users = {};
    this.target = { type: 'project' };
    this.editable = false;
    this.saving = false;
    this.error = '';
    this.editing = null;
    this.confirming = null;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (this.pending && !this.saving && !this.error && (changed.has('saving') || changed.has('memos'))) {
      // The save sent from the open editor went through.
      this.pending = false;
      this.editing = null;
    }
    if (this.editing !== null && this.editing !== 'new' && !this.memos.some((m) => m.id === this.editing)) this.editing = null;
  }

  private async open(which: string): Promise<void> {
    this.editing = which;
    this.confirming = null;
    this.pending = false;
    await this.updateComplete;
    const editor = this.renderRoot.querySelector('sb-memo-editor');
    await editor?.updateComplete;
    // The editor delegates focus to its title field.
    editor?.focus();
  }

  private async close(focusSelector: string): Promise<void> {
    this.editing = null;
    this.pending = false;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(focusSelector)?.focus();
  }

  private async askDelete(memo: Memo): Promise<void> {
    this.confirming = memo.id;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('button.delete-no')?.focus();
  }

  private async deleteMemo(memo: Memo): Promise<void> {
    this.confirming = null;
    this.dispatchEvent(new MemoDeleteEvent(memo.id, memo.version));
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('button.new')?.focus();
  }

  private formatDate(iso: string): string {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return iso;
    return new Intl.DateTimeFormat(getLanguage() === 'de' ? 'de-DE' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' }).format(date);
  }

  private renderEditor(memo: Memo | null): TemplateResult {
    return html`<sb-memo-editor
      class=${memo ? 'edit' : 'new'}
      .memo=${memo}
      .target=${this.target}
      .saving=${this.saving}
      .error=${this.error}
      @sb-memo-save=${() => (this.pending = true)}
      @sb-memo-cancel=${() => void this.close(memo ? `li[data-memo-id="${memo.id}"] button.edit` : 'button.new')}
    ></sb-memo-editor>`;
  }

  private renderMemo(memo: Memo): TemplateResult {
    if (this.editing === memo.id) return html`<li data-memo-id=${memo.id}>${this.renderEditor(memo)}</li>`;
    const title = memo.title.trim() || t('memos.untitled');
    const author = this.users[memo.author] ?? t('memos.unknownAuthor');
    return html`<li data-memo-id=${memo.id}>
      <article aria-labelledby=${`memo-${memo.id}`}>
        <h4 id=${`memo-${memo.id}`} class="title">${title}</h4>
        <p class="meta">${t('memos.byline', { author })} <time datetime=${memo.modified}>${this.formatDate(memo.modified)}</time></p>
        <div class="md">${renderMarkdown(memo.text)}</div>
        ${this.editable
          ? html`<div class="buttons">
              ${this.confirming === memo.id
                ? html`<span class="confirm" id=${`confirm-${memo.id}`}>${t('memos.deleteConfirm', { title })}</span>
                    <button type="button" class="delete-yes" aria-describedby=${`confirm-${memo.id}`} @click=${() => void this.deleteMemo(memo)}>
                      ${t('memos.deleteYes')}
                    </button>
                    <button type="button" class="delete-no" @click=${() => (this.confirming = null)}>${t('memos.cancel')}</button>`
                : html`<button type="button" class="edit" aria-label=${t('memos.editOf', { title })} @click=${() => void this.open(memo.id)}>${t('memos.edit')}</button>
                    <button type="button" class="delete" aria-label=${t('memos.deleteOf', { title })} @click=${() => void this.askDelete(memo)}>
                      ${t('memos.delete')}
                    </button>`}
            </div>`
          : nothing}
      </article>
    </li>`;
  }

  override render(): TemplateResult {
    const memos = [...this.memos].sort((a, b) => b.modified.localeCompare(a.modified));
    return html`<section aria-labelledby="heading">
      <div class="head">
        <h3 id="heading">${t('memos.heading')}</h3>
        ${this.editable ? html`<button type="button" class="new" ?disabled=${this.editing === 'new'} @click=${() => void this.open('new')}>${t('memos.new')}</button>` : nothing}
      </div>
      ${this.editing === 'new' ? this.renderEditor(null) : nothing}
      ${memos.length === 0
        ? html`<p class="none">${t('memos.none')}</p>`
        : html`<ul>
            ${repeat(
              memos,
              (m) => m.id,
              (m) => this.renderMemo(m),
            )}
          </ul>`}
    </section>`;
  }
}

customElements.define('sb-memo-list', SbMemoList);
declare global {
  interface HTMLElementTagNameMap {
    'sb-memo-list': SbMemoList;
  }
}
