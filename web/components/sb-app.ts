import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import type { Project } from '../../server/schemas/project.js';
import type { PublicUser } from '../../server/schemas/user.js';
import { createClient, errorMessage, setCsrfToken, type Client } from '../api.js';
import { getLanguage, LanguageController, setLanguage, t, type Language } from '../i18n/index.js';
import { parseRoute, routeToUrl, type Route } from '../route.js';
import type { LoginSubmitEvent } from './sb-login.js';
import type { NavigateEvent } from './sb-workbench.js';
import './sb-login.js';
import './sb-workbench.js';
import './sb-account-dialog.js';
import type { AccountChangeEvent } from './sb-account-dialog.js';

type View = { name: 'loading' } | { name: 'login' } | Route;

/**
 * The app shell: sign in, pick a project, see its corpus and code system.
 */
export class SbApp extends LitElement {
  static override properties = {
    view: { state: true },
    user: { state: true },
    accountOpen: { state: true },
    projects: { state: true },
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
  declare error: string;
  declare accountOpen: boolean;
  private readonly api: Client = createClient();
  private readonly onPop = (): void => void this.route();

  constructor() {
    super();
    new LanguageController(this);
    this.view = { name: 'loading' };
    this.user = undefined;
    this.projects = [];
    this.error = '';
    this.accountOpen = false;
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
    const route = parseRoute(location.pathname, location.search);
    this.error = '';
    if (route.name === 'projects') await this.loadProjects();
    this.view = route;
  }

  private navigate(route: Route): void {
    const url = routeToUrl(route);
    if (url !== location.pathname + location.search) history.pushState(null, '', url);
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
    this.signedOut();
  }

  /** Back to the sign-in form (after signing out here or everywhere). */
  private signedOut(): void {
    this.accountOpen = false;
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
                        href=${routeToUrl({ name: 'corpus', projectId: p.id })}
                        @click=${(e: Event) => {
                          e.preventDefault();
                          this.navigate({ name: 'corpus', projectId: p.id });
                        }}
                        >${p.name}</a
                      >
                    </li>`,
                )}
              </ul>`}`;
      default:
        return html`<sb-workbench
          .route=${this.view}
          .user=${this.user}
          @sb-navigate=${(e: NavigateEvent) => this.navigate(e.route)}
        ></sb-workbench>`;
    }
  }

  override render(): TemplateResult {
    return html`<header>
        <h1><a href="/" @click=${(e: Event) => (e.preventDefault(), this.navigate({ name: 'projects' }))}>${t('app.title')}</a></h1>
        <span>${t('app.tagline')}</span>
        <span class="spacer"></span>
        <label
          >${t('language')}
          <select @change=${(e: Event) => setLanguage((e.target as HTMLSelectElement).value as Language)} .value=${getLanguage()}>
            <option value="de" ?selected=${getLanguage() === 'de'}>Deutsch</option>
            <option value="en" ?selected=${getLanguage() === 'en'}>English</option>
          </select></label
        >
        ${this.user
          ? html`<span>${this.user.displayName}</span><button @click=${() => (this.accountOpen = true)}>${t('account.open')}</button
              ><button @click=${() => void this.logout()}>${t('logout')}</button>`
          : nothing}
      </header>
      <main>${this.error ? html`<p role="alert">${this.error}</p>` : nothing} ${this.renderBody()}</main>
      ${this.user
        ? html`<sb-account-dialog
            .user=${this.user}
            ?open=${this.accountOpen}
            @sb-account-close=${() => (this.accountOpen = false)}
            @sb-account-change=${(e: AccountChangeEvent) => (this.user = e.user)}
            @sb-signed-out-everywhere=${() => this.signedOut()}
          ></sb-account-dialog>`
        : nothing}`;
  }
}

customElements.define('sb-app', SbApp);
declare global {
  interface HTMLElementTagNameMap {
    'sb-app': SbApp;
  }
}
