import { Hono, type MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { CODEBOOK_TABLE_LIMITS } from '../import/codebook-table.js';
import { REFI_LIMITS } from '../import/refi-model.js';
import { agreementRoutes } from './agreement.routes.js';
import { auditRoutes, serverAuditRoutes } from './audit.routes.js';
import { authRoutes, sessionMiddleware } from './auth.routes.js';
import { codeRoutes } from './codes.routes.js';
import { comparisonRoutes } from './comparison.routes.js';
import type { AppEnv, AppOptions } from './context.js';
import { documentRoutes } from './documents.routes.js';
import { envelope, handleError } from './errors.js';
import { eventRoutes } from './events.routes.js';
import { formRoutes } from './forms.routes.js';
import { memoRoutes } from './memos.routes.js';
import { buildOpenApi } from './openapi.js';
import { projectRoutes } from './projects.routes.js';
import { pseudonymRoutes } from './pseudonyms.routes.js';
import { refiRoutes } from './refi.routes.js';
import { requestContext } from './request-context.js';
import { searchRoutes } from './search.routes.js';
import { segmentRoutes } from './segments.routes.js';
import { LoginLimiter, SessionStore } from './sessions.js';
import { setRoutes } from './sets.routes.js';
import { undoRoutes } from './undo.routes.js';
import { spreadsheetRoutes } from './spreadsheet.routes.js';
import { limitBody } from './upload.js';
import { userRoutes } from './users.routes.js';
import { webRoutes } from './web.routes.js';

const DEFAULT_MAX_JSON = 2 * 1024 * 1024;
const DEFAULT_MAX_UPLOAD = 100 * 1024 * 1024;
const MAX_RESTORE = 500 * 1024 * 1024;

/** Build the whole HTTP app around a store (json-server's `createApp(db)` shape). */
export function createApp(options: AppOptions) {
  const sessions = options.sessions ?? new SessionStore();
  const limiter = options.loginLimits ?? new LoginLimiter();
  const maxJson = options.maxJsonBytes ?? DEFAULT_MAX_JSON;
  const maxUpload = options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD;
  const uploadTooLarge = (bytes: number) => `the upload is larger than ${Math.round(bytes / 1024 / 1024)} MB`;
  const refiLimit = limitBody(REFI_LIMITS.maxZipBytes, uploadTooLarge(REFI_LIMITS.maxZipBytes));
  /** Body limits by route (path suffix): uploads and a restore may be large; everything else is small JSON. */
  const bodyLimits: [suffix: string, limit: MiddlewareHandler][] = [
    ['/documents/import', limitBody(maxUpload, uploadTooLarge(maxUpload))],
    // REFI-QDA: /projects/import/qdpx and /projects/:id/codebook/import/qdc.
    ['/import/qdpx', refiLimit],
    ['/import/qdc', refiLimit],
    // Codebook tables (CSV, XLSX): the file plus the multipart framing.
    ['/codebook/import/spreadsheet', limitBody(CODEBOOK_TABLE_LIMITS.maxBytes + 64 * 1024, uploadTooLarge(CODEBOOK_TABLE_LIMITS.maxBytes))],
    ['/api/projects/restore', limitBody(MAX_RESTORE, 'the project file is too large')],
  ];
  const jsonLimit = limitBody(maxJson, `the request body is larger than ${maxJson} bytes`);

  const api = new Hono<AppEnv>()
    .use('*', async (c, next) => {
      const limit = bodyLimits.find(([suffix]) => c.req.path.endsWith(suffix))?.[1] ?? jsonLimit;
      return limit(c, next);
    })
    .use('*', sessionMiddleware(options, sessions))
    // The signed-in user is the actor of every audited write (user changes too, not only projects).
    .use('*', requestContext())
    .get('/health', (c) => c.json({ ok: true, store: options.deps.store.kind }, 200))
    .route('/auth', authRoutes(options, sessions, limiter))
    .route('/users', userRoutes(options, sessions))
    .route('/audit', serverAuditRoutes(options))
    // Before all project routes: its middleware makes the signed-in user the actor of the audit trail.
    .route('/projects', auditRoutes(options))
    // First: its middleware publishes change notices after the project routes below have written.
    .route('/projects', eventRoutes(options, options.bus))
    .route('/projects', projectRoutes(options))
    .route('/projects', undoRoutes(options))
    .route('/projects', documentRoutes(options))
    .route('/projects', codeRoutes(options))
    .route('/projects', segmentRoutes(options))
    .route('/projects', memoRoutes(options))
    .route('/projects', setRoutes(options))
    .route('/projects', comparisonRoutes(options))
    .route('/projects', agreementRoutes(options))
    .route('/projects', formRoutes(options))
    .route('/projects', searchRoutes(options))
    .route('/projects', refiRoutes(options))
    .route('/projects', pseudonymRoutes(options))
    .route('/projects', spreadsheetRoutes(options));

  const app = new Hono<AppEnv>()
    .use('*', secureHeaders({ contentSecurityPolicy: { defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'], objectSrc: ["'none'"], frameAncestors: ["'none'"] } }))
    .route('/api', api);
  app.get('/api/openapi.json', (c) => c.json(buildOpenApi(), 200));
  app.all('/api/*', (c) => c.json(envelope('not_found', `no route ${c.req.method} ${c.req.path}`), 404));
  if (options.webRoot) app.route('/', webRoutes(options.webRoot));
  app.onError(handleError);
  app.notFound((c) => c.json(envelope('not_found', `no route ${c.req.method} ${c.req.path}`), 404));
  return app;
}

export type App = ReturnType<typeof createApp>;
/** The API's type, for the typed client `hc<AppType>` in web/api.ts. */
export type AppType = App;
