import type { Deps } from './domain/deps.js';
import { randomPassword } from './domain/password.js';
import { createUser } from './domain/users.js';

/**
 * First start with no users: create `admin` with the configured password, or a random one that is
 * returned so the caller prints it once.
 */
export async function ensureAdmin(deps: Deps, password: string | undefined): Promise<{ created: boolean; password?: string }> {
  if ((await deps.store.listUsers()).some((u) => u.role === 'admin')) return { created: false };
  const chosen = password ?? randomPassword();
  await createUser(deps, { login: 'admin', displayName: 'Administration', role: 'admin', password: chosen });
  return password ? { created: true } : { created: true, password: chosen };
}
