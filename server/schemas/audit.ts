import { z } from 'zod';

/** What an audit entry is about: a stored entity kind, or the project record itself. */
export const AuditKindSchema = z.enum(['document', 'code', 'segment', 'memo', 'set', 'form', 'requirement', 'project']);
export type AuditKind = z.infer<typeof AuditKindSchema>;

/** One line of the audit trail: who did what to which entity, and when (issue 9, item 2). */
export const AuditEntrySchema = z.object({
  at: z.string(),
  projectId: z.string(),
  /** The signed-in user; null for changes without one (CLI, demo, server start). */
  userId: z.string().nullable(),
  kind: AuditKindSchema,
  id: z.string(),
  action: z.enum(['created', 'changed', 'deleted']),
  /** The entity's version after the change (before it, for a delete). */
  version: z.number().int().optional(),
  /** A project change: which of its fields changed. */
  fields: z.array(z.string()).optional(),
  /** A restore wrote this entity as it was exported. */
  restored: z.boolean().optional(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditQuerySchema = z.object({
  since: z.string().max(40).optional(),
  kind: AuditKindSchema.optional(),
  userId: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100_000).default(10_000),
  format: z.enum(['json', 'csv']).default('json'),
});
