import { z } from 'zod';
import { ColourSchema, IdSchema, NameSchema, TimestampSchema, VersionSchema } from './common.js';

const DefinitionText = z.string().max(50_000);

/** An anchor example: a typical quotation, optionally linked to the coded segment it comes from. */
export const AnchorExampleSchema = z.object({
  text: z.string().min(1).max(10_000),
  segmentId: IdSchema.optional(),
});
export type AnchorExample = z.infer<typeof AnchorExampleSchema>;

/** The structured definition of a code (Markdown in every text field). */
export const CodeDefinitionSchema = z.object({
  description: DefinitionText.default(''),
  inclusion: DefinitionText.default(''),
  /** Exclusion criteria and delimitation against neighbouring codes. */
  exclusion: DefinitionText.default(''),
  anchors: z.array(AnchorExampleSchema).max(200).default([]),
  rules: DefinitionText.default(''),
});
export type CodeDefinition = z.infer<typeof CodeDefinitionSchema>;

export const CodeSchema = z.object({
  id: IdSchema,
  /** Stable handle from a codebook file (for crosswalks and re-imports), if the code came from one. */
  key: z.string().max(100).optional(),
  parentId: IdSchema.nullable(),
  name: NameSchema,
  colour: ColourSchema,
  /** false = a category folder that structures the tree but is not applied to text. */
  isCodable: z.boolean().default(true),
  /** Position among its siblings (0, 1, 2, …). */
  order: z.number().int().min(0),
  definition: CodeDefinitionSchema.default({ description: '', inclusion: '', exclusion: '', anchors: [], rules: '' }),
  created: TimestampSchema,
  modified: TimestampSchema,
  version: VersionSchema,
});
export type Code = z.infer<typeof CodeSchema>;

export const NewCodeSchema = z.object({
  name: NameSchema,
  parentId: IdSchema.nullable().default(null),
  colour: ColourSchema.optional(),
  isCodable: z.boolean().default(true),
  /** Insert at this sibling position; default: last. */
  order: z.number().int().min(0).optional(),
  definition: CodeDefinitionSchema.partial().optional(),
});
export type NewCode = z.input<typeof NewCodeSchema>;

export const CodePatchSchema = z.object({
  name: NameSchema.optional(),
  colour: ColourSchema.optional(),
  isCodable: z.boolean().optional(),
  definition: CodeDefinitionSchema.partial().optional(),
  /** Expected current version (optimistic concurrency). */
  version: VersionSchema,
});
export type CodePatch = z.infer<typeof CodePatchSchema>;

export const MoveCodeSchema = z.object({
  parentId: IdSchema.nullable(),
  order: z.number().int().min(0).optional(),
  version: VersionSchema,
});
export type MoveCode = z.infer<typeof MoveCodeSchema>;

/** Deleting a code demands an explicit decision; nothing is lost silently. */
export const DeleteCodeSchema = z.object({
  version: VersionSchema,
  /** What happens to segments of the deleted code(s): delete them, or move them to another code. */
  segments: z.discriminatedUnion('action', [
    z.object({ action: z.literal('delete') }),
    z.object({ action: z.literal('move'), toCodeId: IdSchema }),
  ]),
  /** What happens to sub-codes: delete them with their segments (same segment action), or lift them to the deleted code's parent. */
  children: z.enum(['delete', 'lift']),
});
export type DeleteCode = z.infer<typeof DeleteCodeSchema>;
