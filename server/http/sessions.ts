import { randomBytes } from 'node:crypto';
import { TooManyRequests } from '../domain/errors.js';

export interface Session {
  token: string;
  userId: string;
  /** Sent back in the X-CSRF-Token header on every state-changing request. */
  csrf: string;
  expires: number;
}

const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** Server-side sessions, kept in memory: a restart signs everyone out. */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  create(userId: string): Session {
    const session: Session = {
      token: randomBytes(32).toString('base64url'),
      userId,
      csrf: randomBytes(24).toString('base64url'),
      expires: Date.now() + SESSION_TTL_MS,
    };
    this.sessions.set(session.token, session);
    return session;
  }

  get(token: string | undefined): Session | undefined {
    if (!token) return undefined;
    const s = this.sessions.get(token);
    if (!s) return undefined;
    if (s.expires < Date.now()) {
      this.sessions.delete(token);
      return undefined;
    }
    return s;
  }

  delete(token: string): void {
    this.sessions.delete(token);
  }

  /** Sign a user out everywhere (password change, deletion). */
  deleteForUser(userId: string): void {
    for (const [t, s] of this.sessions) if (s.userId === userId) this.sessions.delete(t);
  }
}

/**
 * Login rate limit: after `maxFailures` failed attempts within `windowMs` for one key (login name,
 * client address), further attempts for that key are refused until the window has passed.
 */
export class LoginLimiter {
  private readonly failures = new Map<string, { count: number; first: number }>();
  constructor(
    private readonly maxFailures = 5,
    private readonly windowMs = 15 * 60 * 1000,
  ) {}

  check(keys: string[]): void {
    const now = Date.now();
    for (const key of keys) {
      const f = this.failures.get(key);
      if (!f) continue;
      if (now - f.first > this.windowMs) this.failures.delete(key);
      else if (f.count >= this.maxFailures) {
        const seconds = Math.ceil((f.first + this.windowMs - now) / 1000);
        throw new TooManyRequests(`too many failed logins; try again in ${seconds} s`);
      }
    }
  }

  fail(keys: string[]): void {
    const now = Date.now();
    for (const key of keys) {
      const f = this.failures.get(key);
      if (!f || now - f.first > this.windowMs) this.failures.set(key, { count: 1, first: now });
      else f.count++;
    }
    if (this.failures.size > 100_000) this.failures.clear();
  }

  succeed(keys: string[]): void {
    for (const key of keys) this.failures.delete(key);
  }
}
