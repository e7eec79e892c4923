/**
 * REFI-QDA over HTTP (issue 8). Downloads carry the number of warnings in `X-Sichtbar-Warnings`;
 * the list itself comes from the matching `/warnings` JSON endpoint (same export, no file).
 * Imports answer JSON with the warnings in the body.
 */
import { Hono } from 'hono';
import type { AppEnv, AppOptions } from './context.js';
import { disposition, uploadedFile } from './upload.js';
import { actorOf } from './context.js';
import type { Actor, Deps } from '../domain/deps.js';
import { visibleExport } from '../domain/independent.js';
import { demand } from '../domain/permissions.js';
import { requireProject } from '../domain/projects.js';
import { exportQdc, exportQdpx } from '../export/refi-export.js';
import { importQdc, importQdpx } from '../import/refi-import.js';
import { RefiExportQuerySchema } from '../schemas/refi.js';
import { valid } from './validate.js';

async function buildQdpx(deps: Deps, projectId: string, viewer: Actor, lineEndings: 'lf' | 'crlf') {
  // Independent mode (issue 6): a non-admin's export holds only the segments they may see.
  const data = await visibleExport(deps, projectId, viewer);
  return { name: data.project.name, ...exportQdpx(data, { lineEndings, now: deps.now() }) };
}

export function refiRoutes({ deps }: AppOptions) {
  return new Hono<AppEnv>()
    .get('/:projectId/export/qdpx', valid('query', RefiExportQuerySchema), async (c) => {
      const out = await buildQdpx(deps, c.req.param('projectId'), actorOf(c.get('user')), c.req.valid('query').lineEndings);
      return c.body(out.zip as Uint8Array<ArrayBuffer>, 200, {
        'content-type': 'application/zip',
        'content-disposition': disposition(out.name, '.qdpx'),
        'x-sichtbar-warnings': String(out.warnings.length),
      });
    })
    .get('/:projectId/export/qdpx/warnings', valid('query', RefiExportQuerySchema), async (c) => {
      const out = await buildQdpx(deps, c.req.param('projectId'), actorOf(c.get('user')), c.req.valid('query').lineEndings);
      return c.json({ warnings: out.warnings }, 200);
    })
    .get('/:projectId/export/qdc', async (c) => {
      const project = await requireProject(deps, c.req.param('projectId'));
      const out = exportQdc(project.id, await deps.store.listCodes(project.id));
      return c.body(out.xml, 200, {
        'content-type': 'application/xml; charset=utf-8',
        'content-disposition': disposition(project.name, '.qdc'),
        'x-sichtbar-warnings': String(out.warnings.length),
      });
    })
    .get('/:projectId/export/qdc/warnings', async (c) => {
      const project = await requireProject(deps, c.req.param('projectId'));
      return c.json({ warnings: exportQdc(project.id, await deps.store.listCodes(project.id)).warnings }, 200);
    })
    /** A .qdpx (or .qde) as a new project: multipart field `file`; admins and researchers. */
    // Body limits (REFI_LIMITS.maxZipBytes) are in createApp (app.ts).
    .post('/import/qdpx', async (c) => {
      demand(c.get('user').role, 'code');
      const f = await uploadedFile(c);
      const result = await importQdpx(deps, f.name || 'upload.qdpx', new Uint8Array(await f.arrayBuffer()), { actorUserId: c.get('user').id });
      return c.json(result, 201);
    })
    /** A .qdc codebook into this project's code tree: multipart field `file`. */
    .post('/:projectId/codebook/import/qdc', async (c) => {
      demand(c.get('user').role, 'code');
      await requireProject(deps, c.req.param('projectId'));
      const f = await uploadedFile(c);
      return c.json(await importQdc(deps, c.req.param('projectId'), new Uint8Array(await f.arrayBuffer()), f.name || 'codebook.qdc'), 201);
    });
}
