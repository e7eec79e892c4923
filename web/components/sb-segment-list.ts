import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { styleMap } from 'lit/directives/style-map.js';
import type { Code } from '../../server/schemas/code.js';
import type { RetrievedSegment } from '../../server/schemas/segment.js';
import { cpLength } from '../../server/domain/text.js';
import { downloadText, segmentsToCsv } from '../csv.js';
import { visuallyHidden } from './shared-styles.js';
import { LanguageController, t } from '../i18n/index.js';
import {
  PATH_SEPARATOR,
  codesInTreeOrder,
  formatAttributeValue,
  formatNumber,
  type DocumentListEntry,
  type DocumentSetWithMembers,
} from './sb-corpus-model.js';

/** What segments to retrieve: the chosen codes (optionally with sub-codes) in all documents or a set. */
export interface SegmentListQuery {
  codeIds: string[];
  includeSubcodes: boolean;
  setId: string | null;
}

/** Fired when the user changes the query (codes, sub-codes, set) or retries a failed one. */
export class SegmentQueryEvent extends Event {
  constructor(readonly query: SegmentListQuery) {
    super('sb-segment-query', { bubbles: true, composed: true });
  }
}

/** Fired when the user opens a segment at its place in the document. */
export class SegmentOpenEvent extends Event {
  constructor(
    readonly documentId: string,
    readonly segmentId: string,
    readonly start: number,
    readonly end: number,
  ) {
    super('sb-segment-open', { bubbles: true, composed: true });
  }
}

/** Results rendered at first, and added per "show more". */
const PAGE = 500;

/**
 * Segment retrieval: choose codes (with or without sub-codes) and documents (all or a set), see
 * every coded segment with its document, attributes, coder, code and context; open one at its
 * place; export the list as CSV.
 *
 * @fires sb-segment-query - the query changed or is retried (SegmentQueryEvent: `query` `{ codeIds, includeSubcodes, setId }`)
 * @fires sb-segment-open - a segment was opened (SegmentOpenEvent: `documentId`, `segmentId`, `start`, `end`)
 * @csspart results - the result list
 */
export class SbSegmentList extends LitElement {
  static override properties = {
    segments: { attribute: false },
    total: { type: Number },
    codes: { attribute: false },
    documents: { attribute: false },
    sets: { attribute: false },
    users: { attribute: false },
    query: { attribute: false },
    loading: { type: Boolean },
    error: { type: String },
    codeFilter: { state: true },
    shown: { state: true },
  };

  static override styles = [
    visuallyHidden,
    css`
    :host {
      display: block;
    }
    .controls {
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
    .code-list {
      max-height: 14rem;
      overflow-y: auto;
      margin: 0.3rem 0;
      padding: 0;
      list-style: none;
    }
    .code-list label {
      display: flex;
      align-items: center;
      gap: 0.3rem;
    }
    .parents {
      color: #64748b;
    }
    .swatch {
      display: inline-block;
      width: 0.75rem;
      height: 0.75rem;
      border-radius: 2px;
      flex: none;
      vertical-align: baseline;
    }
    button,
    select,
    input {
      font: inherit;
    }
    button:focus-visible,
    input:focus-visible,
    select:focus-visible {
      outline: 2px solid #1d4ed8;
      outline-offset: 2px;
    }
    .status {
      display: flex;
      flex-wrap: wrap;
      gap: 0.75rem;
      align-items: center;
      margin-bottom: 0.5rem;
    }
    [role='alert'] {
      color: #b91c1c;
    }
    ol {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    .entry {
      display: block;
      width: 100%;
      text-align: left;
      background: #fff;
      border: 1px solid #e2e8f0;
      border-radius: 4px;
      padding: 0.5rem 0.6rem;
      margin-bottom: 0.4rem;
      cursor: pointer;
      color: inherit;
    }
    .entry:hover {
      background: #f8fafc;
    }
    .meta {
      display: flex;
      flex-wrap: wrap;
      gap: 0.3rem 0.8rem;
      font-size: 0.9rem;
    }
    .doc {
      font-weight: 600;
    }
    .attr {
      display: inline-block;
      margin: 0.2rem 0.4rem 0 0;
      padding: 0 0.3rem;
      background: #f1f5f9;
      border-radius: 3px;
      font-size: 0.8rem;
    }
    .quote {
      display: block;
      margin-top: 0.3rem;
      white-space: pre-wrap;
    }
    .context {
      color: #64748b;
    }
    mark {
      background: #fef9c3;
      color: inherit;
      font-weight: 600;
    }
    .memo {
      display: block;
      margin-top: 0.2rem;
      font-size: 0.85rem;
      font-style: italic;
    }
  `,
  ];

  declare segments: RetrievedSegment[];
  /** How many segments match in all (more than `segments.length` when the server truncated). */
  declare total: number;
  declare codes: Code[];
  declare documents: DocumentListEntry[];
  declare sets: DocumentSetWithMembers[];
  /** Display names by user id. */
  declare users: Record<string, string>;
  declare query: SegmentListQuery;
  declare loading: boolean;
  declare error: string;
  declare codeFilter: string;
  declare shown: number;

  private codesById = new Map<string, Code>();
  private codeOptions: { code: Code; path: string[]; search: string }[] = [];
  private documentsById = new Map<string, DocumentListEntry>();

  constructor() {
    super();
    new LanguageController(this);
    this.segments = [];
    this.total = 0;
    this.codes = [];
    this.documents = [];
    this.sets = [];
    this.users = {};
    this.query = { codeIds: [], includeSubcodes: false, setId: null };
    this.loading = false;
    this.error = '';
    this.codeFilter = '';
    this.shown = PAGE;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('codes')) {
      this.codesById = new Map(this.codes.map((c) => [c.id, c]));
      this.codeOptions = codesInTreeOrder(this.codes).map(({ code, path }) => ({ code, path, search: path.join(' ').toLocaleLowerCase('de') }));
    }
    if (changed.has('documents')) this.documentsById = new Map(this.documents.map((d) => [d.id, d]));
    if (changed.has('segments')) this.shown = PAGE;
  }

  /** Change the query (as the user did) and tell the app. */
  private change(patch: Partial<SegmentListQuery>): void {
    this.query = { ...this.query, ...patch };
    this.dispatchEvent(new SegmentQueryEvent({ ...this.query, codeIds: [...this.query.codeIds] }));
  }

  private toggleCode(id: string, on: boolean): void {
    const ids = this.query.codeIds.filter((c) => c !== id);
    this.change({ codeIds: on ? [...ids, id] : ids });
  }

  private retry(): void {
    this.dispatchEvent(new SegmentQueryEvent({ ...this.query, codeIds: [...this.query.codeIds] }));
  }

  private open(s: RetrievedSegment): void {
    this.dispatchEvent(new SegmentOpenEvent(s.documentId, s.id, s.start, s.end));
  }

  private exportCsv(): void {
    const csv = segmentsToCsv(this.segments, { codes: this.codes, documents: this.documents, users: this.users });
    const date = new Date().toISOString().slice(0, 10);
    downloadText(`${t('segments.csv.filename')}-${date}.csv`, csv, 'text/csv;charset=utf-8');
  }

  private renderControls(): TemplateResult {
    const needle = this.codeFilter.trim().toLocaleLowerCase('de');
    const options = needle === '' ? this.codeOptions : this.codeOptions.filter((o) => o.search.includes(needle));
    const chosen = new Set(this.query.codeIds);
    return html`<section class="controls" aria-label=${t('segments.query')}>
      <fieldset class="codes">
        <legend>${t('segments.codes')}</legend>
        ${this.codes.length === 0
          ? html`<p>${t('segments.noCodes')}</p>`
          : html`<label
                >${t('segments.codeFilter')}
                <input
                  type="search"
                  class="code-filter"
                  .value=${this.codeFilter}
                  @input=${(e: Event) => {
                    this.codeFilter = (e.target as HTMLInputElement).value;
                  }}
              /></label>
              <ul class="code-list">
                ${options.map(
                  (o) => html`<li>
                    <label
                      ><input
                        type="checkbox"
                        data-code-id=${o.code.id}
                        .checked=${chosen.has(o.code.id)}
                        @change=${(e: Event) => this.toggleCode(o.code.id, (e.target as HTMLInputElement).checked)}
                      /><span class="swatch" style=${styleMap({ background: o.code.colour })}></span
                      >${o.path.length > 1 ? html`<span class="parents">${o.path.slice(0, -1).join(PATH_SEPARATOR)}${PATH_SEPARATOR}</span>` : nothing}<span
                        class="name"
                        >${o.code.name}</span
                      ></label
                    >
                  </li>`,
                )}
              </ul>
              ${options.length === 0 ? html`<p>${t('segments.noCodeMatch')}</p>` : nothing}
              <span class="chosen">${t('segments.selectedCodes', { n: formatNumber(chosen.size) })}</span>
              <button type="button" class="clear-codes" ?disabled=${chosen.size === 0} @click=${() => this.change({ codeIds: [] })}>
                ${t('segments.clearCodes')}
              </button>`}
      </fieldset>
      <label
        ><input
          type="checkbox"
          class="subcodes"
          .checked=${this.query.includeSubcodes}
          @change=${(e: Event) => this.change({ includeSubcodes: (e.target as HTMLInputElement).checked })}
        />
        ${t('segments.includeSubcodes')}</label
      >
      <label
        >${t('segments.set')}
        <select name="set" @change=${(e: Event) => this.change({ setId: (e.target as HTMLSelectElement).value || null })}>
          <option value="" ?selected=${this.query.setId === null}>${t('segments.allDocuments')}</option>
          ${this.sets.map((s) => html`<option value=${s.id} ?selected=${this.query.setId === s.id}>${t('segments.setOption', { name: s.name })}</option>`)}
        </select></label
      >
    </section>`;
  }

  private renderSegment(s: RetrievedSegment): TemplateResult {
    const code = this.codesById.get(s.codeId);
    const doc = this.documentsById.get(s.documentId);
    const coder = Object.hasOwn(this.users, s.coder) ? this.users[s.coder] : s.coder;
    // "…" where the context does not reach the start or the end of the document.
    const moreBefore = s.before !== '' && s.start - cpLength(s.before) > 0;
    const moreAfter = s.after !== '' && (doc === undefined || s.end + cpLength(s.after) < doc.length);
    return html`<li>
      <button type="button" class="entry" data-segment-id=${s.id} @click=${() => this.open(s)}>
        <span class="meta">
          <span class="doc">${s.documentTitle}</span>
          <span class="code"
            ><span class="swatch" style=${styleMap({ background: code?.colour ?? '#94a3b8' })}></span> <span class="code-name">${code?.name ?? t('segments.unknownCode')}</span></span
          >
          <span class="coder">${t('segments.coderLabel', { name: coder ?? s.coder })}</span>
        </span>
        ${doc && Object.keys(doc.attributes).length > 0
          ? html`<span class="attrs">${Object.entries(doc.attributes).map(([k, v]) => html`<span class="attr">${k}: ${formatAttributeValue(v)}</span>`)}</span>`
          : nothing}
        <span class="quote"
          ><span class="context before">${moreBefore ? '…' : ''}${s.before}</span><mark>${s.text}</mark><span class="context after">${s.after}${moreAfter ? '…' : ''}</span></span
        >
        ${s.memo ? html`<span class="memo">${t('segments.memoLabel', { memo: s.memo })}</span>` : nothing}
      </button>
    </li>`;
  }

  private renderResults(): TemplateResult {
    if (this.error) {
      return html`<div role="alert" class="error">
        ${t('segments.error', { message: this.error })} <button type="button" class="retry" @click=${this.retry}>${t('segments.retry')}</button>
      </div>`;
    }
    if (this.loading) return html``;
    if (this.segments.length === 0) {
      return html`<p class="empty">${this.query.codeIds.length === 0 ? t('segments.chooseCodes') : t('segments.none')}</p>`;
    }
    const n = this.segments.length;
    const visible = this.segments.slice(0, this.shown);
    const rest = n - visible.length;
    return html`<ol part="results" class="results" aria-label=${t('segments.results')}>
        ${visible.map((s) => this.renderSegment(s))}
      </ol>
      ${rest > 0
        ? html`<button
            type="button"
            class="more"
            @click=${() => {
              this.shown += PAGE;
            }}
          >
            ${t('segments.showMore', { n: formatNumber(Math.min(PAGE, rest)) })}
          </button>`
        : nothing}`;
  }

  override render(): TemplateResult {
    const n = this.segments.length;
    const count = n === 1 ? t('segments.count.one') : t('segments.count.other', { n: formatNumber(n) });
    const truncated = this.total > n;
    return html`${this.renderControls()}
      <div class="status">
        <span class="count" role="status" aria-busy=${this.loading ? 'true' : 'false'}
          >${this.loading ? t('segments.loading') : this.error ? '' : count}${!this.loading && !this.error && truncated
            ? html` <span class="truncated">(${t('segments.truncated', { n: formatNumber(n), total: formatNumber(this.total) })})</span>`
            : nothing}</span
        >
        <button type="button" class="export" ?disabled=${n === 0 || this.loading} @click=${this.exportCsv}>${t('segments.export')}</button>
      </div>
      ${this.renderResults()}`;
  }
}

customElements.define('sb-segment-list', SbSegmentList);
declare global {
  interface HTMLElementTagNameMap {
    'sb-segment-list': SbSegmentList;
  }
}
