import { z } from 'zod';
import { IdSchema, OffsetSchema, TimestampSchema, VersionSchema } from './common.js';

/**
 * A coded stretch of a document. Offsets are Unicode code points, zero-based, end exclusive
 * (REFI-QDA 1.5, PlainTextSelection startPosition/endPosition).
 */
export const SegmentSchema = z
  .object({
    id: IdSchema,
    documentId: IdSchema,
    codeId: IdSchema,
    start: OffsetSchema,
    end: OffsetSchema,
    /** User id of the coder. */
    coder: IdSchema,
    memo: z.string().max(50_000).default(''),
    created: TimestampSchema,
    modified: TimestampSchema,
    version: VersionSchema,
  })
  .refine((s) => s.end > s.start, { message: 'end must be greater than start', path: ['end'] });
export type Segment = z.infer<typeof SegmentSchema>;

export const NewSegmentSchema = z
  .object({
    documentId: IdSchema,
    codeId: IdSchema,
    start: OffsetSchema,
    end: OffsetSchema,
    memo: z.string().max(50_000).optional(),
  })
  .refine((s) => s.end > s.start, { message: 'end must be greater than start', path: ['end'] });
export type NewSegment = z.infer<typeof NewSegmentSchema>;

export const SegmentPatchSchema = z.object({
  codeId: IdSchema.optional(),
  start: OffsetSchema.optional(),
  end: OffsetSchema.optional(),
  memo: z.string().max(50_000).optional(),
  version: VersionSchema,
});
export type SegmentPatch = z.infer<typeof SegmentPatchSchema>;

/** In-vivo coding: a new code named after the selected text, applied to it. */
export const InVivoSchema = z.object({
  documentId: IdSchema,
  start: OffsetSchema,
  end: OffsetSchema,
  parentId: IdSchema.nullable().default(null),
});
export type InVivo = z.infer<typeof InVivoSchema>;

export const SegmentQuerySchema = z.object({
  codeId: z.array(IdSchema).max(1000).optional(),
  includeSubcodes: z.boolean().default(false),
  documentId: z.array(IdSchema).max(10_000).optional(),
  setId: IdSchema.optional(),
  coder: z.array(IdSchema).max(1000).optional(),
  /** Characters of context on each side of the coded text. */
  context: z.number().int().min(0).max(5000).default(200),
  limit: z.number().int().min(1).max(100_000).default(10_000),
  /** Skip this many (for paging through large results). */
  offset: z.number().int().min(0).default(0),
});
export type SegmentQuery = z.input<typeof SegmentQuerySchema>;

/** A retrieved segment with its text and context. */
export type RetrievedSegment = Segment & { text: string; before: string; after: string; documentTitle: string };
