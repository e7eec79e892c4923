import { viewerDeps } from '../domain/independent.js';
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv, AppOptions } from './context.js';
import { actorOf } from './context.js';
import { applyAutocode, listAutocodeRuns, previewAutocode, undoAutocode } from '../domain/autocode.js';
import { demand } from '../domain/permissions.js';
import { requireProject } from '../domain/projects.js';
import { search } from '../domain/search.js';
import { keyness, keynessToCsv, wordFrequencies, wordsToCsv } from '../domain/words.js';
import { IdSchema } from '../schemas/common.js';
import { AutocodeRequestSchema, MAX_QUERY_LENGTH } from '../schemas/search.js';
import { envelope } from './errors.js';
import { intParam, sideParam } from './query.js';
import { valid } from './validate.js';

/** GET /search?q=…&set=…&codeId=…&speaker=…&context=60&limit=1000 */
export const SearchQuerySchema = z.object({
  q: z.string().min(1).max(MAX_QUERY_LENGTH),
  set: z.string().min(1).max(300).optional(),
  codeId: IdSchema.optional(),
  speaker: z.string().min(1).max(100).optional(),
  context: intParam(0, 1000),
  limit: intParam(1, 100_000),
});

/**
 * GET /words: frequencies of the project, a set (set=NAME) or a code's segments (codeId=…);
 * with a=…&b=… (the comparison's condition syntax) the keyness of A against B instead.
 * format=json (default) | csv.
 */
export const WordsQuerySchema = z.object({
  set: z.string().min(1).max(300).optional(),
  codeId: IdSchema.optional(),
  a: sideParam,
  b: sideParam,
  limit: intParam(1, 10_000),
  minLength: intParam(1, 50),
  format: z.enum(['json', 'csv']).default('json'),
});

export function searchRoutes({ deps }: AppOptions) {
  return new Hono<AppEnv>()
    .get('/:projectId/search', valid('query', SearchQuerySchema), async (c) => {
      const q = c.req.valid('query');
      const project = await requireProject(deps, c.req.param('projectId'));
      // Independent mode: a search scoped to a code's segments sees only the viewer's segments there.
      const result = await search(await viewerDeps(deps, project.id, actorOf(c.get('user'))), project.id, {
        query: q.q,
        scope: { ...(q.set ? { set: q.set } : {}), ...(q.codeId ? { codeId: q.codeId } : {}), ...(q.speaker ? { speaker: q.speaker } : {}) },
        ...(q.context !== undefined ? { context: q.context } : {}),
        ...(q.limit !== undefined ? { limit: q.limit } : {}),
      });
      return c.json(result, 200);
    })
    .post('/:projectId/autocode/preview', valid('json', AutocodeRequestSchema), async (c) => {
      const project = await requireProject(deps, c.req.param('projectId'));
      return c.json(await previewAutocode(await viewerDeps(deps, project.id, actorOf(c.get('user'))), project.id, actorOf(c.get('user')), c.req.valid('json')), 200);
    })
    .get('/:projectId/autocode', async (c) => {
      const project = await requireProject(deps, c.req.param('projectId'));
      return c.json({ runs: await listAutocodeRuns(deps, project.id) }, 200);
    })
    .post('/:projectId/autocode', valid('json', AutocodeRequestSchema), async (c) => {
      demand(c.get('user').role, 'code');
      const project = await requireProject(deps, c.req.param('projectId'));
      return c.json(await applyAutocode(deps, project.id, actorOf(c.get('user')), c.req.valid('json')), 201);
    })
    .post('/:projectId/autocode/:runId/undo', async (c) => {
      demand(c.get('user').role, 'code');
      const project = await requireProject(deps, c.req.param('projectId'));
      return c.json(await undoAutocode(deps, project.id, actorOf(c.get('user')), c.req.param('runId')), 200);
    })
    .get('/:projectId/words', valid('query', WordsQuerySchema), async (c) => {
      const q = c.req.valid('query');
      const project = await requireProject(deps, c.req.param('projectId'));
      const limit = q.limit !== undefined ? { limit: q.limit } : {};
      const minLength = q.minLength !== undefined ? { minLength: q.minLength } : {};
      if (q.a || q.b) {
        if (!q.a || !q.b) return c.json(envelope('invalid_input', 'keyness needs both a and b'), 400);
        const result = await keyness(await viewerDeps(deps, project.id, actorOf(c.get('user'))), project.id, q.a, q.b, { ...limit, ...minLength });
        if (q.format === 'csv') return c.body(keynessToCsv(result), 200, { 'content-type': 'text/csv; charset=utf-8; header=present', 'content-disposition': 'attachment; filename="keyness.csv"' });
        return c.json({ type: 'keyness' as const, ...result }, 200);
      }
      const result = await wordFrequencies(await viewerDeps(deps, project.id, actorOf(c.get('user'))), project.id, { ...(q.set ? { set: q.set } : {}), ...(q.codeId ? { codeId: q.codeId } : {}), ...limit, ...minLength });
      if (q.format === 'csv') return c.body(wordsToCsv(result), 200, { 'content-type': 'text/csv; charset=utf-8; header=present', 'content-disposition': 'attachment; filename="woerter.csv"' });
      return c.json({ type: 'frequencies' as const, ...result }, 200);
    });
}
