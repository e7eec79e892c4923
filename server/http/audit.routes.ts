import { Hono } from 'hono';
import type { Context } from 'hono';
import { isAuditedStore, type AuditQuery } from '../domain/audit.js';
import { NotFound } from '../domain/errors.js';
import { demand } from '../domain/permissions.js';
import { requireProject } from '../domain/projects.js';
import { auditToCsv } from '../export/audit-csv.js';
import { AuditQuerySchema, SERVER_AUDIT, type AuditEntry } from '../schemas/audit.js';
import type { AppEnv, AppOptions } from './context.js';
import { requestContext } from './request-context.js';
import { valid } from './validate.js';
import type { z } from 'zod';

type Query = z.infer<typeof AuditQuerySchema>;

/** Read one log page as JSON (`more`: there are further entries) or everything matching as CSV. */
async function answer(c: Context<AppEnv>, { deps }: AppOptions, projectId: string, { format, images, limit, offset, ...filter }: Query, name: string) {
  const store = deps.store;
  if (!isAuditedStore(store)) throw new NotFound('the audit trail is not enabled on this server');
  const query: AuditQuery = { ...filter, offset, limit: format === 'csv' ? limit : limit + 1 };
  const found = await store.listAudit(projectId, query);
  // Images are for undo; the trail's readers get them only when they ask.
  const strip = ({ before: _b, after: _a, ...rest }: AuditEntry): AuditEntry => rest;
  const page = (format === 'csv' ? found : found.slice(0, limit)).map((e) => (images === 'true' && format === 'json' ? e : strip(e)));
  if (format === 'csv') {
    return c.body(auditToCsv(page), 200, { 'content-type': 'text/csv; charset=utf-8; header=present', 'content-disposition': `attachment; filename="${name}.csv"` });
  }
  return c.json({ entries: page, more: found.length > limit }, 200);
}

/**
 * The audit trail (issue 9): `requestContext()` makes the signed-in user the actor of every write
 * below it (its `.route` line comes before the other project routes in app.ts), and admins read
 * the trail as JSON or CSV. Without the audit decorator (`withAudit`, wired in main.ts) → 404.
 */
export function auditRoutes(options: AppOptions) {
  return new Hono<AppEnv>().use('*', requestContext()).get('/:projectId/audit', valid('query', AuditQuerySchema), async (c) => {
    demand(c.get('user').role, 'manage-projects');
    const project = await requireProject(options.deps, c.req.param('projectId'));
    return answer(c, options, project.id, c.req.valid('query'), 'audit');
  });
}

/** The server-wide trail (admins): users, sign-ins and sign-outs, project creation and deletion. */
export function serverAuditRoutes(options: AppOptions) {
  return new Hono<AppEnv>().get('/', valid('query', AuditQuerySchema), async (c) => {
    demand(c.get('user').role, 'manage-users');
    return answer(c, options, SERVER_AUDIT, c.req.valid('query'), 'server-audit');
  });
}
