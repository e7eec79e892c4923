import { z } from 'zod';
import { IdSchema } from './common.js';

/** A live change notice (GET /api/projects/:projectId/events, `event: change`). */
export const ChangeNoticeSchema = z.object({
  /** `project`: something else changed (documents, memos, sets, bulk code operations) – reload `resource`. */
  kind: z.enum(['segment', 'code', 'project']),
  action: z.enum(['created', 'changed', 'deleted']),
  id: IdSchema.optional(),
  version: z.number().int().optional(),
  /** Segments: where and whose (independent mode hides other coders' notices). */
  documentId: IdSchema.optional(),
  coder: IdSchema.optional(),
  resource: z.string().optional(),
  /** Who made the change, and when. */
  by: IdSchema,
  at: z.string(),
});
export type ChangeNotice = z.infer<typeof ChangeNoticeSchema>;
