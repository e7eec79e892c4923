import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { AuditEntry, AuditKind } from '../../server/schemas/audit.js';
import type { PublicUser } from '../../server/schemas/user.js';
import { createClient, ok, type Client } from '../api.js';
import type { MessageKey } from '../i18n/de.js';
import { LanguageController, getLanguage, t } from '../i18n/index.js';
import { alertBox, dataTable, visuallyHidden } from './shared-styles.js';

type Tab = 'project' | 'server';

const PROJECT_KINDS: AuditKind[] = ['document', 'code', 'segment', 'memo', 'set', 'form', 'requirement', 'project'];
const SERVER_KINDS: AuditKind[] = ['session', 'user', 'project'];
const PAGE = 50;

/**
 * The audit trail of a project and the server-wide one (sign-ins, users, projects), for admins
 * (issue 9): a table newest first with filters (kind, user, since), paging and downloads as CSV
 * and JSON. Self-contained: it loads its own data. Every value is rendered as text.
 */
export class SbAuditView extends LitElement {
  static override properties = {
    projectId: { type: String },
    user: { attribute: false },
    tab: { state: true },
    entries: { state: true },
    more: { state: true },
    page: { state: true },
    kind: { state: true },
    userId: { state: true },
    since: { state: true },
    users: { state: true },
    loading: { state: true },
    error: { state: true },
  };

  static override styles = [
    visuallyHidden,
    alertBox,
    dataTable,
    css`
      :host {
        display: block;
      }
      .tabs,
      .filters,
      .paging,
      .downloads {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: end;
        margin: 0.5rem 0;
      }
      .tabs button[aria-pressed='true'] {
        font-weight: bold;
        text-decoration: underline;
      }
      .id {
        color: #4b5563;
        font-size: 0.85em;
      }
    `,
  ];

  declare projectId: string;
  declare user: PublicUser | undefined;
  declare tab: Tab;
  declare entries: AuditEntry[];
  declare more: boolean;
  declare page: number;
  declare kind: string;
  declare userId: string;
  declare since: string;
  declare users: PublicUser[];
  declare loading: boolean;
  declare error: string;
  private request = 0;
  private readonly api: Client = createClient();

  constructor() {
    super();
    new LanguageController(this);
    this.projectId = '';
    this.user = undefined;
    this.tab = 'project';
    this.entries = [];
    this.more = false;
    this.page = 0;
    this.kind = '';
    this.userId = '';
    this.since = '';
    this.users = [];
    this.loading = false;
    this.error = '';
  }

  private get isAdmin(): boolean {
    return this.user?.role === 'admin';
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // A replaced user object (e.g. after a password change) reloads only when the role changed.
    const roleChanged = changed.has('user') && changed.get('user')?.role !== this.user?.role;
    if ((changed.has('projectId') || roleChanged) && this.projectId && this.isAdmin) {
      void this.loadUsers();
      void this.load();
    }
  }

  private base(): string {
    return this.tab === 'server' ? '/api/audit' : `/api/projects/${encodeURIComponent(this.projectId)}/audit`;
  }

  /** The query of the current filters (for the page, or for a download of everything matching). */
  private query(extra: Record<string, string>): string {
    const q = new URLSearchParams();
    if (this.kind) q.set('kind', this.kind);
    if (this.userId) q.set('userId', this.userId);
    if (this.since) q.set('since', this.since);
    for (const [k, v] of Object.entries(extra)) q.set(k, v);
    return q.toString();
  }

  private async loadUsers(): Promise<void> {
    try {
      this.users = (await ok<{ users: PublicUser[] }>(this.api.api.users.$get())).users;
    } catch {
      this.users = [];
    }
  }

  private async load(): Promise<void> {
    const id = ++this.request;
    this.loading = true;
    try {
      const url = `${this.base()}?${this.query({ order: 'desc', limit: String(PAGE), offset: String(this.page * PAGE) })}`;
      const body = await ok<{ entries: AuditEntry[]; more?: boolean }>(fetch(url, { credentials: 'same-origin' }));
      if (id !== this.request) return;
      this.entries = body.entries;
      this.more = body.more === true;
      this.error = '';
    } catch (e) {
      if (id === this.request) this.error = e instanceof Error ? e.message : String(e);
    } finally {
      if (id === this.request) this.loading = false;
    }
  }

  private showTab(tab: Tab): void {
    if (this.tab === tab) return;
    this.tab = tab;
    this.kind = '';
    this.page = 0;
    void this.load();
  }

  private apply(e: Event): void {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    this.kind = String(data.get('kind') ?? '');
    this.userId = String(data.get('userId') ?? '');
    this.since = String(data.get('since') ?? '');
    this.page = 0;
    void this.load();
  }

  private go(page: number): void {
    this.page = Math.max(0, page);
    void this.load();
  }

  private userName(id: string | null): string {
    if (id === null) return t('audit.nobody');
    return this.users.find((u) => u.id === id)?.displayName ?? id;
  }

  private time(at: string): string {
    const d = new Date(at);
    return Number.isNaN(d.getTime()) ? at : d.toLocaleString(getLanguage() === 'de' ? 'de-DE' : 'en-GB');
  }

  private renderEntry(e: AuditEntry): TemplateResult {
    const via = e.step === 'undo' ? ` ${t('audit.viaUndo')}` : e.step === 'redo' ? ` ${t('audit.viaRedo')}` : '';
    const extra = [e.fields && e.fields.length > 0 ? e.fields.join(', ') : '', e.role ?? '', e.detail ?? ''].filter((x) => x !== '').join(' · ');
    return html`<tr>
      <td><time datetime=${e.at}>${this.time(e.at)}</time></td>
      <td>${this.userName(e.userId)}</td>
      <td>${t(`audit.action.${e.action}` as MessageKey)}${via}${extra ? html` <span class="id">(${extra})</span>` : nothing}</td>
      <td>${t(`audit.kind.${e.kind}` as MessageKey)}</td>
      <td>${e.name ? html`${e.name} ` : nothing}<span class="id">${e.id}</span></td>
    </tr>`;
  }

  override render(): TemplateResult {
    if (!this.isAdmin) return html`<p>${t('audit.adminsOnly')}</p>`;
    const kinds = this.tab === 'server' ? SERVER_KINDS : PROJECT_KINDS;
    const download = (format: 'csv' | 'json') => `${this.base()}?${this.query({ format, limit: '100000' })}`;
    return html`<h3>${t('audit.heading')}</h3>
      <p>${t('audit.intro')}</p>
      <div class="tabs" role="group" aria-label=${t('audit.tabs')}>
        <button type="button" class="tab-project" aria-pressed=${this.tab === 'project' ? 'true' : 'false'} @click=${() => this.showTab('project')}>${t('audit.tab.project')}</button>
        <button type="button" class="tab-server" aria-pressed=${this.tab === 'server' ? 'true' : 'false'} @click=${() => this.showTab('server')}>${t('audit.tab.server')}</button>
      </div>
      <form class="filters" aria-label=${t('audit.filters')} @submit=${(e: Event) => this.apply(e)}>
        <label
          >${t('audit.filter.kind')}
          <select name="kind">
            <option value="" ?selected=${this.kind === ''}>${t('audit.filter.all')}</option>
            ${kinds.map((k) => html`<option value=${k} ?selected=${this.kind === k}>${t(`audit.kind.${k}` as MessageKey)}</option>`)}
          </select></label
        >
        <label
          >${t('audit.filter.user')}
          <select name="userId">
            <option value="" ?selected=${this.userId === ''}>${t('audit.filter.all')}</option>
            ${this.users.map((u) => html`<option value=${u.id} ?selected=${this.userId === u.id}>${u.displayName}</option>`)}
          </select></label
        >
        <label>${t('audit.filter.since')} <input type="date" name="since" .value=${this.since} /></label>
        <button type="submit">${t('audit.filter.apply')}</button>
      </form>
      <div class="downloads">
        <a class="csv" href=${download('csv')} download>${t('audit.download.csv')}</a>
        <a class="json" href=${download('json')} download="audit.json">${t('audit.download.json')}</a>
      </div>
      ${this.error ? html`<p role="alert">${this.error}</p>` : nothing}
      ${this.loading && this.entries.length === 0
        ? html`<p role="status">${t('audit.loading')}</p>`
        : this.entries.length === 0
          ? html`<p>${t('audit.none')}</p>`
          : html`<table aria-busy=${this.loading ? 'true' : 'false'}>
              <caption>
                ${t('audit.caption', { page: this.page + 1 })}
              </caption>
              <thead>
                <tr>
                  <th scope="col">${t('audit.col.at')}</th>
                  <th scope="col">${t('audit.col.user')}</th>
                  <th scope="col">${t('audit.col.action')}</th>
                  <th scope="col">${t('audit.col.kind')}</th>
                  <th scope="col">${t('audit.col.entity')}</th>
                </tr>
              </thead>
              <tbody>
                ${this.entries.map((e) => this.renderEntry(e))}
              </tbody>
            </table>`}
      <div class="paging">
        <button type="button" class="prev" ?disabled=${this.page === 0} @click=${() => this.go(this.page - 1)}>${t('audit.prev')}</button>
        <button type="button" class="next" ?disabled=${!this.more} @click=${() => this.go(this.page + 1)}>${t('audit.next')}</button>
      </div>`;
  }
}

customElements.define('sb-audit-view', SbAuditView);
declare global {
  interface HTMLElementTagNameMap {
    'sb-audit-view': SbAuditView;
  }
}
