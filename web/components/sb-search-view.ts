import { LitElement, css, html, nothing, svg, type PropertyValues, type TemplateResult } from 'lit';
import { createClient, type Client, ApiFailure, ok } from '../api.js';
import { downloadText } from '../csv.js';
import { LanguageController, t } from '../i18n/index.js';
import { routeToUrl } from '../route.js';
import type { Code } from '../../server/schemas/code.js';
import type { DocumentSet } from '../../server/schemas/document-set.js';
import type { AutocodePreview, AutocodeRun, AutocodeUnit, KeynessResult, SearchHit, SearchResult, WordsResult } from '../../server/schemas/search.js';
import { visuallyHidden } from './shared-styles.js';
import type { PublicUser } from '../../server/schemas/user.js';
import { can } from '../../server/domain/permissions.js';

type Tab = 'search' | 'words';
type WordsMode = 'frequencies' | 'keyness';
const UNITS: readonly AutocodeUnit[] = ['word', 'sentence', 'paragraph', 'turn'];
const hitKey = (h: Pick<SearchHit, 'documentId' | 'start' | 'end'>): string => `${h.documentId}:${h.start}:${h.end}`;

/**
 * Lexical search with German stemming (issue 7), self-contained: it creates its own typed client and
 * loads codes, sets, hits and word lists itself.
 *
 * - a query box with help on the query language, a scope (set, code, speaker);
 * - keyword-in-context hits with counts per document, each a link to the hit in the coding view
 *   (`/projects/:id/coding/:documentId?start=…&end=…`, code points);
 * - autocoding of all or the chosen hits with a code and a unit, preview first, undo of the last run;
 * - word frequencies by stem (or key words of A against B) as a table with SVG bars, CSV download.
 *
 * @csspart results - the KWIC list
 */
export class SbSearchView extends LitElement {
  static override properties = {
    projectId: { type: String },
    user: { attribute: false },
    tab: { state: true },
    query: { state: true },
    setId: { state: true },
    codeId: { state: true },
    speaker: { state: true },
    codes: { state: true },
    sets: { state: true },
    result: { state: true },
    loading: { state: true },
    error: { state: true },
    showHelp: { state: true },
    chosen: { state: true },
    autoCodeId: { state: true },
    unit: { state: true },
    onlyChosen: { state: true },
    preview: { state: true },
    lastRun: { state: true },
    message: { state: true },
    busy: { state: true },
    wordsMode: { state: true },
    sideA: { state: true },
    sideB: { state: true },
    words: { state: true },
    keyness: { state: true },
  };

  static override styles = [
    visuallyHidden,
    css`
    :host {
      display: block;
    }
    form,
    fieldset {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem 0.9rem;
      align-items: flex-end;
    }
    fieldset {
      border: 1px solid #cbd5e1;
      border-radius: 4px;
      padding: 0.4rem 0.6rem 0.6rem;
      margin: 0.5rem 0;
    }
    label {
      display: flex;
      flex-direction: column;
      gap: 0.15rem;
      font-size: 0.9rem;
    }
    input[type='search'] {
      min-width: 22rem;
    }
    button,
    select,
    input {
      font: inherit;
    }
    button:focus-visible,
    input:focus-visible,
    select:focus-visible,
    a:focus-visible {
      outline: 2px solid #1d4ed8;
      outline-offset: 2px;
    }
    [role='tablist'] {
      display: flex;
      gap: 0.3rem;
      margin-bottom: 0.6rem;
    }
    [role='tab'][aria-selected='true'] {
      font-weight: 600;
      border-bottom: 2px solid #1d4ed8;
    }
    .help {
      margin: 0.3rem 0;
      padding-left: 1.2rem;
      font-size: 0.9rem;
    }
    [role='alert'] {
      color: #b91c1c;
    }
    ol.kwic {
      list-style: none;
      margin: 0;
      padding: 0;
      font-family: ui-monospace, monospace;
      font-size: 0.9rem;
    }
    ol.kwic li {
      display: grid;
      grid-template-columns: auto 1fr auto 1fr;
      gap: 0.4rem;
      align-items: baseline;
      padding: 0.15rem 0;
      border-bottom: 1px solid #f1f5f9;
    }
    .left {
      text-align: right;
      overflow: hidden;
      white-space: nowrap;
      direction: rtl;
    }
    .left span {
      direction: ltr;
      unicode-bidi: plaintext;
    }
    .right {
      overflow: hidden;
      white-space: nowrap;
    }
    .match {
      font-weight: 700;
      background: #fef9c3;
      color: inherit;
    }
    .doc-counts {
      display: flex;
      flex-wrap: wrap;
      gap: 0.3rem 1rem;
      padding: 0;
      list-style: none;
      font-size: 0.9rem;
    }
    table {
      border-collapse: collapse;
      font-size: 0.9rem;
    }
    th,
    td {
      padding: 0.15rem 0.5rem;
      text-align: left;
    }
    td.num {
      text-align: right;
    }
    .status {
      margin: 0.4rem 0;
    }
  `,
  ];

  declare projectId: string;
  declare user: PublicUser | undefined;
  declare tab: Tab;
  declare query: string;
  declare setId: string;
  declare codeId: string;
  declare speaker: string;
  declare codes: Code[];
  declare sets: DocumentSet[];
  declare result: SearchResult | undefined;
  declare loading: boolean;
  declare error: string;
  declare showHelp: boolean;
  declare chosen: Set<string>;
  declare autoCodeId: string;
  declare unit: AutocodeUnit;
  declare onlyChosen: boolean;
  declare preview: AutocodePreview | undefined;
  declare lastRun: AutocodeRun | undefined;
  declare message: string;
  declare busy: boolean;
  declare wordsMode: WordsMode;
  declare sideA: string;
  declare sideB: string;
  declare words: WordsResult | undefined;
  declare keyness: KeynessResult | undefined;

  private readonly api: Client = createClient();

  constructor() {
    super();
    new LanguageController(this);
    this.projectId = '';
    this.user = undefined;
    this.tab = 'search';
    this.query = '';
    this.setId = '';
    this.codeId = '';
    this.speaker = '';
    this.codes = [];
    this.sets = [];
    this.result = undefined;
    this.loading = false;
    this.error = '';
    this.showHelp = false;
    this.chosen = new Set();
    this.autoCodeId = '';
    this.unit = 'sentence';
    this.onlyChosen = false;
    this.preview = undefined;
    this.lastRun = undefined;
    this.message = '';
    this.busy = false;
    this.wordsMode = 'frequencies';
    this.sideA = 'kind=observation';
    this.sideB = 'kind=interview,documentation';
    this.words = undefined;
    this.keyness = undefined;
  }

  private get p() {
    return this.api.api.projects[':projectId'];
  }

  private get canCode(): boolean {
    return !!this.user && can(this.user.role, 'code');
  }

  override updated(changed: PropertyValues<this>): void {
    if (changed.has('projectId') && this.projectId) void this.load();
  }

  /** Codes and sets for the scope and autocoding choices. */
  async load(): Promise<void> {
    try {
      const param = { param: { projectId: this.projectId } };
      const [codes, sets] = await Promise.all([ok<{ codes: Code[] }>(this.p.codes.$get(param)), ok<{ sets: DocumentSet[] }>(this.p.sets.$get(param))]);
      this.codes = codes.codes;
      this.sets = sets.sets;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
  }

  private scope(): { set?: string; codeId?: string; speaker?: string } {
    return { ...(this.setId ? { set: this.setId } : {}), ...(this.codeId ? { codeId: this.codeId } : {}), ...(this.speaker.trim() ? { speaker: this.speaker.trim() } : {}) };
  }

  async search(): Promise<void> {
    if (this.query.trim() === '') return;
    this.loading = true;
    this.error = '';
    this.message = '';
    this.preview = undefined;
    try {
      this.result = await ok<SearchResult>(this.p.search.$get({ param: { projectId: this.projectId }, query: { q: this.query, ...this.scope() } }));
      this.chosen = new Set();
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
      this.result = undefined;
    } finally {
      this.loading = false;
    }
  }

  private autocodeRequest() {
    const hits = this.onlyChosen && this.result ? this.result.hits.filter((h) => this.chosen.has(hitKey(h))).map((h) => ({ documentId: h.documentId, start: h.start, end: h.end })) : undefined;
    return { query: this.query, scope: this.scope(), codeId: this.autoCodeId, unit: this.unit, ...(hits ? { hits } : {}) };
  }

  private async act(action: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.error = '';
    this.message = '';
    try {
      await action();
    } catch (e) {
      if (e instanceof ApiFailure && e.status === 409) this.error = t('search.autocode.conflict');
      else this.error = e instanceof Error ? e.message : String(e);
    } finally {
      this.busy = false;
    }
  }

  private previewAutocode(): Promise<void> {
    return this.act(async () => {
      this.preview = await ok<AutocodePreview>(this.p.autocode.preview.$post({ param: { projectId: this.projectId }, json: this.autocodeRequest() }));
    });
  }

  private applyAutocode(): Promise<void> {
    return this.act(async () => {
      this.lastRun = await ok<AutocodeRun>(this.p.autocode.$post({ param: { projectId: this.projectId }, json: this.autocodeRequest() }));
      this.preview = undefined;
      this.message = t('search.autocode.applied', { n: this.lastRun.segments.length });
    });
  }

  private undoAutocode(): Promise<void> {
    const run = this.lastRun;
    if (!run) return Promise.resolve();
    return this.act(async () => {
      const r = await ok<{ deleted: number }>(this.p.autocode[':runId'].undo.$post({ param: { projectId: this.projectId, runId: run.id } }));
      this.lastRun = undefined;
      this.message = t('search.autocode.undone', { n: r.deleted });
    });
  }

  private wordsQuery(format: 'json' | 'csv') {
    return this.wordsMode === 'keyness'
      ? { a: this.sideA, b: this.sideB, format }
      : { ...(this.setId ? { set: this.setId } : {}), ...(this.codeId ? { codeId: this.codeId } : {}), limit: '50', format };
  }

  async loadWords(): Promise<void> {
    this.loading = true;
    this.error = '';
    try {
      const body = await ok<(WordsResult & { type: 'frequencies' }) | (KeynessResult & { type: 'keyness' })>(this.p.words.$get({ param: { projectId: this.projectId }, query: this.wordsQuery('json') }));
      if (body.type === 'keyness') {
        this.keyness = body;
        this.words = undefined;
      } else {
        this.words = body;
        this.keyness = undefined;
      }
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    } finally {
      this.loading = false;
    }
  }

  private async downloadCsv(): Promise<void> {
    try {
      const res = await this.p.words.$get({ param: { projectId: this.projectId }, query: this.wordsQuery('csv') });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      downloadText(`${t('search.words.filename')}-${new Date().toISOString().slice(0, 10)}.csv`, `\uFEFF${await res.text()}`);
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Rendering

  private renderScope(): TemplateResult {
    return html`<fieldset>
      <legend>${t('search.scope')}</legend>
      <label
        >${t('search.scope.set')}
        <select class="scope-set" @change=${(e: Event) => (this.setId = (e.target as HTMLSelectElement).value)}>
          <option value="" ?selected=${this.setId === ''}>${t('search.scope.allDocuments')}</option>
          ${this.sets.map((s) => html`<option value=${s.id} ?selected=${this.setId === s.id}>${s.name}</option>`)}
        </select></label
      >
      <label
        >${t('search.scope.code')}
        <select class="scope-code" @change=${(e: Event) => (this.codeId = (e.target as HTMLSelectElement).value)}>
          <option value="" ?selected=${this.codeId === ''}>${t('search.scope.anyText')}</option>
          ${this.codes.map((c) => html`<option value=${c.id} ?selected=${this.codeId === c.id}>${c.name}</option>`)}
        </select></label
      >
      <label
        >${t('search.scope.speaker')}
        <input type="text" class="scope-speaker" size="8" .value=${this.speaker} @input=${(e: Event) => (this.speaker = (e.target as HTMLInputElement).value)}
      /></label>
    </fieldset>`;
  }

  private renderSearch(): TemplateResult {
    return html`<form
        role="search"
        @submit=${(e: Event) => {
          e.preventDefault();
          void this.search();
        }}
      >
        <label
          >${t('search.query')}
          <input type="search" class="query" maxlength="1000" .value=${this.query} @input=${(e: Event) => (this.query = (e.target as HTMLInputElement).value)}
        /></label>
        <button type="submit" class="submit" ?disabled=${this.loading}>${t('search.submit')}</button>
        <button type="button" class="help-toggle" aria-expanded=${this.showHelp ? 'true' : 'false'} aria-controls="help" @click=${() => (this.showHelp = !this.showHelp)}>
          ${t('search.help.toggle')}
        </button>
      </form>
      <ul id="help" class="help" ?hidden=${!this.showHelp}>
        <li>${t('search.help.word')}</li>
        <li>${t('search.help.exact')}</li>
        <li>${t('search.help.wildcard')}</li>
        <li>${t('search.help.phrase')}</li>
        <li>${t('search.help.bool')}</li>
      </ul>
      ${this.renderScope()} ${this.loading ? html`<p class="status" role="status">${t('search.loading')}</p>` : nothing} ${this.result ? this.renderResult(this.result) : nothing}`;
  }

  private renderResult(r: SearchResult): TemplateResult {
    if (r.total === 0) return html`<p class="status" role="status">${t('search.none')}</p>`;
    return html`<p class="status" role="status">
        ${t('search.total', { n: r.total, docs: r.documents.length })}${r.truncated ? html` (${t('search.truncated', { n: r.hits.length })})` : nothing}
      </p>
      <section aria-label=${t('search.perDocument')}>
        <ul class="doc-counts">
          ${r.documents.map((d) => html`<li><span class="doc-title">${d.title}</span>: <span class="doc-count">${d.count}</span></li>`)}
        </ul>
      </section>
      ${this.renderAutocode()}
      <ol class="kwic" part="results" aria-label=${t('search.results')}>
        ${r.hits.map(
          (h) => html`<li>
            <input
              type="checkbox"
              class="choose"
              aria-label=${t('search.chooseHit')}
              .checked=${this.chosen.has(hitKey(h))}
              @change=${(e: Event) => {
                const next = new Set(this.chosen);
                if ((e.target as HTMLInputElement).checked) next.add(hitKey(h));
                else next.delete(hitKey(h));
                this.chosen = next;
              }}
            />
            <span class="left"><span>${h.left}</span></span>
            <a class="hit" href=${routeToUrl({ name: 'coding', projectId: this.projectId, documentId: h.documentId, codeId: null, at: { start: h.start, end: h.end } })} title=${t('search.openHit', { title: h.title, start: h.start, end: h.end })}
              ><mark class="match">${h.match}</mark></a
            >
            <span class="right">${h.right}</span>
          </li>`,
        )}
      </ol>`;
  }

  private renderAutocode(): TemplateResult {
    if (!this.canCode) return html`<p class="status">${t('search.autocode.noPermission')}</p>`;
    const codable = this.codes.filter((c) => c.isCodable);
    return html`<fieldset class="autocode">
      <legend>${t('search.autocode')}</legend>
      <label
        >${t('search.autocode.code')}
        <select class="auto-code" @change=${(e: Event) => (this.autoCodeId = (e.target as HTMLSelectElement).value)}>
          <option value="" ?selected=${this.autoCodeId === ''}>${t('search.autocode.chooseCode')}</option>
          ${codable.map((c) => html`<option value=${c.id} ?selected=${this.autoCodeId === c.id}>${c.name}</option>`)}
        </select></label
      >
      <label
        >${t('search.autocode.unit')}
        <select class="auto-unit" @change=${(e: Event) => (this.unit = (e.target as HTMLSelectElement).value as AutocodeUnit)}>
          ${UNITS.map((u) => html`<option value=${u} ?selected=${this.unit === u}>${t(`search.unit.${u}`)}</option>`)}
        </select></label
      >
      <label
        >${t('search.autocode.which')}
        <select class="auto-which" @change=${(e: Event) => (this.onlyChosen = (e.target as HTMLSelectElement).value === 'chosen')}>
          <option value="all" ?selected=${!this.onlyChosen}>${t('search.autocode.all')}</option>
          <option value="chosen" ?selected=${this.onlyChosen}>${t('search.autocode.chosen', { n: this.chosen.size })}</option>
        </select></label
      >
      <button type="button" class="preview" ?disabled=${this.busy || !this.autoCodeId} @click=${() => void this.previewAutocode()}>${t('search.autocode.preview')}</button>
      <button type="button" class="apply" ?disabled=${this.busy || !this.preview || this.preview.items.length === 0} @click=${() => void this.applyAutocode()}>
        ${t('search.autocode.apply')}
      </button>
      ${this.lastRun ? html`<button type="button" class="undo" ?disabled=${this.busy} @click=${() => void this.undoAutocode()}>${t('search.autocode.undo')}</button>` : nothing}
      ${this.preview
        ? html`<div class="preview-result">
            <p role="status">${t('search.autocode.previewCount', { n: this.preview.items.length, duplicates: this.preview.duplicates, unextendable: this.preview.unextendable })}</p>
            <ol>
              ${this.preview.items.slice(0, 50).map((i) => html`<li><span class="doc-title">${i.title}</span>: <q>${i.text}</q></li>`)}
            </ol>
          </div>`
        : nothing}
    </fieldset>`;
  }

  private bar(value: number, max: number): TemplateResult {
    const width = max > 0 ? Math.max(1, Math.round((value / max) * 160)) : 0;
    return html`<svg width="160" height="12" aria-hidden="true" focusable="false">${svg`<rect x="0" y="1" width=${width} height="10" fill="#2563eb"></rect>`}</svg>`;
  }

  private renderWords(): TemplateResult {
    return html`<fieldset>
        <legend>${t('search.words.mode')}</legend>
        <label
          >${t('search.words.mode')}
          <select class="words-mode" @change=${(e: Event) => (this.wordsMode = (e.target as HTMLSelectElement).value as WordsMode)}>
            <option value="frequencies" ?selected=${this.wordsMode === 'frequencies'}>${t('search.words.frequencies')}</option>
            <option value="keyness" ?selected=${this.wordsMode === 'keyness'}>${t('search.words.keyness')}</option>
          </select></label
        >
        ${this.wordsMode === 'keyness'
          ? html`<label
                >${t('search.words.a')}<input type="text" class="side-a" .value=${this.sideA} @input=${(e: Event) => (this.sideA = (e.target as HTMLInputElement).value)}
              /></label>
              <label
                >${t('search.words.b')}<input type="text" class="side-b" .value=${this.sideB} @input=${(e: Event) => (this.sideB = (e.target as HTMLInputElement).value)}
              /></label>`
          : nothing}
        <button type="button" class="load-words" ?disabled=${this.loading} @click=${() => void this.loadWords()}>${t('search.words.load')}</button>
        <button type="button" class="csv" @click=${() => void this.downloadCsv()}>${t('search.words.csv')}</button>
      </fieldset>
      ${this.wordsMode === 'frequencies' ? this.renderScope() : nothing} ${this.words ? this.renderFrequencies(this.words) : nothing}
      ${this.keyness ? this.renderKeyness(this.keyness) : nothing}`;
  }

  private renderFrequencies(w: WordsResult): TemplateResult {
    const max = w.words[0]?.count ?? 0;
    return html`<p class="status" role="status">${t('search.words.summary', { tokens: w.tokens, distinct: w.distinct, docs: w.documents })}</p>
      ${w.words.length === 0
        ? html`<p>${t('search.words.none')}</p>`
        : html`<table class="words">
            <caption>
              ${t('search.words.chart')}
            </caption>
            <thead>
              <tr>
                <th scope="col">${t('search.words.word')}</th>
                <th scope="col">${t('search.words.count')}</th>
                <th scope="col">${t('search.words.documents')}</th>
                <th scope="col"><span class="vh">${t('search.words.bar')}</span></th>
              </tr>
            </thead>
            <tbody>
              ${w.words.map(
                (x) => html`<tr>
                  <th scope="row">${x.form}</th>
                  <td class="num">${x.count}</td>
                  <td class="num">${x.documents}</td>
                  <td>${this.bar(x.count, max)}</td>
                </tr>`,
              )}
            </tbody>
          </table>`}`;
  }

  private renderKeyness(k: KeynessResult): TemplateResult {
    const max = k.rows[0]?.ll ?? 0;
    return html`<p class="status" role="status">A: ${k.a.label} (${k.a.tokens}) · B: ${k.b.label} (${k.b.tokens})</p>
      <table class="keyness">
        <caption>
          ${t('search.words.keyChart')}
        </caption>
        <thead>
          <tr>
            <th scope="col">${t('search.words.word')}</th>
            <th scope="col">${t('search.words.freqA')}</th>
            <th scope="col">${t('search.words.freqB')}</th>
            <th scope="col">${t('search.words.ll')}</th>
            <th scope="col">${t('search.words.direction')}</th>
            <th scope="col"><span class="vh">${t('search.words.bar')}</span></th>
          </tr>
        </thead>
        <tbody>
          ${k.rows.slice(0, 50).map(
            (r) => html`<tr>
              <th scope="row">${r.form}</th>
              <td class="num">${r.a}</td>
              <td class="num">${r.b}</td>
              <td class="num">${r.ll.toFixed(2)}</td>
              <td>${r.sign === '+' ? 'A' : r.sign === '-' ? 'B' : '='}</td>
              <td>${this.bar(r.ll, max)}</td>
            </tr>`,
          )}
        </tbody>
      </table>`;
  }

  override render(): TemplateResult {
    return html`<h2>${t('search.heading')}</h2>
      <div role="tablist" aria-label=${t('search.tabs')}>
        ${(['search', 'words'] as const).map(
          (tab) => html`<button type="button" role="tab" class=${`tab-${tab}`} aria-selected=${this.tab === tab ? 'true' : 'false'} @click=${() => (this.tab = tab)}>${t(`search.tab.${tab}`)}</button>`,
        )}
      </div>
      ${this.error ? html`<p role="alert">${t('search.error', { message: this.error })}</p>` : nothing}
      ${this.message ? html`<p class="status" role="status">${this.message}</p>` : nothing}
      <div role="tabpanel">${this.tab === 'search' ? this.renderSearch() : this.renderWords()}</div>`;
  }
}

customElements.define('sb-search-view', SbSearchView);

declare global {
  interface HTMLElementTagNameMap {
    'sb-search-view': SbSearchView;
  }
}
