import { Hono } from 'hono';
import type { AppEnv, AppOptions } from './context.js';
import { actorOf } from './context.js';
import { sealedDocuments } from '../domain/independent.js';
import { createMemo, deleteMemo, updateMemo } from '../domain/memos.js';
import { demand } from '../domain/permissions.js';
import { MemoPatchSchema, NewMemoSchema } from '../schemas/memo.js';
import { VersionQuerySchema } from './query.js';
import { valid } from './validate.js';

export function memoRoutes({ deps }: AppOptions) {
  return new Hono<AppEnv>()
    .get('/:projectId/memos', async (c) => {
      const projectId = c.req.param('projectId');
      // Independent mode: a memo on a segment the viewer may not see is hidden with the segment.
      const viewer = actorOf(c.get('user'));
      const memos = await deps.store.listMemos(projectId);
      if (viewer.role === 'admin') return c.json({ memos }, 200);
      const sealed = await sealedDocuments(deps, projectId);
      if (sealed.size === 0 || !memos.some((m) => m.target.type === 'segment')) return c.json({ memos }, 200);
      // Only other coders' segments in sealed documents are hidden; one read finds them all.
      const hidden = new Set((await deps.store.listSegments(projectId, { documentIds: [...sealed] })).filter((s) => s.coder !== viewer.userId).map((s) => s.id));
      return c.json({ memos: memos.filter((m) => !(m.target.type === 'segment' && hidden.has(m.target.id))) }, 200);
    })
    .post('/:projectId/memos', valid('json', NewMemoSchema), async (c) => {
      demand(c.get('user').role, 'comment');
      return c.json(await createMemo(deps, c.req.param('projectId'), actorOf(c.get('user')), c.req.valid('json')), 201);
    })
    .patch('/:projectId/memos/:memoId', valid('json', MemoPatchSchema), async (c) => {
      demand(c.get('user').role, 'comment');
      return c.json(await updateMemo(deps, c.req.param('projectId'), actorOf(c.get('user')), c.req.param('memoId'), c.req.valid('json')), 200);
    })
    .delete('/:projectId/memos/:memoId', valid('query', VersionQuerySchema), async (c) => {
      demand(c.get('user').role, 'comment');
      await deleteMemo(deps, c.req.param('projectId'), actorOf(c.get('user')), c.req.param('memoId'), c.req.valid('query').version);
      return c.json({ ok: true }, 200);
    });
}
