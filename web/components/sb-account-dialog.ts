import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import type { PublicUser } from '../../server/schemas/user.js';
import { createClient, errorMessage, type Client } from '../api.js';
import { LanguageController, t } from '../i18n/index.js';
import { focusRing, modalDialog } from './shared-styles.js';

/** Fired after the own password was changed: `user` is the user with the new version. */
export class AccountChangeEvent extends Event {
  static readonly type = 'sb-account-change';
  constructor(readonly user: PublicUser) {
    super(AccountChangeEvent.type, { bubbles: true, composed: true });
  }
}

/** Fired after "sign out everywhere": this session has ended too. */
export class SignedOutEverywhereEvent extends Event {
  static readonly type = 'sb-signed-out-everywhere';
  constructor() {
    super(SignedOutEverywhereEvent.type, { bubbles: true, composed: true });
  }
}

/** Fired when the dialog is closed (Close button or Escape). */
export class AccountCloseEvent extends Event {
  static readonly type = 'sb-account-close';
  constructor() {
    super(AccountCloseEvent.type, { bubbles: true, composed: true });
  }
}

/**
 * The signed-in user's account: change the own password (the current one is required; every other
 * session ends) and sign out on every device (`POST /api/auth/logout-everywhere`).
 *
 * @fires sb-account-change - the password was changed (AccountChangeEvent)
 * @fires sb-signed-out-everywhere - every session ended, this one too (SignedOutEverywhereEvent)
 * @fires sb-account-close - the dialog was closed (AccountCloseEvent)
 * @csspart dialog - the `<dialog>` element
 */
export class SbAccountDialog extends LitElement {
  static override properties = {
    user: { attribute: false },
    open: { type: Boolean, reflect: true },
    message: { state: true },
    error: { state: true },
    busy: { state: true },
  };

  static override styles = [
    focusRing,
    modalDialog,
    css`
    dialog {
      max-width: 32rem;
      padding: 1em;
    }
    label {
      display: block;
      margin: 0.4rem 0;
    }
    input {
      display: block;
      font: inherit;
      width: 100%;
      box-sizing: border-box;
    }
    section + section {
      border-top: 1px solid #e2e8f0;
      margin-top: 1rem;
    }
    button.danger {
      background: #b91c1c;
      color: #fff;
      border: 1px solid #7f1d1d;
    }
    [role='alert'] {
      color: #b91c1c;
    }
  `,
  ];

  /** The signed-in user. */
  declare user: PublicUser | undefined;
  /** Whether the dialog is shown (modal). */
  declare open: boolean;
  declare message: string;
  declare error: string;
  declare busy: boolean;
  private readonly api: Client = createClient();

  constructor() {
    super();
    new LanguageController(this);
    this.user = undefined;
    this.open = false;
    this.message = '';
    this.error = '';
    this.busy = false;
  }

  private get dialog(): HTMLDialogElement | null {
    return this.renderRoot.querySelector('dialog');
  }

  protected override updated(): void {
    const dialog = this.dialog;
    if (!dialog) return;
    if (this.open && !dialog.open) dialog.showModal();
    else if (!this.open && dialog.open) dialog.close();
  }

  private close(): void {
    this.open = false;
    this.message = '';
    this.error = '';
    this.dispatchEvent(new AccountCloseEvent());
  }

  private async changePassword(e: Event): Promise<void> {
    e.preventDefault();
    const user = this.user;
    if (!user || this.busy) return;
    const form = e.target as HTMLFormElement;
    const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value;
    this.message = '';
    this.error = '';
    if (value('new').length < 8) return void (this.error = t('account.password.tooShort'));
    if (value('new') !== value('repeat')) return void (this.error = t('account.password.mismatch'));
    this.busy = true;
    try {
      const res = await this.api.api.users[':userId'].$patch({ param: { userId: user.id }, json: { password: value('new'), currentPassword: value('current'), version: user.version } });
      if (res.status !== 200) {
        this.error = await errorMessage(res);
        return;
      }
      const updated = await res.json();
      form.reset();
      this.message = t('account.password.done');
      this.dispatchEvent(new AccountChangeEvent(updated));
    } finally {
      this.busy = false;
    }
  }

  private async signOutEverywhere(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.error = '';
    try {
      const res = await this.api.api.auth['logout-everywhere'].$post();
      if (res.status !== 200) {
        this.error = await errorMessage(res);
        return;
      }
      this.open = false;
      this.dispatchEvent(new SignedOutEverywhereEvent());
    } finally {
      this.busy = false;
    }
  }

  override render(): TemplateResult {
    if (!this.user) return html``;
    return html`<dialog part="dialog" aria-labelledby="account-heading" @cancel=${(e: Event) => (e.preventDefault(), this.close())}>
      <h2 id="account-heading">${t('account.heading', { name: this.user.displayName })}</h2>
      <section aria-labelledby="password-heading">
        <h3 id="password-heading">${t('account.password.heading')}</h3>
        <form @submit=${(e: Event) => void this.changePassword(e)}>
          <input type="text" name="username" autocomplete="username" .value=${this.user.login} hidden aria-hidden="true" tabindex="-1" />
          <label>${t('account.password.current')}<input type="password" name="current" autocomplete="current-password" required maxlength="1024" /></label>
          <label>${t('account.password.new')}<input type="password" name="new" autocomplete="new-password" required minlength="8" maxlength="1024" /></label>
          <label>${t('account.password.repeat')}<input type="password" name="repeat" autocomplete="new-password" required minlength="8" maxlength="1024" /></label>
          <div class="buttons"><button type="submit" ?disabled=${this.busy}>${t('account.password.submit')}</button></div>
        </form>
      </section>
      <section aria-labelledby="everywhere-heading">
        <h3 id="everywhere-heading">${t('account.everywhere.heading')}</h3>
        <p id="everywhere-intro">${t('account.everywhere.intro')}</p>
        <div class="buttons">
          <button type="button" class="danger" aria-describedby="everywhere-intro" ?disabled=${this.busy} @click=${() => void this.signOutEverywhere()}>${t('account.everywhere.submit')}</button>
        </div>
      </section>
      <p role="status">${this.message}</p>
      ${this.error ? html`<p role="alert">${this.error}</p>` : nothing}
      <div class="buttons"><button type="button" @click=${() => this.close()}>${t('account.close')}</button></div>
    </dialog>`;
  }
}

customElements.define('sb-account-dialog', SbAccountDialog);
declare global {
  interface HTMLElementTagNameMap {
    'sb-account-dialog': SbAccountDialog;
  }
}
