import { Hono } from 'hono';
import type { AppEnv, AppOptions } from './context.js';
import { createSet, deleteSet, findSet, resolveSet, updateSet } from '../domain/corpus.js';
import { demand } from '../domain/permissions.js';
import { DocumentSetPatchSchema, NewDocumentSetSchema } from '../schemas/document-set.js';
import { VersionQuerySchema } from './query.js';
import { valid } from './validate.js';

export function setRoutes({ deps }: AppOptions) {
  return new Hono<AppEnv>()
    .get('/:projectId/sets', async (c) => {
      const projectId = c.req.param('projectId');
      const documents = await deps.store.listDocuments(projectId);
      const sets = (await deps.store.listSets(projectId)).map((s) => ({ ...s, documentIds: resolveSet(s, documents) }));
      return c.json({ sets }, 200);
    })
    .get('/:projectId/sets/:setId', async (c) => {
      const projectId = c.req.param('projectId');
      const set = await findSet(deps, projectId, c.req.param('setId'));
      return c.json({ ...set, documentIds: resolveSet(set, await deps.store.listDocuments(projectId)) }, 200);
    })
    .post('/:projectId/sets', valid('json', NewDocumentSetSchema), async (c) => {
      demand(c.get('user').role, 'code');
      return c.json(await createSet(deps, c.req.param('projectId'), c.req.valid('json')), 201);
    })
    .patch('/:projectId/sets/:setId', valid('json', DocumentSetPatchSchema), async (c) => {
      demand(c.get('user').role, 'code');
      return c.json(await updateSet(deps, c.req.param('projectId'), c.req.param('setId'), c.req.valid('json')), 200);
    })
    .delete('/:projectId/sets/:setId', valid('query', VersionQuerySchema), async (c) => {
      demand(c.get('user').role, 'code');
      await deleteSet(deps, c.req.param('projectId'), c.req.param('setId'), c.req.valid('query').version);
      return c.json({ ok: true }, 200);
    });
}
