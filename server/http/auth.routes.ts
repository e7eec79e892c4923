import { Hono, type MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { Unauthorized, Forbidden } from '../domain/errors.js';
import { verifyPassword } from '../domain/password.js';
import { toPublicUser } from '../domain/users.js';
import { LoginSchema } from '../schemas/user.js';
import type { AppEnv, AppOptions } from './context.js';
import type { LoginLimiter, SessionStore } from './sessions.js';
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
export function sessionMiddleware(options: AppOptions, sessions: SessionStore): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const path = c.req.path;
    if (path === '/api/auth/login' || path === '/api/health' || path === '/api/openapi.json') return next();
    const session = sessions.get(getCookie(c, SESSION_COOKIE));
    if (!session) throw new Unauthorized('please sign in');
    const user = await options.deps.store.getUser(session.userId);
    if (!user) {
      sessions.delete(session.token);
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

export function authRoutes(options: AppOptions, sessions: SessionStore, limiter: LoginLimiter) {
  const { store } = options.deps;
  return new Hono<AppEnv>()
    .post('/login', valid('json', LoginSchema), async (c) => {
      const { login, password } = c.req.valid('json');
      const keys = [`login:${login.toLowerCase()}`, `addr:${clientAddress(c)}`];
      limiter.check(keys);
      const user = await store.findUserByLogin(login);
      const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
      if (!user || !ok) {
        limiter.fail(keys);
        throw new Unauthorized('wrong login name or password');
      }
      limiter.succeed(keys);
      const session = sessions.create(user.id);
      setCookie(c, SESSION_COOKIE, session.token, {
        httpOnly: true,
        sameSite: 'Strict',
        path: '/',
        secure: options.secureCookies ?? false,
        maxAge: 12 * 60 * 60,
      });
      return c.json({ user: toPublicUser(user), csrfToken: session.csrf }, 200);
    })
    .post('/logout', (c) => {
      sessions.delete(c.get('session').token);
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.json({ ok: true }, 200);
    })
    .get('/me', (c) => c.json({ user: toPublicUser(c.get('user')), csrfToken: c.get('session').csrf }, 200));
}
