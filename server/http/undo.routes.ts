import { Hono } from 'hono';
import { Forbidden } from '../domain/errors.js';
import { can } from '../domain/permissions.js';
import { requireProject } from '../domain/projects.js';
import { redo, undo, undoHistory } from '../domain/undo.js';
import type { User } from '../schemas/user.js';
import type { AppEnv, AppOptions } from './context.js';

/** Only roles that can change anything have steps to undo; a role taken away since ends that. */
function demandWriter(user: User): void {
  if (!can(user.role, 'code') && !can(user.role, 'comment')) throw new Forbidden(`the role "${user.role}" may not undo or redo`);
}

/**
 * Undo and redo of the signed-in user's own actions in a project (issue 9, item 3;
 * domain/undo.ts). Mounted after the events route in app.ts, so other clients get a change notice.
 */
export function undoRoutes({ deps }: AppOptions) {
  return new Hono<AppEnv>()
    .get('/:projectId/history', async (c) => {
      const project = await requireProject(deps, c.req.param('projectId'));
      return c.json(await undoHistory(deps, project.id, { userId: c.get('user').id }), 200);
    })
    .post('/:projectId/undo', async (c) => {
      demandWriter(c.get('user'));
      const project = await requireProject(deps, c.req.param('projectId'));
      return c.json(await undo(deps, project.id, { userId: c.get('user').id }), 200);
    })
    .post('/:projectId/redo', async (c) => {
      demandWriter(c.get('user'));
      const project = await requireProject(deps, c.req.param('projectId'));
      return c.json(await redo(deps, project.id, { userId: c.get('user').id }), 200);
    });
}
