import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv, AppOptions } from './context.js';
import { actorOf } from './context.js';
import { applyCode, codeInVivo, countSegments, removeSegment, retrieveSegments, updateSegment } from '../domain/coding.js';
import { demand } from '../domain/permissions.js';
import { IdSchema } from '../schemas/common.js';
import { InVivoSchema, NewSegmentSchema, SegmentPatchSchema } from '../schemas/segment.js';
import { boolParam, intParam, manyIds, VersionQuerySchema } from './query.js';
import { valid } from './validate.js';

/** Retrieval filters as query parameters (ids repeat or come comma-separated). */
export const SegmentQueryParamsSchema = z.object({
  codeId: manyIds,
  includeSubcodes: boolParam,
  documentId: manyIds,
  setId: IdSchema.optional(),
  coder: manyIds,
  context: intParam(0, 5000),
  limit: intParam(1, 100_000),
  offset: intParam(0, 10_000_000),
});

export function segmentRoutes({ deps }: AppOptions) {
  return new Hono<AppEnv>()
    .get('/:projectId/segments', valid('query', SegmentQueryParamsSchema), async (c) => {
      const q = c.req.valid('query');
      const result = await retrieveSegments(deps, c.req.param('projectId'), {
        ...(q.codeId ? { codeId: q.codeId } : {}),
        includeSubcodes: q.includeSubcodes,
        ...(q.documentId ? { documentId: q.documentId } : {}),
        ...(q.setId ? { setId: q.setId } : {}),
        ...(q.coder ? { coder: q.coder } : {}),
        ...(q.context !== undefined ? { context: q.context } : {}),
        ...(q.limit !== undefined ? { limit: q.limit } : {}),
        ...(q.offset !== undefined ? { offset: q.offset } : {}),
      }, actorOf(c.get('user')));
      return c.json(result, 200);
    })
    .get('/:projectId/segments/counts', valid('query', z.object({ coder: manyIds })), async (c) => {
      const { coder } = c.req.valid('query');
      return c.json(await countSegments(deps, c.req.param('projectId'), coder ? { coder } : {}, actorOf(c.get('user'))), 200);
    })
    .post('/:projectId/segments', valid('json', NewSegmentSchema), async (c) => {
      demand(c.get('user').role, 'code');
      return c.json(await applyCode(deps, c.req.param('projectId'), actorOf(c.get('user')), c.req.valid('json')), 201);
    })
    .post('/:projectId/segments/in-vivo', valid('json', InVivoSchema), async (c) => {
      demand(c.get('user').role, 'code');
      return c.json(await codeInVivo(deps, c.req.param('projectId'), actorOf(c.get('user')), c.req.valid('json')), 201);
    })
    .patch('/:projectId/segments/:segmentId', valid('json', SegmentPatchSchema), async (c) => {
      demand(c.get('user').role, 'code');
      return c.json(await updateSegment(deps, c.req.param('projectId'), actorOf(c.get('user')), c.req.param('segmentId'), c.req.valid('json')), 200);
    })
    .delete('/:projectId/segments/:segmentId', valid('query', VersionQuerySchema), async (c) => {
      demand(c.get('user').role, 'code');
      await removeSegment(deps, c.req.param('projectId'), actorOf(c.get('user')), c.req.param('segmentId'), c.req.valid('query').version);
      return c.json({ ok: true }, 200);
    });
}
