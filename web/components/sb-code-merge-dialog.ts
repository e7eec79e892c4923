import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { Code } from '../../server/schemas/code.js';
import { LanguageController, t } from '../i18n/index.js';
import { codesInTreeOrder, descendantIds, PATH_SEPARATOR } from '../../server/domain/code-tree.js';
import { focusRing, modalDialog } from './shared-styles.js';

/** Fired when the user confirms merging `sourceId` into `targetId` (the source is deleted afterwards). */
export class CodeMergeEvent extends Event {
  constructor(
    readonly sourceId: string,
    readonly targetId: string,
    readonly sourceVersion: number,
    readonly targetVersion: number,
  ) {
    super('sb-code-merge', { bubbles: true, composed: true });
  }
}

/** Fired when the user closes the dialog without merging (Cancel button or Escape). */
export class CodeMergeCancelEvent extends Event {
  constructor() {
    super('sb-code-merge-cancel', { bubbles: true, composed: true });
  }
}

/**
 * A modal dialog to merge one code into another: explains what passes to the target (segments,
 * sub-codes, anchor examples, memos), offers every code except the source and its own sub-codes
 * (the server refuses those), and category folders only when the source has no segments.
 *
 * Open it by setting `open` (with `source`, `codes`, `counts` and optionally a preselected `targetId`).
 *
 * @fires sb-code-merge - confirmed: `{ sourceId, targetId, sourceVersion, targetVersion }` (CodeMergeEvent)
 * @fires sb-code-merge-cancel - closed without merging (CodeMergeCancelEvent)
 * @csspart dialog - the `<dialog>` element
 */
export class SbCodeMergeDialog extends LitElement {
  static override properties = {
    source: { attribute: false },
    codes: { attribute: false },
    counts: { attribute: false },
    targetId: { type: String, attribute: 'target-id' },
    open: { type: Boolean, reflect: true },
    choice: { state: true },
  };

  static override styles = [
    focusRing,
    modalDialog,
    css`
    label {
      display: grid;
      gap: 0.2rem;
    }
    select {
      font: inherit;
      max-width: 100%;
    }
  `,
  ];

  /** The code that is merged away. */
  declare source: Code | null;
  declare codes: Code[];
  /** Own segment count per code id. */
  declare counts: Record<string, number>;
  /** A preselected target (e.g. the code the source was dropped on with Alt). */
  declare targetId: string;
  declare open: boolean;
  declare choice: string;

  constructor() {
    super();
    new LanguageController(this);
    this.source = null;
    this.codes = [];
    this.counts = {};
    this.targetId = '';
    this.open = false;
    this.choice = '';
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const previous = changed.get('source') as Code | null | undefined;
    if ((changed.has('open') && this.open) || changed.has('targetId') || (changed.has('source') && previous?.id !== this.source?.id)) {
      this.choice = this.targets().some((e) => e.code.id === this.targetId && !e.disabled) ? this.targetId : '';
    }
  }

  protected override updated(): void {
    const dialog = this.renderRoot.querySelector('dialog');
    if (!dialog) return;
    if (this.open && this.source && !dialog.open) dialog.showModal();
    else if (!this.open && dialog.open) dialog.close();
  }

  private targets(): (ReturnType<typeof codesInTreeOrder>[number] & { disabled: boolean })[] {
    const source = this.source;
    if (!source) return [];
    const excluded = new Set([source.id, ...descendantIds(this.codes, source.id)]);
    const hasSegments = (this.counts[source.id] ?? 0) > 0;
    return codesInTreeOrder(this.codes)
      .filter((e) => !excluded.has(e.code.id))
      .map((e) => ({ ...e, disabled: hasSegments && !e.code.isCodable }));
  }

  private confirm(e: Event): void {
    e.preventDefault();
    const source = this.source;
    const target = this.targets().find((x) => x.code.id === this.choice && !x.disabled)?.code;
    if (!source || !target) return;
    this.open = false;
    this.dispatchEvent(new CodeMergeEvent(source.id, target.id, source.version, target.version));
  }

  private cancel(): void {
    this.open = false;
    this.dispatchEvent(new CodeMergeCancelEvent());
  }

  override render(): TemplateResult {
    return html`<dialog
      part="dialog"
      aria-labelledby="title"
      aria-describedby="explain"
      @cancel=${(e: Event) => {
        e.preventDefault();
        this.cancel();
      }}
    >
      ${this.source ? this.renderForm(this.source) : nothing}
    </dialog>`;
  }

  private renderForm(source: Code): TemplateResult {
    const targets = this.targets();
    const children = this.codes.filter((c) => c.parentId === source.id).length;
    return html`<form @submit=${this.confirm}>
      <h2 id="title">${t('codes.mergeTitle', { name: source.name })}</h2>
      <p id="explain">${t('codes.mergeExplain', { name: source.name })}</p>
      <p>${t('codes.mergeCounts', { segments: this.counts[source.id] ?? 0, children })}</p>
      ${targets.length === 0
        ? html`<p>${t('codes.mergeNoTargets')}</p>`
        : html`<label
            >${t('codes.mergeTarget')}
            <select name="target" .value=${this.choice} @change=${(e: Event) => (this.choice = (e.target as HTMLSelectElement).value)}>
              <option value="" ?selected=${this.choice === ''}>${t('codes.chooseCode')}</option>
              ${targets.map((e) => html`<option value=${e.code.id} ?disabled=${e.disabled} ?selected=${this.choice === e.code.id}>${e.path.join(PATH_SEPARATOR)}</option>`)}
            </select></label
          >`}
      ${targets.some((e) => e.disabled) ? html`<p>${t('codes.mergeFolderHint')}</p>` : nothing}
      <div class="buttons">
        <button type="button" @click=${this.cancel}>${t('codes.cancel')}</button>
        <button type="submit" class="confirm" ?disabled=${!targets.some((e) => e.code.id === this.choice && !e.disabled)}>${t('codes.mergeConfirm')}</button>
      </div>
    </form>`;
  }
}

customElements.define('sb-code-merge-dialog', SbCodeMergeDialog);
declare global {
  interface HTMLElementTagNameMap {
    'sb-code-merge-dialog': SbCodeMergeDialog;
  }
}
