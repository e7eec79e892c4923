import { can, type Permission } from '../../../server/domain/permissions.js';
import type { Role } from '../../../server/schemas/user.js';

/**
 * What a route demands, in the words of server/domain/permissions.ts: a permission, or one of the
 * few rules that are not a single permission.
 */
export type Requirement =
  | Permission
  /** No session needed. */
  | 'public'
  /** Any signed-in user. */
  | 'signed-in'
  /** Comments on form proposals: whoever may edit forms, and leads (forms.routes.ts). */
  | 'comment-proposals'
  /** Undo and redo of one's own actions: whoever may code or comment (undo.routes.ts). */
  | 'code-or-comment'
  /** A user changing another user (the role table calls it with someone else's id). */
  | 'manage-users-or-self'
  /** Changing a segment someone else coded: coders change their own only, admins any (domain/coding.ts). */
  | 'others-segments'
  /** Changing a memo someone else wrote: authors change their own only, admins any (domain/memos.ts). */
  | 'others-memos';

const P = '/api/projects/:projectId';

/**
 * The role table: every route of `ROUTES` (server/http/openapi.ts) and what it demands. The test calls the
 * routes with ids of entities the admin created, so "others-" rules apply to every other role.
 */
export const ROLE_TABLE: Record<string, Requirement> = {
  'get /api/health': 'public',
  'get /api/openapi.json': 'public',
  'post /api/auth/login': 'public',
  'post /api/auth/logout': 'signed-in',
  'post /api/auth/logout-everywhere': 'signed-in',
  'get /api/auth/me': 'signed-in',
  'get /api/audit': 'manage-users',
  'get /api/users': 'signed-in',
  'post /api/users': 'manage-users',
  'patch /api/users/:userId': 'manage-users-or-self',
  'delete /api/users/:userId': 'manage-users',
  'get /api/projects': 'signed-in',
  'post /api/projects': 'manage-projects',
  'post /api/projects/restore': 'manage-projects',
  'post /api/projects/import/qdpx': 'code',
  [`get ${P}`]: 'signed-in',
  [`delete ${P}`]: 'manage-projects',
  [`get ${P}/audit`]: 'manage-projects',
  [`get ${P}/history`]: 'signed-in',
  [`post ${P}/undo`]: 'code-or-comment',
  [`post ${P}/redo`]: 'code-or-comment',
  [`get ${P}/export`]: 'signed-in',
  [`get ${P}/pseudonyms/key`]: 'manage-projects',
  [`put ${P}/pseudonyms/key`]: 'manage-projects',
  [`get ${P}/pseudonyms/key/export`]: 'manage-projects',
  [`get ${P}/pseudonyms/suggestions`]: 'manage-projects',
  [`post ${P}/pseudonyms/preview`]: 'manage-projects',
  [`post ${P}/pseudonyms/apply`]: 'manage-projects',
  [`get ${P}/documents`]: 'signed-in',
  [`post ${P}/documents/import`]: 'code',
  [`get ${P}/documents/:documentId`]: 'signed-in',
  [`patch ${P}/documents/:documentId`]: 'code',
  [`delete ${P}/documents/:documentId`]: 'code',
  [`get ${P}/codes`]: 'signed-in',
  [`post ${P}/codes`]: 'code',
  [`patch ${P}/codes/:codeId`]: 'code',
  [`post ${P}/codes/:codeId/move`]: 'code',
  [`post ${P}/codes/:codeId/split`]: 'code',
  [`post ${P}/codes/:codeId/delete`]: 'code',
  [`post ${P}/codes/merge`]: 'code',
  [`post ${P}/codebook/import`]: 'code',
  [`get ${P}/codebook`]: 'signed-in',
  [`get ${P}/codebook.docx`]: 'signed-in',
  [`get ${P}/export/qdpx`]: 'signed-in',
  [`get ${P}/export/qdpx/warnings`]: 'signed-in',
  [`get ${P}/export/qdc`]: 'signed-in',
  [`get ${P}/export/qdc/warnings`]: 'signed-in',
  [`post ${P}/codebook/import/qdc`]: 'code',
  [`get ${P}/export/segments.csv`]: 'signed-in',
  [`get ${P}/export/segments.xlsx`]: 'signed-in',
  [`get ${P}/export/matrix.csv`]: 'signed-in',
  [`get ${P}/export/matrix.xlsx`]: 'signed-in',
  [`post ${P}/codebook/import/spreadsheet`]: 'code',
  [`get ${P}/segments`]: 'signed-in',
  [`get ${P}/segments/counts`]: 'signed-in',
  [`post ${P}/segments`]: 'code',
  [`post ${P}/segments/in-vivo`]: 'code',
  [`patch ${P}/segments/:segmentId`]: 'others-segments',
  [`delete ${P}/segments/:segmentId`]: 'others-segments',
  [`get ${P}/memos`]: 'signed-in',
  [`post ${P}/memos`]: 'comment',
  [`patch ${P}/memos/:memoId`]: 'others-memos',
  [`delete ${P}/memos/:memoId`]: 'others-memos',
  [`get ${P}/sets`]: 'signed-in',
  [`get ${P}/sets/:setId`]: 'signed-in',
  [`post ${P}/sets`]: 'code',
  [`patch ${P}/sets/:setId`]: 'code',
  [`delete ${P}/sets/:setId`]: 'code',
  [`put ${P}/sets/:setId/mode`]: 'manage-projects',
  [`get ${P}/crosswalk`]: 'signed-in',
  [`put ${P}/crosswalk`]: 'code',
  [`get ${P}/comparison`]: 'signed-in',
  [`get ${P}/events`]: 'signed-in',
  [`get ${P}/agreement`]: 'signed-in',
  [`get ${P}/agreement/disagreements`]: 'signed-in',
  [`post ${P}/agreement/consensus`]: 'code',
  [`get ${P}/search`]: 'signed-in',
  [`post ${P}/autocode/preview`]: 'signed-in',
  [`get ${P}/autocode`]: 'signed-in',
  [`post ${P}/autocode`]: 'code',
  [`post ${P}/autocode/:runId/undo`]: 'code',
  [`get ${P}/words`]: 'signed-in',
  [`get ${P}/forms`]: 'signed-in',
  [`post ${P}/forms/import`]: 'edit-forms',
  [`get ${P}/forms/:formId`]: 'signed-in',
  [`put ${P}/forms/:formId`]: 'edit-forms',
  [`get ${P}/forms/:formId/versions/:number`]: 'signed-in',
  [`get ${P}/forms/:formId/coverage`]: 'signed-in',
  [`get ${P}/forms/:formId/records`]: 'signed-in',
  [`get ${P}/forms/:formId/export`]: 'signed-in',
  [`get ${P}/forms/:formId/proposals`]: 'signed-in',
  [`post ${P}/forms/:formId/proposals/generate`]: 'edit-forms',
  [`patch ${P}/forms/:formId/proposals/:proposalId`]: 'edit-forms',
  [`post ${P}/forms/:formId/proposals/:proposalId/decision`]: 'edit-forms',
  [`post ${P}/forms/:formId/proposals/:proposalId/comments`]: 'comment-proposals',
  [`get ${P}/forms/:formId/backlog`]: 'signed-in',
};

/** Whether a role meets a requirement (no role: no session). */
export function allows(requirement: Requirement, role: Role | undefined): boolean {
  if (requirement === 'public') return true;
  if (role === undefined) return false;
  switch (requirement) {
    case 'signed-in':
      return true;
    case 'comment-proposals':
      return can(role, 'edit-forms') || role === 'lead';
    case 'code-or-comment':
      return can(role, 'code') || can(role, 'comment');
    case 'manage-users-or-self':
      return can(role, 'manage-users');
    case 'others-segments':
      return can(role, 'code') && role === 'admin';
    case 'others-memos':
      return can(role, 'comment') && role === 'admin';
    default:
      return can(role, requirement);
  }
}
