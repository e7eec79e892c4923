import { Hono } from 'hono';
import type { AppEnv, AppOptions } from './context.js';
import { Conflict, Forbidden } from '../domain/errors.js';
import { verifyPassword } from '../domain/password.js';
import { demand } from '../domain/permissions.js';
import { createUser, toPublicUser, updateUser } from '../domain/users.js';
import { NewUserSchema, UserPatchSchema } from '../schemas/user.js';
import type { Sessions } from './sessions.js';
import { valid } from './validate.js';
import { VersionQuerySchema } from './query.js';

export function userRoutes({ deps }: AppOptions, sessions: Sessions) {
  return new Hono<AppEnv>()
    .get('/', async (c) => {
      // Everyone signed in may see who is who and in which role (coder names, who may comment).
      const users = (await deps.store.listUsers()).map(toPublicUser);
      return c.json({ users }, 200);
    })
    .post('/', valid('json', NewUserSchema), async (c) => {
      demand(c.get('user').role, 'manage-users');
      return c.json(toPublicUser(await createUser(deps, c.req.valid('json'))), 201);
    })
    .patch('/:userId', valid('json', UserPatchSchema), async (c) => {
      const me = c.get('user');
      const id = c.req.param('userId');
      const patch = c.req.valid('json');
      // Users may change their own display name and password; everything else is for admins.
      if (me.id !== id || patch.role !== undefined) demand(me.role, 'manage-users');
      // A new password of one's own needs the current one; admins resetting someone else's do not.
      if (me.id === id && patch.password !== undefined && !(await verifyPassword(patch.currentPassword ?? '', me.passwordHash))) {
        throw new Forbidden('the current password is wrong');
      }
      const user = await updateUser(deps, id, patch);
      // A new password ends every other session of that user; one's own current session stays.
      if (patch.password !== undefined) await sessions.deleteForUser(id, me.id === id ? c.get('session').token : undefined);
      return c.json(toPublicUser(user), 200);
    })
    .delete('/:userId', valid('query', VersionQuerySchema), async (c) => {
      demand(c.get('user').role, 'manage-users');
      const id = c.req.param('userId');
      if (id === c.get('user').id) throw new Conflict('you cannot delete yourself');
      await deps.store.deleteUser({ id, version: c.req.valid('query').version });
      await sessions.deleteForUser(id);
      return c.json({ ok: true }, 200);
    });
}
