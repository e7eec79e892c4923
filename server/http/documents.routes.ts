import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv, AppOptions } from './context.js';
import { actorOf } from './context.js';
import { withVisibleCounts } from '../domain/independent.js';
import { addDocuments, deleteDocument, getDocument, listDocuments, updateDocument } from '../domain/corpus.js';
import { InvalidInput } from '../domain/errors.js';
import { demand } from '../domain/permissions.js';
import { requireProject } from '../domain/projects.js';
import { pseudonymiseImports } from '../domain/pseudonyms.js';
import { DocumentKindSchema, DocumentPatchSchema } from '../schemas/document.js';
import { describeError } from '../import/import-paths.js';
import { importFile } from '../import/import-file.js';
import { boolParam, VersionQuerySchema } from './query.js';
import { valid } from './validate.js';

const MAX_FILES_PER_UPLOAD = 500;

const DeleteQuerySchema = VersionQuerySchema.extend({ withSegments: boolParam });

export function documentRoutes(options: AppOptions) {
  const { deps } = options;
  return new Hono<AppEnv>()
    .get('/:projectId/documents', async (c) =>
      // Independent mode (issue 6): counts without other coders' segments in sealed sets for non-admins.
      c.json({ documents: await withVisibleCounts(deps, c.req.param('projectId'), actorOf(c.get('user')), await listDocuments(deps, c.req.param('projectId'))) }, 200),
    )
    .get('/:projectId/documents/:documentId', async (c) => c.json(await getDocument(deps, c.req.param('projectId'), c.req.param('documentId')), 200))
    .patch('/:projectId/documents/:documentId', valid('json', DocumentPatchSchema), async (c) => {
      demand(c.get('user').role, 'code');
      return c.json(await updateDocument(deps, c.req.param('projectId'), c.req.param('documentId'), c.req.valid('json')), 200);
    })
    .delete('/:projectId/documents/:documentId', valid('query', DeleteQuerySchema), async (c) => {
      demand(c.get('user').role, 'code');
      const q = c.req.valid('query');
      return c.json(await deleteDocument(deps, c.req.param('projectId'), c.req.param('documentId'), { version: q.version, withSegments: q.withSegments }), 200);
    })
    /**
     * Upload files (multipart/form-data, field `files`, optional fields `kind` and `pseudonymise`): every good file is
     * imported, every bad one is reported with its reason; nothing already in the project changes.
     * The body limit (maxUploadBytes) is set in createApp (app.ts).
     */
    .post(
      '/:projectId/documents/import',
      async (c) => {
        demand(c.get('user').role, 'code');
        const projectId = c.req.param('projectId');
        // Checked up front: when every file fails, nothing below would touch the project.
        await requireProject(deps, projectId);
        let form: Record<string, string | File | (string | File)[]>;
        try {
          form = await c.req.parseBody({ all: true });
        } catch {
          throw new InvalidInput('send the files as multipart/form-data in the field "files"');
        }
        const files = ([] as (string | File)[]).concat(form['files'] ?? []).filter((f): f is File => typeof f !== 'string');
        if (files.length === 0) throw new InvalidInput('no files in the field "files"');
        if (files.length > MAX_FILES_PER_UPLOAD) throw new InvalidInput(`at most ${MAX_FILES_PER_UPLOAD} files per upload`);
        const kind = typeof form['kind'] === 'string' && form['kind'] !== '' ? DocumentKindSchema.parse(form['kind']) : undefined;
        const good: { file: string; document: Awaited<ReturnType<typeof importFile>> }[] = [];
        const failed: { file: string; error: string }[] = [];
        for (const f of files) {
          const name = f.name.replace(/^.*[\\/]/, '') || 'upload';
          try {
            good.push({ file: name, document: await importFile(name, new Uint8Array(await f.arrayBuffer()), kind ? { defaults: { kind } } : {}) });
          } catch (e) {
            failed.push({ file: name, error: describeError(e) });
          }
        }
        // Field `pseudonymise=true`: the project's key replaces real names before anything is stored (issue 9, item 1).
        const pseudonymise = form['pseudonymise'] === 'true';
        const incoming = good.map((g) => g.document);
        const toStore = pseudonymise && incoming.length > 0 ? await pseudonymiseImports(deps, projectId, incoming) : incoming;
        const created = good.length > 0 ? await addDocuments(deps, projectId, toStore) : [];
        const imported = created.map((d, i) => ({ file: good[i]?.file ?? d.title, documentId: d.id, title: d.title, kind: d.kind }));
        return c.json({ imported, failed }, 200);
      },
    );
}

export const ImportResultSchema = z.object({
  imported: z.array(z.object({ file: z.string(), documentId: z.string(), title: z.string(), kind: DocumentKindSchema })),
  failed: z.array(z.object({ file: z.string(), error: z.string() })),
});
