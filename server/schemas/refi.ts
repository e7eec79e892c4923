import { z } from 'zod';

/** One thing a REFI-QDA export or import could not carry over, named by its element (spec §7). */
export const RefiWarningSchema = z.object({
  /** The element, e.g. `PictureSource "photo.jpg"`, `Set "Region 2"`, `Code "Atmosphäre"`. */
  element: z.string(),
  message: z.string(),
});
export type RefiWarning = z.infer<typeof RefiWarningSchema>;

/** `GET …/export/qdpx?lineEndings=crlf`: CRLF texts with CR counted in the offsets (MAXQDA). */
export const RefiExportQuerySchema = z.object({ lineEndings: z.enum(['lf', 'crlf']).default('lf') });

export const RefiImportCountsSchema = z.object({
  users: z.number().int(),
  codes: z.number().int(),
  documents: z.number().int(),
  segments: z.number().int(),
  memos: z.number().int(),
  sets: z.number().int(),
});
export type RefiImportCounts = z.infer<typeof RefiImportCountsSchema>;

/** The answer to a .qdpx import: the new project, what it holds, and what was left behind. */
export const RefiImportResultSchema = z.object({
  projectId: z.string(),
  counts: RefiImportCountsSchema,
  warnings: z.array(RefiWarningSchema),
});
export type RefiImportResult = z.infer<typeof RefiImportResultSchema>;

/** The answer to a .qdc import into a project's code tree. */
export const QdcImportResultSchema = z.object({ created: z.number().int(), skipped: z.number().int(), warnings: z.array(RefiWarningSchema) });
export type QdcImportResult = z.infer<typeof QdcImportResultSchema>;
