import { z } from 'zod';
import { IdSchema, TimestampSchema, VersionSchema } from './common.js';

export const MemoTargetSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('project') }),
  z.object({ type: z.literal('document'), id: IdSchema }),
  z.object({ type: z.literal('code'), id: IdSchema }),
  z.object({ type: z.literal('segment'), id: IdSchema }),
]);
export type MemoTarget = z.infer<typeof MemoTargetSchema>;

/** A Markdown memo attached to the project, a document, a code or a segment. */
export const MemoSchema = z.object({
  id: IdSchema,
  target: MemoTargetSchema,
  title: z.string().max(300).default(''),
  text: z.string().max(200_000),
  author: IdSchema,
  created: TimestampSchema,
  modified: TimestampSchema,
  version: VersionSchema,
});
export type Memo = z.infer<typeof MemoSchema>;

export const NewMemoSchema = z.object({
  target: MemoTargetSchema,
  title: z.string().max(300).optional(),
  text: z.string().max(200_000),
});
export type NewMemo = z.infer<typeof NewMemoSchema>;

export const MemoPatchSchema = z.object({
  title: z.string().max(300).optional(),
  text: z.string().max(200_000).optional(),
  version: VersionSchema,
});
export type MemoPatch = z.infer<typeof MemoPatchSchema>;
