import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import type { Code } from '../../server/schemas/code.js';
import type { Project } from '../../server/schemas/project.js';
import type { PublicUser } from '../../server/schemas/user.js';
import { createClient, errorMessage, setCsrfToken, type Client } from '../api.js';
import { getLanguage, LanguageController, setLanguage, t, type Language } from '../i18n/index.js';
import type { DocumentRow } from './sb-document-table.js';
import type { LoginSubmitEvent } from './sb-login.js';
import './sb-code-tree.js';
import './sb-document-table.js';
import './sb-login.js';

type View = { name: 'loading' } | { name: 'login' } | { name: 'projects' } | { name: 'project'; projectId: string };

/** Read the view from the URL, so reload and back/forward work. */
function viewFromPath(path: string): View {
  const m = /^\/projects\/([A-Za-z0-9_.:-]+)/.exec(path);
  return m ? { name: 'project', projectId: m[1] as string } : { name: 'projects' };
}

/**
 * The app shell: sign in, pick a project, see its corpus and code system.
 */
export class SbApp extends LitElement {
  static override properties = {
    view: { state: true },
    user: { state: true },
    projects: { state: true },
    project: { state: true },
    documents: { state: true },
    codes: { state: true },
    counts: { state: true },
    error: { state: true },
  };

  static override styles = css`
    :host {
      display: block;
      font-family: system-ui, sans-serif;
      color: #1f2937;
    }
    header {
      display: flex;
      align-items: center;
      gap: 1rem;
      padding: 0.5rem 1rem;
      background: #0f3b57;
      color: white;
    }
    header h1 {
      font-size: 1.2rem;
      margin: 0;
    }
    header .spacer {
      flex: 1;
    }
    header button,
    header select {
      font: inherit;
    }
    main {
      padding: 1rem;
    }
    .columns {
      display: grid;
      grid-template-columns: minmax(16rem, 1fr) 2fr;
      gap: 1.5rem;
    }
    [role='alert'] {
      color: #b91c1c;
    }
    a {
      color: inherit;
    }
  `;

  declare view: View;
  declare user: PublicUser | undefined;
  declare projects: Project[];
  declare project: Project | undefined;
  declare documents: DocumentRow[];
  declare codes: Code[];
  declare counts: Record<string, number>;
  declare error: string;
  private readonly api: Client = createClient();
  private readonly onPop = (): void => void this.route();

  constructor() {
    super();
    new LanguageController(this);
    this.view = { name: 'loading' };
    this.user = undefined;
    this.projects = [];
    this.project = undefined;
    this.documents = [];
    this.codes = [];
    this.counts = {};
    this.error = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('popstate', this.onPop);
    void this.start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('popstate', this.onPop);
  }

  private async start(): Promise<void> {
    const res = await this.api.api.auth.me.$get();
    if (res.status !== 200) {
      this.view = { name: 'login' };
      return;
    }
    const me = await res.json();
    this.user = me.user;
    setCsrfToken(me.csrfToken);
    await this.route();
  }

  private async route(): Promise<void> {
    if (!this.user) return;
    const view = viewFromPath(location.pathname);
    this.error = '';
    if (view.name === 'project') await this.loadProject(view.projectId);
    else await this.loadProjects();
    this.view = view;
  }

  private navigate(path: string): void {
    history.pushState(null, '', path);
    void this.route();
  }

  private async loadProjects(): Promise<void> {
    const res = await this.api.api.projects.$get();
    if (res.status !== 200) {
      this.error = await errorMessage(res);
      return;
    }
    this.projects = (await res.json()).projects;
  }

  private async loadProject(projectId: string): Promise<void> {
    const param = { param: { projectId } };
    const [p, d, c, s] = await Promise.all([
      this.api.api.projects[':projectId'].$get(param),
      this.api.api.projects[':projectId'].documents.$get(param),
      this.api.api.projects[':projectId'].codes.$get(param),
      this.api.api.projects[':projectId'].segments.$get({ ...param, query: { context: '0' } }),
    ]);
    if (p.status !== 200 || d.status !== 200 || c.status !== 200 || s.status !== 200) {
      this.error = `${t('error.load')}: ${await errorMessage([p, d, c, s].find((r) => r.status !== 200) as Response)}`;
      return;
    }
    this.project = await p.json();
    this.documents = (await d.json()).documents as DocumentRow[];
    this.codes = (await c.json()).codes;
    const counts: Record<string, number> = {};
    for (const seg of (await s.json()).segments) counts[seg.codeId] = (counts[seg.codeId] ?? 0) + 1;
    this.counts = counts;
  }

  private async login(e: LoginSubmitEvent): Promise<void> {
    const res = await this.api.api.auth.login.$post({ json: { login: e.login, password: e.password } });
    const form = this.renderRoot.querySelector('sb-login');
    if (res.status !== 200) {
      if (form) form.error = await errorMessage(res);
      return;
    }
    const body = await res.json();
    setCsrfToken(body.csrfToken);
    this.user = body.user;
    await this.route();
  }

  private async logout(): Promise<void> {
    await this.api.api.auth.logout.$post();
    this.user = undefined;
    setCsrfToken('');
    this.view = { name: 'login' };
  }

  private renderBody(): TemplateResult {
    switch (this.view.name) {
      case 'loading':
        return html`<p>${t('loading')}</p>`;
      case 'login':
        return html`<sb-login @sb-login-submit=${(e: LoginSubmitEvent) => void this.login(e)}></sb-login>`;
      case 'projects':
        return html`<h2>${t('projects.heading')}</h2>
          ${this.projects.length === 0
            ? html`<p>${t('projects.none')}</p>`
            : html`<ul>
                ${this.projects.map(
                  (p) =>
                    html`<li>
                      <a
                        href="/projects/${p.id}"
                        @click=${(e: Event) => {
                          e.preventDefault();
                          this.navigate(`/projects/${p.id}`);
                        }}
                        >${p.name}</a
                      >
                    </li>`,
                )}
              </ul>`}`;
      case 'project':
        return html`<h2>${this.project?.name ?? ''}</h2>
          <div class="columns">
            <section aria-labelledby="codes-h">
              <h3 id="codes-h">${t('codes.heading')}</h3>
              <sb-code-tree .codes=${this.codes} .counts=${this.counts}></sb-code-tree>
            </section>
            <section aria-labelledby="docs-h">
              <h3 id="docs-h">${t('documents.heading')}</h3>
              <sb-document-table .documents=${this.documents}></sb-document-table>
            </section>
          </div>`;
    }
  }

  override render(): TemplateResult {
    return html`<header>
        <h1><a href="/" @click=${(e: Event) => (e.preventDefault(), this.navigate('/'))}>${t('app.title')}</a></h1>
        <span>${t('app.tagline')}</span>
        <span class="spacer"></span>
        <label
          >${t('language')}
          <select @change=${(e: Event) => setLanguage((e.target as HTMLSelectElement).value as Language)} .value=${getLanguage()}>
            <option value="de" ?selected=${getLanguage() === 'de'}>Deutsch</option>
            <option value="en" ?selected=${getLanguage() === 'en'}>English</option>
          </select></label
        >
        ${this.user ? html`<span>${this.user.displayName}</span><button @click=${() => void this.logout()}>${t('logout')}</button>` : nothing}
      </header>
      <main>${this.error ? html`<p role="alert">${this.error}</p>` : nothing} ${this.renderBody()}</main>`;
  }
}

customElements.define('sb-app', SbApp);
declare global {
  interface HTMLElementTagNameMap {
    'sb-app': SbApp;
  }
}
