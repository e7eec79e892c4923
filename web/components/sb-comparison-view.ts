import { LitElement, css, html, nothing, svg, type PropertyValues, type SVGTemplateResult, type TemplateResult } from 'lit';
import { styleMap } from 'lit/directives/style-map.js';
import type { Code } from '../../server/schemas/code.js';
import {
  SECTIONS,
  parseSideConditions,
  type BreakdownCell,
  type BreakdownGroup,
  type ComparisonResult,
  type ComparisonRow,
  type Quote,
  type RowCode,
  type Section,
} from '../../server/schemas/comparison.js';
import { getLanguage, LanguageController, t } from '../i18n/index.js';
import type { MessageKey } from '../i18n/de.js';
import { visuallyHidden, focusRing } from './shared-styles.js';
import { PATH_SEPARATOR, formatNumber } from './sb-corpus-model.js';

/** What to compare: the side conditions (condition syntax), the breakdown, the rare threshold, the shown sections. */
export interface ComparisonQuery {
  /** Side A in the syntax of `parseSideConditions`, e.g. `kind=observation`. */
  a: string;
  /** Side B, e.g. `kind=interview,documentation`. */
  b: string;
  /** Break every row down by this attribute; null = no breakdown. */
  by: string | null;
  /** A row is too rare to say below this many documents (A and B together). */
  minDocuments: number;
  /** The sections the table shows (a view filter: changing it needs no new computation). */
  sections: Section[];
}

/** The download links of the findings report (built by the app with the typed client's `$url()`). */
export interface ComparisonReportUrls {
  md: string;
  html: string;
  csv: string;
}

/** The side conditions the app starts with (the server's defaults). */
export const DEFAULT_COMPARISON_QUERY: ComparisonQuery = {
  a: 'kind=observation',
  b: 'kind=interview,documentation',
  by: null,
  minDocuments: 3,
  sections: [...SECTIONS],
};

/** Fired when the user runs a comparison ("Vergleichen"), changes the shown sections, or retries. */
export class ComparisonQueryEvent extends Event {
  constructor(readonly query: ComparisonQuery) {
    super('sb-comparison-query', { bubbles: true, composed: true });
  }
}

/**
 * Fired when the user clicks a number: show the segments of `codeIds` on `side` (with sub-codes for
 * a parent row); `group` when the number is a breakdown cell (the attribute and its value).
 */
export class ComparisonDrillEvent extends Event {
  constructor(
    readonly codeIds: string[],
    readonly side: 'a' | 'b',
    readonly includeSubcodes: boolean,
    readonly rowId: string,
    readonly group: { attribute: string; value: string } | null = null,
  ) {
    super('sb-comparison-drill', { bubbles: true, composed: true });
  }
}

type SortKey = 'aSegments' | 'bSegments' | 'aDocuments' | 'bDocuments' | 'logLikelihood' | 'fisherP' | 'logRatio';
interface Sort {
  key: SortKey;
  dir: 'asc' | 'desc';
}

const SORT_VALUE: Record<SortKey, (r: ComparisonRow) => number | null> = {
  aSegments: (r) => r.a.segments,
  bSegments: (r) => r.b.segments,
  aDocuments: (r) => r.a.documentShare,
  bDocuments: (r) => r.b.documentShare,
  logLikelihood: (r) => r.stats.logLikelihood,
  fisherP: (r) => r.stats.fisherP,
  logRatio: (r) => r.stats.logRatio,
};

const SECTION_LABEL: Record<Section, MessageKey> = {
  both: 'comparison.section.both',
  'only-a': 'comparison.section.only-a',
  'only-b': 'comparison.section.only-b',
  rare: 'comparison.section.rare',
};

const KIND_OPTIONS = ['kind=observation', 'kind=interview', 'kind=documentation', 'kind=interview,documentation', 'kind=other'];

/** A value in the condition syntax: `\` escapes `,` `;` `=` and itself (as `describeSide` on the server). */
function escapeCondition(v: string): string {
  return v.replace(/[\\;,=]/g, (c) => `\\${c}`);
}

const formats = new Map<string, Intl.NumberFormat>();
function fmt(key: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const lang = getLanguage();
  let f = formats.get(`${lang}:${key}`);
  if (!f) formats.set(`${lang}:${key}`, (f = new Intl.NumberFormat(lang, options)));
  return f;
}

/** A share (0…1) as a whole percentage in the UI language ("40 %"). */
function formatShare(share: number): string {
  return fmt('pct', { style: 'percent', maximumFractionDigits: 0 }).format(share);
}

function formatStat(n: number): string {
  return fmt('stat', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(n);
}

function formatP(p: number): string {
  if (p < 0.001) return `< ${fmt('p', { minimumFractionDigits: 3, maximumFractionDigits: 3 }).format(0.001)}`;
  return fmt('p', { minimumFractionDigits: 3, maximumFractionDigits: 3 }).format(p);
}

function formatRatio(r: number | null): string {
  return r === null ? '–' : fmt('ratio', { minimumFractionDigits: 2, maximumFractionDigits: 2, signDisplay: 'exceptZero' }).format(r);
}

/** Do two queries ask for the same computation (sections aside)? */
function sameComputation(x: ComparisonQuery, y: ComparisonQuery): boolean {
  return x.a === y.a && x.b === y.b && x.by === y.by && x.minDocuments === y.minDocuments;
}

/** Shorten a label for the chart (the full text stays in the bar's accessible name). */
function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

/**
 * The visibility comparison: which markings of side A (consultations) reappear in side B
 * (documentation), as the side-by-side table of the research, grouped in the sections *both*,
 * *only A*, *only B* and *too rare*, sortable by every numeric column and filterable by section;
 * a diverging bar chart of the document shares; example quotes; the breakdown by an attribute with
 * suppressed small cells. Pure: the app runs the comparison and passes `result`.
 *
 * Every number of segments or documents is a button that asks for those segments
 * (sb-comparison-drill). All user text (code names, labels, quotes) is rendered as text.
 *
 * @fires sb-comparison-query - "Vergleichen", a changed section filter or Retry (ComparisonQueryEvent: `query` `{ a, b, by, minDocuments, sections }`)
 * @fires sb-comparison-drill - a number was clicked (ComparisonDrillEvent: `codeIds`, `side`, `includeSubcodes`, `rowId`, `group`)
 * @csspart controls - the form with the side definitions
 * @csspart chart - the bar chart's SVG
 */
export class SbComparisonView extends LitElement {
  static override properties = {
    result: { attribute: false },
    codes: { attribute: false },
    loading: { type: Boolean },
    error: { type: String },
    query: { attribute: false },
    setNames: { attribute: false },
    attributeNames: { attribute: false },
    reportUrls: { attribute: false },
    draft: { state: true },
    draftError: { state: true },
    sort: { state: true },
  };

  static override styles = [
    visuallyHidden,
    focusRing,
    css`
    :host {
      display: block;
    }
    form {
      display: flex;
      flex-wrap: wrap;
      gap: 0.75rem;
      align-items: flex-end;
      margin-bottom: 0.5rem;
    }
    form label {
      display: grid;
      gap: 0.15rem;
    }
    form input[type='text'] {
      min-width: 16rem;
    }
    form input[type='number'] {
      width: 5rem;
    }
    .hint {
      font-size: 0.85rem;
      color: #475569;
      margin: 0 0 0.5rem;
    }
    button,
    select,
    input {
      font: inherit;
    }
    [role='alert'] {
      color: #b91c1c;
    }
    .bar {
      display: flex;
      flex-wrap: wrap;
      gap: 0.75rem;
      align-items: center;
      margin: 0.5rem 0;
    }
    fieldset {
      border: 1px solid #cbd5e1;
      border-radius: 4px;
      padding: 0.2rem 0.6rem 0.4rem;
      margin: 0;
    }
    fieldset label {
      margin-right: 0.75rem;
    }
    .downloads a {
      margin-right: 0.75rem;
      color: #0f3b57;
    }
    .sides {
      margin: 0.5rem 0;
      padding-left: 1.2rem;
    }
    .method {
      font-size: 0.9rem;
      background: #f8fafc;
      border-left: 3px solid #94a3b8;
      padding: 0.4rem 0.7rem;
      margin: 0.5rem 0 1rem;
    }
    .scroll {
      overflow-x: auto;
    }
    table {
      border-collapse: collapse;
      width: 100%;
      margin-bottom: 1.25rem;
      font-size: 0.92rem;
    }
    caption {
      text-align: left;
    }
    caption h3 {
      margin: 0.6rem 0 0.3rem;
      font-size: 1.05rem;
    }
    th,
    td {
      border-bottom: 1px solid #e2e8f0;
      padding: 0.25rem 0.4rem;
      vertical-align: top;
      text-align: left;
    }
    td.n {
      text-align: right;
      white-space: nowrap;
    }
    th.n {
      text-align: right;
      min-width: 5rem;
    }
    th.n button {
      font-weight: 600;
      background: none;
      border: none;
      padding: 0;
      cursor: pointer;
      text-align: right;
      color: inherit;
    }
    button.num {
      background: none;
      border: 1px solid transparent;
      border-radius: 3px;
      color: #0f3b57;
      text-decoration: underline;
      cursor: pointer;
      padding: 0 0.2rem;
    }
    button.num:disabled {
      color: #64748b;
      text-decoration: none;
      cursor: default;
    }
    .share {
      color: #475569;
      font-size: 0.85rem;
    }
    .kind {
      display: block;
      color: #64748b;
      font-size: 0.8rem;
      font-weight: normal;
    }
    .note {
      display: block;
      font-size: 0.85rem;
      font-style: italic;
      font-weight: normal;
    }
    .path {
      display: block;
      font-size: 0.8rem;
      font-weight: normal;
      color: #64748b;
    }
    tbody th {
      min-width: 12rem;
    }
    td.side-a,
    td.side-b {
      min-width: 9rem;
    }
    .codes {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    .parents {
      color: #64748b;
    }
    .swatch {
      display: inline-block;
      width: 0.65rem;
      height: 0.65rem;
      border-radius: 2px;
      margin-right: 0.25rem;
    }
    tr.more td {
      border-bottom: 1px solid #cbd5e1;
      padding-bottom: 0.4rem;
    }
    details {
      margin: 0.15rem 0;
    }
    summary {
      cursor: pointer;
      color: #0f3b57;
    }
    .quotes {
      margin: 0.3rem 0;
      padding-left: 1.2rem;
    }
    .quotes li {
      margin-bottom: 0.3rem;
    }
    mark {
      background: #fef9c3;
      color: inherit;
    }
    .suppressed {
      color: #7c2d12;
    }
    .empty {
      color: #64748b;
    }
    .chart {
      margin: 1rem 0;
    }
    .chart svg {
      width: 100%;
      height: auto;
      font-family: inherit;
    }
  `,
  ];

  declare result: ComparisonResult | null;
  declare codes: Code[];
  declare loading: boolean;
  declare error: string;
  /** The query `result` answers (the app keeps it in the URL). */
  declare query: ComparisonQuery;
  /** Names of the project's document sets, offered as `set=NAME`. */
  declare setNames: string[];
  /** Attribute names offered for the breakdown (region, sozialraumbuero, …). */
  declare attributeNames: string[];
  declare reportUrls: ComparisonReportUrls | null;
  declare draft: Omit<ComparisonQuery, 'sections'>;
  declare draftError: { a: string; b: string; min: string };
  declare sort: Sort | null;

  private colours = new Map<string, string>();

  constructor() {
    super();
    new LanguageController(this);
    this.result = null;
    this.codes = [];
    this.loading = false;
    this.error = '';
    this.query = { ...DEFAULT_COMPARISON_QUERY, sections: [...SECTIONS] };
    this.setNames = [];
    this.attributeNames = [];
    this.reportUrls = null;
    this.draft = { a: this.query.a, b: this.query.b, by: null, minDocuments: this.query.minDocuments };
    this.draftError = { a: '', b: '', min: '' };
    this.sort = null;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // The app may hand over an equal query in a new object on every render: keep what the user is typing then.
    const previous = changed.get('query') as ComparisonQuery | undefined;
    if (changed.has('query') && (!previous || !sameComputation(previous, this.query))) {
      const q = this.query;
      this.draft = { a: q.a, b: q.b, by: q.by, minDocuments: q.minDocuments };
      this.draftError = { a: '', b: '', min: '' };
    }
    if (changed.has('codes')) this.colours = new Map(this.codes.map((c) => [c.id, c.colour]));
  }

  private emit(query: ComparisonQuery): void {
    this.dispatchEvent(new ComparisonQueryEvent({ ...query, sections: [...query.sections] }));
  }

  private submit(e: Event): void {
    e.preventDefault();
    const check = (text: string): string => {
      if (text.trim() === '') return t('comparison.side.empty');
      const parsed = parseSideConditions([text]);
      return parsed.ok ? '' : parsed.message;
    };
    const min = this.draft.minDocuments;
    const errors = { a: check(this.draft.a), b: check(this.draft.b), min: Number.isInteger(min) && min >= 1 && min <= 100_000 ? '' : t('comparison.minDocuments.invalid') };
    this.draftError = errors;
    if (errors.a || errors.b || errors.min) {
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>(errors.a ? '#side-a' : errors.b ? '#side-b' : '#min-documents')?.focus());
      return;
    }
    this.emit({ ...this.draft, a: this.draft.a.trim(), b: this.draft.b.trim(), sections: this.query.sections });
  }

  private toggleSection(section: Section, on: boolean): void {
    const sections = SECTIONS.filter((s) => (s === section ? on : this.query.sections.includes(s)));
    this.query = { ...this.query, sections };
    this.emit(this.query);
  }

  private toggleSort(key: SortKey): void {
    const s = this.sort;
    this.sort = s?.key !== key ? { key, dir: 'desc' } : s.dir === 'desc' ? { key, dir: 'asc' } : null;
  }

  private drill(row: ComparisonRow, side: 'a' | 'b', group: BreakdownGroup | null = null): void {
    const ids = row.kind === 'crosswalk' ? row.codes.filter((c) => c.side === side).map((c) => c.id) : row.codes.map((c) => c.id);
    const g = group && this.result?.thresholds.by ? { attribute: this.result.thresholds.by, value: group.value } : null;
    this.dispatchEvent(new ComparisonDrillEvent(ids, side, row.kind === 'parent', row.id, g));
  }

  /** Rows of one section in the chosen order (server order when unsorted). */
  private rowsOf(section: Section): ComparisonRow[] {
    const rows = (this.result?.rows ?? []).filter((r) => r.section === section);
    const s = this.sort;
    if (!s) return rows;
    const value = SORT_VALUE[s.key];
    const sign = s.dir === 'asc' ? 1 : -1;
    // Rows without a value (a log ratio of two zeros) go last either way.
    return [...rows].sort((x, y) => {
      const a = value(x);
      const b = value(y);
      if (a === null || b === null) return a === null ? (b === null ? 0 : 1) : -1;
      return (a - b) * sign;
    });
  }

  private sideLabel(side: 'a' | 'b'): string {
    return this.result?.[side].label ?? (side === 'a' ? 'A' : 'B');
  }

  // ---- rendering ----

  private renderControls(): TemplateResult {
    const d = this.draft;
    const input = (side: 'a' | 'b'): TemplateResult => {
      const error = this.draftError[side];
      return html`<label
        >${t(side === 'a' ? 'comparison.side.a' : 'comparison.side.b')}
        <input
          type="text"
          id="side-${side}"
          name=${side}
          list="conditions"
          spellcheck="false"
          autocomplete="off"
          .value=${d[side]}
          aria-invalid=${error ? 'true' : 'false'}
          aria-describedby=${error ? `side-${side}-error` : 'syntax'}
          @input=${(e: Event) => (this.draft = { ...this.draft, [side]: (e.target as HTMLInputElement).value })}
        />
        ${error ? html`<span id="side-${side}-error" role="alert">${error}</span>` : nothing}</label
      >`;
    };
    return html`<form part="controls" aria-label=${t('comparison.controls')} @submit=${this.submit}>
        ${input('a')} ${input('b')}
        <datalist id="conditions">
          ${KIND_OPTIONS.map((o) => html`<option value=${o}></option>`)} ${this.setNames.map((n) => html`<option value=${`set=${escapeCondition(n)}`}></option>`)}
        </datalist>
        <label
          >${t('comparison.by')}
          <select name="by" @change=${(e: Event) => (this.draft = { ...this.draft, by: (e.target as HTMLSelectElement).value || null })}>
            <option value="" ?selected=${d.by === null}>${t('comparison.by.none')}</option>
            ${[...new Set([...this.attributeNames, ...(d.by ? [d.by] : [])])].map((a) => html`<option value=${a} ?selected=${d.by === a}>${a}</option>`)}
          </select></label
        >
        <label
          >${t('comparison.minDocuments')}
          <input
            type="number"
            id="min-documents"
            name="minDocuments"
            min="1"
            max="100000"
            step="1"
            .value=${Number.isNaN(d.minDocuments) ? '' : String(d.minDocuments)}
            aria-invalid=${this.draftError.min ? 'true' : 'false'}
            aria-describedby=${this.draftError.min ? 'min-error' : nothing}
            @input=${(e: Event) => {
              const v = (e.target as HTMLInputElement).value;
              this.draft = { ...this.draft, minDocuments: v.trim() === '' ? Number.NaN : Number(v) };
            }}
          />
          ${this.draftError.min ? html`<span id="min-error" role="alert">${this.draftError.min}</span>` : nothing}</label
        >
        <button type="submit" class="run">${t('comparison.run')}</button>
      </form>
      <p class="hint" id="syntax">${t('comparison.syntax')}</p>`;
  }

  private renderToolbar(): TemplateResult {
    const u = this.reportUrls;
    return html`<div class="bar">
      <fieldset class="section-filter">
        <legend>${t('comparison.showSections')}</legend>
        ${SECTIONS.map(
          (s) =>
            html`<label
              ><input
                type="checkbox"
                name="section"
                value=${s}
                .checked=${this.query.sections.includes(s)}
                @change=${(e: Event) => this.toggleSection(s, (e.target as HTMLInputElement).checked)}
              />
              ${t(SECTION_LABEL[s])} (${formatNumber(this.result?.rows.filter((r) => r.section === s).length ?? 0)})</label
            >`,
        )}
      </fieldset>
      ${u
        ? html`<span class="downloads"
            >${t('comparison.report')}: <a href=${u.md} download="vergleich.md" class="report-md">${t('comparison.report.md')}</a>
            <a href=${u.html} download="vergleich.html" class="report-html">${t('comparison.report.html')}</a>
            <a href=${u.csv} download="vergleich.csv" class="report-csv">${t('comparison.report.csv')}</a></span
          >`
        : nothing}
    </div>`;
  }

  private renderMethod(r: ComparisonResult): TemplateResult {
    const th = r.thresholds;
    const side = (key: 'a' | 'b'): TemplateResult => {
      const s = r[key];
      return html`<li>
        <strong>${key.toUpperCase()}: ${s.label}</strong> (<code>${s.definition}</code>) –
        ${t('comparison.sideSummary', { documents: formatNumber(s.documents), base: formatNumber(s.baseDocuments), segments: formatNumber(s.segments) })}
      </li>`;
    };
    return html`<ul class="sides" aria-label=${t('comparison.sides')}>
        ${side('a')} ${side('b')}
      </ul>
      <p class="method" id="method">
        ${t('comparison.thresholds', {
          min: formatNumber(th.minDocuments),
          present: formatNumber(th.presentDocuments),
          base: t(th.base === 'coded' ? 'comparison.base.coded' : 'comparison.base.all'),
        })}
        ${th.by !== null ? t('comparison.thresholds.k', { k: formatNumber(th.minCellDocuments), by: th.by }) : nothing} ${t('comparison.statsExplained')}
        <strong>${t('comparison.notProof')}</strong>
      </p>`;
  }

  /** The codes a row counts on one side (the code names; the full path as a tooltip), or a dash. */
  private renderCodes(row: ComparisonRow, side: 'a' | 'b'): TemplateResult {
    let codes: RowCode[];
    if (row.kind === 'crosswalk') codes = row.codes.filter((c) => c.side === side);
    else codes = row[side].documents > 0 || row.section === 'both' ? row.codes : [];
    if (codes.length === 0) return html`<span class="none">–</span><span class="vh">${t('comparison.notOnSide')}</span>`;
    return html`<ul class="codes">
      ${codes.map(
        (c) =>
          html`<li title=${c.path.join(PATH_SEPARATOR)}>
            <span class="swatch" style=${styleMap({ background: this.colours.get(c.id) ?? '#94a3b8' })}></span><span class="code-name">${c.name}</span>
          </li>`,
      )}
    </ul>`;
  }

  private drillButton(row: ComparisonRow, side: 'a' | 'b', what: 'segments' | 'documents', n: number, group: BreakdownGroup | null = null): TemplateResult {
    const label = t(what === 'segments' ? 'comparison.drill.segments' : 'comparison.drill.documents', {
      n: formatNumber(n),
      side: side.toUpperCase(),
      label: row.label,
    });
    return html`<button
      type="button"
      class="num"
      data-drill="${side}-${what}"
      aria-label=${group ? `${label} (${group.value || t('comparison.noValue')})` : label}
      ?disabled=${n === 0}
      @click=${() => this.drill(row, side, group)}
    >
      ${formatNumber(n)}
    </button>`;
  }

  private renderHead(): TemplateResult {
    const col = (key: SortKey, label: string): TemplateResult => {
      const s = this.sort?.key === key ? this.sort.dir : null;
      return html`<th class="n" scope="col" aria-sort=${s === 'asc' ? 'ascending' : s === 'desc' ? 'descending' : 'none'}>
        <button type="button" class="sort" data-sort=${key} @click=${() => this.toggleSort(key)}>${label}${s === 'asc' ? ' ▲' : s === 'desc' ? ' ▼' : ''}</button>
      </th>`;
    };
    return html`<thead>
      <tr>
        <th scope="col">${t('comparison.col.row')}</th>
        <th scope="col">${t('comparison.col.side', { side: 'A', label: this.sideLabel('a') })}</th>
        <th scope="col">${t('comparison.col.side', { side: 'B', label: this.sideLabel('b') })}</th>
        ${col('aSegments', t('comparison.col.segments', { side: 'A' }))} ${col('bSegments', t('comparison.col.segments', { side: 'B' }))}
        ${col('aDocuments', t('comparison.col.documents', { side: 'A' }))} ${col('bDocuments', t('comparison.col.documents', { side: 'B' }))}
        ${col('logLikelihood', t('comparison.col.ll'))} ${col('fisherP', t('comparison.col.fisher'))} ${col('logRatio', t('comparison.col.logRatio'))}
      </tr>
    </thead>`;
  }

  private renderQuote(q: Quote): TemplateResult {
    const before = q.text.slice(0, q.highlight.start);
    const coded = q.text.slice(q.highlight.start, q.highlight.end);
    const after = q.text.slice(q.highlight.end);
    return html`<li class="quote" data-side=${q.side}>
      <span class="quote-source">${q.side.toUpperCase()} · ${q.documentTitle}:</span> „<span class="quote-text">${before}<mark>${coded}</mark>${after}</span>“
    </li>`;
  }

  private renderCell(row: ComparisonRow, group: BreakdownGroup, side: 'a' | 'b', k: number): TemplateResult {
    const cell: BreakdownCell = group[side];
    if (cell.suppressed !== null) {
      const text = cell.suppressed === 'small' ? `< ${formatNumber(k)}` : '×';
      return html`<td class="n suppressed" colspan="2" data-suppressed=${cell.suppressed}>
        ${text}<span class="vh"> ${t(cell.suppressed === 'small' ? 'comparison.suppressed.small' : 'comparison.suppressed.secondary', { k: formatNumber(k) })}</span>
      </td>`;
    }
    return html`<td class="n">${this.drillButton(row, side, 'documents', cell.documents ?? 0, group)} <span class="share">(${formatShare(cell.documentShare ?? 0)})</span></td>
      <td class="n">${this.drillButton(row, side, 'segments', cell.segments ?? 0, group)}</td>`;
  }

  private renderBreakdown(row: ComparisonRow, by: string, k: number): TemplateResult {
    const groups = row.breakdown ?? [];
    const anySuppressed = groups.some((g) => g.a.suppressed !== null || g.b.suppressed !== null);
    const id = `bd-${row.id}`;
    return html`<details class="breakdown" open>
      <summary>${t('comparison.breakdown', { by, n: formatNumber(groups.length) })}</summary>
      <table aria-describedby=${anySuppressed ? id : nothing}>
        <thead>
          <tr>
            <th scope="col">${by}</th>
            <th scope="col" class="n">${t('comparison.col.documents', { side: 'A' })}</th>
            <th scope="col" class="n">${t('comparison.col.segments', { side: 'A' })}</th>
            <th scope="col" class="n">${t('comparison.col.documents', { side: 'B' })}</th>
            <th scope="col" class="n">${t('comparison.col.segments', { side: 'B' })}</th>
            <th scope="col">${t('comparison.col.section')}</th>
          </tr>
        </thead>
        <tbody>
          ${groups.map(
            (g) =>
              html`<tr data-group=${g.value}>
                <th scope="row">${g.value || t('comparison.noValue')}</th>
                ${this.renderCell(row, g, 'a', k)} ${this.renderCell(row, g, 'b', k)}
                <td>${g.section ? t(SECTION_LABEL[g.section]) : '–'}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      ${anySuppressed ? html`<p class="hint" id=${id}>${t('comparison.suppressed.explain', { k: formatNumber(k) })}</p>` : nothing}
    </details>`;
  }

  private renderRow(row: ComparisonRow): TemplateResult {
    const th = this.result?.thresholds;
    const by = th?.by ?? null;
    const quotes = row.evidence;
    const kindLabel = row.kind === 'crosswalk' ? t('comparison.kind.crosswalk') : row.kind === 'parent' ? t('comparison.kind.parent') : '';
    return html`<tr data-row-id=${row.id}>
        <th scope="row">
          <span class="label">${row.label}</span>${kindLabel ? html`<span class="kind">${kindLabel}</span>` : nothing}${row.kind !== 'crosswalk' &&
          (row.codes[0]?.path.length ?? 0) > 1
            ? html`<span class="path">${row.codes[0]?.path.slice(0, -1).join(PATH_SEPARATOR)}</span>`
            : nothing}${row.note
            ? html`<span class="note">${row.note}</span>`
            : nothing}
        </th>
        <td class="side-a">${this.renderCodes(row, 'a')}</td>
        <td class="side-b">${this.renderCodes(row, 'b')}</td>
        <td class="n">${this.drillButton(row, 'a', 'segments', row.a.segments)}</td>
        <td class="n">${this.drillButton(row, 'b', 'segments', row.b.segments)}</td>
        <td class="n">${this.drillButton(row, 'a', 'documents', row.a.documents)} <span class="share">(${formatShare(row.a.documentShare)})</span></td>
        <td class="n">${this.drillButton(row, 'b', 'documents', row.b.documents)} <span class="share">(${formatShare(row.b.documentShare)})</span></td>
        <td class="n ll">${formatStat(row.stats.logLikelihood)}</td>
        <td class="n p">${formatP(row.stats.fisherP)}</td>
        <td class="n lr">${formatRatio(row.stats.logRatio)}</td>
      </tr>
      ${quotes.length > 0 || (by !== null && row.breakdown)
        ? html`<tr class="more">
            <td colspan="10">
              ${quotes.length > 0
                ? html`<details class="evidence">
                    <summary>${t('comparison.evidence', { n: formatNumber(quotes.length), label: row.label })}</summary>
                    <ul class="quotes">
                      ${quotes.map((q) => this.renderQuote(q))}
                    </ul>
                  </details>`
                : nothing}
              ${by !== null && row.breakdown ? this.renderBreakdown(row, by, th?.minCellDocuments ?? 3) : nothing}
            </td>
          </tr>`
        : nothing}`;
  }

  private renderSection(section: Section): TemplateResult {
    const rows = this.rowsOf(section);
    return html`<section class="section" data-section=${section}>
      <div class="scroll">
        <table aria-describedby="method">
          <caption>
            <h3>${t(SECTION_LABEL[section])}</h3>
          </caption>
          ${this.renderHead()}
          <tbody>
            ${rows.length === 0
              ? html`<tr>
                  <td colspan="10" class="empty">${t('comparison.noRows')}</td>
                </tr>`
              : rows.map((r) => this.renderRow(r))}
          </tbody>
        </table>
      </div>
    </section>`;
  }

  private renderChart(): TemplateResult {
    const sections = SECTIONS.filter((s) => this.query.sections.includes(s));
    const lines: ({ kind: 'heading'; section: Section } | { kind: 'row'; row: ComparisonRow })[] = [];
    for (const s of sections) {
      const rows = this.rowsOf(s);
      if (rows.length === 0) continue;
      lines.push({ kind: 'heading', section: s });
      for (const row of rows) lines.push({ kind: 'row', row });
    }
    if (lines.length === 0) return html``;
    // Label column, then room for the percentage beside each bar, then the two halves.
    const W = 800;
    const labelW = 300;
    const pad = 44;
    const half = (W - labelW - 10 - 2 * pad) / 2;
    const center = labelW + 10 + pad + half;
    const lineH = 20;
    const top = 28;
    const height = top + lines.length * lineH + 8;
    const labelA = this.sideLabel('a');
    const labelB = this.sideLabel('b');
    const parts: SVGTemplateResult[] = lines.map((line, i) => {
      const y = top + i * lineH;
      if (line.kind === 'heading') {
        return svg`<text x="0" y=${y + 14} font-weight="600" font-size="13" aria-hidden="true">${t(SECTION_LABEL[line.section])}</text>`;
      }
      const r = line.row;
      const wa = r.a.documentShare * half;
      const wb = r.b.documentShare * half;
      const name = t('comparison.chart.bar', { label: r.label, a: formatShare(r.a.documentShare), b: formatShare(r.b.documentShare), sideA: labelA, sideB: labelB });
      return svg`<g role="img" aria-label=${name} class="chart-row" data-row-id=${r.id}>
        <title>${name}</title>
        <text x=${labelW} y=${y + 14} text-anchor="end" font-size="11">${shorten(r.label, 44)}</text>
        <rect class="bar-a" x=${center - wa} y=${y + 3} width=${wa} height=${lineH - 6} fill="#0f766e"></rect>
        <rect class="bar-b" x=${center} y=${y + 3} width=${wb} height=${lineH - 6} fill="#b45309"></rect>
        <text x=${center - wa - 4} y=${y + 14} text-anchor="end" font-size="11" fill="#334155">${formatShare(r.a.documentShare)}</text>
        <text x=${center + wb + 4} y=${y + 14} font-size="11" fill="#334155">${formatShare(r.b.documentShare)}</text>
      </g>`;
    });
    return html`<figure class="chart" style="max-width: ${W}px">
      <figcaption id="chart-caption">${t('comparison.chart.caption', { sideA: labelA, sideB: labelB })}</figcaption>
      <svg part="chart" role="group" aria-labelledby="chart-caption" viewBox="0 0 ${W} ${height}" width=${W} height=${height}>
        <text x=${center - 6} y="14" text-anchor="end" font-size="12" font-weight="600" aria-hidden="true">← A: ${shorten(labelA, 32)}</text>
        <text x=${center + 6} y="14" font-size="12" font-weight="600" aria-hidden="true">B: ${shorten(labelB, 32)} →</text>
        <line x1=${center} x2=${center} y1="20" y2=${height} stroke="#64748b" stroke-width="1"></line>
        ${parts}
      </svg>
    </figure>`;
  }

  private renderResult(): TemplateResult {
    if (this.error) {
      return html`<div role="alert" class="error">
        ${this.error} <button type="button" class="retry" @click=${() => this.emit(this.query)}>${t('error.retry')}</button>
      </div>`;
    }
    const r = this.result;
    if (!r) return html`${this.loading ? nothing : html`<p class="empty">${t('comparison.none')}</p>`}`;
    return html`${this.renderMethod(r)} ${SECTIONS.filter((s) => this.query.sections.includes(s)).map((s) => this.renderSection(s))} ${this.renderChart()}`;
  }

  override render(): TemplateResult {
    return html`${this.renderControls()} ${this.renderToolbar()}
      <p role="status" class="loading">${this.loading ? t('comparison.loading') : ''}</p>
      <div aria-busy=${this.loading ? 'true' : 'false'}>${this.renderResult()}</div>`;
  }
}

customElements.define('sb-comparison-view', SbComparisonView);
declare global {
  interface HTMLElementTagNameMap {
    'sb-comparison-view': SbComparisonView;
  }
}
