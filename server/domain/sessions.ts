import { randomBytes } from 'node:crypto';

/**
 * Sessions and failed-login counts as interfaces: the embedded server keeps them in memory
 * (http/sessions.ts), the PostgreSQL store in the database (storage/pg-services.ts), so several
 * server processes share them.
 */

export interface Session {
  token: string;
  userId: string;
  /** Sent back in the X-CSRF-Token header on every state-changing request. */
  csrf: string;
  expires: number;
}

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/**
 * Where sessions live. The embedded store keeps them in server memory (a restart signs everyone
 * out); the PostgreSQL store keeps them in the database, so every server process sees them.
 */
export interface Sessions {
  create(userId: string): Promise<Session>;
  /** The session for a token, or undefined when unknown or expired. */
  get(token: string | undefined): Promise<Session | undefined>;
  delete(token: string): Promise<void>;
  /** Sign a user out everywhere (deletion, logout everywhere), or everywhere but `exceptToken` (own password change). */
  deleteForUser(userId: string, exceptToken?: string): Promise<void>;
}

/** A new session with random token and CSRF secret. */
export function newSession(userId: string, now = Date.now()): Session {
  return {
    token: randomBytes(32).toString('base64url'),
    userId,
    csrf: randomBytes(24).toString('base64url'),
    expires: now + SESSION_TTL_MS,
  };
}

/** Failed-login counting, shared by every server process that serves one database. */
export interface LoginLimits {
  /** Throws TooManyRequests when one of the keys has too many recent failures. */
  check(keys: string[]): Promise<void>;
  fail(keys: string[]): Promise<void>;
  succeed(keys: string[]): Promise<void>;
}

