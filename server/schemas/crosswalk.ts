import { z } from 'zod';
import { IdSchema, NameSchema } from './common.js';

/**
 * One row of a project's crosswalk: consultation-side codes (side A) linked to documentation-side
 * codes (side B), n:m. The visibility comparison counts the row's A codes in document set A and its
 * B codes in set B, and shows the row instead of the single codes. Stored with the project
 * (`Project.crosswalk`); codebook files carry the same rows with code keys instead of ids.
 */
export const CrosswalkEntrySchema = z.object({
  id: IdSchema,
  label: NameSchema,
  /** Code ids of side A (consultation). */
  a: z.array(IdSchema).min(1).max(100),
  /** Code ids of side B (documentation). */
  b: z.array(IdSchema).min(1).max(100),
  note: z.string().max(10_000).default(''),
});
export type CrosswalkEntry = z.infer<typeof CrosswalkEntrySchema>;

/** The crosswalk of a project: at most 1,000 rows. */
export const CrosswalkSchema = z.array(CrosswalkEntrySchema).max(1000);
export type Crosswalk = z.infer<typeof CrosswalkSchema>;

/** A row as a client sends it: the id may be left out (a new row gets one). */
export const NewCrosswalkEntrySchema = CrosswalkEntrySchema.extend({ id: IdSchema.optional() });
export type NewCrosswalkEntry = z.input<typeof NewCrosswalkEntrySchema>;

/** PUT /crosswalk: the whole crosswalk replaces the stored one. */
export const CrosswalkUpdateSchema = z.object({ rows: z.array(NewCrosswalkEntrySchema).max(1000) });
export type CrosswalkUpdate = z.input<typeof CrosswalkUpdateSchema>;
