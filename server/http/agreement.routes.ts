import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv, AppOptions } from './context.js';
import { actorOf } from './context.js';
import { computeAgreement, decideConsensus, listDisagreements } from '../domain/agreement.js';
import { setIndependentMode } from '../domain/independent.js';
import { demand } from '../domain/permissions.js';
import { requireProject } from '../domain/projects.js';
import { agreementToCsv, agreementToMarkdown } from '../export/agreement-report.js';
import { AgreementLevelSchema, ConsensusDecisionSchema } from '../schemas/agreement.js';
import { VersionSchema } from '../schemas/common.js';
import { manyIds } from './query.js';
import { valid } from './validate.js';

const thresholdParam = z
  .string()
  .regex(/^(0(\.\d+)?|1(\.0+)?)$/, 'a number between 0 and 1')
  .optional()
  .transform((v) => (v === undefined ? undefined : Number(v)))
  .pipe(z.number().min(0.01).max(1).optional());

/**
 * GET /agreement query: level=document|segment|unitizing, coders (ids or login names, comma list or
 * repeated), threshold (segment level, default 0.9), set (id or name), documentId, codeId,
 * format=json|csv|md.
 */
export const AgreementQuerySchema = z.object({
  level: AgreementLevelSchema.default('document'),
  coders: manyIds,
  threshold: thresholdParam,
  set: z.string().min(1).max(300).optional(),
  documentId: manyIds,
  codeId: manyIds,
  format: z.enum(['json', 'csv', 'md']).default('json'),
});

export const DisagreementQuerySchema = z.object({
  coders: manyIds,
  threshold: thresholdParam,
  set: z.string().min(1).max(300).optional(),
  documentId: manyIds,
  codeId: manyIds,
});

export const SetModeSchema = z.object({ independent: z.boolean().optional(), openForComparison: z.boolean().optional(), version: VersionSchema });

export function agreementRoutes({ deps }: AppOptions) {
  return new Hono<AppEnv>()
    .get('/:projectId/agreement', valid('query', AgreementQuerySchema), async (c) => {
      const q = c.req.valid('query');
      const project = await requireProject(deps, c.req.param('projectId'));
      const result = await computeAgreement(
        deps,
        project.id,
        {
          level: q.level,
          ...(q.coders ? { coders: q.coders } : {}),
          ...(q.threshold !== undefined ? { threshold: q.threshold } : {}),
          ...(q.set ? { setId: q.set } : {}),
          ...(q.documentId ? { documentIds: q.documentId } : {}),
          ...(q.codeId ? { codeIds: q.codeId } : {}),
        },
        actorOf(c.get('user')),
      );
      if (q.format === 'csv') {
        return c.body(agreementToCsv(result), 200, { 'content-type': 'text/csv; charset=utf-8; header=present', 'content-disposition': 'attachment; filename="uebereinstimmung.csv"' });
      }
      if (q.format === 'md') return c.body(agreementToMarkdown(result, { project: project.name, generated: deps.now() }), 200, { 'content-type': 'text/markdown; charset=utf-8' });
      return c.json(result, 200);
    })
    .get('/:projectId/agreement/disagreements', valid('query', DisagreementQuerySchema), async (c) => {
      const q = c.req.valid('query');
      const project = await requireProject(deps, c.req.param('projectId'));
      const result = await listDisagreements(
        deps,
        project.id,
        {
          ...(q.coders ? { coders: q.coders } : {}),
          ...(q.threshold !== undefined ? { threshold: q.threshold } : {}),
          ...(q.set ? { setId: q.set } : {}),
          ...(q.documentId ? { documentIds: q.documentId } : {}),
          ...(q.codeId ? { codeIds: q.codeId } : {}),
        },
        actorOf(c.get('user')),
      );
      return c.json(result, 200);
    })
    .post('/:projectId/agreement/consensus', valid('json', ConsensusDecisionSchema), async (c) => {
      demand(c.get('user').role, 'code');
      const project = await requireProject(deps, c.req.param('projectId'));
      return c.json(await decideConsensus(deps, project.id, c.req.valid('json'), actorOf(c.get('user'))), 201);
    })
    .put('/:projectId/sets/:setId/mode', valid('json', SetModeSchema), async (c) => {
      demand(c.get('user').role, 'manage-projects');
      return c.json(await setIndependentMode(deps, c.req.param('projectId'), c.req.param('setId'), c.req.valid('json')), 200);
    });
}
