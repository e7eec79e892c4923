import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv, AppOptions } from './context.js';
import {
  codebookToMarkdown,
  createCode,
  deleteCode,
  exportCodebook,
  importCodebook,
  mergeCodes,
  moveCode,
  splitCode,
  updateCode,
} from '../domain/codebook.js';
import { demand } from '../domain/permissions.js';
import { codebookToDocx } from '../export/codebook-docx.js';
import { requireProject } from '../domain/projects.js';
import { CodePatchSchema, DeleteCodeSchema, MoveCodeSchema, NewCodeSchema } from '../schemas/code.js';
import { IdSchema, NameSchema, VersionSchema } from '../schemas/common.js';
import { valid } from './validate.js';

export const MergeCodesSchema = z.object({
  sourceId: IdSchema,
  targetId: IdSchema,
  sourceVersion: VersionSchema,
  targetVersion: VersionSchema,
});
export const SplitCodeSchema = z.object({ name: NameSchema, segmentIds: z.array(IdSchema).min(1).max(100_000), version: VersionSchema });
const ExportQuerySchema = z.object({ format: z.enum(['json', 'markdown']).default('json') });
const ImportQuerySchema = z.object({ parentId: IdSchema.optional() });

export function codeRoutes({ deps }: AppOptions) {
  return new Hono<AppEnv>()
    .get('/:projectId/codes', async (c) => c.json({ codes: await deps.store.listCodes(c.req.param('projectId')) }, 200))
    .post('/:projectId/codes', valid('json', NewCodeSchema), async (c) => {
      demand(c.get('user').role, 'code');
      return c.json(await createCode(deps, c.req.param('projectId'), c.req.valid('json')), 201);
    })
    .patch('/:projectId/codes/:codeId', valid('json', CodePatchSchema), async (c) => {
      demand(c.get('user').role, 'code');
      return c.json(await updateCode(deps, c.req.param('projectId'), c.req.param('codeId'), c.req.valid('json')), 200);
    })
    .post('/:projectId/codes/:codeId/move', valid('json', MoveCodeSchema), async (c) => {
      demand(c.get('user').role, 'code');
      return c.json(await moveCode(deps, c.req.param('projectId'), c.req.param('codeId'), c.req.valid('json')), 200);
    })
    .post('/:projectId/codes/:codeId/split', valid('json', SplitCodeSchema), async (c) => {
      demand(c.get('user').role, 'code');
      return c.json(await splitCode(deps, c.req.param('projectId'), c.req.param('codeId'), c.req.valid('json')), 201);
    })
    /** Deleting demands an explicit choice for segments and sub-codes (DeleteCodeSchema). */
    .post('/:projectId/codes/:codeId/delete', valid('json', DeleteCodeSchema), async (c) => {
      demand(c.get('user').role, 'code');
      return c.json(await deleteCode(deps, c.req.param('projectId'), c.req.param('codeId'), c.req.valid('json')), 200);
    })
    .post('/:projectId/codes/merge', valid('json', MergeCodesSchema), async (c) => {
      demand(c.get('user').role, 'code');
      return c.json(await mergeCodes(deps, c.req.param('projectId'), c.req.valid('json')), 200);
    })
    .post('/:projectId/codebook/import', valid('query', ImportQuerySchema), async (c) => {
      demand(c.get('user').role, 'code');
      const { created, skipped } = await importCodebook(deps, c.req.param('projectId'), await c.req.json(), { parentId: c.req.valid('query').parentId ?? null });
      return c.json({ created: created.length, skipped }, 201);
    })
    .get('/:projectId/codebook', valid('query', ExportQuerySchema), async (c) => {
      const project = await requireProject(deps, c.req.param('projectId'));
      const book = exportCodebook(await deps.store.listCodes(project.id), {
        name: 'codebook',
        title: `Codebuch: ${project.name}`,
        language: project.language,
      }, project.crosswalk);
      if (c.req.valid('query').format === 'markdown') {
        return c.body(codebookToMarkdown(book), 200, { 'content-type': 'text/markdown; charset=utf-8' });
      }
      return c.json(book, 200);
    })
    /** The codebook as a Word document (a download). */
    .get('/:projectId/codebook.docx', async (c) => {
      const project = await requireProject(deps, c.req.param('projectId'));
      const book = exportCodebook(await deps.store.listCodes(project.id), { name: 'codebook', title: `Codebuch: ${project.name}`, language: project.language }, project.crosswalk);
      const bytes = await codebookToDocx(book);
      return c.body(bytes, 200, {
        'content-type': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        'content-disposition': `attachment; filename="codebook.docx"; filename*=UTF-8''${encodeURIComponent(`Codebuch ${project.name}.docx`)}`,
      });
    });
}
