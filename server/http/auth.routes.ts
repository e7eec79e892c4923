import { Hono, type MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { recordServerEvent } from '../domain/audit.js';
import { Unauthorized, Forbidden, TooManyRequests } from '../domain/errors.js';
import { verifyPassword } from '../domain/password.js';
import { toPublicUser } from '../domain/users.js';
import { LoginSchema } from '../schemas/user.js';
import type { AppEnv, AppOptions } from './context.js';
import type { LoginLimits, Sessions } from './sessions.js';
import { valid } from './validate.js';

export const SESSION_COOKIE = 'sichtbar_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A constant-cost dummy hash, so unknown login names take as long as wrong passwords. */
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

function clientAddress(c: { env: unknown }): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'local';
}

/** Requires a valid session on every /api route except login and health, and the CSRF header on writes. */
export function sessionMiddleware(options: AppOptions, sessions: Sessions): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const path = c.req.path;
    if (path === '/api/auth/login' || path === '/api/health' || path === '/api/openapi.json') return next();
    const session = await sessions.get(getCookie(c, SESSION_COOKIE));
    if (!session) throw new Unauthorized('please sign in');
    const user = await options.deps.store.getUser(session.userId);
    if (!user) {
      await sessions.delete(session.token);
      throw new Unauthorized('please sign in');
    }
    if (!SAFE_METHODS.has(c.req.method) && c.req.header('x-csrf-token') !== session.csrf) {
      throw new Forbidden('missing or wrong X-CSRF-Token header');
    }
    c.set('user', user);
    c.set('session', session);
    await next();
  };
}

export function authRoutes(options: AppOptions, sessions: Sessions, limiter: LoginLimits) {
  const { store } = options.deps;
  // Refusals while locked are noted once a minute per login name: hammering must not grow the log.
  const lockNoted = new Map<string, number>();
  const noteLock = (login: string): boolean => {
    const now = Date.now();
    const key = login.toLowerCase();
    if (now - (lockNoted.get(key) ?? 0) < 60_000) return false;
    if (lockNoted.size > 10_000) lockNoted.clear();
    lockNoted.set(key, now);
    return true;
  };
  return new Hono<AppEnv>()
    .post('/login', valid('json', LoginSchema), async (c) => {
      const { login, password } = c.req.valid('json');
      const keys = [`login:${login.toLowerCase()}`, `addr:${clientAddress(c)}`];
      // The audit trail gets the login name tried and the outcome – never the password or token.
      const user = await store.findUserByLogin(login);
      try {
        await limiter.check(keys);
      } catch (e) {
        if (e instanceof TooManyRequests && noteLock(login)) await recordServerEvent(store, { userId: user?.id ?? null, kind: 'session', id: user?.id ?? '', action: 'sign-in-failed', name: login.slice(0, 200), detail: 'locked' });
        throw e;
      }
      const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
      if (!user || !ok) {
        await limiter.fail(keys);
        await recordServerEvent(store, { userId: user?.id ?? null, kind: 'session', id: user?.id ?? '', action: 'sign-in-failed', name: login.slice(0, 200), detail: 'wrong-credentials' });
        throw new Unauthorized('wrong login name or password');
      }
      await limiter.succeed(keys);
      await recordServerEvent(store, { userId: user.id, kind: 'session', id: user.id, action: 'signed-in', name: user.login });
      const session = await sessions.create(user.id);
      setCookie(c, SESSION_COOKIE, session.token, {
        httpOnly: true,
        sameSite: 'Strict',
        path: '/',
        secure: options.secureCookies ?? false,
        maxAge: 12 * 60 * 60,
      });
      return c.json({ user: toPublicUser(user), csrfToken: session.csrf }, 200);
    })
    .post('/logout', async (c) => {
      await sessions.delete(c.get('session').token);
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      const me = c.get('user');
      await recordServerEvent(store, { userId: me.id, kind: 'session', id: me.id, action: 'signed-out', name: me.login });
      return c.json({ ok: true }, 200);
    })
    .post('/logout-everywhere', async (c) => {
      // Every session of this user, on every device, ends (e.g. after a lost laptop).
      const me = c.get('user');
      await sessions.deleteForUser(me.id);
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      await recordServerEvent(store, { userId: me.id, kind: 'session', id: me.id, action: 'signed-out-everywhere', name: me.login });
      return c.json({ ok: true }, 200);
    })
    .get('/me', (c) => c.json({ user: toPublicUser(c.get('user')), csrfToken: c.get('session').csrf }, 200));
}
