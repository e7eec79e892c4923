import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { Code } from '../../server/schemas/code.js';
import {
  FIELD_TYPES,
  isChoiceType,
  type CoverageResult,
  type FieldType,
  type FormDefinition,
  type FormField,
  type FormVersion,
  type Requirement,
  type StoredForm,
} from '../../server/schemas/form.js';
import type { PublicUser } from '../../server/schemas/user.js';
import { can } from '../../server/domain/permissions.js';
import { ApiFailure, createClient, ok, type Client } from '../api.js';
import { visuallyHidden } from './shared-styles.js';
import { LanguageController, t } from '../i18n/index.js';

type Tab = 'editor' | 'coverage' | 'proposals' | 'history' | 'preview';
const TABS: Tab[] = ['editor', 'coverage', 'proposals', 'history', 'preview'];

interface FormListEntry {
  id: string;
  title: string;
  version: number;
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function slug(text: string): string {
  const s = text
    .toLocaleLowerCase('de')
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s || 'feld';
}

/**
 * The forms workspace of a project (issue 5), self-contained: it creates its own typed client and
 * loads forms, codes, coverage and proposals itself. Areas: a form editor (sections and fields,
 * reorder by drag or Alt+Arrow keys, captures picked from the code tree), the coverage matrix
 * (a table: codes seen in consultations × fields), the proposal inbox (accept/reject with a reason,
 * edit, comment), the version history with diffs and traces, and a live preview of the form as a
 * fillable HTML form. Product owners and admins edit and decide; leads comment; researchers read.
 * All user text (labels, help, quotes, comments) is rendered as text.
 *
 * @csspart matrix - the coverage table
 */
export class SbFormsView extends LitElement {
  static override properties = {
    projectId: { type: String },
    user: { attribute: false },
    forms: { state: true },
    formId: { state: true },
    stored: { state: true },
    draft: { state: true },
    note: { state: true },
    coverage: { state: true },
    proposals: { state: true },
    codes: { state: true },
    tab: { state: true },
    loading: { state: true },
    error: { state: true },
    message: { state: true },
    busy: { state: true },
    reasons: { state: true },
    dragIndex: { state: true },
  };

  static override styles = [
    visuallyHidden,
    css`
    :host {
      display: block;
      font-size: 0.95rem;
    }
    [role='tablist'] {
      display: flex;
      gap: 0.25rem;
      border-bottom: 1px solid #cbd5e1;
      margin: 0.5rem 0;
    }
    [role='tab'] {
      border: 1px solid transparent;
      background: none;
      padding: 0.35rem 0.7rem;
      cursor: pointer;
    }
    [role='tab'][aria-selected='true'] {
      border-color: #cbd5e1 #cbd5e1 #fff;
      background: #fff;
      font-weight: 600;
      margin-bottom: -1px;
    }
    button,
    select,
    input,
    textarea {
      font: inherit;
    }
    button:focus-visible,
    input:focus-visible,
    select:focus-visible,
    textarea:focus-visible,
    li:focus-visible {
      outline: 2px solid #1d4ed8;
      outline-offset: 2px;
    }
    fieldset {
      border: 1px solid #cbd5e1;
      border-radius: 4px;
      margin: 0 0 0.75rem;
    }
    .fields {
      list-style: none;
      padding: 0;
      margin: 0;
    }
    .field {
      border: 1px solid #e2e8f0;
      border-radius: 4px;
      padding: 0.5rem;
      margin-bottom: 0.5rem;
      background: #fff;
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr));
      gap: 0.4rem 0.75rem;
    }
    .field.dragging {
      opacity: 0.5;
    }
    .field label {
      display: flex;
      flex-direction: column;
      gap: 0.15rem;
    }
    .field .row {
      display: flex;
      gap: 0.3rem;
      align-items: center;
      grid-column: 1 / -1;
    }
    .codes {
      max-height: 12rem;
      overflow-y: auto;
      margin: 0;
      padding-left: 1rem;
    }
    .codes li {
      list-style: none;
    }
    table {
      border-collapse: collapse;
    }
    th,
    td {
      border: 1px solid #cbd5e1;
      padding: 0.2rem 0.4rem;
      text-align: left;
      vertical-align: top;
    }
    thead th {
      font-weight: 600;
      background: #f1f5f9;
    }
    td.hit {
      background: #dcfce7;
      text-align: center;
    }
    td.miss {
      text-align: center;
      color: #64748b;
    }
    tr.uncovered th {
      background: #fee2e2;
    }
    .matrix {
      overflow-x: auto;
      max-width: 100%;
    }
    article {
      border: 1px solid #cbd5e1;
      border-radius: 4px;
      padding: 0.5rem 0.75rem;
      margin-bottom: 0.75rem;
    }
    blockquote {
      border-left: 3px solid #94a3b8;
      margin: 0.3rem 0;
      padding-left: 0.6rem;
      color: #334155;
    }
    .status {
      font-size: 0.85rem;
      padding: 0.05rem 0.4rem;
      border-radius: 3px;
      background: #e2e8f0;
    }
    [role='alert'] {
      color: #b91c1c;
    }
    .preview label,
    .preview legend {
      font-weight: 600;
    }
    .preview .help {
      color: #475569;
      font-size: 0.85rem;
      margin: 0.1rem 0 0.3rem;
    }
    .preview .control {
      margin-bottom: 0.75rem;
      display: flex;
      flex-direction: column;
    }
  `,
  ];

  declare projectId: string;
  declare user: PublicUser | undefined;
  declare forms: FormListEntry[];
  declare formId: string;
  declare stored: StoredForm | undefined;
  declare draft: FormDefinition | undefined;
  declare note: string;
  declare coverage: CoverageResult | undefined;
  declare proposals: Requirement[];
  declare codes: Code[];
  declare tab: Tab;
  declare loading: boolean;
  declare error: string;
  declare message: string;
  declare busy: boolean;
  declare reasons: Record<string, string>;
  declare dragIndex: { section: number; index: number } | null;

  private readonly api: Client = createClient();

  constructor() {
    super();
    new LanguageController(this);
    this.projectId = '';
    this.user = undefined;
    this.forms = [];
    this.formId = '';
    this.stored = undefined;
    this.draft = undefined;
    this.note = '';
    this.coverage = undefined;
    this.proposals = [];
    this.codes = [];
    this.tab = 'editor';
    this.loading = false;
    this.error = '';
    this.message = '';
    this.busy = false;
    this.reasons = {};
    this.dragIndex = null;
  }

  private get canEdit(): boolean {
    return !!this.user && can(this.user.role, 'edit-forms');
  }

  private get canComment(): boolean {
    return this.canEdit || this.user?.role === 'lead';
  }

  private get current(): FormVersion | undefined {
    return this.stored?.versions[this.stored.versions.length - 1];
  }

  private get p() {
    return this.api.api.projects[':projectId'];
  }

  override willUpdate(changed: PropertyValues<this>): void {
    // Setting state here (loading) joins this update instead of scheduling another one.
    if (changed.has('projectId') && this.projectId) void this.load();
  }

  /** Load the project's forms and codes, then the chosen form. */
  async load(): Promise<void> {
    this.loading = true;
    this.error = '';
    try {
      const param = { param: { projectId: this.projectId } };
      const [forms, codes] = await Promise.all([ok<{ forms: FormListEntry[] }>(this.p.forms.$get(param)), ok<{ codes: Code[] }>(this.p.codes.$get(param))]);
      this.forms = forms.forms;
      this.codes = codes.codes;
      const wanted = this.forms.some((f) => f.id === this.formId) ? this.formId : (this.forms[0]?.id ?? '');
      if (wanted) await this.loadForm(wanted);
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    } finally {
      this.loading = false;
    }
  }

  private async loadForm(formId: string): Promise<void> {
    this.formId = formId;
    const param = { param: { projectId: this.projectId, formId } };
    const [stored, coverage, proposals] = await Promise.all([
      ok<StoredForm>(this.p.forms[':formId'].$get(param)),
      ok<CoverageResult>(this.p.forms[':formId'].coverage.$get({ ...param, query: {} })),
      ok<{ proposals: Requirement[] }>(this.p.forms[':formId'].proposals.$get(param)),
    ]);
    this.stored = stored;
    this.coverage = coverage;
    this.proposals = proposals.proposals;
    this.draft = this.withKnownCaptures(clone(stored.versions[stored.versions.length - 1]!.form));
    this.note = '';
  }

  /**
   * Captures of codes deleted or merged since the version was saved cannot be shown in the code
   * tree (so not unticked), and the server refuses them; the draft drops them, and the diff of the
   * next version shows it.
   */
  private withKnownCaptures(form: FormDefinition): FormDefinition {
    const known = new Set(this.codes.map((c) => c.id));
    for (const s of form.sections)
      for (const f of s.fields) {
        f.captures = f.captures.filter((id) => known.has(id));
        for (const o of f.options) o.captures = o.captures.filter((id) => known.has(id));
      }
    return form;
  }

  private async run(action: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.message = '';
    this.error = '';
    try {
      await action();
    } catch (e) {
      if (e instanceof ApiFailure && e.status === 409) {
        this.message = t('forms.conflict');
        await this.loadForm(this.formId);
      } else this.error = t('forms.proposals.failed', { error: e instanceof Error ? e.message : String(e) });
    } finally {
      this.busy = false;
    }
  }

  // ---- editor ------------------------------------------------------------------------------

  private edit(fn: (form: FormDefinition) => void): void {
    if (!this.draft) return;
    const next = clone(this.draft);
    fn(next);
    this.draft = next;
  }

  private editField(section: number, index: number, patch: Partial<FormField>): void {
    this.edit((f) => {
      const field = f.sections[section]?.fields[index];
      if (field) Object.assign(field, patch);
    });
  }

  private move(section: number, from: number, to: number, focus = false): void {
    const fields = this.draft?.sections[section]?.fields;
    if (!fields || to < 0 || to >= fields.length || from === to) return;
    const label = fields[from]?.label ?? '';
    this.edit((f) => {
      const list = f.sections[section]!.fields;
      const [item] = list.splice(from, 1);
      if (item) list.splice(to, 0, item);
    });
    this.message = t('forms.field.moved', { label, n: to + 1 });
    if (focus) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`li[data-section="${section}"][data-index="${to}"]`)?.focus());
  }

  private onFieldKey(e: KeyboardEvent, section: number, index: number): void {
    if (!e.altKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
    if (e.target !== e.currentTarget) return;
    e.preventDefault();
    this.move(section, index, index + (e.key === 'ArrowUp' ? -1 : 1), true);
  }

  private addField(section: number): void {
    this.edit((f) => {
      const taken = new Set(f.sections.flatMap((s) => s.fields.map((x) => x.id)));
      let id = slug(t('forms.field.newLabel'));
      for (let i = 2; taken.has(id); i++) id = `${slug(t('forms.field.newLabel'))}-${i}`;
      f.sections[section]?.fields.push({ id, label: t('forms.field.newLabel'), help: '', type: 'short-text', options: [], required: false, captures: [] });
    });
  }

  private addSection(): void {
    this.edit((f) => {
      const taken = new Set(f.sections.map((s) => s.id));
      let id = 'abschnitt';
      for (let i = 2; taken.has(id); i++) id = `abschnitt-${i}`;
      f.sections.push({ id, title: t('forms.newSection'), help: '', fields: [] });
    });
  }

  private setType(section: number, index: number, type: FieldType): void {
    const field = this.draft?.sections[section]?.fields[index];
    if (!field) return;
    const options = isChoiceType(type) ? (field.options.length > 0 ? field.options : [{ value: 'option-1', label: 'Option 1', captures: [] }]) : [];
    this.editField(section, index, { type, options });
  }

  private setOptions(section: number, index: number, text: string): void {
    const field = this.draft?.sections[section]?.fields[index];
    if (!field) return;
    const byLabel = new Map(field.options.map((o) => [o.label, o]));
    const used = new Set<string>();
    const options = text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.length > 0)
      .map((label) => {
        const known = byLabel.get(label);
        let value = known?.value ?? slug(label);
        for (let i = 2; used.has(value); i++) value = `${slug(label)}-${i}`;
        used.add(value);
        return { value, label, captures: known?.captures ?? [] };
      });
    this.editField(section, index, { options });
  }

  private setOptionCapture(section: number, index: number, option: number, codeId: string): void {
    this.edit((f) => {
      const o = f.sections[section]?.fields[index]?.options[option];
      if (o) o.captures = codeId ? [codeId] : [];
    });
  }

  private toggleCapture(section: number, index: number, codeId: string, on: boolean): void {
    const field = this.draft?.sections[section]?.fields[index];
    if (!field) return;
    const captures = on ? [...new Set([...field.captures, codeId])] : field.captures.filter((c) => c !== codeId);
    this.editField(section, index, { captures });
  }

  private async save(): Promise<void> {
    const cur = this.current;
    const draft = this.draft;
    if (!cur || !draft) return;
    await this.run(async () => {
      const v = await ok<FormVersion>(this.p.forms[':formId'].$put({ param: { projectId: this.projectId, formId: this.formId }, json: { basedOn: cur.number, note: this.note, form: draft } }));
      await this.loadForm(this.formId);
      this.message = t('forms.saved', { n: v.number });
    });
  }

  private renderCodeTree(parentId: string | null, section: number, index: number, field: FormField): TemplateResult | typeof nothing {
    const kids = this.codes.filter((c) => c.parentId === parentId).sort((a, b) => a.order - b.order);
    if (kids.length === 0) return nothing;
    return html`<ul class="codes" role=${parentId === null ? 'list' : nothing}>
      ${kids.map(
        (c) => html`<li>
          <label
            ><input
              type="checkbox"
              .checked=${field.captures.includes(c.id)}
              ?disabled=${!this.canEdit}
              @change=${(e: Event) => this.toggleCapture(section, index, c.id, (e.target as HTMLInputElement).checked)}
            />
            ${c.name}</label
          >
          ${this.renderCodeTree(c.id, section, index, field)}
        </li>`,
      )}
    </ul>`;
  }

  private renderField(field: FormField, section: number, index: number, count: number): TemplateResult {
    const ro = !this.canEdit;
    const dragging = this.dragIndex?.section === section && this.dragIndex.index === index;
    return html`<li
      class="field ${dragging ? 'dragging' : ''}"
      data-section=${section}
      data-index=${index}
      data-field-id=${field.id}
      tabindex="0"
      aria-label=${`${field.label} (${index + 1}/${count})`}
      aria-describedby="drag-hint"
      draggable=${ro ? 'false' : 'true'}
      @keydown=${(e: KeyboardEvent) => !ro && this.onFieldKey(e, section, index)}
      @dragstart=${(e: DragEvent) => {
        this.dragIndex = { section, index };
        e.dataTransfer?.setData('text/plain', field.id);
      }}
      @dragend=${() => (this.dragIndex = null)}
      @dragover=${(e: DragEvent) => {
        if (this.dragIndex?.section === section) e.preventDefault();
      }}
      @drop=${(e: DragEvent) => {
        e.preventDefault();
        if (this.dragIndex?.section === section) this.move(section, this.dragIndex.index, index);
        this.dragIndex = null;
      }}
    >
      <label>${t('forms.field.label')}<input .value=${field.label} ?readonly=${ro} @change=${(e: Event) => this.editField(section, index, { label: (e.target as HTMLInputElement).value })} /></label>
      <label>${t('forms.field.id')}<input .value=${field.id} ?readonly=${ro} @change=${(e: Event) => this.editField(section, index, { id: (e.target as HTMLInputElement).value })} /></label>
      <label
        >${t('forms.field.type')}
        <select ?disabled=${ro} @change=${(e: Event) => this.setType(section, index, (e.target as HTMLSelectElement).value as FieldType)}>
          ${FIELD_TYPES.map((ty) => html`<option value=${ty} ?selected=${ty === field.type}>${t(`forms.type.${ty}`)}</option>`)}
        </select></label
      >
      <label class="check"
        ><span
          ><input type="checkbox" .checked=${field.required} ?disabled=${ro} @change=${(e: Event) => this.editField(section, index, { required: (e.target as HTMLInputElement).checked })} />
          ${t('forms.field.required')}</span
        ></label
      >
      <label>${t('forms.field.help')}<textarea rows="2" .value=${field.help} ?readonly=${ro} @change=${(e: Event) => this.editField(section, index, { help: (e.target as HTMLTextAreaElement).value })}></textarea></label>
      ${isChoiceType(field.type)
        ? html`<label
            >${t('forms.field.options')}<textarea
              rows="3"
              .value=${field.options.map((o) => o.label).join('\n')}
              ?readonly=${ro}
              @change=${(e: Event) => this.setOptions(section, index, (e.target as HTMLTextAreaElement).value)}
            ></textarea
          ></label>
          <ul class="option-captures">
            ${field.options.map(
              (o, oi) => html`<li>
                <label
                  >${t('forms.field.optionCaptures', { label: o.label })}
                  <select ?disabled=${ro} @change=${(e: Event) => this.setOptionCapture(section, index, oi, (e.target as HTMLSelectElement).value)}>
                    <option value="" ?selected=${o.captures.length === 0}>${t('forms.field.noCode')}</option>
                    ${this.codes.filter((c) => c.isCodable || o.captures.includes(c.id)).map((c) => html`<option value=${c.id} ?selected=${o.captures[0] === c.id}>${c.name}</option>`)}
                  </select></label
                >
              </li>`,
            )}
          </ul>`
        : nothing}
      <details class="row">
        <summary>${t('forms.field.captures', { n: field.captures.length })}</summary>
        <div role="group" aria-label=${t('forms.field.capturesOf', { label: field.label })}>${this.renderCodeTree(null, section, index, field)}</div>
      </details>
      ${ro
        ? nothing
        : html`<div class="row">
            <button type="button" ?disabled=${index === 0} aria-label=${t('forms.field.moveUp', { label: field.label })} @click=${() => this.move(section, index, index - 1, true)}>↑</button>
            <button type="button" ?disabled=${index === count - 1} aria-label=${t('forms.field.moveDown', { label: field.label })} @click=${() => this.move(section, index, index + 1, true)}>↓</button>
            <button type="button" class="remove" aria-label=${t('forms.field.remove', { label: field.label })} @click=${() => this.edit((f) => void f.sections[section]?.fields.splice(index, 1))}>✕</button>
          </div>`}
    </li>`;
  }

  private renderEditor(): TemplateResult {
    const draft = this.draft;
    if (!draft) return html``;
    return html`
      ${this.canEdit ? nothing : html`<p>${t('forms.readOnly')}</p>`}
      <p id="drag-hint" class="hint">${t('forms.field.dragHint')}</p>
      ${draft.sections.map(
        (s, si) => html`<fieldset>
          <legend>${t('forms.section', { title: s.title })}</legend>
          <label
            >${t('forms.sectionTitle')}
            <input
              class="section-title"
              .value=${s.title}
              ?readonly=${!this.canEdit}
              @change=${(e: Event) =>
                this.edit((f) => {
                  const section = f.sections[si];
                  if (section) section.title = (e.target as HTMLInputElement).value;
                })}
          /></label>
          <ol class="fields" aria-label=${s.title}>
            ${s.fields.map((f, fi) => this.renderField(f, si, fi, s.fields.length))}
          </ol>
          ${this.canEdit ? html`<button type="button" class="add-field" @click=${() => this.addField(si)}>${t('forms.field.add')}</button>` : nothing}
        </fieldset>`,
      )}
      ${this.canEdit
        ? html`<button type="button" class="add-section" @click=${() => this.addSection()}>${t('forms.addSection')}</button>
            <label>${t('forms.note')} <input class="note" .value=${this.note} @input=${(e: Event) => (this.note = (e.target as HTMLInputElement).value)} /></label>
            <button type="button" class="save" ?disabled=${this.busy} @click=${() => void this.save()}>${this.busy ? t('forms.saving') : t('forms.save')}</button>
            <button type="button" @click=${() => (this.draft = this.withKnownCaptures(clone(this.current!.form)))}>${t('forms.discard')}</button>`
        : nothing}
    `;
  }

  /** Import a form file (JSON, captures as code keys or ids): a new form, or a new version of one with the same id. */
  private async importFile(input: HTMLInputElement): Promise<void> {
    const file = input.files?.[0];
    if (!file) return;
    await this.run(async () => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(await file.text());
      } catch {
        throw new Error(t('forms.importNotJson', { file: file.name }));
      }
      const v = await ok<FormVersion>(this.p.forms.import.$post({ param: { projectId: this.projectId }, json: parsed as FormDefinition }));
      input.value = '';
      this.formId = v.form.id;
      await this.load();
      this.message = t('forms.imported', { title: v.form.title, n: v.number });
    });
  }

  // ---- coverage ----------------------------------------------------------------------------

  private renderCoverage(): TemplateResult {
    const cov = this.coverage;
    if (!cov) return html``;
    const pct = (x: number): string => `${Math.round(x * 100)} %`;
    return html`
      <div class="matrix">
        <table part="matrix" class="coverage">
          <caption>
            ${t('forms.coverage.caption')}
          </caption>
          <thead>
            <tr>
              <th scope="col">${t('forms.coverage.code')}</th>
              <th scope="col">${t('forms.coverage.documents')}</th>
              ${cov.fields.map((f) => html`<th scope="col" data-field-id=${f.fieldId}>${f.label}</th>`)}
            </tr>
          </thead>
          <tbody>
            ${cov.rows.map(
              (r) => html`<tr class=${r.covered ? '' : 'uncovered'} data-code-id=${r.code.id}>
                <th scope="row">${r.code.name}</th>
                <td>${r.documentsA}</td>
                ${r.cells.map((c) =>
                  c.captures || c.inText > 0
                    ? html`<td class="hit">${c.captures ? html`<span aria-hidden="true">✓</span><span class="vh">${t('forms.coverage.captures')}</span>` : nothing}${c.inText > 0 ? html` <span title=${t('forms.coverage.inText', { n: c.inText })}>${c.inText}</span>` : nothing}</td>`
                    : html`<td class="miss"><span aria-hidden="true">·</span><span class="vh">${t('forms.coverage.not')}</span></td>`,
                )}
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
      <h3>${t('forms.coverage.uncovered', { n: cov.uncovered.length })}</h3>
      ${cov.uncovered.length === 0 ? html`<p>${t('forms.coverage.uncoveredNone')}</p>` : html`<ul class="uncovered">${cov.uncovered.map((u) => html`<li>${u.path.join(' › ')} (${u.documentsA})</li>`)}</ul>`}
      <h3>${t('forms.coverage.simplify', { n: cov.simplify.length })}</h3>
      <ul class="simplify">
        ${cov.simplify.map((s) => html`<li>${s.label}: ${s.reasons.map((r) => t(`forms.coverage.reason.${r}`, { rate: pct(s.fillRate) })).join('; ')}</li>`)}
      </ul>
      <table class="fill">
        <caption>
          ${t('forms.coverage.fields')}
        </caption>
        <thead>
          <tr>
            <th scope="col">${t('forms.coverage.field')}</th>
            <th scope="col">${t('forms.coverage.filled')}</th>
            <th scope="col">${t('forms.coverage.length')}</th>
          </tr>
        </thead>
        <tbody>
          ${cov.fields.map((f) => html`<tr>
            <th scope="row">${f.label}</th>
            <td>${f.filled}/${f.records} (${pct(f.fillRate)})</td>
            <td>${Math.round(f.meanLength)}</td>
          </tr>`)}
        </tbody>
      </table>
    `;
  }

  // ---- proposals ---------------------------------------------------------------------------

  private async generate(): Promise<void> {
    await this.run(async () => {
      const r = await ok<{ created: Requirement[]; proposals: Requirement[] }>(this.p.forms[':formId'].proposals.generate.$post({ param: { projectId: this.projectId, formId: this.formId }, query: {} }));
      this.proposals = r.proposals;
      this.message = t('forms.proposals.generated', { n: r.created.length });
    });
  }

  private async decide(r: Requirement, action: 'accept' | 'reject'): Promise<void> {
    const reason = (this.reasons[r.id] ?? '').trim();
    if (!reason) {
      this.error = t('forms.proposals.reasonMissing');
      this.renderRoot.querySelector<HTMLTextAreaElement>(`article[data-proposal-id="${r.id}"] textarea.reason`)?.focus();
      return;
    }
    await this.run(async () => {
      const res = await ok<{ requirement: Requirement; version: FormVersion | null }>(
        this.p.forms[':formId'].proposals[':proposalId'].decision.$post({ param: { projectId: this.projectId, formId: this.formId, proposalId: r.id }, json: { version: r.version, action, reason } }),
      );
      await this.loadForm(this.formId);
      if (res.version) this.message = t('forms.proposals.accepted', { n: res.version.number });
    });
  }

  private async saveEdit(r: Requirement, article: HTMLElement): Promise<void> {
    const title = article.querySelector<HTMLInputElement>('input.title')?.value ?? r.title;
    const label = article.querySelector<HTMLInputElement>('input.field-label')?.value;
    const sectionId = article.querySelector<HTMLSelectElement>('select.section')?.value;
    const help = article.querySelector<HTMLTextAreaElement>('textarea.help')?.value;
    await this.run(async () => {
      const next = await ok<Requirement>(
        this.p.forms[':formId'].proposals[':proposalId'].$patch({
          param: { projectId: this.projectId, formId: this.formId, proposalId: r.id },
          json: {
            version: r.version,
            title,
            ...(r.field && label ? { field: { ...r.field, label } } : {}),
            ...(sectionId ? { sectionId } : {}),
            ...(help !== undefined ? { help } : {}),
          },
        }),
      );
      this.proposals = this.proposals.map((x) => (x.id === next.id ? next : x));
    });
  }

  private async comment(r: Requirement, input: HTMLTextAreaElement): Promise<void> {
    const text = input.value.trim();
    if (!text) return;
    await this.run(async () => {
      const next = await ok<Requirement>(this.p.forms[':formId'].proposals[':proposalId'].comments.$post({ param: { projectId: this.projectId, formId: this.formId, proposalId: r.id }, json: { text } }));
      this.proposals = this.proposals.map((x) => (x.id === next.id ? next : x));
      input.value = '';
    });
  }

  private renderProposal(r: Requirement): TemplateResult {
    const names = new Map(this.codes.map((c) => [c.id, c.name]));
    const open = r.status === 'open';
    const id = `p-${r.id}`;
    return html`<article data-proposal-id=${r.id} aria-labelledby=${`${id}-title`}>
      <h3 id=${`${id}-title`}>${r.title}</h3>
      <p>
        <span class="status">${t(`forms.proposals.status.${r.status}`)}</span>
        ${t(`forms.proposals.change.${r.change}`)}${r.fieldType ? html` · ${t(`forms.type.${r.fieldType}`)}` : nothing}
      </p>
      ${r.rationale ? html`<p class="rationale">${r.rationale}</p>` : nothing}
      <p class="evidence">${t('forms.proposals.evidence', { row: r.evidence.rowLabel, a: r.evidence.documentsA, b: r.evidence.documentsB, s: r.evidence.segmentsA })}</p>
      <p>${t('forms.proposals.codes')}: ${r.codes.map((c) => names.get(c) ?? c).join(', ')}</p>
      ${r.evidence.quotes.length > 0 ? html`<div aria-label=${t('forms.proposals.quotes')} role="group">${r.evidence.quotes.map((q) => html`<blockquote>${q.text} <cite>(${q.documentTitle})</cite></blockquote>`)}</div>` : nothing}
      ${r.decision ? html`<p class="decision">${t('forms.proposals.decision', { by: r.decision.byName || r.decision.by, reason: r.decision.reason })}</p>` : nothing}
      ${open && this.canEdit
        ? html`<div class="edit">
              <label>${t('forms.proposals.title')} <input class="title" .value=${r.title} /></label>
              ${r.field ? html`<label>${t('forms.proposals.fieldLabel')} <input class="field-label" .value=${r.field.label} /></label>` : nothing}
              ${r.change === 'add-field'
                ? html`<label
                    >${t('forms.proposals.section')}
                    <select class="section">
                      ${(this.current?.form.sections ?? []).map((sec) => html`<option value=${sec.id} ?selected=${sec.id === r.sectionId}>${sec.title}</option>`)}
                    </select></label
                  >`
                : nothing}
              ${r.change === 'help-text' ? html`<label>${t('forms.field.help')} <textarea class="help" rows="2" .value=${r.help}></textarea></label>` : nothing}
              <button type="button" class="save-edit" ?disabled=${this.busy} @click=${(e: Event) => void this.saveEdit(r, (e.target as HTMLElement).closest('article') as HTMLElement)}>
                ${t('forms.proposals.saveEdit')}
              </button>
            </div>
            <label
              >${t('forms.proposals.reason')}
              <textarea class="reason" rows="2" .value=${this.reasons[r.id] ?? ''} @input=${(e: Event) => (this.reasons = { ...this.reasons, [r.id]: (e.target as HTMLTextAreaElement).value })}></textarea>
            </label>
            <button type="button" class="accept" ?disabled=${this.busy} @click=${() => void this.decide(r, 'accept')}>${t('forms.proposals.accept')}</button>
            <button type="button" class="reject" ?disabled=${this.busy} @click=${() => void this.decide(r, 'reject')}>${t('forms.proposals.reject')}</button>`
        : nothing}
      ${r.comments.length > 0
        ? html`<h4>${t('forms.proposals.comments')}</h4>
            <ul class="comments">
              ${r.comments.map((c) => html`<li><strong>${c.authorName || c.author}</strong>: ${c.text}</li>`)}
            </ul>`
        : nothing}
      ${this.canComment
        ? html`<label>${t('forms.proposals.comment')} <textarea class="comment" rows="2"></textarea></label>
            <button type="button" class="add-comment" ?disabled=${this.busy} @click=${(e: Event) => void this.comment(r, (e.target as HTMLElement).closest('article')!.querySelector('textarea.comment')!)}>
              ${t('forms.proposals.addComment')}
            </button>`
        : nothing}
    </article>`;
  }

  private renderProposals(): TemplateResult {
    return html`
      ${this.canEdit ? html`<button type="button" class="generate" ?disabled=${this.busy} @click=${() => void this.generate()}>${t('forms.proposals.generate')}</button>` : nothing}
      ${this.proposals.length === 0 ? html`<p>${t('forms.proposals.empty')}</p>` : html`<section aria-label=${t('forms.proposals.list')}>${this.proposals.map((r) => this.renderProposal(r))}</section>`}
    `;
  }

  // ---- history -----------------------------------------------------------------------------

  private link(path: URL, label: string): TemplateResult {
    return html`<a href=${path.pathname + path.search} download>${label}</a>`;
  }

  private renderHistory(): TemplateResult {
    const stored = this.stored;
    if (!stored) return html``;
    const names = (refs: { name: string }[]): string => refs.map((r) => r.name).join(', ');
    const param = { param: { projectId: this.projectId, formId: this.formId } };
    const exp = this.p.forms[':formId'].export;
    const backlog = this.p.forms[':formId'].backlog;
    return html`
      <p class="links">
        ${this.link(backlog.$url({ ...param, query: { format: 'md' } }), t('forms.history.backlogMd'))} ·
        ${this.link(backlog.$url({ ...param, query: { format: 'csv' } }), t('forms.history.backlogCsv'))}
      </p>
      <ol class="versions" reversed>
        ${[...stored.versions].reverse().map(
          (v) => html`<li data-version=${v.number}>
            <h3>${t('forms.version', { n: v.number })}</h3>
            <p>${t('forms.history.by', { author: v.authorName || v.author, date: new Date(v.date).toLocaleString() })}${v.note ? html` – ${v.note}` : nothing}</p>
            <p>
              ${this.link(exp.$url({ ...param, query: { format: 'json', version: String(v.number) } }), t('forms.history.exportJson', { n: v.number }))} ·
              ${this.link(exp.$url({ ...param, query: { format: 'json-schema', version: String(v.number) } }), t('forms.history.exportSchema', { n: v.number }))}
            </p>
            ${v.diff
              ? html`<ul class="diff" aria-label=${t('forms.history.diffOf', { n: v.number })}>
                  ${v.diff.added.map((x) => html`<li class="added">+ ${x.label} (${t('forms.history.added')})</li>`)}
                  ${v.diff.changed.map((x) => html`<li class="changed">~ ${x.label} (${t('forms.history.changed')}: ${x.changes.map((c) => c.property).join(', ')})</li>`)}
                  ${v.diff.removed.map((x) => html`<li class="removed">− ${x.label} (${t('forms.history.removed')})</li>`)}
                </ul>`
              : html`<p>${t('forms.history.noDiff')}</p>`}
            ${v.changeLog
              .filter((e) => e.requirementId)
              .map((e) => html`<p class="trace">${t('forms.history.trace', { requirement: e.requirementTitle ?? '', codes: names(e.codes), segments: e.segments.length, documents: e.documents.length })}</p>`)}
          </li>`,
        )}
      </ol>
    `;
  }

  // ---- preview -----------------------------------------------------------------------------

  private renderControl(f: FormField): TemplateResult {
    const id = `pv-${f.id}`;
    const help = f.help ? html`<p class="help" id=${`${id}-help`}>${f.help}</p>` : nothing;
    const described = f.help ? `${id}-help` : nothing;
    const label = html`${f.label}${f.required ? html` <span>${t('forms.preview.required')}</span>` : nothing}`;
    switch (f.type) {
      case 'single-choice':
      case 'multiple-choice':
        return html`<fieldset class="control" aria-describedby=${described}>
          <legend>${label}</legend>
          ${help}
          ${f.options.map(
            (o) => html`<label><input type=${f.type === 'single-choice' ? 'radio' : 'checkbox'} name=${f.id} value=${o.value} ?required=${f.required && f.type === 'single-choice'} /> ${o.label}</label>`,
          )}
        </fieldset>`;
      case 'checkbox':
        return html`<div class="control">
          <label><input id=${id} type="checkbox" name=${f.id} aria-describedby=${described} /> ${label}</label>${help}
        </div>`;
      case 'long-text':
        return html`<div class="control"><label for=${id}>${label}</label>${help}<textarea id=${id} name=${f.id} rows="4" ?required=${f.required} aria-describedby=${described}></textarea></div>`;
      default: {
        const type = f.type === 'date' ? 'date' : f.type === 'number' || f.type === 'duration' ? 'number' : 'text';
        return html`<div class="control">
          <label for=${id}>${label}${f.type === 'duration' ? html` (${t('forms.preview.minutes')})` : nothing}</label>${help}
          <input id=${id} name=${f.id} type=${type} min=${f.type === 'duration' ? '0' : nothing} ?required=${f.required} aria-describedby=${described} />
        </div>`;
      }
    }
  }

  private renderPreview(): TemplateResult {
    const draft = this.draft;
    if (!draft) return html``;
    return html`<form class="preview" aria-label=${`${t('forms.preview.heading')}: ${draft.title}`} @submit=${(e: Event) => e.preventDefault()}>
      <h3>${draft.title}</h3>
      ${draft.sections.map(
        (s) => html`<fieldset>
          <legend>${s.title}</legend>
          ${s.fields.map((f) => this.renderControl(f))}
        </fieldset>`,
      )}
      <button type="button" @click=${() => window.print()}>${t('forms.preview.print')}</button>
    </form>`;
  }

  // ---- shell -------------------------------------------------------------------------------

  private onTabKey(e: KeyboardEvent): void {
    const i = TABS.indexOf(this.tab);
    let next = i;
    if (e.key === 'ArrowRight') next = (i + 1) % TABS.length;
    else if (e.key === 'ArrowLeft') next = (i - 1 + TABS.length) % TABS.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = TABS.length - 1;
    else return;
    e.preventDefault();
    this.tab = TABS[next] ?? 'editor';
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#tab-${this.tab}`)?.focus());
  }

  override render(): TemplateResult {
    if (this.loading && this.forms.length === 0) return html`<p role="status">${t('forms.loading')}</p>`;
    if (this.error && !this.stored)
      return html`<p role="alert">${t('forms.failed', { error: this.error })}</p>
        <button type="button" class="retry" @click=${() => void this.load()}>${t('forms.retry')}</button>`;
    if (this.forms.length === 0) return html`<p>${t('forms.none')}</p>`;
    const panel: Record<Tab, () => TemplateResult> = {
      editor: () => this.renderEditor(),
      coverage: () => this.renderCoverage(),
      proposals: () => this.renderProposals(),
      history: () => this.renderHistory(),
      preview: () => this.renderPreview(),
    };
    return html`
      <h2>${t('forms.heading')}</h2>
      <label
        >${t('forms.choose')}
        <select class="form-choice" @change=${(e: Event) => void this.run(() => this.loadForm((e.target as HTMLSelectElement).value))}>
          ${this.forms.map((f) => html`<option value=${f.id} ?selected=${f.id === this.formId}>${f.title} (${t('forms.version', { n: f.id === this.formId ? (this.current?.number ?? f.version) : f.version })})</option>`)}
        </select>
      </label>
      ${this.canEdit
        ? html`<label class="import"
            >${t('forms.import')} <input type="file" accept="application/json,.json" @change=${(e: Event) => void this.importFile(e.target as HTMLInputElement)}
          /></label>`
        : nothing}
      <div role="tablist" aria-label=${t('forms.tabs')} @keydown=${(e: KeyboardEvent) => this.onTabKey(e)}>
        ${TABS.map(
          (tab) => html`<button
            type="button"
            role="tab"
            id=${`tab-${tab}`}
            aria-selected=${tab === this.tab ? 'true' : 'false'}
            aria-controls="panel"
            tabindex=${tab === this.tab ? '0' : '-1'}
            @click=${() => (this.tab = tab)}
          >
            ${t(`forms.tab.${tab}`)}
          </button>`,
        )}
      </div>
      <p role="status" class="message">${this.message}</p>
      ${this.error ? html`<p role="alert">${this.error}</p>` : nothing}
      <div role="tabpanel" id="panel" aria-labelledby=${`tab-${this.tab}`}>${panel[this.tab]()}</div>
    `;
  }
}

customElements.define('sb-forms-view', SbFormsView);

declare global {
  interface HTMLElementTagNameMap {
    'sb-forms-view': SbFormsView;
  }
}
