import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import type { PublicUser } from '../../server/schemas/user.js';
import '../../web/components/sb-account-dialog.js';
import type { AccountChangeEvent, SbAccountDialog } from '../../web/components/sb-account-dialog.js';
import { setLanguage } from '../../web/i18n/index.js';
import { FakeApi } from './fake-api.js';

const T = '2026-11-21T10:00:00.000Z';
const rita: PublicUser = { id: 'u2', login: 'rita', displayName: 'Rita R.', role: 'researcher', created: T, version: 3 };

let fake: FakeApi;

beforeEach(() => {
  setLanguage('de');
  fake = new FakeApi();
  fake.install();
});

afterEach(() => {
  fake.restore();
  setLanguage('de');
});

async function openDialog(): Promise<SbAccountDialog> {
  const el = await fixture<SbAccountDialog>(html`<sb-account-dialog .user=${rita} open></sb-account-dialog>`);
  await el.updateComplete;
  return el;
}
const q = <T extends Element>(el: SbAccountDialog, selector: string) => el.shadowRoot!.querySelector<T>(selector)!;

async function fill(el: SbAccountDialog, current: string, next: string, repeat: string): Promise<void> {
  q<HTMLInputElement>(el, 'input[name="current"]').value = current;
  q<HTMLInputElement>(el, 'input[name="new"]').value = next;
  q<HTMLInputElement>(el, 'input[name="repeat"]').value = repeat;
  q<HTMLFormElement>(el, 'form').requestSubmit();
  await new Promise((r) => setTimeout(r, 0));
  await el.updateComplete;
}

describe('sb-account-dialog', () => {
  it('is a labelled modal dialog with labelled password fields, and accessible', async () => {
    const el = await openDialog();
    const dialog = q<HTMLDialogElement>(el, 'dialog');
    expect(dialog.matches(':modal')).to.equal(true);
    expect(el.shadowRoot!.getElementById(dialog.getAttribute('aria-labelledby')!)!.textContent).to.equal('Konto von Rita R.');
    expect([...el.shadowRoot!.querySelectorAll('label')].map((l) => l.textContent!.trim())).to.deep.equal(['Aktuelles Passwort', 'Neues Passwort (mindestens 8 Zeichen)', 'Neues Passwort wiederholen']);
    expect(q(el, 'button.danger').textContent!.trim()).to.equal('Überall abmelden');
    await expect(el).to.be.accessible();
  });

  it('changes the own password with the current one and reports the new version', async () => {
    fake.on('PATCH', '/api/users/u2', { ...rita, version: 4 });
    const el = await openDialog();
    const changed = oneEvent(el, 'sb-account-change');
    await fill(el, 'old-password', 'new-password-1', 'new-password-1');
    expect(((await changed) as unknown as AccountChangeEvent).user.version).to.equal(4);
    await el.updateComplete;
    expect(fake.last('PATCH', '/api/users/u2')!.body).to.deep.equal({ password: 'new-password-1', currentPassword: 'old-password', version: 3 });
    expect(q(el, '[role="status"]').textContent).to.equal('Passwort geändert. Alle anderen Anmeldungen wurden beendet.');
    expect(q<HTMLInputElement>(el, 'input[name="current"]').value).to.equal('');
  });

  it('sends nothing when the new passwords differ, and shows the server\'s refusal', async () => {
    fake.on('PATCH', '/api/users/u2', () => ({ status: 403, body: { error: { code: 'forbidden', message: 'the current password is wrong' } } }));
    const el = await openDialog();
    await fill(el, 'old-password', 'new-password-1', 'new-password-2');
    expect(fake.count('PATCH', '/api/users/u2')).to.equal(0);
    expect(q(el, '[role="alert"]').textContent).to.equal('Die beiden neuen Passwörter stimmen nicht überein.');
    await fill(el, 'wrong-password', 'new-password-1', 'new-password-1');
    expect(fake.count('PATCH', '/api/users/u2')).to.equal(1);
    await waitUntil(() => el.shadowRoot!.querySelector('[role="alert"]')?.textContent?.includes('the current password is wrong'), 'the refusal is shown');
    await expect(el).to.be.accessible();
  });

  it('signs out everywhere through POST /api/auth/logout-everywhere', async () => {
    fake.on('POST', '/api/auth/logout-everywhere', { ok: true });
    const el = await openDialog();
    const out = oneEvent(el, 'sb-signed-out-everywhere');
    q<HTMLButtonElement>(el, 'button.danger').click();
    await out;
    expect(fake.count('POST', '/api/auth/logout-everywhere')).to.equal(1);
    expect(el.open).to.equal(false);
  });

  it('speaks English too', async () => {
    setLanguage('en');
    const el = await openDialog();
    expect(q(el, 'h2').textContent).to.equal('Account of Rita R.');
    expect(q(el, 'button.danger').textContent!.trim()).to.equal('Sign out everywhere');
  });
});
