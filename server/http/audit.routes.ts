import { Hono } from 'hono';
import { isAuditedStore } from '../domain/audit.js';
import { NotFound } from '../domain/errors.js';
import { demand } from '../domain/permissions.js';
import { requireProject } from '../domain/projects.js';
import { auditToCsv } from '../export/audit-csv.js';
import { AuditQuerySchema } from '../schemas/audit.js';
import type { AppEnv, AppOptions } from './context.js';
import { requestContext } from './request-context.js';
import { valid } from './validate.js';

/**
 * The audit trail (issue 9): `requestContext()` makes the signed-in user the actor of every write
 * below it (its `.route` line comes before the other project routes in app.ts), and admins read
 * the trail as JSON or CSV. Without the audit decorator (`withAudit`, wired in main.ts) → 404.
 */
export function auditRoutes({ deps }: AppOptions) {
  return new Hono<AppEnv>().use('*', requestContext()).get('/:projectId/audit', valid('query', AuditQuerySchema), async (c) => {
    demand(c.get('user').role, 'manage-projects');
    const project = await requireProject(deps, c.req.param('projectId'));
    const store = deps.store;
    if (!isAuditedStore(store)) throw new NotFound('the audit trail is not enabled on this server');
    const { format, ...query } = c.req.valid('query');
    const entries = await store.listAudit(project.id, query);
    if (format === 'csv') {
      return c.body(auditToCsv(entries), 200, { 'content-type': 'text/csv; charset=utf-8; header=present', 'content-disposition': 'attachment; filename="audit.csv"' });
    }
    return c.json({ entries }, 200);
  });
}
