import type { Role } from '../schemas/user.js';
import type { PseudonymKeys } from './pseudonyms.js';
import type { Store } from './store.js';

/** What every domain operation needs: the store, a clock and an id source (both replaceable in tests). */
export interface Deps {
  store: Store;
  now: () => string;
  newId: () => string;
  /** The pseudonym keys, kept apart from the store (issue 9, item 1); without it the key routes answer 404. */
  pseudonymKeys?: PseudonymKeys;
}

/** Who acts. */
export interface Actor {
  userId: string;
  role: Role;
}

export function makeDeps(store: Store, overrides: Partial<Omit<Deps, 'store'>> = {}): Deps {
  return {
    store,
    now: overrides.now ?? (() => new Date().toISOString()),
    newId: overrides.newId ?? (() => globalThis.crypto.randomUUID()),
    ...(overrides.pseudonymKeys ? { pseudonymKeys: overrides.pseudonymKeys } : {}),
  };
}
