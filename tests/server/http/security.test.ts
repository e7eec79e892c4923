import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureAdmin } from '../../../server/bootstrap.js';
import { makeDeps, type Deps } from '../../../server/domain/deps.js';
import { SESSION_TTL_MS } from '../../../server/domain/sessions.js';
import { createApp, type App } from '../../../server/http/app.js';
import { SessionStore } from '../../../server/http/sessions.js';
import type { PublicUser } from '../../../server/schemas/user.js';
import { testStore } from '../helpers.js';
import { sendTo, signInTo, type Session } from '../support.js';

/**
 * Web security (issue 9, item 7): headers, session expiry, logout everywhere, password change.
 * The lockout after 5 failed logins is tested in api.test.ts ("the 6th failed login for one name
 * is 429"); the role table in roles.test.ts.
 */

const ADMIN_PASSWORD = 'a-long-password';
let deps: Deps;
let webRoot: string;

beforeAll(async () => {
  deps = makeDeps(await testStore());
  await ensureAdmin(deps, ADMIN_PASSWORD);
  webRoot = await mkdtemp(join(tmpdir(), 'sichtbar-web-'));
  await writeFile(join(webRoot, 'index.html'), '<!doctype html><title>Sichtbar</title><script type="module" src="/app.js"></script>');
});

afterAll(async () => {
  await rm(webRoot, { recursive: true, force: true });
});

afterEach(() => {
  vi.restoreAllMocks();
});

function expectSecurityHeaders(res: Response, what: string): void {
  const csp = res.headers.get('content-security-policy') ?? '';
  const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name ?? '', values]));
  expect(directives.get('script-src'), `${what}: script-src`).toEqual(["'self'"]);
  expect(csp, what).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
  expect(directives.get('frame-ancestors'), `${what}: frame-ancestors`).toEqual(["'none'"]);
  expect(directives.get('object-src'), `${what}: object-src`).toEqual(["'none'"]);
  expect(res.headers.get('x-content-type-options'), what).toBe('nosniff');
  expect(res.headers.get('referrer-policy'), what).toBe('no-referrer');
  expect(res.headers.get('x-frame-options'), what).toBe('SAMEORIGIN');
}

describe('security headers', () => {
  it('an API answer, an error envelope and the web root carry CSP, nosniff and a referrer policy', async () => {
    const app = createApp({ deps, webRoot });
    const admin = await signInTo(app, 'admin', ADMIN_PASSWORD);
    const ok = await sendTo(app, admin, 'GET', '/api/projects');
    expect(ok.status).toBe(200);
    expectSecurityHeaders(ok, 'GET /api/projects');
    const unauthorised = await sendTo(app, undefined, 'GET', '/api/projects');
    expect(unauthorised.status).toBe(401);
    expectSecurityHeaders(unauthorised, '401');
    const missing = await sendTo(app, admin, 'GET', '/api/projects/no-such-project');
    expect(missing.status).toBe(404);
    expectSecurityHeaders(missing, '404');
    const invalid = await sendTo(app, admin, 'POST', '/api/projects', { name: '' });
    expect(invalid.status).toBe(400);
    expectSecurityHeaders(invalid, '400');
    const root = await sendTo(app, undefined, 'GET', '/');
    expect(root.status).toBe(200);
    expect(root.headers.get('content-type')).toContain('text/html');
    expectSecurityHeaders(root, 'GET /');
  });
});

describe('sessions', () => {
  it('a session past its 12-hour lifetime is refused with 401', async () => {
    const sessions = new SessionStore();
    const app = createApp({ deps, sessions });
    const start = Date.now();
    const now = vi.spyOn(Date, 'now').mockReturnValue(start);
    const admin = await signInTo(app, 'admin', ADMIN_PASSWORD);
    now.mockReturnValue(start + SESSION_TTL_MS - 1000);
    expect((await sendTo(app, admin, 'GET', '/api/auth/me')).status).toBe(200);
    now.mockReturnValue(start + SESSION_TTL_MS + 1000);
    const expired = await sendTo(app, admin, 'GET', '/api/auth/me');
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    // Gone for good, not only while the clock is late.
    now.mockReturnValue(start);
    expect((await sendTo(app, admin, 'GET', '/api/auth/me')).status).toBe(401);
    expect(SESSION_TTL_MS).toBe(12 * 60 * 60 * 1000);
  });

  it('the session cookie lives no longer than the session', async () => {
    const app = createApp({ deps });
    const res = await app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'admin', password: ADMIN_PASSWORD }) });
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toContain(`Max-Age=${SESSION_TTL_MS / 1000}`);
  });

  it('a write without the CSRF header is 403 even with a valid cookie', async () => {
    const app = createApp({ deps });
    const admin = await signInTo(app, 'admin', ADMIN_PASSWORD);
    const res = await app.request('/api/projects', { method: 'POST', headers: { cookie: admin.cookie, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Ohne Token' }) });
    expect(res.status).toBe(403);
  });
});

describe('logout everywhere and password changes', () => {
  let app: App;
  let admin: Session;
  let rita: PublicUser;

  beforeAll(async () => {
    app = createApp({ deps });
    admin = await signInTo(app, 'admin', ADMIN_PASSWORD);
    const res = await sendTo(app, admin, 'POST', '/api/users', { login: 'rita', role: 'researcher', password: 'rita-password' });
    expect(res.status).toBe(201);
    rita = (await res.json()) as PublicUser;
  });

  const me = async (session: Session) => (await sendTo(app, session, 'GET', '/api/auth/me')).status;
  const version = async () => (await deps.store.getUser(rita.id))?.version ?? 0;

  it('POST /api/auth/logout-everywhere ends every session of the user and no one else\'s', async () => {
    const laptop = await signInTo(app, 'rita', 'rita-password');
    const phone = await signInTo(app, 'rita', 'rita-password');
    const out = await sendTo(app, phone, 'POST', '/api/auth/logout-everywhere');
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie') ?? '').toMatch(/sichtbar_session=;/);
    expect(await me(laptop)).toBe(401);
    expect(await me(phone)).toBe(401);
    expect(await me(admin)).toBe(200);
  });

  it('changing one\'s own password needs the current one and ends the other sessions, not this one', async () => {
    const laptop = await signInTo(app, 'rita', 'rita-password');
    const phone = await signInTo(app, 'rita', 'rita-password');
    const without = await sendTo(app, laptop, 'PATCH', `/api/users/${rita.id}`, { password: 'rita-new-password', version: await version() });
    expect(without.status).toBe(403);
    const wrong = await sendTo(app, laptop, 'PATCH', `/api/users/${rita.id}`, { password: 'rita-new-password', currentPassword: 'not-it', version: await version() });
    expect(wrong.status).toBe(403);
    expect(await me(phone)).toBe(200);
    const changed = await sendTo(app, laptop, 'PATCH', `/api/users/${rita.id}`, { password: 'rita-new-password', currentPassword: 'rita-password', version: await version() });
    expect(changed.status).toBe(200);
    expect(await me(laptop)).toBe(200);
    expect(await me(phone)).toBe(401);
    const old = await app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'rita', password: 'rita-password' }) });
    expect(old.status).toBe(401);
    await signInTo(app, 'rita', 'rita-new-password');
  });

  it('an admin resets someone else\'s password without theirs, and every session of that user ends', async () => {
    const rSession = await signInTo(app, 'rita', 'rita-new-password');
    const reset = await sendTo(app, admin, 'PATCH', `/api/users/${rita.id}`, { password: 'rita-third-password', version: await version() });
    expect(reset.status).toBe(200);
    expect(await me(rSession)).toBe(401);
    expect(await me(admin)).toBe(200);
    await signInTo(app, 'rita', 'rita-third-password');
  });

  it('a display-name change alone ends no session', async () => {
    const rSession = await signInTo(app, 'rita', 'rita-third-password');
    expect((await sendTo(app, rSession, 'PATCH', `/api/users/${rita.id}`, { displayName: 'Rita R.', version: await version() })).status).toBe(200);
    expect(await me(rSession)).toBe(200);
  });
});
