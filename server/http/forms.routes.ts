import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv, AppOptions } from './context.js';
import { actorOf } from './context.js';
import { Forbidden } from '../domain/errors.js';
import { formToJsonSchema, typedRecord } from '../domain/form-records.js';
import {
  commentRequirement,
  decideRequirement,
  formCoverage,
  formToFile,
  generateProposals,
  getForm,
  getFormVersion,
  importForm,
  listForms,
  listRequirements,
  putFormVersion,
  recordsOfForm,
  updateRequirement,
} from '../domain/forms.js';
import { can, demand } from '../domain/permissions.js';
import { requireProject } from '../domain/projects.js';
import { backlogToCsv, backlogToHtml, backlogToMarkdown } from '../export/form-backlog.js';
import { DecisionSchema, FormDefinitionSchema, NewCommentSchema, NewFormVersionSchema, RequirementPatchSchema } from '../schemas/form.js';
import type { Role } from '../schemas/user.js';
import { intParam } from './query.js';
import { valid } from './validate.js';

/** Leads comment on proposals; product owners and admins too; researchers only read. */
function demandProposalComment(role: Role): void {
  if (!(can(role, 'edit-forms') || role === 'lead')) throw new Forbidden(`the role "${role}" may not comment on proposals`);
}

const share = z
  .string()
  .regex(/^(0(\.\d+)?|1(\.0+)?)$/)
  .optional()
  .transform((v) => (v === undefined ? undefined : Number(v)));

export const CoverageQuerySchema = z.object({ minFillRate: share, minDocuments: intParam(1, 10_000) });
export const FormExportQuerySchema = z.object({ format: z.enum(['json', 'json-schema']).default('json'), version: intParam(1, 100_000) });
export const BacklogQuerySchema = z.object({ format: z.enum(['md', 'html', 'csv']).default('md') });

function coverageOptions(q: z.infer<typeof CoverageQuerySchema>): { minFillRate?: number; minDocuments?: number } {
  return { ...(q.minFillRate !== undefined ? { minFillRate: q.minFillRate } : {}), ...(q.minDocuments !== undefined ? { minDocuments: q.minDocuments } : {}) };
}

/**
 * Documentation forms: versions, coverage, requirement proposals and decisions. Everyone signed in
 * reads; product owners and admins change forms and decide proposals (`edit-forms`); leads comment.
 */
export function formRoutes({ deps }: AppOptions) {
  return new Hono<AppEnv>()
    .get('/:projectId/forms', async (c) => c.json({ forms: await listForms(deps, c.req.param('projectId')) }, 200))
    .post('/:projectId/forms/import', valid('json', FormDefinitionSchema), async (c) => {
      demand(c.get('user').role, 'edit-forms');
      return c.json(await importForm(deps, c.req.param('projectId'), c.req.valid('json'), actorOf(c.get('user'))), 201);
    })
    .get('/:projectId/forms/:formId', async (c) => c.json(await getForm(deps, c.req.param('projectId'), c.req.param('formId')), 200))
    .put('/:projectId/forms/:formId', valid('json', NewFormVersionSchema), async (c) => {
      demand(c.get('user').role, 'edit-forms');
      return c.json(await putFormVersion(deps, c.req.param('projectId'), c.req.param('formId'), c.req.valid('json'), actorOf(c.get('user'))), 201);
    })
    .get('/:projectId/forms/:formId/versions/:number', async (c) => {
      const n = Number(c.req.param('number'));
      return c.json(await getFormVersion(deps, c.req.param('projectId'), c.req.param('formId'), Number.isInteger(n) && n > 0 ? n : -1), 200);
    })
    .get('/:projectId/forms/:formId/coverage', valid('query', CoverageQuerySchema), async (c) =>
      c.json(await formCoverage(deps, c.req.param('projectId'), c.req.param('formId'), coverageOptions(c.req.valid('query'))), 200),
    )
    .get('/:projectId/forms/:formId/records', async (c) => {
      const v = await getFormVersion(deps, c.req.param('projectId'), c.req.param('formId'));
      const records = await recordsOfForm(deps, c.req.param('projectId'), v.form);
      return c.json({ version: v.number, records: records.map((r) => ({ ...r, record: typedRecord(v.form, r.values) })) }, 200);
    })
    .get('/:projectId/forms/:formId/export', valid('query', FormExportQuerySchema), async (c) => {
      const q = c.req.valid('query');
      const projectId = c.req.param('projectId');
      const v = await getFormVersion(deps, projectId, c.req.param('formId'), q.version);
      if (q.format === 'json-schema') {
        c.header('content-disposition', `attachment; filename="${v.form.id}-v${v.number}.schema.json"`);
        return c.json(formToJsonSchema(v.form, v.number), 200);
      }
      c.header('content-disposition', `attachment; filename="${v.form.id}-v${v.number}.json"`);
      return c.json(formToFile(v.form, await deps.store.listCodes(projectId)), 200);
    })
    .get('/:projectId/forms/:formId/proposals', async (c) => c.json({ proposals: await listRequirements(deps, c.req.param('projectId'), c.req.param('formId')) }, 200))
    .post('/:projectId/forms/:formId/proposals/generate', valid('query', CoverageQuerySchema), async (c) => {
      demand(c.get('user').role, 'edit-forms');
      const r = await generateProposals(deps, c.req.param('projectId'), c.req.param('formId'), actorOf(c.get('user')), coverageOptions(c.req.valid('query')));
      return c.json({ created: r.created, proposals: r.requirements }, 200);
    })
    .patch('/:projectId/forms/:formId/proposals/:proposalId', valid('json', RequirementPatchSchema), async (c) => {
      demand(c.get('user').role, 'edit-forms');
      return c.json(await updateRequirement(deps, c.req.param('projectId'), c.req.param('formId'), c.req.param('proposalId'), c.req.valid('json')), 200);
    })
    .post('/:projectId/forms/:formId/proposals/:proposalId/decision', valid('json', DecisionSchema), async (c) => {
      demand(c.get('user').role, 'edit-forms');
      return c.json(await decideRequirement(deps, c.req.param('projectId'), c.req.param('formId'), c.req.param('proposalId'), c.req.valid('json'), actorOf(c.get('user'))), 200);
    })
    .post('/:projectId/forms/:formId/proposals/:proposalId/comments', valid('json', NewCommentSchema), async (c) => {
      demandProposalComment(c.get('user').role);
      return c.json(await commentRequirement(deps, c.req.param('projectId'), c.req.param('formId'), c.req.param('proposalId'), c.req.valid('json'), actorOf(c.get('user'))), 201);
    })
    .get('/:projectId/forms/:formId/backlog', valid('query', BacklogQuerySchema), async (c) => {
      const projectId = c.req.param('projectId');
      const formId = c.req.param('formId');
      const project = await requireProject(deps, projectId);
      const version = await getFormVersion(deps, projectId, formId);
      const proposals = await listRequirements(deps, projectId, formId);
      const meta = { project: project.name, formTitle: version.form.title, generated: deps.now() };
      const format = c.req.valid('query').format;
      if (format === 'csv') return c.body(backlogToCsv(proposals), 200, { 'content-type': 'text/csv; charset=utf-8; header=present', 'content-disposition': `attachment; filename="${formId}-anforderungen.csv"` });
      if (format === 'html') return c.body(backlogToHtml(proposals, meta), 200, { 'content-type': 'text/html; charset=utf-8' });
      return c.body(backlogToMarkdown(proposals, meta), 200, { 'content-type': 'text/markdown; charset=utf-8' });
    });
}
