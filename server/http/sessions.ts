import { TooManyRequests } from '../domain/errors.js';
import { newSession, type LoginLimits, type Session, type Sessions } from '../domain/sessions.js';

export type { LoginLimits, Session, Sessions } from '../domain/sessions.js';

/** Server-side sessions, kept in memory: a restart signs everyone out. */
export class SessionStore implements Sessions {
  private readonly sessions = new Map<string, Session>();

  async create(userId: string): Promise<Session> {
    const session = newSession(userId);
    this.sessions.set(session.token, session);
    return session;
  }

  async get(token: string | undefined): Promise<Session | undefined> {
    if (!token) return undefined;
    const s = this.sessions.get(token);
    if (!s) return undefined;
    if (s.expires < Date.now()) {
      this.sessions.delete(token);
      return undefined;
    }
    return s;
  }

  async delete(token: string): Promise<void> {
    this.sessions.delete(token);
  }

  async deleteForUser(userId: string, exceptToken?: string): Promise<void> {
    for (const [t, s] of this.sessions) if (s.userId === userId && t !== exceptToken) this.sessions.delete(t);
  }
}

/**
 * Login rate limit: after `maxFailures` failed attempts within `windowMs` for one key (login name,
 * client address), further attempts for that key are refused until the window has passed.
 */
export class LoginLimiter implements LoginLimits {
  private readonly failures = new Map<string, { count: number; first: number }>();
  constructor(
    private readonly maxFailures = 5,
    private readonly windowMs = 15 * 60 * 1000,
  ) {}

  async check(keys: string[]): Promise<void> {
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

  async fail(keys: string[]): Promise<void> {
    const now = Date.now();
    for (const key of keys) {
      const f = this.failures.get(key);
      if (!f || now - f.first > this.windowMs) this.failures.set(key, { count: 1, first: now });
      else f.count++;
    }
    if (this.failures.size > 100_000) this.failures.clear();
  }

  async succeed(keys: string[]): Promise<void> {
    for (const key of keys) this.failures.delete(key);
  }
}
