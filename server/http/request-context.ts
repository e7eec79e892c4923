import { AsyncLocalStorage } from 'node:async_hooks';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './context.js';

const requestActor = new AsyncLocalStorage<{ userId: string }>();

/**
 * The signed-in user of the request being handled, for the audit decorator (domain/audit.ts):
 * the domain does not pass the actor down to `commit`, so it travels with the async context.
 */
export function currentActor(): { userId: string } | undefined {
  return requestActor.getStore();
}

/** Middleware: run the rest of the request with its user as the current actor. */
export function requestContext(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const user = c.get('user') as AppEnv['Variables']['user'] | undefined;
    if (!user) return next();
    await requestActor.run({ userId: user.id }, next);
  };
}
