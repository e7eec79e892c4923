import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { styleMap } from 'lit/directives/style-map.js';
import type { AnchorExample, Code, CodeDefinition } from '../../server/schemas/code.js';
import { LanguageController, t } from '../i18n/index.js';
import type { MessageKey } from '../i18n/de.js';
import { alertBox, focusRing } from './shared-styles.js';
import { renderMarkdown } from '../markdown.js';

/** Fired when the user saves the edited definition (Save, Ctrl+Enter or Retry after a failure). */
export class CodeDefinitionSaveEvent extends Event {
  constructor(
    readonly codeId: string,
    readonly version: number,
    readonly definition: CodeDefinition,
    readonly colour: string,
  ) {
    super('sb-code-definition-save', { bubbles: true, composed: true });
  }
}

type TextField = 'description' | 'inclusion' | 'exclusion' | 'rules';
const FIELDS: readonly { field: TextField; label: MessageKey }[] = [
  { field: 'description', label: 'codes.defDescription' },
  { field: 'inclusion', label: 'codes.defInclusion' },
  { field: 'exclusion', label: 'codes.defExclusion' },
  { field: 'rules', label: 'codes.defRules' },
];
/** The order on screen: anchor examples come between the delimitation and the coding rules. */
const ANCHORS_AFTER: TextField = 'exclusion';

interface Draft {
  description: string;
  inclusion: string;
  exclusion: string;
  rules: string;
  anchors: AnchorExample[];
  colour: string;
}

function draftOf(code: Code): Draft {
  const d = code.definition;
  return { description: d.description, inclusion: d.inclusion, exclusion: d.exclusion, rules: d.rules, anchors: d.anchors.map((a) => ({ ...a })), colour: code.colour };
}

/**
 * The definition panel of one code: name, colour and the definition (description, inclusion criteria,
 * delimitation, anchor examples as quotations, coding rules), all Markdown rendered through
 * `renderMarkdown` (marked + DOMPurify). "Bearbeiten" switches to a form with a textarea and a live
 * preview per field, editable anchor examples and a colour input. Pure: the app saves and then sets
 * `saving`, `error` and the new `code`; the form closes when a save it sent ends without an error.
 *
 * Keyboard: Tab through the fields and buttons; Ctrl+Enter (Cmd+Enter) in the form saves. Escape does
 * not discard the draft: only the Cancel button does.
 *
 * @fires sb-code-definition-save - `{ codeId, version, definition, colour }` (CodeDefinitionSaveEvent)
 */
export class SbCodeDefinition extends LitElement {
  static override properties = {
    code: { attribute: false },
    editable: { type: Boolean },
    saving: { type: Boolean },
    error: { type: String },
    editing: { state: true },
    draft: { state: true },
  };

  static override styles = [
    alertBox,
    focusRing,
    css`
    :host {
      display: block;
    }
    header {
      display: flex;
      align-items: center;
      gap: 0.5rem;
    }
    h2 {
      margin: 0;
      font-size: 1.15rem;
      overflow-wrap: anywhere;
    }
    h3 {
      font-size: 1rem;
      margin: 0.9rem 0 0.3rem;
    }
    .swatch {
      width: 1rem;
      height: 1rem;
      border-radius: 3px;
      flex: none;
      border: 1px solid rgb(0 0 0 / 0.2);
    }
    header button {
      margin-left: auto;
    }
    .empty {
      color: #64748b;
      font-style: italic;
    }
    .md :first-child {
      margin-top: 0;
    }
    .md :last-child {
      margin-bottom: 0;
    }
    blockquote {
      margin: 0.4rem 0;
      padding: 0.2rem 0.8rem;
      border-left: 4px solid #94a3b8;
      background: #f8fafc;
    }
    ul.anchors {
      list-style: none;
      padding: 0;
      margin: 0;
    }
    form {
      display: grid;
      gap: 0.8rem;
    }
    .field {
      display: grid;
      grid-template-columns: 1fr 1fr;
      gap: 0.5rem;
      align-items: start;
    }
    .field > label {
      grid-column: 1 / -1;
      font-weight: 600;
    }
    textarea {
      font: inherit;
      min-height: 5rem;
      resize: vertical;
    }
    .preview {
      border: 1px dashed #cbd5e1;
      border-radius: 4px;
      padding: 0.3rem 0.5rem;
      min-height: 2rem;
      overflow-wrap: anywhere;
    }
    .preview-label {
      display: block;
      font-size: 0.75rem;
      color: #64748b;
    }
    fieldset {
      border: 1px solid #cbd5e1;
      border-radius: 4px;
      display: grid;
      gap: 0.6rem;
    }
    .anchor {
      display: grid;
      grid-template-columns: 1fr 1fr auto;
      gap: 0.5rem;
      align-items: start;
    }
    .anchor > label {
      grid-column: 1 / -1;
    }
    .hint {
      font-size: 0.8rem;
      color: #64748b;
      margin: 0;
    }
    .buttons {
      display: flex;
      gap: 0.5rem;
    }
    button,
    input {
      font: inherit;
    }
  `,
  ];

  declare code: Code | null;
  declare editable: boolean;
  /** Set by the app while a save is under way. */
  declare saving: boolean;
  /** Set by the app when a save failed (shown with a Retry button); '' = no error. */
  declare error: string;
  declare editing: boolean;
  declare draft: Draft | null;

  /** A save was sent and its outcome is not known yet. */
  private pending = false;

  constructor() {
    super();
    new LanguageController(this);
    this.code = null;
    this.editable = false;
    this.saving = false;
    this.error = '';
    this.editing = false;
    this.draft = null;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const previous = changed.get('code') as Code | null | undefined;
    if (changed.has('code') && previous?.id !== this.code?.id) {
      // Another code: its own panel, not the previous code's draft.
      this.editing = false;
      this.draft = null;
      this.pending = false;
    } else if (this.pending && !this.saving && !this.error && (changed.has('saving') || changed.has('code'))) {
      // The save we sent went through: back to the rendered view.
      this.pending = false;
      this.editing = false;
      this.draft = null;
    }
    if (!this.editable && this.editing) {
      this.editing = false;
      this.draft = null;
    }
  }

  private async startEdit(): Promise<void> {
    if (!this.code || !this.editable) return;
    this.draft = draftOf(this.code);
    this.editing = true;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('textarea, input')?.focus();
  }

  private async cancel(): Promise<void> {
    this.editing = false;
    this.draft = null;
    this.pending = false;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('button.edit')?.focus();
  }

  private save(): void {
    const code = this.code;
    const draft = this.draft;
    if (!code || !draft || this.saving) return;
    const definition: CodeDefinition = {
      description: draft.description,
      inclusion: draft.inclusion,
      exclusion: draft.exclusion,
      // Empty anchor rows are left out: an anchor example needs text (AnchorExampleSchema).
      anchors: draft.anchors.filter((a) => a.text.trim() !== '').map((a) => ({ ...a })),
      rules: draft.rules,
    };
    this.pending = true;
    this.dispatchEvent(new CodeDefinitionSaveEvent(code.id, code.version, definition, draft.colour));
  }

  private set(patch: Partial<Draft>): void {
    if (this.draft) this.draft = { ...this.draft, ...patch };
  }

  private setAnchor(i: number, text: string): void {
    if (this.draft) this.set({ anchors: this.draft.anchors.map((a, j) => (j === i ? { ...a, text } : a)) });
  }

  private async addAnchor(): Promise<void> {
    if (!this.draft) return;
    this.set({ anchors: [...this.draft.anchors, { text: '' }] });
    await this.updateComplete;
    const all = this.renderRoot.querySelectorAll<HTMLTextAreaElement>('textarea.anchor-text');
    all[all.length - 1]?.focus();
  }

  private async removeAnchor(i: number): Promise<void> {
    if (!this.draft) return;
    this.set({ anchors: this.draft.anchors.filter((_, j) => j !== i) });
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('button.add-anchor')?.focus();
  }

  private onFormKey(e: KeyboardEvent): void {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      this.save();
    }
  }

  private renderText(markdown: string): TemplateResult {
    return markdown.trim() ? html`<div class="md">${renderMarkdown(markdown)}</div>` : html`<p class="empty">${t('codes.defEmpty')}</p>`;
  }

  private renderAnchors(anchors: readonly AnchorExample[]): TemplateResult {
    return html`<h3>${t('codes.defAnchors')}</h3>
      ${anchors.length === 0
        ? html`<p class="empty">${t('codes.defAnchorsNone')}</p>`
        : html`<ul class="anchors">
            ${anchors.map((a) => html`<li><blockquote class="md">${renderMarkdown(a.text)}</blockquote></li>`)}
          </ul>`}`;
  }

  private renderView(code: Code): TemplateResult {
    return html`<section aria-labelledby="name">
      <header>
        <span class="swatch" style=${styleMap({ background: code.colour })}></span>
        <h2 id="name">${code.name}</h2>
        ${this.editable
          ? html`<button type="button" class="edit" aria-label=${t('codes.defEditOf', { name: code.name })} @click=${() => void this.startEdit()}>${t('codes.defEdit')}</button>`
          : nothing}
      </header>
      <p class="colour">${t('codes.defColour')}: <code>${code.colour}</code>${code.isCodable ? nothing : html` · ${t('codes.folder')}`}</p>
      ${FIELDS.map(
        (f) =>
          html`<div class=${`def-${f.field}`}>
            <h3>${t(f.label)}</h3>
            ${this.renderText(code.definition[f.field])}
          </div>
          ${f.field === ANCHORS_AFTER ? html`<div class="def-anchors">${this.renderAnchors(code.definition.anchors)}</div>` : nothing}`,
      )}
    </section>`;
  }

  private renderPreview(markdown: string, blockquote = false): TemplateResult {
    return html`<div class="preview">
      <span class="preview-label">${t('codes.defPreview')}</span>
      ${blockquote ? html`<blockquote class="md">${renderMarkdown(markdown)}</blockquote>` : html`<div class="md">${renderMarkdown(markdown)}</div>`}
    </div>`;
  }

  private renderEditor(code: Code, draft: Draft): TemplateResult {
    return html`<form
      aria-labelledby="edit-heading"
      aria-busy=${this.saving ? 'true' : 'false'}
      @submit=${(e: Event) => {
        e.preventDefault();
        this.save();
      }}
      @keydown=${this.onFormKey}
    >
      <header>
        <span class="swatch" style=${styleMap({ background: draft.colour })}></span>
        <h2 id="edit-heading">${t('codes.defEditHeading', { name: code.name })}</h2>
      </header>
      <label
        >${t('codes.defColour')}
        <input type="color" name="colour" .value=${draft.colour} @input=${(e: Event) => this.set({ colour: (e.target as HTMLInputElement).value })}
      /></label>
      <p class="hint">${t('codes.defMarkdownHint')}</p>
      ${FIELDS.map(
        (f) =>
          html`<div class="field">
              <label for=${`f-${f.field}`}>${t(f.label)}</label>
              <textarea
                id=${`f-${f.field}`}
                name=${f.field}
                .value=${draft[f.field]}
                @input=${(e: Event) => this.set({ [f.field]: (e.target as HTMLTextAreaElement).value })}
              ></textarea>
              ${this.renderPreview(draft[f.field])}
            </div>
            ${f.field === ANCHORS_AFTER ? this.renderAnchorEditor(draft) : nothing}`,
      )}
      ${this.error
        ? html`<div role="alert">
            ${t('codes.defSaveFailed', { error: this.error })}
            <button type="button" class="retry" @click=${this.save} ?disabled=${this.saving}>${t('codes.defRetry')}</button>
          </div>`
        : nothing}
      <div class="buttons">
        <button type="submit" class="save" ?disabled=${this.saving}>${this.saving ? t('codes.defSaving') : t('codes.defSave')}</button>
        <button type="button" class="cancel" @click=${() => void this.cancel()}>${t('codes.cancel')}</button>
      </div>
      <p role="status" class="hint">${this.saving ? t('codes.defSaving') : ''}</p>
    </form>`;
  }

  private renderAnchorEditor(draft: Draft): TemplateResult {
    return html`<fieldset class="anchors">
      <legend>${t('codes.defAnchors')}</legend>
      ${draft.anchors.map(
        (a, i) =>
          html`<div class="anchor">
            <label for=${`a-${i}`}>${t('codes.defAnchor', { n: i + 1 })}</label>
            <textarea id=${`a-${i}`} class="anchor-text" .value=${a.text} @input=${(e: Event) => this.setAnchor(i, (e.target as HTMLTextAreaElement).value)}></textarea>
            ${this.renderPreview(a.text, true)}
            <button type="button" class="remove-anchor" @click=${() => void this.removeAnchor(i)}>${t('codes.defAnchorRemove', { n: i + 1 })}</button>
          </div>`,
      )}
      <div><button type="button" class="add-anchor" @click=${() => void this.addAnchor()}>${t('codes.defAnchorAdd')}</button></div>
    </fieldset>`;
  }

  override render(): TemplateResult {
    const code = this.code;
    if (!code) return html`<p class="empty">${t('codes.defNone')}</p>`;
    return this.editing && this.draft ? this.renderEditor(code, this.draft) : this.renderView(code);
  }
}

customElements.define('sb-code-definition', SbCodeDefinition);
declare global {
  interface HTMLElementTagNameMap {
    'sb-code-definition': SbCodeDefinition;
  }
}
