import { z } from 'zod';
import { AttributeNameSchema } from './attribute.js';
import { IdSchema, NameSchema, TimestampSchema, VersionSchema } from './common.js';
import { DocumentKindSchema } from './document.js';

/** A condition on one attribute: equal to one of the values (text/number/date/boolean compared by value). */
export const AttributeConditionSchema = z.object({
  name: AttributeNameSchema,
  anyOf: z.array(z.union([z.string().max(10_000), z.number().finite(), z.boolean()])).min(1).max(1000),
});

/** A filter: documents of any of the kinds (if given) whose attributes meet every condition. */
export const DocumentFilterSchema = z.object({
  kinds: z.array(DocumentKindSchema).max(4).optional(),
  attributes: z.array(AttributeConditionSchema).max(50).default([]),
});
export type DocumentFilter = z.infer<typeof DocumentFilterSchema>;

export const DocumentSetSchema = z.object({
  id: IdSchema,
  name: NameSchema,
  /** Either explicit members, or a filter evaluated whenever the set is used. */
  definition: z.discriminatedUnion('type', [
    z.object({ type: z.literal('members'), documentIds: z.array(IdSchema).max(100_000) }),
    z.object({ type: z.literal('filter'), filter: DocumentFilterSchema }),
  ]),
  /**
   * Independent mode (team coding, issue 6): in the set's documents each coder sees only their own
   * segments until the set is opened for comparison; admins see everything. Absent = false, so
   * older data parses unchanged.
   */
  independent: z.boolean().optional(),
  openForComparison: z.boolean().optional(),
  created: TimestampSchema,
  version: VersionSchema,
});
export type DocumentSet = z.infer<typeof DocumentSetSchema>;

export const NewDocumentSetSchema = DocumentSetSchema.pick({ name: true, definition: true, independent: true });
export type NewDocumentSet = z.infer<typeof NewDocumentSetSchema>;

export const DocumentSetPatchSchema = z.object({
  name: NameSchema.optional(),
  definition: DocumentSetSchema.shape.definition.optional(),
  version: VersionSchema,
});
export type DocumentSetPatch = z.infer<typeof DocumentSetPatchSchema>;
