import { Hono } from 'hono';
import type { AppEnv, AppOptions } from './context.js';
import { actorOf } from './context.js';
import { visibleExport } from '../domain/independent.js';
import { demand } from '../domain/permissions.js';
import { createProject, requireProject, restoreProject } from '../domain/projects.js';
import { NewProjectSchema } from '../schemas/project.js';
import { valid } from './validate.js';

export function projectRoutes({ deps }: AppOptions) {
  return new Hono<AppEnv>()
    .get('/', async (c) => c.json({ projects: await deps.store.listProjects() }, 200))
    .post('/', valid('json', NewProjectSchema), async (c) => {
      demand(c.get('user').role, 'manage-projects');
      return c.json(await createProject(deps, c.req.valid('json')), 201);
    })
    .get('/:projectId', async (c) => c.json(await requireProject(deps, c.req.param('projectId')), 200))
    .delete('/:projectId', async (c) => {
      demand(c.get('user').role, 'manage-projects');
      await requireProject(deps, c.req.param('projectId'));
      await deps.store.deleteProject(c.req.param('projectId'));
      // The pseudonym key (data/keys/) goes with its project.
      await deps.pseudonymKeys?.delete(c.req.param('projectId'));
      return c.json({ ok: true }, 200);
    })
    .get('/:projectId/export', async (c) => {
      // Independent mode (issue 6): a non-admin's export holds only the segments they may see.
      return c.json(await visibleExport(deps, c.req.param('projectId'), actorOf(c.get('user'))), 200);
    })
    .post('/restore', async (c) => {
      demand(c.get('user').role, 'manage-projects');
      const result = await restoreProject(deps, await c.req.json(), { asNewId: c.req.query('asNew') === 'true' });
      return c.json(result, 201);
    });
}
