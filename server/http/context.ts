import type { Actor, Deps } from '../domain/deps.js';
import type { User } from '../schemas/user.js';
import type { ChangeBus } from '../domain/events.js';
import type { LoginLimits, Session, Sessions } from './sessions.js';

/** What a request handler finds in its context once the session middleware has run. */
export interface AppEnv {
  Variables: {
    user: User;
    session: Session;
  };
}

export function actorOf(user: User): Actor {
  return { userId: user.id, role: user.role };
}

/** Options the app is built with (config.ts fills them from the environment). */
export interface AppOptions {
  deps: Deps;
  /** Set the Secure flag on cookies (behind HTTPS). */
  secureCookies?: boolean;
  /** Largest JSON body in bytes. */
  maxJsonBytes?: number;
  /** Largest upload (all files of one request) in bytes. */
  maxUploadBytes?: number;
  /** Folder with the built web UI, served at /. */
  webRoot?: string;
  /** Where sessions live (default: server memory; the PostgreSQL store shares them between processes). */
  sessions?: Sessions;
  /** Failed-login counts (default: server memory). */
  loginLimits?: LoginLimits;
  /** Live change notices (default: in-process; PostgreSQL: LISTEN/NOTIFY between processes). */
  bus?: ChangeBus;
}
