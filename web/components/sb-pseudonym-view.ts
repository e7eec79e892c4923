import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import type { DocumentPseudonymisation, PseudonymCategory, PseudonymEntry, PseudonymisationResult, PseudonymKey, PseudonymSuggestion } from '../../server/schemas/pseudonym.js';
import { PSEUDONYM_CATEGORIES } from '../../server/schemas/pseudonym.js';
import type { PublicUser } from '../../server/schemas/user.js';
import { ApiFailure, createClient, ok, type Client } from '../api.js';
import type { MessageKey } from '../i18n/de.js';
import { LanguageController, t } from '../i18n/index.js';
import { alertBox, dataTable, visuallyHidden } from './shared-styles.js';

/** Fired after the key was applied to documents (their texts, segments and memos changed). */
export class PseudonymsAppliedEvent extends Event {
  constructor(readonly result: PseudonymisationResult) {
    super('sb-pseudonyms-applied', { bubbles: true, composed: true });
  }
}

/**
 * The pseudonymisation view (issue 9, item 1), for admins: the project's key (edit, add, remove,
 * save with its version – a 409 reloads and explains; download), suggestions from the texts with
 * one-click adoption, and a preview before applying the key to the stored documents.
 * Self-contained: it loads its own data. Every name and text is rendered as text, never as HTML.
 *
 * @fires sb-pseudonyms-applied - after the key was applied (PseudonymsAppliedEvent)
 */
export class SbPseudonymView extends LitElement {
  static override properties = {
    projectId: { type: String },
    user: { attribute: false },
    key: { state: true },
    draft: { state: true },
    dirty: { state: true },
    suggestions: { state: true },
    preview: { state: true },
    loading: { state: true },
    busy: { state: true },
    error: { state: true },
    message: { state: true },
    newReal: { state: true },
    newPseudonym: { state: true },
    newCategory: { state: true },
  };

  static override styles = [
    visuallyHidden,
    alertBox,
    dataTable,
    css`
      :host {
        display: block;
      }
      section {
        margin: 1rem 0 1.5rem;
      }
      .row,
      form.add {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: end;
        margin: 0.5rem 0;
      }
      label {
        display: flex;
        flex-direction: column;
        font-size: 0.9em;
      }
      .context {
        color: #374151;
        font-size: 0.9em;
      }
      .in-key {
        color: #166534;
      }
      .note {
        color: #4b5563;
      }
    `,
  ];

  declare projectId: string;
  declare user: PublicUser | undefined;
  declare key: PseudonymKey | null;
  declare draft: PseudonymEntry[];
  declare dirty: boolean;
  declare suggestions: PseudonymSuggestion[] | null;
  declare preview: PseudonymisationResult | null;
  declare loading: boolean;
  declare busy: boolean;
  declare error: string;
  declare message: string;
  declare newReal: string;
  declare newPseudonym: string;
  declare newCategory: PseudonymCategory;
  private readonly api: Client = createClient();

  constructor() {
    super();
    new LanguageController(this);
    this.projectId = '';
    this.user = undefined;
    this.key = null;
    this.draft = [];
    this.dirty = false;
    this.suggestions = null;
    this.preview = null;
    this.loading = false;
    this.busy = false;
    this.error = '';
    this.message = '';
    this.newReal = '';
    this.newPseudonym = '';
    this.newCategory = 'person';
  }

  private get isAdmin(): boolean {
    return this.user?.role === 'admin';
  }

  private get p() {
    return this.api.api.projects[':projectId'].pseudonyms;
  }

  private get param() {
    return { param: { projectId: this.projectId } };
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // A replaced user object (e.g. after a password change) must not throw away unsaved key edits:
    // only a new project or a changed role reloads.
    const roleChanged = changed.has('user') && changed.get('user')?.role !== this.user?.role;
    if ((changed.has('projectId') || roleChanged) && this.projectId && this.isAdmin) void this.loadKey();
  }

  private async loadKey(): Promise<void> {
    this.loading = true;
    try {
      const key = await ok<PseudonymKey>(this.p.key.$get(this.param));
      this.key = key;
      this.draft = key.entries.map((e) => ({ ...e }));
      this.dirty = false;
      this.error = '';
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    } finally {
      this.loading = false;
    }
  }

  private edit(index: number, patch: Partial<PseudonymEntry>): void {
    this.draft = this.draft.map((e, i) => (i === index ? { ...e, ...patch } : e));
    this.dirty = true;
    this.preview = null;
    this.message = '';
  }

  private removeEntry(index: number): void {
    this.draft = this.draft.filter((_, i) => i !== index);
    this.dirty = true;
    this.preview = null;
    this.message = '';
  }

  /** Add an entry to the draft; false (with a message) when it is invalid or a duplicate. */
  private addEntry(entry: PseudonymEntry): boolean {
    const real = entry.real.trim();
    const pseudonym = entry.pseudonym.trim();
    if (!real || !pseudonym || real === pseudonym) {
      this.error = t('pseudo.invalid');
      return false;
    }
    if (this.draft.some((e) => e.real === real)) {
      this.error = t('pseudo.duplicate', { name: real });
      return false;
    }
    this.draft = [...this.draft, { real, pseudonym, category: entry.category }];
    this.dirty = true;
    this.preview = null;
    this.error = '';
    this.message = '';
    return true;
  }

  private onAdd(e: SubmitEvent): void {
    e.preventDefault();
    if (this.addEntry({ real: this.newReal, pseudonym: this.newPseudonym, category: this.newCategory })) {
      this.newReal = '';
      this.newPseudonym = '';
    }
  }

  /** A placeholder pseudonym for a suggestion: "Person 3", the next number not yet used. */
  private placeholder(category: PseudonymCategory): string {
    const used = new Set(this.draft.map((e) => e.pseudonym));
    for (let n = 1; ; n++) {
      const name = t(`pseudo.placeholder.${category}` as MessageKey, { n });
      if (!used.has(name)) return name;
    }
  }

  private adopt(s: PseudonymSuggestion): void {
    this.addEntry({ real: s.text, pseudonym: this.placeholder(s.category), category: s.category });
  }

  /**
   * Run one request: busy while it runs, the error shown on failure (cleared on success). A 409 on
   * saving the key means someone else changed it: reload the key and say so.
   */
  private async run(action: () => Promise<void>, reloadOnConflict = false): Promise<void> {
    this.busy = true;
    try {
      await action();
      this.error = '';
    } catch (e) {
      if (reloadOnConflict && e instanceof ApiFailure && e.status === 409) {
        await this.loadKey();
        this.error = t('pseudo.conflict');
      } else this.error = e instanceof Error ? e.message : String(e);
    } finally {
      this.busy = false;
    }
  }

  private async save(): Promise<void> {
    const current = this.key;
    if (!current) return;
    this.message = '';
    await this.run(async () => {
      const key = await ok<PseudonymKey>(this.p.key.$put({ ...this.param, json: { entries: this.draft, version: current.version } }));
      this.key = key;
      this.draft = key.entries.map((e) => ({ ...e }));
      this.dirty = false;
      this.message = t('pseudo.saved', { version: key.version });
      if (this.suggestions) this.suggestions = this.suggestions.map((s) => ({ ...s, inKey: key.entries.some((e) => e.real === s.text) }));
    }, true);
  }

  private async loadSuggestions(): Promise<void> {
    await this.run(async () => {
      this.suggestions = (await ok<{ suggestions: PseudonymSuggestion[] }>(this.p.suggestions.$get({ ...this.param, query: {} }))).suggestions;
    });
  }

  private async loadPreview(): Promise<void> {
    this.message = '';
    await this.run(async () => {
      this.preview = await ok<PseudonymisationResult>(this.p.preview.$post({ ...this.param, json: {} }));
    });
  }

  private async apply(): Promise<void> {
    await this.run(async () => {
      const result = await ok<PseudonymisationResult>(this.p.apply.$post({ ...this.param, json: {} }));
      this.preview = null;
      this.message = t('pseudo.applied', { total: result.total, documents: result.documents.length });
      this.dispatchEvent(new PseudonymsAppliedEvent(result));
    });
  }

  private categorySelect(value: PseudonymCategory, label: string, onChange: (c: PseudonymCategory) => void) {
    return html`<select aria-label=${label} .value=${value} @change=${(e: Event) => onChange((e.target as HTMLSelectElement).value as PseudonymCategory)}>
      ${PSEUDONYM_CATEGORIES.map((c) => html`<option value=${c} ?selected=${c === value}>${t(`pseudo.category.${c}` as MessageKey)}</option>`)}
    </select>`;
  }

  private renderKey() {
    const key = this.key;
    if (!key) return nothing;
    const href = `/api/projects/${encodeURIComponent(this.projectId)}/pseudonyms/key/export`;
    return html`<section aria-labelledby="key-heading">
      <h4 id="key-heading">${t('pseudo.key.heading')}</h4>
      ${this.draft.length === 0
        ? html`<p class="note">${t('pseudo.key.empty')}</p>`
        : html`<table>
            <caption>${t('pseudo.key.caption', { version: key.version })}</caption>
            <thead>
              <tr>
                <th scope="col">${t('pseudo.col.real')}</th>
                <th scope="col">${t('pseudo.col.pseudonym')}</th>
                <th scope="col">${t('pseudo.col.category')}</th>
                <th scope="col">${t('pseudo.col.actions')}</th>
              </tr>
            </thead>
            <tbody>
              ${this.draft.map(
                (e, i) => html`<tr>
                  <td><input type="text" aria-label=${t('pseudo.realOf', { n: i + 1 })} .value=${e.real} @change=${(ev: Event) => this.edit(i, { real: (ev.target as HTMLInputElement).value.trim() })} /></td>
                  <td><input type="text" aria-label=${t('pseudo.pseudonymOf', { n: i + 1 })} .value=${e.pseudonym} @change=${(ev: Event) => this.edit(i, { pseudonym: (ev.target as HTMLInputElement).value.trim() })} /></td>
                  <td>${this.categorySelect(e.category, t('pseudo.categoryOf', { n: i + 1 }), (c) => this.edit(i, { category: c }))}</td>
                  <td><button type="button" aria-label=${t('pseudo.removeEntry', { name: e.real })} @click=${() => this.removeEntry(i)}>${t('pseudo.remove')}</button></td>
                </tr>`,
              )}
            </tbody>
          </table>`}
      <form class="add" aria-label=${t('pseudo.add.heading')} @submit=${(e: SubmitEvent) => this.onAdd(e)}>
        <label>${t('pseudo.col.real')}<input name="real" type="text" .value=${this.newReal} @input=${(e: Event) => (this.newReal = (e.target as HTMLInputElement).value)} /></label>
        <label>${t('pseudo.col.pseudonym')}<input name="pseudonym" type="text" .value=${this.newPseudonym} @input=${(e: Event) => (this.newPseudonym = (e.target as HTMLInputElement).value)} /></label>
        <label>${t('pseudo.col.category')}${this.categorySelect(this.newCategory, t('pseudo.col.category'), (c) => (this.newCategory = c))}</label>
        <button type="submit">${t('pseudo.add')}</button>
      </form>
      <div class="row">
        <button type="button" class="save" ?disabled=${!this.dirty || this.busy} @click=${() => void this.save()}>${t('pseudo.save')}</button>
        ${this.dirty ? html`<span class="note">${t('pseudo.unsaved')}</span>` : nothing}
        <a href=${href} download>${t('pseudo.download')}</a>
      </div>
    </section>`;
  }

  private renderSuggestions() {
    const list = this.suggestions;
    const inDraft = new Set(this.draft.map((e) => e.real));
    return html`<section aria-labelledby="suggest-heading">
      <h4 id="suggest-heading">${t('pseudo.suggest.heading')}</h4>
      <button type="button" class="suggest" ?disabled=${this.busy} @click=${() => void this.loadSuggestions()}>${t('pseudo.suggest.load')}</button>
      ${list === null
        ? nothing
        : list.length === 0
          ? html`<p class="note">${t('pseudo.suggest.none')}</p>`
          : html`<table class="suggestions">
              <caption>${t('pseudo.suggest.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">${t('pseudo.col.word')}</th>
                  <th scope="col">${t('pseudo.col.category')}</th>
                  <th scope="col">${t('pseudo.col.reason')}</th>
                  <th scope="col">${t('pseudo.col.count')}</th>
                  <th scope="col">${t('pseudo.col.context')}</th>
                  <th scope="col">${t('pseudo.col.actions')}</th>
                </tr>
              </thead>
              <tbody>
                ${list.map(
                  (s) => html`<tr>
                    <td>${s.text}</td>
                    <td>${t(`pseudo.category.${s.category}` as MessageKey)}</td>
                    <td>${t(`pseudo.reason.${s.reason}` as MessageKey)}</td>
                    <td>${s.count} (${t('pseudo.documents', { count: s.documents })})</td>
                    <td class="context">${s.contexts[0] ?? ''}</td>
                    <td>
                      ${s.inKey || inDraft.has(s.text)
                        ? html`<span class="in-key">${t('pseudo.inKey')}</span>`
                        : html`<button type="button" aria-label=${t('pseudo.adoptWord', { name: s.text })} @click=${() => this.adopt(s)}>${t('pseudo.adopt')}</button>`}
                    </td>
                  </tr>`,
                )}
              </tbody>
            </table>`}
    </section>`;
  }

  private renderPreviewRow(d: DocumentPseudonymisation) {
    return html`<tr>
      <td>${d.title}</td>
      <td>${d.replacements}</td>
      <td>${d.segments}</td>
      <td>${d.memos}</td>
      <td>${d.byEntry.map((e) => `${e.real} → ${e.pseudonym} (${e.count})`).join(', ')}</td>
    </tr>`;
  }

  private renderApply() {
    const preview = this.preview;
    return html`<section aria-labelledby="apply-heading">
      <h4 id="apply-heading">${t('pseudo.apply.heading')}</h4>
      <p class="note">${t('pseudo.apply.intro')}</p>
      ${this.dirty ? html`<p class="note">${t('pseudo.apply.saveFirst')}</p>` : nothing}
      <button type="button" class="preview" ?disabled=${this.dirty || this.busy} @click=${() => void this.loadPreview()}>${t('pseudo.preview')}</button>
      ${preview === null
        ? nothing
        : preview.documents.length === 0
          ? html`<p class="note">${t('pseudo.preview.none')}</p>`
          : html`<table class="preview">
                <caption>${t('pseudo.preview.caption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">${t('pseudo.col.document')}</th>
                    <th scope="col">${t('pseudo.col.replacements')}</th>
                    <th scope="col">${t('pseudo.col.segments')}</th>
                    <th scope="col">${t('pseudo.col.memos')}</th>
                    <th scope="col">${t('pseudo.col.names')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${preview.documents.map((d) => this.renderPreviewRow(d))}
                </tbody>
              </table>
              <p>${t('pseudo.preview.total', { total: preview.total, documents: preview.documents.length })}</p>
              <button type="button" class="apply" ?disabled=${this.dirty || this.busy} @click=${() => void this.apply()}>${t('pseudo.apply')}</button>`}
    </section>`;
  }

  override render() {
    if (!this.isAdmin) return html`<h3>${t('pseudo.heading')}</h3><p>${t('pseudo.adminsOnly')}</p>`;
    return html`<h3>${t('pseudo.heading')}</h3>
      <p class="note">${t('pseudo.intro')}</p>
      ${this.error ? html`<div class="alert" role="alert">${this.error}</div>` : nothing}
      <p role="status">${this.message}</p>
      ${this.loading && !this.key ? html`<p>${t('pseudo.loading')}</p>` : nothing}
      ${!this.loading && !this.key && this.error ? html`<button type="button" @click=${() => void this.loadKey()}>${t('pseudo.retry')}</button>` : nothing}
      ${this.key ? html`${this.renderKey()} ${this.renderSuggestions()} ${this.renderApply()}` : nothing}`;
  }
}

customElements.define('sb-pseudonym-view', SbPseudonymView);

declare global {
  interface HTMLElementTagNameMap {
    'sb-pseudonym-view': SbPseudonymView;
  }
}
