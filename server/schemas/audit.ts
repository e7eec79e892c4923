import { z } from 'zod';

/**
 * What an audit entry is about: a stored entity kind, the project record itself, or – in the
 * server-wide log – a user account or a sign-in session.
 */
export const AuditKindSchema = z.enum(['document', 'code', 'segment', 'memo', 'set', 'form', 'requirement', 'project', 'user', 'session']);
export type AuditKind = z.infer<typeof AuditKindSchema>;

/** Entity actions, and the sign-in events of the server-wide log. */
export const AuditActionSchema = z.enum(['created', 'changed', 'deleted', 'signed-in', 'sign-in-failed', 'signed-out', 'signed-out-everywhere', 'step-discarded']);
export type AuditAction = z.infer<typeof AuditActionSchema>;

/** The pseudo project id of the server-wide log (users, sign-ins, project creation and deletion). */
export const SERVER_AUDIT = '_server';

/**
 * An entity as it was before or after a change (undo, issue 9 item 3): null = it did not exist.
 * For the project record, only the changed fields ({ field: value }). Parsed with the entity's own
 * schema before an undo writes it back.
 */
export const AuditImageSchema = z.record(z.string(), z.unknown()).nullable();
export type AuditImage = z.infer<typeof AuditImageSchema>;

/** One line of the audit trail: who did what to which entity, and when (issue 9, item 2). */
export const AuditEntrySchema = z.object({
  at: z.string(),
  /** The project, or `_server` (SERVER_AUDIT) for the server-wide log. */
  projectId: z.string(),
  /** The signed-in user; null for changes without one (CLI, demo, server start, failed sign-in). */
  userId: z.string().nullable(),
  kind: AuditKindSchema,
  id: z.string(),
  action: AuditActionSchema,
  /** The entity's version after the change (before it, for a delete). */
  version: z.number().int().optional(),
  /** A project or user change: which of its fields changed (never their secret values). */
  fields: z.array(z.string()).optional(),
  /** A restore wrote this entity as it was exported. */
  restored: z.boolean().optional(),
  /** A readable name at the time (code, set, project name; user login; the login name tried). */
  name: z.string().max(500).optional(),
  /** A user's role after the change. */
  role: z.string().max(40).optional(),
  /** Why a sign-in failed: `wrong-credentials` or `locked`. */
  detail: z.string().max(100).optional(),
  /** The commit this entry belongs to: all entries of one commit share it (one user action). */
  change: z.string().optional(),
  /**
   * Undo history: `action` = an undoable user action (with images); `undo` / `redo` = a commit
   * made by undo or redo, inverting the commit `target`; `discard` = an undo or redo of `target`
   * was refused (someone changed its entities since), so the step left the user's history.
   */
  step: z.enum(['action', 'undo', 'redo', 'discard']).optional(),
  target: z.string().optional(),
  before: AuditImageSchema.optional(),
  after: AuditImageSchema.optional(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditQuerySchema = z.object({
  since: z.string().max(40).optional(),
  kind: AuditKindSchema.optional(),
  userId: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100_000).default(10_000),
  /** Skip this many matching entries first (paging). */
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  /** Newest first (the UI's order); default oldest first. */
  order: z.enum(['asc', 'desc']).default('asc'),
  /** Include the before/after images (JSON only). */
  images: z.enum(['true', 'false']).optional(),
  format: z.enum(['json', 'csv']).default('json'),
});

/** What the next undo or redo of a user would do (GET …/history). */
export const UndoPreviewSchema = z.object({
  /** The commit the step inverts. */
  change: z.string(),
  at: z.string(),
  /** What the original action was (the UI translates it); `label` is the German text. */
  action: z.enum(['code-segment', 'uncode-segment', 'change-segment', 'create-code', 'change-code', 'move-code', 'delete-code', 'merge-codes', 'autocode', 'memo', 'set', 'crosswalk', 'other']),
  name: z.string().optional(),
  count: z.number().int(),
  label: z.string(),
});
export type UndoPreview = z.infer<typeof UndoPreviewSchema>;

export const UndoHistorySchema = z.object({
  undo: UndoPreviewSchema.nullable(),
  redo: UndoPreviewSchema.nullable(),
  /** How many steps can be undone / redone. */
  undoDepth: z.number().int(),
  redoDepth: z.number().int(),
});
export type UndoHistory = z.infer<typeof UndoHistorySchema>;

/** What an undo or redo did: the commit it made and the history after it. */
export const UndoResultSchema = z.object({
  change: z.string(),
  done: UndoPreviewSchema,
  history: UndoHistorySchema,
});
export type UndoResult = z.infer<typeof UndoResultSchema>;
