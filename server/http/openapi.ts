import { z, type ZodType } from 'zod';
import { AgreementResultSchema, ConsensusDecisionSchema, DisagreementSchema, AgreementCoderSchema } from '../schemas/agreement.js';
import { AgreementQuerySchema, DisagreementQuerySchema, SetModeSchema } from './agreement.routes.js';
import { CodeSchema, CodePatchSchema, DeleteCodeSchema, MoveCodeSchema, NewCodeSchema } from '../schemas/code.js';
import { CodebookFileSchema } from '../schemas/codebook.js';
import { ComparisonResultSchema } from '../schemas/comparison.js';
import { CrosswalkSchema, CrosswalkUpdateSchema } from '../schemas/crosswalk.js';
import { DocumentPatchSchema, DocumentSchema } from '../schemas/document.js';
import { DocumentSetPatchSchema, DocumentSetSchema, NewDocumentSetSchema } from '../schemas/document-set.js';
import { ProjectExportSchema } from '../schemas/export.js';
import { PseudonymApplySchema, PseudonymisationResultSchema, PseudonymKeySchema, PseudonymKeyUpdateSchema, PseudonymSuggestionSchema, SuggestionQuerySchema } from '../schemas/pseudonym.js';
import { AuditEntrySchema, AuditQuerySchema, UndoHistorySchema, UndoResultSchema } from '../schemas/audit.js';
import { MemoPatchSchema, MemoSchema, NewMemoSchema } from '../schemas/memo.js';
import { NewProjectSchema, ProjectSchema } from '../schemas/project.js';
import { InVivoSchema, NewSegmentSchema, SegmentPatchSchema, SegmentSchema } from '../schemas/segment.js';
import { AutocodePreviewSchema, AutocodeRequestSchema, AutocodeRunSchema, SearchResultSchema } from '../schemas/search.js';
import { LoginSchema, NewUserSchema, PublicUserSchema, UserPatchSchema } from '../schemas/user.js';
import { MergeCodesSchema, SplitCodeSchema } from './codes.routes.js';
import { ComparisonQuerySchema } from './comparison.routes.js';
import { BacklogQuerySchema, CoverageQuerySchema, FormExportQuerySchema } from './forms.routes.js';
import { CoverageResultSchema, DecisionSchema, FormDefinitionSchema, FormVersionSchema, NewCommentSchema, NewFormVersionSchema, RequirementPatchSchema, RequirementSchema, StoredFormSchema } from '../schemas/form.js';
import { ImportResultSchema } from './documents.routes.js';
import { QdcImportResultSchema, RefiExportQuerySchema, RefiImportResultSchema, RefiWarningSchema } from '../schemas/refi.js';
import { SearchQuerySchema, WordsQuerySchema } from './search.routes.js';
import { CodebookTableImportResultSchema, MatrixQuerySchema } from '../schemas/spreadsheet.js';
import { SegmentQueryParamsSchema } from './segments.routes.js';

interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Hono path, e.g. /api/projects/:projectId/codes */
  path: string;
  summary: string;
  tag: string;
  body?: ZodType;
  query?: ZodType;
  response?: ZodType;
  /** A multipart upload: `files` (several, with an optional `kind`) or `file` (one archive). */
  multipart?: 'files' | 'file';
  public?: boolean;
}

const P = '/api/projects/:projectId';
const ok = z.object({ ok: z.boolean() });
const version = z.object({ version: z.string() });

/** Every route of the API; a test checks this list against the app's routes so neither drifts. */
export const ROUTES: RouteDoc[] = [
  { method: 'get', path: '/api/health', summary: 'Health check', tag: 'system', public: true },
  { method: 'get', path: '/api/openapi.json', summary: 'This description', tag: 'system', public: true },
  { method: 'get', path: `${P}/pseudonyms/key`, summary: 'The pseudonym key: real name → pseudonym with category (admin; an empty key has version 0)', tag: 'pseudonyms', response: PseudonymKeySchema },
  { method: 'put', path: `${P}/pseudonyms/key`, summary: 'Replace the key entries (admin; version = the version read, 409 when stale)', tag: 'pseudonyms', body: PseudonymKeyUpdateSchema, response: PseudonymKeySchema },
  { method: 'get', path: `${P}/pseudonyms/key/export`, summary: 'Download the key as JSON – the only export that contains it (admin)', tag: 'pseudonyms' },
  { method: 'get', path: `${P}/pseudonyms/suggestions`, summary: 'Suggestions of names to pseudonymise, for one document or the project (admin)', tag: 'pseudonyms', query: SuggestionQuerySchema, response: z.object({ suggestions: z.array(PseudonymSuggestionSchema) }) },
  { method: 'post', path: `${P}/pseudonyms/preview`, summary: 'What applying the key would change, per document (admin)', tag: 'pseudonyms', body: PseudonymApplySchema, response: PseudonymisationResultSchema },
  { method: 'post', path: `${P}/pseudonyms/apply`, summary: 'Apply the key to stored documents: text, segments, turns and memos move together, one commit per document (admin)', tag: 'pseudonyms', body: PseudonymApplySchema, response: PseudonymisationResultSchema },
  { method: 'post', path: '/api/auth/login', summary: 'Sign in (sets an HttpOnly session cookie, returns the CSRF token)', tag: 'auth', body: LoginSchema, public: true },
  { method: 'post', path: '/api/auth/logout', summary: 'Sign out', tag: 'auth', response: ok },
  { method: 'post', path: '/api/auth/logout-everywhere', summary: 'Sign out on every device (ends all sessions of the signed-in user)', tag: 'auth', response: ok },
  { method: 'get', path: '/api/audit', summary: 'The server-wide audit trail: users, sign-ins, project creation and deletion (admin; format=json|csv)', tag: 'users', query: AuditQuerySchema, response: z.object({ entries: z.array(AuditEntrySchema), more: z.boolean() }) },
  { method: 'get', path: '/api/auth/me', summary: 'The signed-in user and the CSRF token', tag: 'auth' },
  { method: 'get', path: '/api/users', summary: 'List users', tag: 'users', response: z.object({ users: z.array(PublicUserSchema) }) },
  { method: 'post', path: '/api/users', summary: 'Create a user (admin)', tag: 'users', body: NewUserSchema, response: PublicUserSchema },
  { method: 'patch', path: '/api/users/:userId', summary: 'Change a user (admin; users their own name and password – with currentPassword; a new password ends the user\'s other sessions)', tag: 'users', body: UserPatchSchema, response: PublicUserSchema },
  { method: 'delete', path: '/api/users/:userId', summary: 'Delete a user (admin)', tag: 'users', query: version, response: ok },
  { method: 'get', path: '/api/projects', summary: 'List projects', tag: 'projects', response: z.object({ projects: z.array(ProjectSchema) }) },
  { method: 'post', path: '/api/projects', summary: 'Create a project (admin)', tag: 'projects', body: NewProjectSchema, response: ProjectSchema },
  { method: 'post', path: '/api/projects/restore', summary: 'Restore a project from its JSON export (admin)', tag: 'projects', body: ProjectExportSchema },
  { method: 'get', path: P, summary: 'One project', tag: 'projects', response: ProjectSchema },
  { method: 'delete', path: P, summary: 'Delete a project (admin)', tag: 'projects', response: ok },
  { method: 'get', path: `${P}/audit`, summary: 'The audit trail: who created, changed or deleted what, and when (admin; format=json|csv)', tag: 'projects', query: AuditQuerySchema, response: z.object({ entries: z.array(AuditEntrySchema), more: z.boolean() }) },
  { method: 'get', path: `${P}/history`, summary: 'What the signed-in user\'s next undo and redo would do (labels, depths)', tag: 'projects', response: UndoHistorySchema },
  { method: 'post', path: `${P}/undo`, summary: 'Undo your last action in this project as one commit (409 naming the entity if someone changed it since)', tag: 'projects', response: UndoResultSchema },
  { method: 'post', path: `${P}/redo`, summary: 'Redo your last undone action (409 naming the entity if someone changed it since)', tag: 'projects', response: UndoResultSchema },
  { method: 'get', path: `${P}/export`, summary: 'The whole project as JSON (users without password hashes)', tag: 'projects', response: ProjectExportSchema },
  { method: 'get', path: `${P}/documents`, summary: 'Documents with kind, attributes and segment counts', tag: 'documents' },
  { method: 'post', path: `${P}/documents/import`, summary: 'Upload files (multipart field "files"); every bad file is reported', tag: 'documents', multipart: 'files', response: ImportResultSchema },
  { method: 'get', path: `${P}/documents/:documentId`, summary: 'One document with text and speaker turns', tag: 'documents', response: DocumentSchema },
  { method: 'patch', path: `${P}/documents/:documentId`, summary: 'Change title or attributes', tag: 'documents', body: DocumentPatchSchema, response: DocumentSchema },
  { method: 'delete', path: `${P}/documents/:documentId`, summary: 'Delete a document (withSegments=true if coded)', tag: 'documents', query: version.extend({ withSegments: z.string().optional() }) },
  { method: 'get', path: `${P}/codes`, summary: 'The code tree (flat, with parentId and order)', tag: 'codes', response: z.object({ codes: z.array(CodeSchema) }) },
  { method: 'post', path: `${P}/codes`, summary: 'Create a code', tag: 'codes', body: NewCodeSchema, response: CodeSchema },
  { method: 'patch', path: `${P}/codes/:codeId`, summary: 'Rename, recolour, redefine a code', tag: 'codes', body: CodePatchSchema, response: CodeSchema },
  { method: 'post', path: `${P}/codes/:codeId/move`, summary: 'Re-parent or reorder a code', tag: 'codes', body: MoveCodeSchema, response: CodeSchema },
  { method: 'post', path: `${P}/codes/:codeId/split`, summary: 'Move chosen segments to a new sibling code', tag: 'codes', body: SplitCodeSchema },
  { method: 'post', path: `${P}/codes/:codeId/delete`, summary: 'Delete a code with an explicit choice for its segments and sub-codes', tag: 'codes', body: DeleteCodeSchema },
  { method: 'post', path: `${P}/codes/merge`, summary: 'Merge one code into another', tag: 'codes', body: MergeCodesSchema },
  { method: 'post', path: `${P}/codebook/import`, summary: 'Import a codebook file', tag: 'codes', body: CodebookFileSchema },
  { method: 'get', path: `${P}/codebook`, summary: 'Export the codebook (format=json|markdown)', tag: 'codes', query: z.object({ format: z.enum(['json', 'markdown']).optional() }), response: CodebookFileSchema },
  { method: 'get', path: `${P}/codebook.docx`, summary: 'The codebook as a Word document (.docx download)', tag: 'codes' },
  { method: 'get', path: `${P}/export/qdpx`, summary: 'REFI-QDA project download (.qdpx, application/zip; lineEndings=lf|crlf); X-Sichtbar-Warnings = number of warnings', tag: 'refi', query: RefiExportQuerySchema },
  { method: 'get', path: `${P}/export/qdpx/warnings`, summary: 'What the .qdpx export cannot carry over, element by element', tag: 'refi', query: RefiExportQuerySchema, response: z.object({ warnings: z.array(RefiWarningSchema) }) },
  { method: 'get', path: `${P}/export/qdc`, summary: 'REFI-QDA codebook download (.qdc, application/xml); X-Sichtbar-Warnings = number of warnings', tag: 'refi' },
  { method: 'get', path: `${P}/export/qdc/warnings`, summary: 'What the .qdc export cannot carry over', tag: 'refi', response: z.object({ warnings: z.array(RefiWarningSchema) }) },
  { method: 'post', path: '/api/projects/import/qdpx', summary: 'Import a REFI-QDA project (.qdpx, multipart field "file") as a new project (admin, researcher)', tag: 'refi', multipart: 'file', response: RefiImportResultSchema },
  { method: 'post', path: `${P}/codebook/import/qdc`, summary: 'Import a REFI-QDA codebook (.qdc, multipart field "file") into the code tree', tag: 'refi', multipart: 'file', response: QdcImportResultSchema },
  { method: 'get', path: `${P}/export/segments.csv`, summary: 'Coded segments as CSV, one row per segment (document, kind, attributes, code path, coder, offsets, text, memo)', tag: 'spreadsheets' },
  { method: 'get', path: `${P}/export/segments.xlsx`, summary: 'Coded segments as XLSX (the CSV columns; text as typed string cells, never formulas)', tag: 'spreadsheets' },
  { method: 'get', path: `${P}/export/matrix.csv`, summary: 'The code × document matrix as CSV (values=counts|binary)', tag: 'spreadsheets', query: MatrixQuerySchema },
  { method: 'get', path: `${P}/export/matrix.xlsx`, summary: 'The code × document matrix as XLSX (values=counts|binary)', tag: 'spreadsheets', query: MatrixQuerySchema },
  { method: 'post', path: `${P}/codebook/import/spreadsheet`, summary: 'Import a codebook table (.csv or .xlsx with a path column and descriptions; multipart field "file") into the code tree (admin, researcher)', tag: 'spreadsheets', multipart: 'file', response: CodebookTableImportResultSchema },
  { method: 'get', path: `${P}/segments`, summary: 'Retrieve segments with text and context', tag: 'segments', query: SegmentQueryParamsSchema },
  { method: 'get', path: `${P}/segments/counts`, summary: 'Segment counts per code and per document', tag: 'segments', query: z.object({ coder: z.string().optional() }) },
  { method: 'post', path: `${P}/segments`, summary: 'Apply a code to a range (code points)', tag: 'segments', body: NewSegmentSchema, response: SegmentSchema },
  { method: 'post', path: `${P}/segments/in-vivo`, summary: 'In-vivo coding', tag: 'segments', body: InVivoSchema },
  { method: 'patch', path: `${P}/segments/:segmentId`, summary: 'Re-code, resize or annotate a segment', tag: 'segments', body: SegmentPatchSchema, response: SegmentSchema },
  { method: 'delete', path: `${P}/segments/:segmentId`, summary: 'Remove a segment', tag: 'segments', query: version, response: ok },
  { method: 'get', path: `${P}/memos`, summary: 'List memos', tag: 'memos', response: z.object({ memos: z.array(MemoSchema) }) },
  { method: 'post', path: `${P}/memos`, summary: 'Write a memo', tag: 'memos', body: NewMemoSchema, response: MemoSchema },
  { method: 'patch', path: `${P}/memos/:memoId`, summary: 'Change a memo', tag: 'memos', body: MemoPatchSchema, response: MemoSchema },
  { method: 'delete', path: `${P}/memos/:memoId`, summary: 'Delete a memo', tag: 'memos', query: version, response: ok },
  { method: 'get', path: `${P}/sets`, summary: 'Document sets with their current members', tag: 'sets' },
  { method: 'get', path: `${P}/sets/:setId`, summary: 'One document set', tag: 'sets' },
  { method: 'post', path: `${P}/sets`, summary: 'Create a document set', tag: 'sets', body: NewDocumentSetSchema, response: DocumentSetSchema },
  { method: 'patch', path: `${P}/sets/:setId`, summary: 'Change a document set', tag: 'sets', body: DocumentSetPatchSchema, response: DocumentSetSchema },
  { method: 'delete', path: `${P}/sets/:setId`, summary: 'Delete a document set', tag: 'sets', query: version, response: ok },
  { method: 'get', path: `${P}/crosswalk`, summary: 'The crosswalk: consultation-side ↔ documentation-side codes (n:m)', tag: 'comparison', response: z.object({ rows: CrosswalkSchema }) },
  { method: 'put', path: `${P}/crosswalk`, summary: 'Replace the crosswalk (every code id must exist)', tag: 'comparison', body: CrosswalkUpdateSchema, response: z.object({ rows: CrosswalkSchema }) },
  {
    method: 'get',
    path: `${P}/comparison`,
    summary: 'Visibility comparison of sets A and B (a=kind=observation&b=kind=interview,documentation&by=region&format=json|md|html|csv)',
    tag: 'comparison',
    query: ComparisonQuerySchema,
    response: ComparisonResultSchema,
  },
  { method: 'get', path: `${P}/events`, summary: 'Live change notices as Server-Sent Events (event: change, data: { kind, action, id, version, documentId, coder, by, at })', tag: 'agreement' },
  { method: 'get', path: `${P}/agreement`, summary: 'Intercoder agreement per code and overall (level=document|segment|unitizing, coders, threshold, set, format=json|csv|md)', tag: 'agreement', query: AgreementQuerySchema, response: AgreementResultSchema },
  { method: 'get', path: `${P}/agreement/disagreements`, summary: 'Segments two coders disagree on, side by side (coders, threshold, set, documentId, codeId)', tag: 'agreement', query: DisagreementQuerySchema, response: z.object({ coders: z.array(AgreementCoderSchema), threshold: z.number(), disagreements: z.array(DisagreementSchema) }) },
  { method: 'post', path: `${P}/agreement/consensus`, summary: 'Take a, b, both or neither into the consensus coding (coder "konsens"); the independent codings stay untouched', tag: 'agreement', body: ConsensusDecisionSchema },
  { method: 'put', path: `${P}/sets/:setId/mode`, summary: 'Independent mode of a set: independent, openForComparison (admin)', tag: 'agreement', body: SetModeSchema, response: DocumentSetSchema },
  { method: 'get', path: `${P}/search`, summary: 'Lexical search with German stemming: KWIC lines and counts per document (q, set, codeId, speaker; code points)', tag: 'search', query: SearchQuerySchema, response: SearchResultSchema },
  { method: 'post', path: `${P}/autocode/preview`, summary: 'What autocoding the hits of a query would create (nothing is written)', tag: 'search', body: AutocodeRequestSchema, response: AutocodePreviewSchema },
  { method: 'get', path: `${P}/autocode`, summary: 'Recent autocoding runs (kept with the project)', tag: 'search', response: z.object({ runs: z.array(AutocodeRunSchema) }) },
  { method: 'post', path: `${P}/autocode`, summary: 'Autocode the hits of a query with a code, in one commit', tag: 'search', body: AutocodeRequestSchema, response: AutocodeRunSchema },
  { method: 'post', path: `${P}/autocode/:runId/undo`, summary: 'Undo an autocoding run in one step (409 if a created segment was changed)', tag: 'search', response: z.object({ deleted: z.number() }) },
  { method: 'get', path: `${P}/words`, summary: 'Word frequencies by stem (set, codeId) or keyness of a=… against b=… (format=json|csv)', tag: 'search', query: WordsQuerySchema },
  // Documentation forms (issue 5)
  { method: 'get', path: `${P}/forms`, summary: 'The forms of a project (id, title, current version)', tag: 'forms' },
  { method: 'post', path: `${P}/forms/import`, summary: 'Import a form (JSON; captures as code keys or ids); an existing id gets a new version (product owner, admin)', tag: 'forms', body: FormDefinitionSchema, response: FormVersionSchema },
  { method: 'get', path: `${P}/forms/:formId`, summary: 'A form with all its versions', tag: 'forms', response: StoredFormSchema },
  { method: 'put', path: `${P}/forms/:formId`, summary: 'Save a new version (basedOn = current version; product owner, admin)', tag: 'forms', body: NewFormVersionSchema, response: FormVersionSchema },
  { method: 'get', path: `${P}/forms/:formId/versions/:number`, summary: 'One version of a form', tag: 'forms', response: FormVersionSchema },
  { method: 'get', path: `${P}/forms/:formId/coverage`, summary: 'Coverage of consultation work by the form fields: matrix, uncovered work, candidates to simplify', tag: 'forms', query: CoverageQuerySchema, response: CoverageResultSchema },
  { method: 'get', path: `${P}/forms/:formId/records`, summary: 'The documentation records written with the form (attribute formular): field values with code-point offsets, and the typed record', tag: 'forms' },
  { method: 'get', path: `${P}/forms/:formId/export`, summary: 'A version as form JSON or as JSON Schema 2020-12 of a filled record (format=json|json-schema&version=N)', tag: 'forms', query: FormExportQuerySchema },
  { method: 'get', path: `${P}/forms/:formId/proposals`, summary: 'Requirement proposals of a form', tag: 'forms', response: z.object({ proposals: z.array(RequirementSchema) }) },
  { method: 'post', path: `${P}/forms/:formId/proposals/generate`, summary: 'Generate proposals from uncovered work (product owner, admin)', tag: 'forms', query: CoverageQuerySchema },
  { method: 'patch', path: `${P}/forms/:formId/proposals/:proposalId`, summary: 'Edit an open proposal (product owner, admin)', tag: 'forms', body: RequirementPatchSchema, response: RequirementSchema },
  { method: 'post', path: `${P}/forms/:formId/proposals/:proposalId/decision`, summary: 'Accept (new form version) or reject a proposal with a reason (product owner, admin)', tag: 'forms', body: DecisionSchema },
  { method: 'post', path: `${P}/forms/:formId/proposals/:proposalId/comments`, summary: 'Comment on a proposal (lead, product owner, admin)', tag: 'forms', body: NewCommentSchema, response: RequirementSchema },
  { method: 'get', path: `${P}/forms/:formId/backlog`, summary: 'The requirements backlog (format=md|html|csv)', tag: 'forms', query: BacklogQuerySchema },
];

function jsonSchema(schema: ZodType, io: 'input' | 'output'): unknown {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });
}

const ERROR = {
  description: 'Error envelope',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        required: ['error'],
        properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, issues: { type: 'array' }, current: {} } } },
      },
    },
  },
};

let cached: unknown;

/** OpenAPI 3.1 built from the same zod schemas that validate the requests. */
export function buildOpenApi(): unknown {
  if (cached) return cached;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of ROUTES) {
    const oaPath = r.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const params = [...r.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    if (r.query) {
      const qs = jsonSchema(r.query, 'input') as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, schema] of Object.entries(qs.properties ?? {})) params.push({ name, in: 'query', required: (qs.required ?? []).includes(name), schema: schema as { type: string } });
    }
    const op: Record<string, unknown> = {
      summary: r.summary,
      tags: [r.tag],
      parameters: params,
      responses: {
        [r.method === 'post' && r.response ? '2XX' : '200']: { description: 'Success', ...(r.response ? { content: { 'application/json': { schema: jsonSchema(r.response, 'output') } } } : {}) },
        '400': ERROR,
        ...(r.public ? {} : { '401': ERROR, '403': ERROR }),
        '404': ERROR,
        '409': ERROR,
        '413': ERROR,
      },
      ...(r.public ? { security: [] } : {}),
    };
    if (r.body) op['requestBody'] = { required: true, content: { 'application/json': { schema: jsonSchema(r.body, 'input') } } };
    if (r.multipart) {
      op['requestBody'] = {
        required: true,
        content: {
          'multipart/form-data': {
            schema:
              r.multipart === 'files'
                ? { type: 'object', required: ['files'], properties: { files: { type: 'array', items: { type: 'string', format: 'binary' } }, kind: { type: 'string' } } }
                : { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } },
          },
        },
      };
    }
    (paths[oaPath] ??= {})[r.method] = op;
  }
  cached = {
    openapi: '3.1.0',
    info: { title: 'Sichtbar API', version: '0.1.0', description: 'Write requests need the session cookie and the X-CSRF-Token header from /api/auth/login or /api/auth/me.' },
    components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'sichtbar_session' } } },
    security: [{ session: [] }],
    paths,
  };
  return cached;
}
