import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../web/components/sb-login.js';
import type { LoginSubmitEvent, SbLogin } from '../../web/components/sb-login.js';

describe('sb-login', () => {
  it('fires sb-login-submit with the entered values', async () => {
    const el = await fixture<SbLogin>(html`<sb-login></sb-login>`);
    const root = el.shadowRoot!;
    (root.querySelector('input[name="login"]') as HTMLInputElement).value = 'mara';
    (root.querySelector('input[name="password"]') as HTMLInputElement).value = 'geheim123';
    const fired = oneEvent(el, 'sb-login-submit');
    (root.querySelector('button[type="submit"]') as HTMLButtonElement).click();
    const e = (await fired) as unknown as LoginSubmitEvent;
    expect([e.login, e.password]).to.deep.equal(['mara', 'geheim123']);
  });

  it('shows an error as an alert and is accessible', async () => {
    const el = await fixture<SbLogin>(html`<sb-login error="wrong login name or password"></sb-login>`);
    expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain('wrong login name or password');
    await expect(el).to.be.accessible();
  });
});
