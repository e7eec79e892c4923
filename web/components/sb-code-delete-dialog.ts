import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { Code, DeleteCode } from '../../server/schemas/code.js';
import { codesInTreeOrder, descendantIds, PATH_SEPARATOR } from '../../server/domain/code-tree.js';
import { LanguageController, t } from '../i18n/index.js';
import { focusRing, modalDialog } from './shared-styles.js';



/** Fired when the user confirms the deletion with an explicit decision about segments and sub-codes. */
export class CodeDeleteEvent extends Event {
  readonly codeId: string;
  readonly version: number;
  readonly segments: DeleteCode['segments'];
  readonly children: DeleteCode['children'];
  constructor(detail: { codeId: string } & DeleteCode) {
    super('sb-code-delete', { bubbles: true, composed: true });
    this.codeId = detail.codeId;
    this.version = detail.version;
    this.segments = detail.segments;
    this.children = detail.children;
  }
}

/** Fired when the user closes the dialog without deleting (Cancel button or Escape). */
export class CodeDeleteCancelEvent extends Event {
  constructor() {
    super('sb-code-delete-cancel', { bubbles: true, composed: true });
  }
}

/**
 * A modal dialog that deletes a code only after an explicit decision: it shows how many segments and
 * sub-codes are affected and demands a choice for each (segments: delete or move to another codable
 * code that survives; sub-codes: delete or lift to the parent). Nothing is preselected; the confirm
 * button stays disabled until every question that applies has an answer. A question with nothing
 * at stake is not asked (no segments affected → `{ action: 'delete' }`; no sub-codes → `'lift'`).
 *
 * Open it by setting `open` (with `code`, `codes` and `counts`); Escape or Cancel close it.
 *
 * @fires sb-code-delete - confirmed: `{ codeId, version, segments: { action: 'delete' } | { action: 'move', toCodeId }, children: 'delete' | 'lift' }` (CodeDeleteEvent)
 * @fires sb-code-delete-cancel - closed without deleting (CodeDeleteCancelEvent)
 * @csspart dialog - the `<dialog>` element
 */
export class SbCodeDeleteDialog extends LitElement {
  static override properties = {
    code: { attribute: false },
    codes: { attribute: false },
    counts: { attribute: false },
    open: { type: Boolean, reflect: true },
    childChoice: { state: true },
    segmentChoice: { state: true },
    moveTo: { state: true },
  };

  static override styles = [
    focusRing,
    modalDialog,
    css`
    fieldset {
      margin: 0.75rem 0;
      border: 1px solid #cbd5e1;
      border-radius: 4px;
    }
    label {
      display: block;
      margin: 0.3rem 0;
    }
    select {
      font: inherit;
      max-width: 100%;
    }
    .hint {
      color: #92400e;
    }
    button.danger:not(:disabled) {
      background: #b91c1c;
      color: #fff;
      border: 1px solid #7f1d1d;
    }
  `,
  ];

  /** The code to delete. */
  declare code: Code | null;
  /** All codes of the project (to count sub-codes and offer move targets). */
  declare codes: Code[];
  /** Own segment count per code id. */
  declare counts: Record<string, number>;
  declare open: boolean;
  declare childChoice: DeleteCode['children'] | null;
  declare segmentChoice: 'delete' | 'move' | null;
  declare moveTo: string;

  constructor() {
    super();
    new LanguageController(this);
    this.code = null;
    this.codes = [];
    this.counts = {};
    this.open = false;
    this.childChoice = null;
    this.segmentChoice = null;
    this.moveTo = '';
  }

  private get dialog(): HTMLDialogElement | null {
    return this.renderRoot.querySelector('dialog');
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // Every opening (or a different code) starts with no decision taken.
    const previous = changed.get('code') as Code | null | undefined;
    if ((changed.has('open') && this.open) || (changed.has('code') && previous?.id !== this.code?.id)) {
      this.childChoice = null;
      this.segmentChoice = null;
      this.moveTo = '';
    }
  }

  protected override updated(): void {
    const dialog = this.dialog;
    if (!dialog) return;
    if (this.open && this.code && !dialog.open) dialog.showModal();
    else if (!this.open && dialog.open) dialog.close();
  }

  private descendants(): string[] {
    return this.code ? descendantIds(this.codes, this.code.id) : [];
  }

  private affectedSegments(): number {
    if (!this.code) return 0;
    const own = this.counts[this.code.id] ?? 0;
    if (this.childChoice === 'lift') return own;
    return own + this.descendants().reduce((sum, id) => sum + (this.counts[id] ?? 0), 0);
  }

  /** Codable codes that survive the deletion as chosen so far. */
  private moveTargets(): ReturnType<typeof codesInTreeOrder> {
    if (!this.code) return [];
    const gone = new Set([this.code.id, ...(this.childChoice === 'lift' ? [] : this.descendants())]);
    return codesInTreeOrder(this.codes).filter((e) => e.code.isCodable && !gone.has(e.code.id));
  }

  private decision(): DeleteCode | null {
    if (!this.code) return null;
    const hasChildren = this.descendants().length > 0;
    const children = hasChildren ? this.childChoice : 'lift';
    if (children === null) return null;
    if (this.affectedSegments() === 0) return { version: this.code.version, segments: { action: 'delete' }, children };
    if (this.segmentChoice === 'delete') return { version: this.code.version, segments: { action: 'delete' }, children };
    if (this.segmentChoice === 'move' && this.moveTargets().some((e) => e.code.id === this.moveTo)) {
      return { version: this.code.version, segments: { action: 'move', toCodeId: this.moveTo }, children };
    }
    return null;
  }

  private confirm(e: Event): void {
    e.preventDefault();
    const decision = this.decision();
    if (!this.code || !decision) return;
    const codeId = this.code.id;
    this.open = false;
    this.dispatchEvent(new CodeDeleteEvent({ codeId, ...decision }));
  }

  private cancel(): void {
    this.open = false;
    this.dispatchEvent(new CodeDeleteCancelEvent());
  }

  private onNativeCancel(e: Event): void {
    // Escape: close through our own path so the host hears about it.
    e.preventDefault();
    this.cancel();
  }

  override render(): TemplateResult {
    return html`<dialog part="dialog" aria-labelledby="title" aria-describedby="summary" @cancel=${this.onNativeCancel}>
      ${this.code ? this.renderForm(this.code) : nothing}
    </dialog>`;
  }

  private renderForm(code: Code): TemplateResult {
    const below = this.descendants();
    const own = this.counts[code.id] ?? 0;
    const belowSegments = below.reduce((sum, id) => sum + (this.counts[id] ?? 0), 0);
    const affected = this.affectedSegments();
    const targets = this.moveTargets();
    const ready = this.decision() !== null;
    return html`<form @submit=${this.confirm}>
        <h2 id="title">${t('codes.deleteTitle', { name: code.name })}</h2>
        <ul id="summary">
          <li>${t('codes.deleteOwnSegments', { n: own })}</li>
          <li>${below.length > 0 ? t('codes.deleteSubcodes', { n: below.length, segments: belowSegments }) : t('codes.deleteNoSubcodes')}</li>
        </ul>
        ${below.length > 0
          ? html`<fieldset class="children">
              <legend>${t('codes.deleteChildrenQuestion')}</legend>
              <label
                ><input
                  type="radio"
                  name="children"
                  value="delete"
                  .checked=${this.childChoice === 'delete'}
                  @change=${() => {
                    this.childChoice = 'delete';
                    if (!this.moveTargets().some((e) => e.code.id === this.moveTo)) this.moveTo = '';
                  }}
                />
                ${t('codes.deleteChildrenDelete')}</label
              >
              <label
                ><input type="radio" name="children" value="lift" .checked=${this.childChoice === 'lift'} @change=${() => (this.childChoice = 'lift')} />
                ${t('codes.deleteChildrenLift')}</label
              >
            </fieldset>`
          : nothing}
        ${affected > 0
          ? html`<fieldset class="segments">
              <legend>${t('codes.deleteSegmentsQuestion', { n: affected })}</legend>
              <label
                ><input type="radio" name="segments" value="delete" .checked=${this.segmentChoice === 'delete'} @change=${() => (this.segmentChoice = 'delete')} />
                ${t('codes.deleteSegmentsDelete')}</label
              >
              <label
                ><input
                  type="radio"
                  name="segments"
                  value="move"
                  .checked=${this.segmentChoice === 'move'}
                  ?disabled=${targets.length === 0}
                  @change=${() => (this.segmentChoice = 'move')}
                />
                ${t('codes.deleteSegmentsMove')}</label
              >
              ${targets.length === 0
                ? html`<p>${t('codes.deleteNoTargets')}</p>`
                : html`<label
                    >${t('codes.deleteMoveTarget')}
                    <select
                      name="moveTo"
                      .value=${this.moveTo}
                      ?disabled=${this.segmentChoice !== 'move'}
                      @change=${(e: Event) => (this.moveTo = (e.target as HTMLSelectElement).value)}
                    >
                      <option value="" ?selected=${this.moveTo === ''}>${t('codes.chooseCode')}</option>
                      ${targets.map((e) => html`<option value=${e.code.id} ?selected=${this.moveTo === e.code.id}>${e.path.join(PATH_SEPARATOR)}</option>`)}
                    </select></label
                  >`}
            </fieldset>`
          : html`<p>${t('codes.deleteNoSegments')}</p>`}
        ${ready ? nothing : html`<p class="hint" id="hint">${t('codes.deleteChoiceRequired')}</p>`}
        <div class="buttons">
          <button type="button" @click=${this.cancel}>${t('codes.cancel')}</button>
          <button type="submit" class="danger confirm" ?disabled=${!ready}>${t('codes.deleteConfirm')}</button>
        </div>
      </form>`;
  }
}

customElements.define('sb-code-delete-dialog', SbCodeDeleteDialog);
declare global {
  interface HTMLElementTagNameMap {
    'sb-code-delete-dialog': SbCodeDeleteDialog;
  }
}
