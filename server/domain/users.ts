import { Conflict, NotFound } from './errors.js';
import type { Deps } from './deps.js';
import { hashPassword } from './password.js';
import { NewUserSchema, type NewUser, type PublicUser, type User, type UserPatch } from '../schemas/user.js';

export function toPublicUser(user: User): PublicUser {
  const { passwordHash: _hash, ...rest } = user;
  return rest;
}

export async function createUser(deps: Deps, input: NewUser): Promise<User> {
  const parsed = NewUserSchema.parse(input);
  if (await deps.store.findUserByLogin(parsed.login)) throw new Conflict(`login name "${parsed.login}" is taken`);
  const user: User = {
    id: deps.newId(),
    login: parsed.login,
    displayName: parsed.displayName ?? parsed.login,
    role: parsed.role,
    passwordHash: await hashPassword(parsed.password),
    created: deps.now(),
    version: 1,
  };
  await deps.store.putUser(user);
  return user;
}

export async function updateUser(deps: Deps, id: string, patch: UserPatch): Promise<User> {
  const user = await deps.store.getUser(id);
  if (!user) throw new NotFound(`user ${id} not found`);
  if (user.version !== patch.version) throw new Conflict(`user ${id} was changed by someone else`, toPublicUser(user));
  if (patch.role !== undefined && patch.role !== 'admin' && user.role === 'admin') {
    const admins = (await deps.store.listUsers()).filter((u) => u.role === 'admin');
    if (admins.length <= 1) throw new Conflict('the last admin cannot lose the admin role');
  }
  const next: User = {
    ...user,
    ...(patch.displayName !== undefined ? { displayName: patch.displayName } : {}),
    ...(patch.role !== undefined ? { role: patch.role } : {}),
    ...(patch.password !== undefined ? { passwordHash: await hashPassword(patch.password) } : {}),
    version: user.version + 1,
  };
  await deps.store.putUser(next);
  return next;
}
