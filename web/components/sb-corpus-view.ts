import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { AttributeValue } from '../../server/schemas/attribute.js';
import type { DocumentFilter, DocumentSet } from '../../server/schemas/document-set.js';
import { DOCUMENT_KINDS, type DocumentKind } from '../../server/schemas/document.js';
import { visuallyHidden } from './shared-styles.js';
import { LanguageController, getLanguage, t } from '../i18n/index.js';
import {
  collator,
  compareAttributeValues,
  filterValueOf,
  formatAttributeValue,
  formatNumber,
  kindLabel,
  matchesFilter,
  type DocumentListEntry,
  type DocumentSetWithMembers,
  type FilterValue,
} from './sb-corpus-model.js';

/** Fired when the user opens a document (its title in the table). */
export class DocumentOpenEvent extends Event {
  constructor(readonly documentId: string) {
    super('sb-document-open', { bubbles: true, composed: true });
  }
}

/** Fired when the user creates a document set from the filter or from the selection. */
export class SetCreateEvent extends Event {
  constructor(
    readonly name: string,
    readonly definition: DocumentSet['definition'],
  ) {
    super('sb-set-create', { bubbles: true, composed: true });
  }
}

/** A column to sort by: title, kind, segment count or an attribute (`attr:<name>`). */
type SortKey = 'title' | 'kind' | 'segments' | `attr:${string}`;

/** An attribute condition as edited: the values are keys from `valueKey`. */
interface Condition {
  name: string;
  values: string[];
}

/** A distinct attribute value present in the corpus. */
interface ValueOption {
  key: string;
  value: FilterValue;
  /** The first attribute value seen with this key (formatted for display when rendered). */
  sample: AttributeValue;
}

/** Typed key of a filter value, so 3 and "3" stay apart. */
const valueKey = (v: FilterValue): string => `${typeof v}:${String(v)}`;

/**
 * The corpus: a sortable, filterable table of documents with kind, attributes and segment counts;
 * row selection and creation of document sets from the filter or the selection.
 *
 * @fires sb-document-open - the user opened a document (DocumentOpenEvent: `documentId`)
 * @fires sb-set-create - the user created a set (SetCreateEvent: `name`, `definition`
 *   `{ type: 'filter', filter: { kinds?, attributes: [{ name, anyOf }] } }` or `{ type: 'members', documentIds }`)
 * @csspart table - the document table
 */
export class SbCorpusView extends LitElement {
  static override properties = {
    documents: { attribute: false },
    sets: { attribute: false },
    editable: { type: Boolean },
    sortKey: { state: true },
    sortAscending: { state: true },
    kinds: { state: true },
    conditions: { state: true },
    setId: { state: true },
    selected: { state: true },
    dialog: { state: true },
    nameError: { state: true },
  };

  static override styles = [
    visuallyHidden,
    css`
    :host {
      display: block;
    }
    .filters {
      display: flex;
      flex-wrap: wrap;
      gap: 0.75rem;
      align-items: flex-start;
      margin-bottom: 0.75rem;
    }
    fieldset {
      border: 1px solid #cbd5e1;
      border-radius: 4px;
      padding: 0.3rem 0.6rem 0.5rem;
      margin: 0;
    }
    fieldset label {
      display: block;
    }
    .condition {
      margin-top: 0.4rem;
    }
    .values {
      max-height: 10rem;
      overflow-y: auto;
    }
    .hint {
      color: #475569;
      font-size: 0.85rem;
      margin: 0.2rem 0;
    }
    .toolbar {
      display: flex;
      flex-wrap: wrap;
      gap: 0.75rem;
      align-items: center;
      margin-bottom: 0.5rem;
    }
    .count {
      font-variant-numeric: tabular-nums;
    }
    .table-wrap {
      overflow-x: auto;
    }
    table {
      border-collapse: collapse;
      width: 100%;
    }
    th,
    td {
      text-align: left;
      padding: 0.3rem 0.5rem;
      border-bottom: 1px solid #ddd;
      vertical-align: top;
    }
    thead th {
      white-space: nowrap;
    }
    th[scope='row'] {
      font-weight: normal;
    }
    td.num,
    th.num {
      text-align: right;
      font-variant-numeric: tabular-nums;
    }
    button,
    select,
    input {
      font: inherit;
    }
    .sort {
      background: none;
      border: none;
      padding: 0;
      font-weight: 600;
      cursor: pointer;
    }
    .link {
      background: none;
      border: none;
      padding: 0;
      color: #1d4ed8;
      text-decoration: underline;
      cursor: pointer;
      text-align: left;
    }
    button:focus-visible,
    input:focus-visible,
    select:focus-visible {
      outline: 2px solid #1d4ed8;
      outline-offset: 2px;
    }
    [role='alert'] {
      color: #b91c1c;
    }
    dialog form {
      display: grid;
      gap: 0.6rem;
      min-width: 20rem;
    }
    dialog label {
      display: grid;
      gap: 0.2rem;
    }
    dialog ul {
      margin: 0;
      padding-left: 1.2rem;
    }
    .actions {
      display: flex;
      gap: 0.5rem;
      justify-content: flex-end;
    }
  `,
  ];

  declare documents: DocumentListEntry[];
  declare sets: DocumentSetWithMembers[];
  /** May the user create sets (and so select rows)? */
  declare editable: boolean;
  declare sortKey: SortKey;
  declare sortAscending: boolean;
  declare kinds: DocumentKind[];
  declare conditions: Condition[];
  declare setId: string;
  declare selected: Set<string>;
  declare dialog: 'filter' | 'members' | null;
  declare nameError: string;

  /** Derived from `documents`: attribute names (German order) and their distinct values. */
  private attributeNames: string[] = [];
  private valueOptions = new Map<string, ValueOption[]>();
  private kindCounts = new Map<DocumentKind, number>();
  /** The filtered and sorted rows, recomputed only when their inputs change. */
  private rows: DocumentListEntry[] = [];
  /** The language the rows were sorted in (kinds sort by their translated names). */
  private rowsLanguage = getLanguage();

  constructor() {
    super();
    new LanguageController(this);
    this.documents = [];
    this.sets = [];
    this.editable = false;
    this.sortKey = 'title';
    this.sortAscending = true;
    this.kinds = [];
    this.conditions = [];
    this.setId = '';
    this.selected = new Set();
    this.dialog = null;
    this.nameError = '';
  }

  /** The kind and attribute filter as a DocumentFilter (conditions without values are left out). */
  get filter(): DocumentFilter {
    const attributes = this.conditions
      .filter((c) => c.values.length > 0)
      .map((c) => {
        const options = new Map((this.valueOptions.get(c.name) ?? []).map((o) => [o.key, o.value]));
        return { name: c.name, anyOf: c.values.map((k) => options.get(k)).filter((v): v is FilterValue => v !== undefined) };
      })
      .filter((c) => c.anyOf.length > 0);
    return { ...(this.kinds.length > 0 ? { kinds: [...this.kinds] } : {}), attributes };
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('documents')) this.indexDocuments();
    if (changed.has('sets') && this.setId !== '' && !this.sets.some((s) => s.id === this.setId)) this.setId = '';
    if (changed.has('documents') && this.selected.size > 0) {
      const ids = new Set(this.documents.map((d) => d.id));
      const kept = [...this.selected].filter((id) => ids.has(id));
      if (kept.length !== this.selected.size) this.selected = new Set(kept);
    }
    if (
      ['documents', 'sets', 'sortKey', 'sortAscending', 'kinds', 'conditions', 'setId'].some((k) => changed.has(k as keyof SbCorpusView)) ||
      this.rowsLanguage !== getLanguage()
    ) {
      this.rowsLanguage = getLanguage();
      this.rows = this.computeRows();
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('dialog')) {
      const dialog = this.renderRoot.querySelector('dialog');
      if (this.dialog && dialog && !dialog.open) {
        dialog.showModal();
        dialog.querySelector('input')?.focus();
      }
    }
  }

  private indexDocuments(): void {
    const values = new Map<string, Map<string, ValueOption>>();
    const kindCounts = new Map<DocumentKind, number>();
    for (const d of this.documents) {
      kindCounts.set(d.kind, (kindCounts.get(d.kind) ?? 0) + 1);
      for (const [name, v] of Object.entries(d.attributes)) {
        let byKey = values.get(name);
        if (!byKey) {
          byKey = new Map();
          values.set(name, byKey);
        }
        const value = filterValueOf(v);
        const key = valueKey(value);
        if (!byKey.has(key)) byKey.set(key, { key, value, sample: v });
      }
    }
    this.attributeNames = [...values.keys()].sort(collator.compare);
    this.valueOptions = new Map([...values].map(([name, byKey]) => [name, [...byKey.values()].sort((a, b) => compareAttributeValues(a.sample, b.sample))]));
    this.kindCounts = kindCounts;
    // Drop conditions on attributes and values that no longer exist.
    const conditions = this.conditions
      .filter((c) => values.has(c.name))
      .map((c) => ({ name: c.name, values: c.values.filter((k) => values.get(c.name)?.has(k)) }));
    if (conditions.length !== this.conditions.length || conditions.some((c, i) => c.values.length !== this.conditions[i]?.values.length)) this.conditions = conditions;
    if (this.sortKey.startsWith('attr:') && !values.has(this.sortKey.slice(5))) this.sortKey = 'title';
  }

  private computeRows(): DocumentListEntry[] {
    const filter = this.filter;
    const set = this.setId !== '' ? this.sets.find((s) => s.id === this.setId) : undefined;
    const members = set ? new Set(set.documentIds) : undefined;
    const rows = this.documents.filter((d) => (!members || members.has(d.id)) && matchesFilter(d, filter));
    const dir = this.sortAscending ? 1 : -1;
    const key = this.sortKey;
    const byTitle = (a: DocumentListEntry, b: DocumentListEntry): number => collator.compare(a.title, b.title);
    let compare: (a: DocumentListEntry, b: DocumentListEntry) => number;
    if (key === 'title') compare = (a, b) => dir * byTitle(a, b);
    else if (key === 'segments') compare = (a, b) => dir * (a.segmentCount - b.segmentCount) || byTitle(a, b);
    else if (key === 'kind') {
      const labels = new Map(DOCUMENT_KINDS.map((k) => [k, kindLabel(k)]));
      compare = (a, b) => dir * collator.compare(labels.get(a.kind) ?? a.kind, labels.get(b.kind) ?? b.kind) || byTitle(a, b);
    } else {
      const name = key.slice(5);
      compare = (a, b) => {
        const va = Object.hasOwn(a.attributes, name) ? a.attributes[name] : undefined;
        const vb = Object.hasOwn(b.attributes, name) ? b.attributes[name] : undefined;
        // Documents without the attribute come last in either direction.
        if (!va || !vb) return (va ? -1 : vb ? 1 : 0) || byTitle(a, b);
        return dir * compareAttributeValues(va, vb) || byTitle(a, b);
      };
    }
    return rows.sort(compare);
  }

  private sortBy(key: SortKey): void {
    if (this.sortKey === key) this.sortAscending = !this.sortAscending;
    else {
      this.sortKey = key;
      this.sortAscending = true;
    }
  }

  private toggleKind(kind: DocumentKind, on: boolean): void {
    const next = new Set(this.kinds);
    if (on) next.add(kind);
    else next.delete(kind);
    this.kinds = DOCUMENT_KINDS.filter((k) => next.has(k));
  }

  private addCondition(): void {
    const select = this.renderRoot.querySelector<HTMLSelectElement>('select[name="attribute"]');
    const name = select?.value ?? '';
    if (name === '' || this.conditions.some((c) => c.name === name)) return;
    this.conditions = [...this.conditions, { name, values: [] }];
    if (select) select.value = '';
  }

  private toggleValue(name: string, key: string, on: boolean): void {
    this.conditions = this.conditions.map((c) =>
      c.name !== name ? c : { name, values: on ? [...new Set([...c.values, key])] : c.values.filter((k) => k !== key) },
    );
  }

  private removeCondition(name: string): void {
    this.conditions = this.conditions.filter((c) => c.name !== name);
  }

  private resetFilters(): void {
    this.kinds = [];
    this.conditions = [];
    this.setId = '';
  }

  private toggleRow(id: string, on: boolean): void {
    const next = new Set(this.selected);
    if (on) next.add(id);
    else next.delete(id);
    this.selected = next;
  }

  private toggleAllVisible(on: boolean): void {
    const next = new Set(this.selected);
    for (const d of this.rows) {
      if (on) next.add(d.id);
      else next.delete(d.id);
    }
    this.selected = next;
  }

  private openDialog(mode: 'filter' | 'members'): void {
    this.nameError = '';
    this.dialog = mode;
  }

  private closeDialog(): void {
    this.renderRoot.querySelector('dialog')?.close();
    this.dialog = null;
    this.nameError = '';
  }

  private submitDialog(e: SubmitEvent): void {
    e.preventDefault();
    const input = (e.target as HTMLFormElement).querySelector('input');
    const name = (input?.value ?? '').trim();
    if (name === '') {
      this.nameError = t('corpus.dialog.nameRequired');
      return;
    }
    if (this.sets.some((s) => s.name === name)) {
      this.nameError = t('corpus.dialog.nameTaken');
      return;
    }
    const definition: DocumentSet['definition'] =
      this.dialog === 'members'
        ? { type: 'members', documentIds: this.documents.filter((d) => this.selected.has(d.id)).map((d) => d.id) }
        : { type: 'filter', filter: this.filter };
    this.closeDialog();
    this.dispatchEvent(new SetCreateEvent(name, definition));
  }

  private sortHeader(key: SortKey, label: string, numeric = false): TemplateResult {
    const active = this.sortKey === key;
    const arrow = active ? (this.sortAscending ? '▲' : '▼') : '';
    return html`<th scope="col" class=${numeric ? 'num' : ''} aria-sort=${active ? (this.sortAscending ? 'ascending' : 'descending') : 'none'} data-sort=${key}>
      <button
        type="button"
        class="sort"
        @click=${() => this.sortBy(key)}
        @keydown=${(e: KeyboardEvent) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            this.sortBy(key);
          }
        }}
      >
        ${label}<span aria-hidden="true"> ${arrow}</span>
      </button>
    </th>`;
  }

  private renderFilters(): TemplateResult {
    const unused = this.attributeNames.filter((n) => !this.conditions.some((c) => c.name === n));
    return html`<section class="filters" aria-label=${t('corpus.filters')}>
      <fieldset class="kinds">
        <legend>${t('corpus.filter.kind')}</legend>
        ${DOCUMENT_KINDS.map(
          (k) => html`<label
            ><input
              type="checkbox"
              name="kind"
              value=${k}
              .checked=${this.kinds.includes(k)}
              @change=${(e: Event) => this.toggleKind(k, (e.target as HTMLInputElement).checked)}
            />
            ${t('corpus.filter.kindOption', { kind: kindLabel(k), n: formatNumber(this.kindCounts.get(k) ?? 0) })}</label
          >`,
        )}
      </fieldset>
      ${this.attributeNames.length > 0
        ? html`<fieldset class="attributes">
            <legend>${t('corpus.filter.attributes')}</legend>
            <label
              >${t('corpus.filter.attribute')}
              <select name="attribute" ?disabled=${unused.length === 0}>
                <option value="">${t('corpus.filter.chooseAttribute')}</option>
                ${unused.map((n) => html`<option value=${n}>${n}</option>`)}
              </select></label
            >
            <button type="button" class="add-condition" ?disabled=${unused.length === 0} @click=${this.addCondition}>${t('corpus.filter.addAttribute')}</button>
            ${this.conditions.map((c) => this.renderCondition(c))}
          </fieldset>`
        : nothing}
      ${this.sets.length > 0
        ? html`<label
            >${t('corpus.filter.set')}
            <select
              name="set"
              @change=${(e: Event) => {
                this.setId = (e.target as HTMLSelectElement).value;
              }}
            >
              <option value="" ?selected=${this.setId === ''}>${t('corpus.filter.allDocuments')}</option>
              ${this.sets.map(
                (s) => html`<option value=${s.id} ?selected=${this.setId === s.id}>${t('corpus.filter.setOption', { name: s.name, n: formatNumber(s.documentIds.length) })}</option>`,
              )}
            </select></label
          >`
        : nothing}
      <button type="button" class="reset" ?disabled=${this.kinds.length === 0 && this.conditions.length === 0 && this.setId === ''} @click=${this.resetFilters}>
        ${t('corpus.filter.reset')}
      </button>
    </section>`;
  }

  private renderCondition(c: Condition): TemplateResult {
    const options = this.valueOptions.get(c.name) ?? [];
    return html`<fieldset class="condition" data-attribute=${c.name}>
      <legend>${c.name}</legend>
      <p class="hint">${t('corpus.filter.conditionHint')}</p>
      <div class="values">
        ${options.map(
          (o) => html`<label
            ><input
              type="checkbox"
              .checked=${c.values.includes(o.key)}
              data-value=${o.key}
              @change=${(e: Event) => this.toggleValue(c.name, o.key, (e.target as HTMLInputElement).checked)}
            />
            ${formatAttributeValue(o.sample)}</label
          >`,
        )}
      </div>
      <button type="button" class="remove-condition" @click=${() => this.removeCondition(c.name)}>
        ${t('corpus.filter.removeCondition')}<span class="vh"> (${c.name})</span>
      </button>
    </fieldset>`;
  }

  private renderToolbar(): TemplateResult {
    const selectedCount = this.selected.size;
    return html`<div class="toolbar">
      <span class="count" role="status">${t('corpus.count', { shown: formatNumber(this.rows.length), total: formatNumber(this.documents.length) })}</span>
      ${this.editable
        ? html`<span class="selected-count">${t('corpus.selected', { n: formatNumber(selectedCount) })}</span>
            <button type="button" class="set-from-filter" @click=${() => this.openDialog('filter')}>${t('corpus.setFromFilter')}</button>
            <button type="button" class="set-from-selection" ?disabled=${selectedCount === 0} @click=${() => this.openDialog('members')}>
              ${t('corpus.setFromSelection')}
            </button>`
        : nothing}
    </div>`;
  }

  private renderTable(): TemplateResult {
    const visibleSelected = this.rows.reduce((n, d) => n + (this.selected.has(d.id) ? 1 : 0), 0);
    const all = this.rows.length > 0 && visibleSelected === this.rows.length;
    return html`<div class="table-wrap">
      <table part="table" aria-label=${t('corpus.table')}>
        <thead>
          <tr>
            ${this.editable
              ? html`<th scope="col">
                  <span class="vh">${t('corpus.col.select')}</span>
                  <input
                    type="checkbox"
                    class="select-all"
                    aria-label=${t('corpus.selectAll')}
                    .checked=${all}
                    .indeterminate=${visibleSelected > 0 && !all}
                    ?disabled=${this.rows.length === 0}
                    @change=${(e: Event) => this.toggleAllVisible((e.target as HTMLInputElement).checked)}
                  />
                </th>`
              : nothing}
            ${this.sortHeader('title', t('corpus.col.title'))} ${this.sortHeader('kind', t('corpus.col.kind'))}
            ${this.attributeNames.map((n) => this.sortHeader(`attr:${n}`, n))} ${this.sortHeader('segments', t('corpus.col.segments'), true)}
          </tr>
        </thead>
        <tbody>
          ${this.rows.map((d) => this.renderRow(d))}
        </tbody>
      </table>
    </div>`;
  }

  private renderRow(d: DocumentListEntry): TemplateResult {
    return html`<tr data-document-id=${d.id}>
      ${this.editable
        ? html`<td>
            <input
              type="checkbox"
              class="select-row"
              aria-label=${t('corpus.selectRow', { title: d.title })}
              .checked=${this.selected.has(d.id)}
              @change=${(e: Event) => this.toggleRow(d.id, (e.target as HTMLInputElement).checked)}
            />
          </td>`
        : nothing}
      <th scope="row"><button type="button" class="link title" @click=${() => this.dispatchEvent(new DocumentOpenEvent(d.id))}>${d.title}</button></th>
      <td>${kindLabel(d.kind)}</td>
      ${this.attributeNames.map((n) => {
        const v = Object.hasOwn(d.attributes, n) ? d.attributes[n] : undefined;
        return html`<td class=${v?.type === 'number' ? 'num' : ''}>${v ? formatAttributeValue(v) : ''}</td>`;
      })}
      <td class="num">${formatNumber(d.segmentCount)}</td>
    </tr>`;
  }

  private renderDialog(): TemplateResult | typeof nothing {
    if (!this.dialog) return nothing;
    const filter = this.filter;
    const filtered = this.dialog === 'filter';
    const matching = filtered ? this.documents.filter((d) => matchesFilter(d, filter)).length : 0;
    const selectedCount = this.documents.filter((d) => this.selected.has(d.id)).length;
    return html`<dialog aria-labelledby="set-dialog-title" @cancel=${() => this.closeDialog()}>
      <form @submit=${this.submitDialog} novalidate>
        <h2 id="set-dialog-title">${filtered ? t('corpus.dialog.filterTitle') : t('corpus.dialog.membersTitle')}</h2>
        ${filtered
          ? html`${filter.kinds || filter.attributes.length > 0
                ? html`<ul class="summary">
                    ${filter.kinds ? html`<li>${t('corpus.dialog.kinds', { kinds: filter.kinds.map(kindLabel).join(', ') })}</li>` : nothing}
                    ${filter.attributes.map((c) => {
                      const labels = new Map((this.valueOptions.get(c.name) ?? []).map((o) => [o.key, formatAttributeValue(o.sample)]));
                      return html`<li>${t('corpus.dialog.condition', { name: c.name, values: c.anyOf.map((v) => labels.get(valueKey(v)) ?? String(v)).join(', ') })}</li>`;
                    })}
                  </ul>`
                : html`<p>${t('corpus.dialog.filterAll')}</p>`}
              <p class="hint">${t('corpus.dialog.filterHint', { n: formatNumber(matching) })}</p>
              ${this.setId !== '' ? html`<p class="hint">${t('corpus.dialog.filterNoSet')}</p>` : nothing}`
          : html`<p class="hint">${t('corpus.dialog.membersHint', { n: formatNumber(selectedCount) })}</p>`}
        <label
          >${t('corpus.dialog.name')}
          <input name="name" maxlength="300" autocomplete="off" aria-invalid=${this.nameError ? 'true' : 'false'} aria-describedby="set-name-error" />
        </label>
        <p id="set-name-error" role="alert">${this.nameError}</p>
        <div class="actions">
          <button type="button" class="cancel" @click=${() => this.closeDialog()}>${t('corpus.dialog.cancel')}</button>
          <button type="submit">${t('corpus.dialog.create')}</button>
        </div>
      </form>
    </dialog>`;
  }

  override render(): TemplateResult {
    if (this.documents.length === 0) return html`<p class="empty">${t('corpus.empty')}</p>`;
    return html`${this.renderFilters()} ${this.renderToolbar()}
    ${this.rows.length > 0
      ? this.renderTable()
      : html`<p class="no-match">
          ${t('corpus.noMatch')} <button type="button" class="reset-inline" @click=${this.resetFilters}>${t('corpus.filter.reset')}</button>
        </p>`}
    ${this.renderDialog()}`;
  }
}

customElements.define('sb-corpus-view', SbCorpusView);
declare global {
  interface HTMLElementTagNameMap {
    'sb-corpus-view': SbCorpusView;
  }
}
