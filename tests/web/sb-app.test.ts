import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { Project } from '../../server/schemas/project.js';
import type { PublicUser } from '../../server/schemas/user.js';
import '../../web/components/sb-app.js';
import type { SbApp } from '../../web/components/sb-app.js';
import { FakeApi, type Call } from './fake-api.js';


const T = '2024-01-01T00:00:00.000Z';
const admin: PublicUser = { id: 'u1', login: 'admin', displayName: 'Administration', role: 'admin', created: T, version: 1 };
const project: Project = { id: 'p1', name: 'Demo: Relevanzmarkierungen', description: '', language: 'de', created: T, crosswalk: [], version: 1 };
const unauthorized = { status: 401, body: { error: { code: 'unauthorized', message: 'not signed in' } } };

function api(): FakeApi {
  let signedIn = false;
  return new FakeApi()
    .on('GET', '/api/auth/me', () => (signedIn ? { status: 200, body: { user: admin, csrfToken: 'tok-1' } } : unauthorized))
    .on('POST', '/api/auth/login', (c: Call) => {
      const { password } = c.body as { login: string; password: string };
      if (password !== 'richtig-richtig') return { status: 401, body: { error: { code: 'unauthorized', message: 'wrong login name or password' } } };
      signedIn = true;
      return { status: 200, body: { user: admin, csrfToken: 'tok-1' } };
    })
    .on('GET', '/api/projects', () => (signedIn ? { status: 200, body: { projects: [project] } } : unauthorized))
    .on('GET', '/api/projects/p1', project)
    .on('GET', '/api/projects/p1/documents', { documents: [] })
    .on('GET', '/api/projects/p1/sets', { sets: [] })
    .on('GET', '/api/projects/p1/codes', { codes: [] })
    .on('GET', '/api/projects/p1/segments/counts', { byCode: {} })
    .on('GET', '/api/users', { users: [admin] })
    .on('GET', '/api/projects/p1/memos', { memos: [] })
    .on('GET', '/api/projects/p1/crosswalk', { rows: [] })
    .on('GET', '/api/projects/p1/comparison', () => ({ status: 400, body: { error: { code: 'invalid_input', message: 'set A has no coded documents to compare' } } }));
}

let fake: FakeApi;
let originalUrl = '';

const root = (el: SbApp) => el.shadowRoot!;
const workbench = (el: SbApp) => root(el).querySelector('sb-workbench');

async function signIn(el: SbApp, password: string): Promise<void> {
  await waitUntil(() => root(el).querySelector('sb-login'), 'no sign-in form');
  const login = root(el).querySelector('sb-login')!;
  await login.updateComplete;
  login.shadowRoot!.querySelector<HTMLInputElement>('input[name="login"]')!.value = 'admin';
  login.shadowRoot!.querySelector<HTMLInputElement>('input[name="password"]')!.value = password;
  login.shadowRoot!.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
}

describe('sb-app', () => {
  beforeEach(() => {
    originalUrl = location.pathname + location.search;
    history.replaceState(null, '', '/');
    fake = api();
    fake.install();
  });
  afterEach(() => {
    fake.restore();
    history.replaceState(null, '', originalUrl);
  });

  it('shows the sign-in form when /api/auth/me answers 401, and the failure of a wrong password', async () => {
    const el = await fixture<SbApp>(html`<sb-app></sb-app>`);
    await signIn(el, 'falsch-falsch');
    const login = root(el).querySelector('sb-login')!;
    await waitUntil(() => login.shadowRoot!.querySelector('[role="alert"]'), 'no failure shown');
    expect(login.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain('wrong login name or password');
    await expect(el).to.be.accessible();
  });

  it('lists the projects after signing in, and moving between tabs updates the location', async () => {
    const el = await fixture<SbApp>(html`<sb-app></sb-app>`);
    await signIn(el, 'richtig-richtig');
    await waitUntil(() => root(el).querySelector('main ul a'), 'no project list');
    expect(root(el).querySelector('main h2')!.textContent).to.equal('Projekte');
    const link = root(el).querySelector<HTMLAnchorElement>('main ul a')!;
    expect(link.textContent).to.equal('Demo: Relevanzmarkierungen');
    expect(root(el).querySelector('header')!.textContent).to.contain('Administration');
    await expect(el).to.be.accessible();

    link.click();
    await waitUntil(() => workbench(el)?.shadowRoot?.querySelector('nav'), 'the workbench did not open');
    expect(location.pathname).to.equal('/projects/p1/corpus');

    const tab = (name: string) => [...workbench(el)!.shadowRoot!.querySelectorAll<HTMLAnchorElement>('nav a')].find((a) => a.textContent === name)!;
    tab('Vergleich').click();
    await waitUntil(() => workbench(el)!.shadowRoot!.querySelector('sb-comparison-view'), 'no comparison view');
    expect(location.pathname).to.equal('/projects/p1/comparison');
    expect(tab('Vergleich').getAttribute('aria-current')).to.equal('page');
    // The server refused this comparison (no coded documents): the view explains it.
    const view = workbench(el)!.shadowRoot!.querySelector('sb-comparison-view')!;
    await waitUntil(() => view.error, 'no explanation');
    expect(view.error).to.contain('set A has no coded documents to compare');

    tab('Memos').click();
    await waitUntil(() => location.pathname === '/projects/p1/memos', 'the location did not follow');
    // Back restores the comparison from the URL.
    history.back();
    await waitUntil(() => workbench(el)!.shadowRoot!.querySelector('sb-comparison-view'), 'back did not return to the comparison');
    expect(location.pathname).to.equal('/projects/p1/comparison');
    await expect(el).to.be.accessible();
  });

  it('opens the account dialog from the header; signing out everywhere returns to the sign-in form', async () => {
    fake.on('POST', '/api/auth/logout-everywhere', { ok: true });
    const el = await fixture<SbApp>(html`<sb-app></sb-app>`);
    await signIn(el, 'richtig-richtig');
    await waitUntil(() => root(el).querySelector('main ul a'), 'no project list');
    const accountButton = [...root(el).querySelectorAll<HTMLButtonElement>('header button')].find((b) => b.textContent === 'Konto')!;
    accountButton.click();
    const dialog = root(el).querySelector('sb-account-dialog')!;
    await waitUntil(() => dialog.shadowRoot?.querySelector('dialog')?.open, 'the account dialog did not open');
    await expect(el).to.be.accessible();
    dialog.shadowRoot!.querySelector<HTMLButtonElement>('button.danger')!.click();
    await waitUntil(() => root(el).querySelector('sb-login'), 'no sign-in form after signing out everywhere');
    expect(fake.count('POST', '/api/auth/logout-everywhere')).to.equal(1);
    expect(fake.last('POST', '/api/auth/logout-everywhere')!.headers.get('x-csrf-token')).to.equal('tok-1');
    expect(root(el).querySelector('sb-account-dialog')).to.equal(null);
  });
});
