import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { AgreementCoder, AgreementLevel, AgreementMeasures, AgreementResult, ConsensusDecision, Disagreement } from '../../server/schemas/agreement.js';
import type { DocumentSet } from '../../server/schemas/document-set.js';
import type { PublicUser } from '../../server/schemas/user.js';
import { can } from '../../server/domain/permissions.js';
import { createClient, errorMessage, type Client } from '../api.js';
import { LanguageController, t } from '../i18n/index.js';
import { routeToUrl } from '../route.js';

type Take = ConsensusDecision['take'];

const COLUMNS: { key: keyof AgreementMeasures; label: Parameters<typeof t>[0]; kind: 'count' | 'percent' | 'coef' }[] = [
  { key: 'units', label: 'agreement.col.units', kind: 'count' },
  { key: 'agreements', label: 'agreement.col.agreements', kind: 'count' },
  { key: 'percentAgreement', label: 'agreement.col.percent', kind: 'percent' },
  { key: 'cohenKappa', label: 'agreement.col.cohen', kind: 'coef' },
  { key: 'fleissKappa', label: 'agreement.col.fleiss', kind: 'coef' },
  { key: 'brennanPredigerKappa', label: 'agreement.col.bp', kind: 'coef' },
  { key: 'krippendorffAlpha', label: 'agreement.col.alpha', kind: 'coef' },
];

/**
 * The agreement view of one project (issue 6): choose level, coders, overlap threshold and document
 * set; see the agreement table per code and overall (download as CSV or Markdown); walk through the
 * disagreements of two coders side by side, jump into the document, and build the consensus coding
 * (take one version, both or neither). Self-contained: it creates its own typed client and loads its
 * data itself, so the workbench only passes `projectId` and `user`.
 *
 * @csspart table - the agreement table
 * @csspart disagreements - the disagreement list
 */
export class SbAgreementView extends LitElement {
  static override properties = {
    projectId: { type: String },
    user: { attribute: false },
    level: { state: true },
    threshold: { state: true },
    setId: { state: true },
    selectedCoders: { state: true },
    availableCoders: { state: true },
    sets: { state: true },
    result: { state: true },
    disagreements: { state: true },
    pair: { state: true },
    codeFilter: { state: true },
    decided: { state: true },
    loading: { state: true },
    error: { state: true },
    consensusError: { state: true },
  };

  static override styles = css`
    :host {
      display: block;
    }
    fieldset {
      display: flex;
      flex-wrap: wrap;
      gap: 0.6rem 1.2rem;
      align-items: end;
      border: 1px solid #e2e8f0;
      border-radius: 4px;
      margin: 0 0 1rem;
    }
    label {
      display: flex;
      flex-direction: column;
      gap: 0.2rem;
      font-size: 0.9rem;
    }
    .coders label {
      flex-direction: row;
      align-items: center;
    }
    .help {
      font-size: 0.8rem;
      color: #475569;
    }
    table {
      border-collapse: collapse;
      width: 100%;
      font-size: 0.9rem;
    }
    th,
    td {
      border-bottom: 1px solid #e2e8f0;
      padding: 0.3rem 0.5rem;
      text-align: right;
    }
    th[scope='row'],
    thead th:first-child {
      text-align: left;
      font-weight: normal;
    }
    tfoot th,
    tfoot td {
      font-weight: 600;
    }
    [role='alert'] {
      color: #b91c1c;
    }
    .downloads {
      display: flex;
      gap: 1rem;
      margin: 0.5rem 0 1.5rem;
    }
    ol {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    li.dis {
      border: 1px solid #e2e8f0;
      border-radius: 4px;
      padding: 0.5rem 0.6rem;
      margin-bottom: 0.6rem;
    }
    .sides {
      display: grid;
      grid-template-columns: 1fr 1fr;
      gap: 0.8rem;
      margin: 0.4rem 0;
    }
    .side {
      background: #f8fafc;
      padding: 0.3rem 0.5rem;
      border-radius: 3px;
    }
    .quote {
      white-space: pre-wrap;
      display: block;
    }
    .memo {
      font-style: italic;
      font-size: 0.85rem;
      display: block;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: 0.4rem;
      align-items: center;
    }
    .muted {
      color: #475569;
    }
  `;

  declare projectId: string;
  declare user: PublicUser | undefined;
  declare level: AgreementLevel;
  /** Percent, 1–100. */
  declare threshold: number;
  declare setId: string;
  declare selectedCoders: string[];
  declare availableCoders: AgreementCoder[];
  declare sets: DocumentSet[];
  declare result: AgreementResult | undefined;
  declare disagreements: Disagreement[];
  declare pair: AgreementCoder[];
  declare codeFilter: string;
  declare decided: Record<string, Take>;
  declare loading: boolean;
  declare error: string;
  declare consensusError: string;

  private client: Client | undefined;
  private request = 0;

  constructor() {
    super();
    new LanguageController(this);
    this.projectId = '';
    this.user = undefined;
    this.level = 'document';
    this.threshold = 90;
    this.setId = '';
    this.selectedCoders = [];
    this.availableCoders = [];
    this.sets = [];
    this.result = undefined;
    this.disagreements = [];
    this.pair = [];
    this.codeFilter = '';
    this.decided = {};
    this.loading = false;
    this.error = '';
    this.consensusError = '';
  }

  private get api(): Client {
    this.client ??= createClient();
    return this.client;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('projectId') && this.projectId) {
      this.availableCoders = [];
      this.selectedCoders = [];
      this.decided = {};
      void this.loadSets();
      void this.load();
    }
  }

  private get param() {
    return { param: { projectId: this.projectId } };
  }

  private async loadSets(): Promise<void> {
    try {
      const res = await this.api.api.projects[':projectId'].sets.$get(this.param);
      if (res.ok) this.sets = ((await res.json()) as { sets: DocumentSet[] }).sets;
    } catch {
      // the set menu stays empty; the table still loads for all documents
    }
  }

  /** Compute the table and the disagreement list for the current settings. */
  async load(): Promise<void> {
    const mine = ++this.request;
    this.loading = true;
    this.error = '';
    const scope = {
      ...(this.selectedCoders.length > 0 ? { coders: this.selectedCoders.join(',') } : {}),
      ...(this.setId ? { set: this.setId } : {}),
      threshold: String(this.threshold / 100),
    };
    const p = this.api.api.projects[':projectId'].agreement;
    try {
      const [table, list] = await Promise.all([
        p.$get({ ...this.param, query: { level: this.level, format: 'json', ...scope } }),
        // The list compares two coders: the first two chosen (none with only one chosen).
        this.selectedCoders.length === 1
          ? Promise.resolve(new Response(JSON.stringify({ coders: [], disagreements: [] }), { status: 200 }))
          : p.disagreements.$get({ ...this.param, query: { ...scope, ...(this.selectedCoders.length > 2 ? { coders: this.selectedCoders.slice(0, 2).join(',') } : {}) } }),
      ]);
      if (mine !== this.request) return;
      if (!table.ok) throw new Error(await errorMessage(table));
      if (!list.ok) throw new Error(await errorMessage(list));
      const result = (await table.json()) as AgreementResult;
      const dis = (await list.json()) as { coders: AgreementCoder[]; disagreements: Disagreement[] };
      this.result = result;
      this.disagreements = dis.disagreements;
      this.pair = dis.coders;
      if (this.availableCoders.length === 0) this.availableCoders = result.coders;
      if (this.selectedCoders.length === 0) this.selectedCoders = result.coders.map((c) => c.id);
    } catch (e) {
      if (mine === this.request) this.error = e instanceof Error ? e.message : String(e);
    } finally {
      if (mine === this.request) this.loading = false;
    }
  }

  private async decide(d: Disagreement, take: Take): Promise<void> {
    this.consensusError = '';
    try {
      const res = await this.api.api.projects[':projectId'].agreement.consensus.$post({ ...this.param, json: { take, a: d.a.segment?.id ?? null, b: d.b.segment?.id ?? null } });
      if (!res.ok) throw new Error(await errorMessage(res));
      this.decided = { ...this.decided, [d.id]: take };
    } catch (e) {
      this.consensusError = t('agreement.consensusError', { message: e instanceof Error ? e.message : String(e) });
    }
  }

  private downloadUrl(format: 'csv' | 'md'): string {
    const q = new URLSearchParams({ level: this.level, format, threshold: String(this.threshold / 100) });
    if (this.selectedCoders.length > 0) q.set('coders', this.selectedCoders.join(','));
    if (this.setId) q.set('set', this.setId);
    return `/api/projects/${encodeURIComponent(this.projectId)}/agreement?${q.toString()}`;
  }

  private toggleCoder(id: string, on: boolean): void {
    this.selectedCoders = on ? [...new Set([...this.selectedCoders, id])] : this.selectedCoders.filter((c) => c !== id);
  }

  private format(value: number | null, kind: 'count' | 'percent' | 'coef'): TemplateResult | string {
    if (value === null) return html`<span title=${t('agreement.notApplicable')} aria-label=${t('agreement.notApplicable')}>–</span>`;
    if (kind === 'count') return String(value);
    if (kind === 'percent') return `${(value * 100).toFixed(1)} %`;
    return value.toFixed(3);
  }

  private renderSettings(): TemplateResult {
    return html`<form
      @submit=${(e: Event) => {
        e.preventDefault();
        void this.load();
      }}
    >
      <fieldset>
        <legend>${t('agreement.settings')}</legend>
        <label
          >${t('agreement.level')}
          <select
            name="level"
            .value=${this.level}
            @change=${(e: Event) => {
              this.level = (e.target as HTMLSelectElement).value as AgreementLevel;
            }}
          >
            ${(['document', 'segment', 'unitizing'] as const).map((l) => html`<option value=${l} ?selected=${l === this.level}>${t(`agreement.level.${l}`)}</option>`)}
          </select>
        </label>
        <label
          >${t('agreement.threshold')}
          <input
            name="threshold"
            type="number"
            min="1"
            max="100"
            step="1"
            .value=${String(this.threshold)}
            ?disabled=${this.level !== 'segment'}
            aria-describedby="threshold-help"
            @change=${(e: Event) => {
              const v = Number((e.target as HTMLInputElement).value);
              if (v >= 1 && v <= 100) this.threshold = v;
            }}
          />
          <span class="help" id="threshold-help">${t('agreement.thresholdHelp')}</span>
        </label>
        <label
          >${t('agreement.set')}
          <select
            name="set"
            @change=${(e: Event) => {
              this.setId = (e.target as HTMLSelectElement).value;
            }}
          >
            <option value="" ?selected=${this.setId === ''}>${t('agreement.allDocuments')}</option>
            ${this.sets.map((s) => html`<option value=${s.id} ?selected=${s.id === this.setId}>${s.name}</option>`)}
          </select>
        </label>
        <fieldset class="coders">
          <legend>${t('agreement.coders')}</legend>
          ${this.availableCoders.map(
            (c) =>
              html`<label
                ><input
                  type="checkbox"
                  name="coder"
                  value=${c.id}
                  .checked=${this.selectedCoders.includes(c.id)}
                  @change=${(e: Event) => this.toggleCoder(c.id, (e.target as HTMLInputElement).checked)}
                />${c.displayName} (${c.login})</label
              >`,
          )}
        </fieldset>
        <button type="submit" ?disabled=${this.loading}>${t('agreement.compute')}</button>
      </fieldset>
    </form>`;
  }

  private renderTable(r: AgreementResult): TemplateResult {
    if (r.coders.length < 2) return html`<p>${r.codes.length === 0 ? t('agreement.empty') : t('agreement.oneCoder')}</p>`;
    if (r.codes.length === 0) return html`<p>${t('agreement.empty')}</p>`;
    return html`<table part="table">
      <caption>
        ${t('agreement.table')}
      </caption>
      <thead>
        <tr>
          <th scope="col">${t('agreement.col.code')}</th>
          ${COLUMNS.map((c) => html`<th scope="col">${t(c.label)}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${r.codes.map((row) => html`<tr><th scope="row" title=${row.path}>${row.name}</th>${COLUMNS.map((c) => html`<td>${this.format(row[c.key], c.kind)}</td>`)}</tr>`)}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">${t('agreement.overall')}</th>
          ${COLUMNS.map((c) => html`<td>${this.format(r.overall[c.key], c.kind)}</td>`)}
        </tr>
      </tfoot>
    </table>`;
  }

  private coderName(id: string): string {
    const c = [...this.pair, ...(this.result?.coders ?? [])].find((x) => x.id === id);
    return c ? c.displayName : id;
  }

  private codeName(id: string): string {
    return this.result?.codes.find((c) => c.id === id)?.name ?? id;
  }

  private renderSide(side: Disagreement['a']): TemplateResult {
    const s = side.segment;
    return html`<div class="side">
      <strong>${this.coderName(side.coder)}</strong>
      ${s
        ? html`<span class="code">${this.codeName(s.codeId)}</span>
            <q class="quote">${s.text}</q>
            ${s.memo ? html`<span class="memo">${t('agreement.memo', { memo: s.memo })}</span>` : nothing}`
        : html`<span class="muted">${t('agreement.none')}</span>`}
    </div>`;
  }

  private renderDisagreements(): TemplateResult {
    const mayDecide = !!this.user && can(this.user.role, 'code');
    const list = this.codeFilter ? this.disagreements.filter((d) => d.a.segment?.codeId === this.codeFilter || d.b.segment?.codeId === this.codeFilter) : this.disagreements;
    const [a, b] = this.pair;
    return html`<section part="disagreements" aria-labelledby="dis-heading">
      <h3 id="dis-heading">${a && b ? t('agreement.disagreementsOf', { a: a.displayName, b: b.displayName }) : t('agreement.disagreements')}</h3>
      <label
        >${t('agreement.filterCode')}
        <select
          name="code-filter"
          @change=${(e: Event) => {
            this.codeFilter = (e.target as HTMLSelectElement).value;
          }}
        >
          <option value="">${t('agreement.allCodes')}</option>
          ${(this.result?.codes ?? []).map((c) => html`<option value=${c.id} ?selected=${c.id === this.codeFilter}>${c.path}</option>`)}
        </select>
      </label>
      ${this.consensusError ? html`<p role="alert">${this.consensusError}</p>` : nothing}
      ${list.length === 0
        ? html`<p>${t('agreement.noDisagreements')}</p>`
        : html`<ol>
            ${list.map((d) => {
              const decided = this.decided[d.id];
              const href = routeToUrl({ name: 'coding', projectId: this.projectId, documentId: d.documentId, codeId: null, at: { start: d.start, end: d.end } });
              return html`<li class="dis">
                <div>
                  <strong>${d.documentTitle}</strong> · ${d.start}–${d.end} · <span class="kind">${t(`agreement.kind.${d.kind}`)}</span> ·
                  <a href=${href} aria-label=${t('agreement.openAt', { title: d.documentTitle, start: d.start, end: d.end })}>${t('agreement.open')}</a>
                </div>
                <div class="sides">${this.renderSide(d.a)}${this.renderSide(d.b)}</div>
                ${mayDecide
                  ? html`<div class="actions" role="group" aria-label=${t('agreement.consensus')}>
                      ${decided
                        ? html`<span role="status">${t(`agreement.decided.${decided}`, { name: this.coderName(decided === 'b' ? d.b.coder : d.a.coder) })}</span>`
                        : html`<button type="button" data-take="a" ?disabled=${!d.a.segment} @click=${() => void this.decide(d, 'a')}>${t('agreement.take.a', { name: this.coderName(d.a.coder) })}</button>
                            <button type="button" data-take="b" ?disabled=${!d.b.segment} @click=${() => void this.decide(d, 'b')}>${t('agreement.take.b', { name: this.coderName(d.b.coder) })}</button>
                            <button type="button" data-take="both" ?disabled=${!d.a.segment || !d.b.segment} @click=${() => void this.decide(d, 'both')}>${t('agreement.take.both')}</button>
                            <button type="button" data-take="neither" @click=${() => void this.decide(d, 'neither')}>${t('agreement.take.neither')}</button>`}
                    </div>`
                  : nothing}
              </li>`;
            })}
          </ol>`}
    </section>`;
  }

  protected override render(): TemplateResult {
    return html`<h2>${t('agreement.heading')}</h2>
      ${this.renderSettings()}
      ${this.loading ? html`<p role="status">${t('agreement.loading')}</p>` : nothing}
      ${this.error
        ? html`<p role="alert">${t('agreement.error', { message: this.error })} <button type="button" @click=${() => void this.load()}>${t('agreement.retry')}</button></p>`
        : nothing}
      ${this.result
        ? html`${this.renderTable(this.result)}
            <div class="downloads">
              <a href=${this.downloadUrl('csv')} download>${t('agreement.download.csv')}</a>
              <a href=${this.downloadUrl('md')} download>${t('agreement.download.md')}</a>
            </div>
            ${this.renderDisagreements()}`
        : nothing}`;
  }
}

customElements.define('sb-agreement-view', SbAgreementView);
declare global {
  interface HTMLElementTagNameMap {
    'sb-agreement-view': SbAgreementView;
  }
}
