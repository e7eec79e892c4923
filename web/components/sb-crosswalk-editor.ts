import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { Code } from '../../server/schemas/code.js';
import type { CrosswalkEntry } from '../../server/schemas/crosswalk.js';
import { visuallyHidden, focusRing } from './shared-styles.js';
import { LanguageController, t } from '../i18n/index.js';
import { PATH_SEPARATOR, codesInTreeOrder } from './sb-corpus-model.js';

/** A crosswalk row as the editor hands it back: rows added in the editor have no id yet (the server gives one). */
export interface CrosswalkRowInput {
  id?: string;
  label: string;
  /** Code ids of side A (consultation). */
  a: string[];
  /** Code ids of side B (documentation). */
  b: string[];
  note: string;
}

/** Fired when the user saves: `crosswalk` is the whole list (PUT /crosswalk replaces the stored one). */
export class CrosswalkSaveEvent extends Event {
  constructor(readonly crosswalk: CrosswalkRowInput[]) {
    super('sb-crosswalk-save', { bubbles: true, composed: true });
  }
}

interface Editing {
  /** Index in `rows`, or null for a new row. */
  index: number | null;
  label: string;
  a: string[];
  b: string[];
  note: string;
  filter: { a: string; b: string };
  error: string;
}

/**
 * The crosswalk: which consultation-side codes (A) correspond to which documentation-side codes
 * (B), n:m. The comparison shows one row per crosswalk row instead of the single codes. Rows are
 * added and edited in a labelled modal dialog (label, codes of both sides chosen from the code tree
 * paths with a filter, a note), deleted with a button; nothing reaches the server until "Speichern"
 * sends the whole list. Read-only unless `editable`.
 *
 * @fires sb-crosswalk-save - the whole edited list (CrosswalkSaveEvent: `crosswalk` `[{ id?, label, a, b, note }]`)
 * @csspart dialog - the edit dialog
 */
export class SbCrosswalkEditor extends LitElement {
  static override properties = {
    crosswalk: { attribute: false },
    codes: { attribute: false },
    editable: { type: Boolean },
    saving: { type: Boolean },
    error: { type: String },
    rows: { state: true },
    dirty: { state: true },
    editing: { state: true },
  };

  static override styles = [
    visuallyHidden,
    focusRing,
    css`
    :host {
      display: block;
    }
    table {
      border-collapse: collapse;
      width: 100%;
      font-size: 0.92rem;
      margin: 0.5rem 0;
    }
    th,
    td {
      text-align: left;
      vertical-align: top;
      border-bottom: 1px solid #e2e8f0;
      padding: 0.25rem 0.4rem;
    }
    ul.codes {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    .parents {
      color: #64748b;
    }
    .unknown {
      color: #b91c1c;
    }
    .note {
      white-space: pre-wrap;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      align-items: center;
    }
    button,
    input,
    textarea {
      font: inherit;
    }
    [role='alert'] {
      color: #b91c1c;
    }
    dialog {
      width: min(52rem, 95vw);
      border: 1px solid #94a3b8;
      border-radius: 6px;
      padding: 1rem 1.25rem;
    }
    dialog::backdrop {
      background: rgb(15 23 42 / 0.4);
    }
    dialog h2 {
      margin-top: 0;
      font-size: 1.15rem;
    }
    dialog label.field {
      display: grid;
      gap: 0.2rem;
      margin-bottom: 0.6rem;
    }
    .sides {
      display: grid;
      grid-template-columns: 1fr 1fr;
      gap: 0.75rem;
    }
    fieldset {
      border: 1px solid #cbd5e1;
      border-radius: 4px;
      padding: 0.3rem 0.6rem 0.5rem;
      margin: 0;
      min-width: 0;
    }
    .chosen {
      margin: 0.2rem 0 0.4rem;
      font-size: 0.85rem;
      color: #334155;
    }
    .choices {
      max-height: 16rem;
      overflow-y: auto;
      list-style: none;
      margin: 0.3rem 0 0;
      padding: 0;
    }
    .choices label {
      display: flex;
      gap: 0.3rem;
      align-items: baseline;
    }
    .buttons {
      display: flex;
      justify-content: flex-end;
      gap: 0.5rem;
      margin-top: 1rem;
    }
  `,
  ];

  declare crosswalk: CrosswalkEntry[];
  declare codes: Code[];
  declare editable: boolean;
  declare saving: boolean;
  declare error: string;
  /** The working copy of the rows (what Save sends). */
  declare rows: CrosswalkRowInput[];
  declare dirty: boolean;
  declare editing: Editing | null;

  private paths = new Map<string, string[]>();
  private options: { id: string; path: string[]; search: string }[] = [];
  /** The button that opened the dialog, to return focus to. */
  private opener: HTMLElement | null = null;

  constructor() {
    super();
    new LanguageController(this);
    this.crosswalk = [];
    this.codes = [];
    this.editable = false;
    this.saving = false;
    this.error = '';
    this.rows = [];
    this.dirty = false;
    this.editing = null;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('crosswalk')) {
      // A new list from the app (loaded or saved) replaces the working copy.
      this.rows = this.crosswalk.map((r) => ({ id: r.id, label: r.label, a: [...r.a], b: [...r.b], note: r.note }));
      this.dirty = false;
    }
    if (changed.has('codes')) {
      const ordered = codesInTreeOrder(this.codes);
      this.paths = new Map(ordered.map(({ code, path }) => [code.id, path]));
      this.options = ordered.map(({ code, path }) => ({ id: code.id, path, search: path.join(' ').toLocaleLowerCase('de') }));
    }
    if (changed.has('editable') && !this.editable) this.editing = null;
  }

  protected override updated(): void {
    const dialog = this.renderRoot.querySelector('dialog');
    if (!dialog) return;
    if (this.editing && !dialog.open) {
      dialog.showModal();
      dialog.querySelector<HTMLInputElement>('input[name="label"]')?.focus();
    } else if (!this.editing && dialog.open) dialog.close();
  }

  private open(index: number | null, opener: EventTarget | null): void {
    const row = index === null ? undefined : this.rows[index];
    this.opener = opener instanceof HTMLElement ? opener : null;
    this.editing = { index, label: row?.label ?? '', a: [...(row?.a ?? [])], b: [...(row?.b ?? [])], note: row?.note ?? '', filter: { a: '', b: '' }, error: '' };
  }

  private close(): void {
    this.editing = null;
    const back = this.opener;
    this.opener = null;
    void this.updateComplete.then(() => (back?.isConnected ? back : this.renderRoot.querySelector<HTMLElement>('button.add'))?.focus());
  }

  private apply(e: Event): void {
    e.preventDefault();
    const ed = this.editing;
    if (!ed) return;
    const label = ed.label.trim();
    const error = label === '' ? t('comparison.crosswalk.needLabel') : ed.a.length === 0 || ed.b.length === 0 ? t('comparison.crosswalk.needCodes') : '';
    if (error) {
      this.editing = { ...ed, error };
      return;
    }
    const prev = ed.index === null ? undefined : this.rows[ed.index];
    const row: CrosswalkRowInput = { ...(prev?.id ? { id: prev.id } : {}), label, a: ed.a, b: ed.b, note: ed.note };
    this.rows = ed.index === null ? [...this.rows, row] : this.rows.map((r, i) => (i === ed.index ? row : r));
    this.dirty = true;
    this.close();
  }

  private removeRow(index: number): void {
    this.rows = this.rows.filter((_, i) => i !== index);
    this.dirty = true;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('button.add')?.focus());
  }

  private discard(): void {
    this.rows = this.crosswalk.map((r) => ({ id: r.id, label: r.label, a: [...r.a], b: [...r.b], note: r.note }));
    this.dirty = false;
  }

  private save(): void {
    this.dispatchEvent(new CrosswalkSaveEvent(this.rows.map((r) => ({ ...r, a: [...r.a], b: [...r.b] }))));
  }

  private renderCodeList(ids: readonly string[]): TemplateResult {
    return html`<ul class="codes">
      ${ids.map((id) => {
        const path = this.paths.get(id);
        if (!path) return html`<li class="unknown">${t('comparison.crosswalk.unknownCode', { id })}</li>`;
        return html`<li>
          ${path.length > 1 ? html`<span class="parents">${path.slice(0, -1).join(PATH_SEPARATOR)}${PATH_SEPARATOR}</span>` : nothing}<span class="code-name">${path[path.length - 1]}</span>
        </li>`;
      })}
    </ul>`;
  }

  private renderTable(): TemplateResult {
    if (this.rows.length === 0) return html`<p class="empty">${t('comparison.crosswalk.none')}</p>`;
    return html`<table>
      <caption class="vh">
        ${t('comparison.crosswalk.caption')}
      </caption>
      <thead>
        <tr>
          <th scope="col">${t('comparison.crosswalk.label')}</th>
          <th scope="col">${t('comparison.crosswalk.codesA')}</th>
          <th scope="col">${t('comparison.crosswalk.codesB')}</th>
          <th scope="col">${t('comparison.crosswalk.note')}</th>
          ${this.editable ? html`<th scope="col">${t('comparison.crosswalk.actions')}</th>` : nothing}
        </tr>
      </thead>
      <tbody>
        ${this.rows.map(
          (r, i) =>
            html`<tr data-index=${i}>
              <th scope="row" class="label">${r.label}</th>
              <td class="a">${this.renderCodeList(r.a)}</td>
              <td class="b">${this.renderCodeList(r.b)}</td>
              <td class="note">${r.note}</td>
              ${this.editable
                ? html`<td class="row-actions">
                    <button type="button" class="edit" aria-label=${t('comparison.crosswalk.editRow', { label: r.label })} @click=${(e: Event) => this.open(i, e.currentTarget)}>
                      ${t('comparison.crosswalk.edit')}
                    </button>
                    <button type="button" class="delete" aria-label=${t('comparison.crosswalk.deleteRow', { label: r.label })} @click=${() => this.removeRow(i)}>
                      ${t('comparison.crosswalk.delete')}
                    </button>
                  </td>`
                : nothing}
            </tr>`,
        )}
      </tbody>
    </table>`;
  }

  private renderSide(ed: Editing, side: 'a' | 'b'): TemplateResult {
    const needle = ed.filter[side].trim().toLocaleLowerCase('de');
    const options = needle === '' ? this.options : this.options.filter((o) => o.search.includes(needle));
    const chosen = new Set(ed[side]);
    const toggle = (id: string, on: boolean): void => {
      const ids = ed[side].filter((x) => x !== id);
      this.editing = { ...ed, [side]: on ? [...ids, id] : ids, error: '' };
    };
    return html`<fieldset class="side-${side}">
      <legend>${t(side === 'a' ? 'comparison.crosswalk.codesA' : 'comparison.crosswalk.codesB')} (${chosen.size})</legend>
      <p class="chosen">
        ${chosen.size === 0
          ? t('comparison.crosswalk.noneChosen')
          : t('comparison.crosswalk.chosen', { names: ed[side].map((id) => this.paths.get(id)?.at(-1) ?? id).join('; ') })}
      </p>
      <label
        >${t('comparison.crosswalk.filter')}
        <input
          type="search"
          name="filter-${side}"
          .value=${ed.filter[side]}
          @input=${(e: Event) => (this.editing = { ...ed, filter: { ...ed.filter, [side]: (e.target as HTMLInputElement).value } })}
      /></label>
      <ul class="choices">
        ${options.map(
          (o) =>
            html`<li>
              <label
                ><input type="checkbox" data-code-id=${o.id} .checked=${chosen.has(o.id)} @change=${(e: Event) => toggle(o.id, (e.target as HTMLInputElement).checked)} /><span
                  >${o.path.length > 1 ? html`<span class="parents">${o.path.slice(0, -1).join(PATH_SEPARATOR)}${PATH_SEPARATOR}</span>` : nothing}${o.path[o.path.length - 1]}</span
                ></label
              >
            </li>`,
        )}
      </ul>
      ${options.length === 0 ? html`<p>${t('comparison.crosswalk.noMatch')}</p>` : nothing}
    </fieldset>`;
  }

  private renderDialog(): TemplateResult {
    const ed = this.editing;
    return html`<dialog
      part="dialog"
      aria-labelledby="cw-title"
      @cancel=${(e: Event) => {
        e.preventDefault();
        this.close();
      }}
    >
      ${ed
        ? html`<form @submit=${this.apply}>
            <h2 id="cw-title">${ed.index === null ? t('comparison.crosswalk.addTitle') : t('comparison.crosswalk.editTitle', { label: this.rows[ed.index]?.label ?? '' })}</h2>
            <label class="field"
              >${t('comparison.crosswalk.label')}
              <input type="text" name="label" maxlength="300" .value=${ed.label} @input=${(e: Event) => (this.editing = { ...ed, label: (e.target as HTMLInputElement).value, error: '' })}
            /></label>
            <div class="sides">${this.renderSide(ed, 'a')} ${this.renderSide(ed, 'b')}</div>
            <label class="field"
              >${t('comparison.crosswalk.note')}
              <textarea name="note" rows="2" maxlength="10000" .value=${ed.note} @input=${(e: Event) => (this.editing = { ...ed, note: (e.target as HTMLTextAreaElement).value })}></textarea>
            </label>
            ${ed.error ? html`<p role="alert" class="dialog-error">${ed.error}</p>` : nothing}
            <div class="buttons">
              <button type="button" class="cancel" @click=${this.close}>${t('comparison.crosswalk.cancel')}</button>
              <button type="submit" class="apply">${t('comparison.crosswalk.apply')}</button>
            </div>
          </form>`
        : nothing}
    </dialog>`;
  }

  override render(): TemplateResult {
    return html`<p class="explain">${t('comparison.crosswalk.explain')}</p>
      ${this.renderTable()}
      ${this.editable
        ? html`<div class="actions">
              <button type="button" class="add" @click=${(e: Event) => this.open(null, e.currentTarget)}>${t('comparison.crosswalk.add')}</button>
              <button type="button" class="save" ?disabled=${!this.dirty || this.saving} @click=${this.save}>${t('comparison.crosswalk.save')}</button>
              <button type="button" class="discard" ?disabled=${!this.dirty || this.saving} @click=${this.discard}>${t('comparison.crosswalk.discard')}</button>
              <span role="status" class="state">${this.saving ? t('status.saving') : this.dirty ? t('comparison.crosswalk.unsaved') : ''}</span>
            </div>
            ${this.renderDialog()}`
        : html`<p class="readonly">${t('comparison.crosswalk.readonly')}</p>`}
      ${this.error ? html`<p role="alert" class="error">${this.error}</p>` : nothing}`;
  }
}

customElements.define('sb-crosswalk-editor', SbCrosswalkEditor);
declare global {
  interface HTMLElementTagNameMap {
    'sb-crosswalk-editor': SbCrosswalkEditor;
  }
}
