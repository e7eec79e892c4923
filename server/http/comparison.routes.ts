import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv, AppOptions } from './context.js';
import { actorOf } from './context.js';
import { viewerDeps } from '../domain/independent.js';
import { compareSets } from '../domain/comparison.js';
import { getCrosswalk, setCrosswalk } from '../domain/crosswalk.js';
import { demand } from '../domain/permissions.js';
import { requireProject } from '../domain/projects.js';
import { comparisonToCsv, comparisonToHtml, comparisonToMarkdown } from '../export/comparison-report.js';
import { AttributeNameSchema } from '../schemas/attribute.js';
import { NameSchema } from '../schemas/common.js';
import { ComparisonBaseSchema, type ParsedSideSpec } from '../schemas/comparison.js';
import { CrosswalkUpdateSchema } from '../schemas/crosswalk.js';
import { boolParam, intParam, manyIds, sideParam } from './query.js';
import { valid } from './validate.js';

/**
 * GET /comparison query:
 *   a, b            the sets, e.g. a=kind=observation  b=kind=interview,documentation  a=kind=observation;region=Region 1
 *                   a=set=Beobachtungsprotokolle (defaults: A observation, B interview + documentation)
 *   aLabel, bLabel  labels for the report
 *   by              break down by this attribute (region, sozialraumbuero, …)
 *   minDocuments    rare below this many documents (default 3); presentDocuments (default 1)
 *   k               suppress breakdown cells under k documents (default 3)
 *   evidence        quotes per row and side (default 2); base=coded|all; coder (ids); pairBy (default case)
 *   includeUnused   also rows no segment carries
 *   format          json (default) | md | html | csv
 */
export const ComparisonQuerySchema = z.object({
  a: sideParam,
  b: sideParam,
  aLabel: NameSchema.optional(),
  bLabel: NameSchema.optional(),
  by: AttributeNameSchema.optional(),
  minDocuments: intParam(1, 100_000),
  presentDocuments: intParam(1, 100_000),
  k: intParam(1, 1000),
  evidence: intParam(0, 20),
  base: ComparisonBaseSchema.optional(),
  coder: manyIds,
  pairBy: AttributeNameSchema.optional(),
  includeUnused: boolParam,
  format: z.enum(['json', 'md', 'html', 'csv']).default('json'),
});

export function comparisonRoutes({ deps }: AppOptions) {
  return new Hono<AppEnv>()
    .get('/:projectId/comparison', valid('query', ComparisonQuerySchema), async (c) => {
      const q = c.req.valid('query');
      const project = await requireProject(deps, c.req.param('projectId'));
      const withLabel = (spec: ParsedSideSpec | undefined, label: string | undefined): ParsedSideSpec | undefined =>
        spec && label ? { ...spec, label } : spec;
      const a = withLabel(q.a, q.aLabel);
      const b = withLabel(q.b, q.bLabel);
      // Independent mode (issue 6): a non-admin compares only the segments they may see.
      const result = await compareSets(await viewerDeps(deps, project.id, actorOf(c.get('user'))), project.id, {
        ...(a ? { a } : {}),
        ...(b ? { b } : {}),
        ...(q.by !== undefined ? { by: q.by } : {}),
        ...(q.minDocuments !== undefined ? { minDocuments: q.minDocuments } : {}),
        ...(q.presentDocuments !== undefined ? { presentDocuments: q.presentDocuments } : {}),
        ...(q.k !== undefined ? { minCellDocuments: q.k } : {}),
        ...(q.evidence !== undefined ? { evidence: q.evidence } : {}),
        ...(q.base !== undefined ? { base: q.base } : {}),
        ...(q.coder ? { coders: q.coder } : {}),
        ...(q.pairBy !== undefined ? { pairBy: q.pairBy } : {}),
        includeUnused: q.includeUnused,
      });
      const meta = { project: project.name, generated: deps.now() };
      switch (q.format) {
        case 'md':
          return c.body(comparisonToMarkdown(result, meta), 200, { 'content-type': 'text/markdown; charset=utf-8' });
        case 'html':
          return c.body(comparisonToHtml(result, meta), 200, { 'content-type': 'text/html; charset=utf-8' });
        case 'csv':
          return c.body(comparisonToCsv(result), 200, {
            'content-type': 'text/csv; charset=utf-8; header=present',
            'content-disposition': 'attachment; filename="vergleich.csv"',
          });
        default:
          return c.json(result, 200);
      }
    })
    .get('/:projectId/crosswalk', async (c) => c.json(await getCrosswalk(deps, c.req.param('projectId')), 200))
    .put('/:projectId/crosswalk', valid('json', CrosswalkUpdateSchema), async (c) => {
      demand(c.get('user').role, 'code');
      return c.json(await setCrosswalk(deps, c.req.param('projectId'), c.req.valid('json')), 200);
    });
}
