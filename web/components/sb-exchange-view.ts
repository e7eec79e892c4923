import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import type { RefiWarning } from '../../server/schemas/refi.js';
import type { PublicUser } from '../../server/schemas/user.js';
import { can } from '../../server/domain/permissions.js';
import { createClient, errorMessage, type Client } from '../api.js';
import { LanguageController, t } from '../i18n/index.js';
import { routeToUrl } from '../route.js';
import { alertBox } from './shared-styles.js';

/** What an import answered: a message, its warnings element by element, and a new project's id. */
interface ImportOutcome {
  message: string;
  warnings: RefiWarning[];
  projectId?: string;
}

type Upload = 'qdpx' | 'codebook';

/** The codebook route for a file name, or undefined for a file type we do not read. */
function codebookKind(name: string): 'qdc' | 'spreadsheet' | undefined {
  if (/\.qdc$/i.test(name)) return 'qdc';
  if (/\.(csv|tsv|xlsx)$/i.test(name)) return 'spreadsheet';
  return undefined;
}

/**
 * The exchange view of one project (issue 8): downloads of the project as REFI-QDA (.qdpx, with
 * CRLF line endings on request), the codebook (.qdc, .docx), the coded segments and the code ×
 * document matrix (CSV, XLSX; counts or 0/1); uploads of a .qdpx as a new project and of a
 * codebook (.qdc, .csv, .xlsx) into this project, with the import's warnings element by element.
 * Self-contained: it makes its own typed client, so the workbench only passes `projectId` and `user`.
 * Downloads are plain links (the session cookie authorises a GET); user text is rendered as text.
 *
 * @fires sb-codebook-imported - a codebook import into this project created codes ({@link CodebookImportedEvent})
 * @csspart downloads - the download section
 * @csspart uploads - the upload section
 */
export class SbExchangeView extends LitElement {
  static override properties = {
    projectId: { type: String },
    user: { attribute: false },
    crlf: { state: true },
    binary: { state: true },
    exportWarnings: { state: true },
    busy: { state: true },
    errors: { state: true },
    outcomes: { state: true },
  };

  static override styles = [
    alertBox,
    css`
      :host {
        display: block;
      }
      section {
        margin-bottom: 1.5rem;
      }
      fieldset {
        border: 1px solid #e2e8f0;
        border-radius: 4px;
        margin: 0 0 1rem;
        padding: 0.5rem 0.8rem 0.8rem;
      }
      legend {
        font-weight: 600;
      }
      .links {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1.2rem;
        align-items: center;
        margin: 0.3rem 0;
      }
      .help {
        font-size: 0.85rem;
        color: #475569;
        margin: 0.2rem 0 0.5rem;
      }
      ul.warnings {
        font-size: 0.9rem;
        max-height: 16rem;
        overflow: auto;
        margin: 0.3rem 0;
      }
      .element {
        font-weight: 600;
      }
      [role='status'] {
        color: #166534;
      }
      a {
        color: #0f3b57;
      }
    `,
  ];

  declare projectId: string;
  declare user: PublicUser | undefined;
  declare crlf: boolean;
  declare binary: boolean;
  /** Notes of the REFI exports, loaded on request: undefined = not asked, null = loading. */
  declare exportWarnings: Partial<Record<'qdpx' | 'qdc', RefiWarning[] | null>>;
  declare busy: Upload | null;
  declare errors: Partial<Record<Upload | 'qdpx-notes' | 'qdc-notes', string>>;
  declare outcomes: Partial<Record<Upload, ImportOutcome>>;
  private readonly api: Client = createClient();

  constructor() {
    super();
    new LanguageController(this);
    this.projectId = '';
    this.user = undefined;
    this.crlf = false;
    this.binary = false;
    this.exportWarnings = {};
    this.busy = null;
    this.errors = {};
    this.outcomes = {};
  }

  private get mayImport(): boolean {
    return !!this.user && can(this.user.role, 'code');
  }

  /** A download URL under this project. */
  private url(path: string, query: Record<string, string> = {}): string {
    const q = new URLSearchParams(query).toString();
    return `/api/projects/${encodeURIComponent(this.projectId)}/${path}${q ? `?${q}` : ''}`;
  }

  private async loadExportWarnings(kind: 'qdpx' | 'qdc'): Promise<void> {
    this.exportWarnings = { ...this.exportWarnings, [kind]: null };
    this.errors = { ...this.errors, [`${kind}-notes`]: undefined };
    const p = this.api.api.projects[':projectId'].export;
    const res =
      kind === 'qdpx'
        ? await p.qdpx.warnings.$get({ param: { projectId: this.projectId }, query: { lineEndings: this.crlf ? 'crlf' : 'lf' } })
        : await p.qdc.warnings.$get({ param: { projectId: this.projectId } });
    if (res.status !== 200) {
      this.errors = { ...this.errors, [`${kind}-notes`]: await errorMessage(res) };
      this.exportWarnings = { ...this.exportWarnings, [kind]: undefined };
      return;
    }
    this.exportWarnings = { ...this.exportWarnings, [kind]: (await res.json()).warnings };
  }

  private async upload(kind: Upload, e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const input = (e.target as HTMLFormElement).querySelector('input[type=file]') as HTMLInputElement;
    const file = input.files?.[0];
    const fail = (message: string): void => {
      this.errors = { ...this.errors, [kind]: message };
    };
    this.errors = { ...this.errors, [kind]: undefined };
    this.outcomes = { ...this.outcomes, [kind]: undefined };
    if (!file) return fail(t('exchange.chooseFile'));
    const route = kind === 'qdpx' ? 'qdpx' : codebookKind(file.name);
    if (!route) return fail(t('exchange.unsupported', { name: file.name }));
    const form = new FormData();
    form.append('file', file, file.name);
    this.busy = kind;
    try {
      // The typed client gives the route (and adds the CSRF token); the multipart body goes in `init`.
      const param = { param: { projectId: this.projectId } };
      const init = { init: { body: form } };
      const codebook = this.api.api.projects[':projectId'].codebook.import;
      const res =
        route === 'qdpx'
          ? await this.api.api.projects.import.qdpx.$post({}, init)
          : route === 'qdc'
            ? await codebook.qdc.$post(param, init)
            : await codebook.spreadsheet.$post(param, init);
      if (res.status !== 201) return fail(t('exchange.failed', { message: await errorMessage(res) }));
      const body = (await res.json()) as { created: number; skipped: number; warnings: RefiWarning[] } | { projectId: string; counts: Record<'documents' | 'codes' | 'segments' | 'memos' | 'sets' | 'users', number>; warnings: RefiWarning[] };
      this.outcomes = {
        ...this.outcomes,
        [kind]:
          'counts' in body
            ? { message: t('exchange.projectDone', body.counts), warnings: body.warnings, projectId: body.projectId }
            : { message: t('exchange.codebookDone', { created: body.created, skipped: body.skipped }), warnings: body.warnings },
      };
      input.value = '';
      if (kind === 'codebook') this.dispatchEvent(new CodebookImportedEvent());
    } catch (err) {
      fail(t('exchange.failed', { message: err instanceof Error ? err.message : String(err) }));
    } finally {
      this.busy = null;
    }
  }

  private renderWarnings(list: readonly RefiWarning[], heading: string): TemplateResult {
    return html`<details ?open=${list.length <= 20}>
      <summary>${heading}</summary>
      <ul class="warnings">
        ${list.map((w) => html`<li><span class="element">${w.element}</span>: ${w.message}</li>`)}
      </ul>
    </details>`;
  }

  private renderExportWarnings(kind: 'qdpx' | 'qdc'): TemplateResult {
    const list = this.exportWarnings[kind];
    const error = this.errors[`${kind}-notes`];
    return html`<button type="button" @click=${() => void this.loadExportWarnings(kind)}>${t('exchange.warnings.show')}</button>
      ${error ? html`<p role="alert">${error}</p>` : nothing}
      ${list === null
        ? html`<p>${t('exchange.warnings.loading')}</p>`
        : list === undefined
          ? nothing
          : list.length === 0
            ? html`<p>${t('exchange.warnings.none')}</p>`
            : this.renderWarnings(list, t('exchange.warnings.heading', { count: list.length }))}`;
  }

  private renderDownloads(): TemplateResult {
    const values = this.binary ? 'binary' : 'counts';
    return html`<section part="downloads" aria-labelledby="downloads">
      <h3 id="downloads">${t('exchange.downloads')}</h3>
      <fieldset>
        <legend>${t('exchange.project')}</legend>
        <div class="links">
          <a data-download="qdpx" href=${this.url('export/qdpx', this.crlf ? { lineEndings: 'crlf' } : {})} download>${t('exchange.qdpx')}</a>
          <label><input type="checkbox" .checked=${this.crlf} @change=${(e: Event) => (this.crlf = (e.target as HTMLInputElement).checked)} /> ${t('exchange.crlf')}</label>
        </div>
        ${this.renderExportWarnings('qdpx')}
      </fieldset>
      <fieldset>
        <legend>${t('exchange.codebook')}</legend>
        <div class="links">
          <a data-download="qdc" href=${this.url('export/qdc')} download>${t('exchange.qdc')}</a>
          <a data-download="docx" href=${this.url('codebook.docx')} download>${t('exchange.docx')}</a>
        </div>
        ${this.renderExportWarnings('qdc')}
      </fieldset>
      <fieldset>
        <legend>${t('exchange.segments')}</legend>
        <div class="links">
          <a data-download="segments-csv" href=${this.url('export/segments.csv')} download>${t('exchange.segments.csv')}</a>
          <a data-download="segments-xlsx" href=${this.url('export/segments.xlsx')} download>${t('exchange.segments.xlsx')}</a>
        </div>
      </fieldset>
      <fieldset>
        <legend>${t('exchange.matrix')}</legend>
        <div class="links" role="radiogroup" aria-label=${t('exchange.matrix.values')}>
          <label><input type="radio" name="values" value="counts" .checked=${!this.binary} @change=${() => (this.binary = false)} /> ${t('exchange.matrix.counts')}</label>
          <label><input type="radio" name="values" value="binary" .checked=${this.binary} @change=${() => (this.binary = true)} /> ${t('exchange.matrix.binary')}</label>
        </div>
        <div class="links">
          <a data-download="matrix-csv" href=${this.url('export/matrix.csv', { values })} download>${t('exchange.matrix.csv')}</a>
          <a data-download="matrix-xlsx" href=${this.url('export/matrix.xlsx', { values })} download>${t('exchange.matrix.xlsx')}</a>
        </div>
      </fieldset>
    </section>`;
  }

  private renderUpload(kind: Upload, label: string, help: string, accept: string): TemplateResult {
    const outcome = this.outcomes[kind];
    const error = this.errors[kind];
    return html`<form data-upload=${kind} @submit=${(e: SubmitEvent) => void this.upload(kind, e)}>
      <fieldset>
        <legend>${label}</legend>
        <p class="help" id=${`${kind}-help`}>${help}</p>
        <div class="links">
          <label>${t('exchange.file')} <input type="file" accept=${accept} aria-describedby=${`${kind}-help`} /></label>
          <button type="submit" ?disabled=${this.busy !== null}>${this.busy === kind ? t('exchange.importing') : t('exchange.import')}</button>
        </div>
        ${error ? html`<p role="alert">${error}</p>` : nothing}
        ${outcome
          ? html`<p role="status">
                ${outcome.message}
                ${outcome.projectId ? html`<a href=${routeToUrl({ name: 'corpus', projectId: outcome.projectId })}>${t('exchange.openProject')}</a>` : nothing}
              </p>
              ${outcome.warnings.length > 0 ? this.renderWarnings(outcome.warnings, t('exchange.importWarnings', { count: outcome.warnings.length })) : nothing}`
          : nothing}
      </fieldset>
    </form>`;
  }

  private renderUploads(): TemplateResult {
    return html`<section part="uploads" aria-labelledby="uploads">
      <h3 id="uploads">${t('exchange.uploads')}</h3>
      ${this.mayImport
        ? html`${this.renderUpload('codebook', t('exchange.codebookImport'), t('exchange.codebookImport.help'), '.qdc,.csv,.tsv,.xlsx')}
          ${this.renderUpload('qdpx', t('exchange.qdpxImport'), t('exchange.qdpxImport.help'), '.qdpx,.qde')}`
        : html`<p>${t('exchange.noImport')}</p>`}
    </section>`;
  }

  override render(): TemplateResult {
    return html`<h2>${t('exchange.heading')}</h2>
      <p class="help">${t('exchange.intro')}</p>
      ${this.renderDownloads()} ${this.renderUploads()}`;
  }
}

/** Fired after a codebook import into this project created codes (the workbench may reload its code tree). */
export class CodebookImportedEvent extends Event {
  constructor() {
    super('sb-codebook-imported', { bubbles: true, composed: true });
  }
}

customElements.define('sb-exchange-view', SbExchangeView);
declare global {
  interface HTMLElementTagNameMap {
    'sb-exchange-view': SbExchangeView;
  }
}
