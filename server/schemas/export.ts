import { z } from 'zod';
import { CodeSchema } from './code.js';
import { DocumentSchema } from './document.js';
import { DocumentSetSchema } from './document-set.js';
import { MemoSchema } from './memo.js';
import { ProjectSchema } from './project.js';
import { SegmentSchema } from './segment.js';
import { PublicUserSchema } from './user.js';

/** `sichtbar export --format json`: the whole project; users without password hashes. */
export const ProjectExportSchema = z.object({
  project: ProjectSchema,
  users: z.array(PublicUserSchema),
  documents: z.array(DocumentSchema),
  codes: z.array(CodeSchema),
  segments: z.array(SegmentSchema),
  memos: z.array(MemoSchema),
  sets: z.array(DocumentSetSchema),
});
export type ProjectExport = z.infer<typeof ProjectExportSchema>;
