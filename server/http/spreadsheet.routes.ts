/**
 * Spreadsheets over HTTP (issue 8, item 8): coded segments and the code × document matrix as CSV
 * and XLSX downloads, and a codebook upload from CSV or XLSX. Downloads honour independent mode
 * (a non-admin gets only the segments they may see), like the .qdpx export.
 */
import { Hono } from 'hono';
import { visibleExport } from '../domain/independent.js';
import { demand } from '../domain/permissions.js';
import { requireProject } from '../domain/projects.js';
import { matrixToCsv, matrixToXlsx, segmentsToCsv, segmentsToXlsx } from '../export/spreadsheet.js';
import { importCodebookTable, readCodebookTable } from '../import/codebook-table.js';
import { MatrixQuerySchema } from '../schemas/spreadsheet.js';
import type { AppEnv, AppOptions } from './context.js';
import { disposition, uploadedFile } from './upload.js';
import { actorOf } from './context.js';
import { valid } from './validate.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const CSV_TYPE = 'text/csv; charset=utf-8';

function headers(type: string, name: string, suffix: string): Record<string, string> {
  return { 'content-type': type, 'content-disposition': disposition(name, suffix) };
}

export function spreadsheetRoutes({ deps }: AppOptions) {
  return new Hono<AppEnv>()
    .get('/:projectId/export/segments.csv', async (c) => {
      const data = await visibleExport(deps, c.req.param('projectId'), actorOf(c.get('user')));
      return c.body(segmentsToCsv(data), 200, headers(CSV_TYPE, data.project.name, '_segments.csv'));
    })
    .get('/:projectId/export/segments.xlsx', async (c) => {
      const data = await visibleExport(deps, c.req.param('projectId'), actorOf(c.get('user')));
      return c.body((await segmentsToXlsx(data)) as Uint8Array<ArrayBuffer>, 200, headers(XLSX_TYPE, data.project.name, '_segments.xlsx'));
    })
    .get('/:projectId/export/matrix.csv', valid('query', MatrixQuerySchema), async (c) => {
      const data = await visibleExport(deps, c.req.param('projectId'), actorOf(c.get('user')));
      const values = c.req.valid('query').values;
      return c.body(matrixToCsv(data, values), 200, headers(CSV_TYPE, data.project.name, values === 'binary' ? '_matrix-0-1.csv' : '_matrix.csv'));
    })
    .get('/:projectId/export/matrix.xlsx', valid('query', MatrixQuerySchema), async (c) => {
      const data = await visibleExport(deps, c.req.param('projectId'), actorOf(c.get('user')));
      const values = c.req.valid('query').values;
      return c.body((await matrixToXlsx(data, values)) as Uint8Array<ArrayBuffer>, 200, headers(XLSX_TYPE, data.project.name, values === 'binary' ? '_matrix-0-1.xlsx' : '_matrix.xlsx'));
    })
    /** A codebook table (.csv or .xlsx) into this project's code tree: multipart field `file`; admins and researchers. */
    // The body limit (CODEBOOK_TABLE_LIMITS.maxBytes + framing) is in createApp (app.ts).
    .post('/:projectId/codebook/import/spreadsheet', async (c) => {
      demand(c.get('user').role, 'code');
      const projectId = c.req.param('projectId');
      await requireProject(deps, projectId);
      const f = await uploadedFile(c);
      // Read and checked in full before anything is written.
      const table = await readCodebookTable(new Uint8Array(await f.arrayBuffer()), f.name || 'codebook.csv');
      return c.json(await importCodebookTable(deps, projectId, table), 201);
    });
}
