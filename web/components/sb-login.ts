import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { LanguageController, t } from '../i18n/index.js';

/** Fired when the user submits the form. */
export class LoginSubmitEvent extends Event {
  constructor(
    readonly login: string,
    readonly password: string,
  ) {
    super('sb-login-submit', { bubbles: true, composed: true });
  }
}

/**
 * The sign-in form.
 *
 * @fires sb-login-submit - the user submitted login name and password (LoginSubmitEvent)
 */
export class SbLogin extends LitElement {
  static override properties = { error: { type: String }, busy: { type: Boolean } };
  static override styles = css`
    :host {
      display: block;
      max-width: 22rem;
      margin: 3rem auto;
    }
    form {
      display: grid;
      gap: 0.6rem;
    }
    label {
      display: grid;
      gap: 0.2rem;
    }
    input,
    button {
      font: inherit;
      padding: 0.4rem;
    }
    [role='alert'] {
      color: #b91c1c;
    }
  `;
  declare error: string;
  declare busy: boolean;

  constructor() {
    super();
    new LanguageController(this);
    this.error = '';
    this.busy = false;
  }

  private submit(e: SubmitEvent): void {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    this.dispatchEvent(new LoginSubmitEvent(String(data.get('login') ?? ''), String(data.get('password') ?? '')));
  }

  override render(): TemplateResult {
    return html`<form @submit=${this.submit} aria-labelledby="heading">
      <h2 id="heading">${t('login.heading')}</h2>
      <label>${t('login.name')} <input name="login" autocomplete="username" required /></label>
      <label>${t('login.password')} <input name="password" type="password" autocomplete="current-password" required /></label>
      <button type="submit" ?disabled=${this.busy}>${t('login.submit')}</button>
      ${this.error ? html`<p role="alert">${t('login.failed')}: ${this.error}</p>` : nothing}
    </form>`;
  }
}

customElements.define('sb-login', SbLogin);
declare global {
  interface HTMLElementTagNameMap {
    'sb-login': SbLogin;
  }
}
