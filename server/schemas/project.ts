import { z } from 'zod';
import { IdSchema, LongTextSchema, NameSchema, TimestampSchema, VersionSchema } from './common.js';
import { AutocodeRunSchema } from './search.js';
import { CrosswalkSchema } from './crosswalk.js';
import { RequirementSchema, StoredFormSchema } from './form.js';

export const ProjectSchema = z.object({
  id: IdSchema,
  name: NameSchema,
  description: LongTextSchema.default(''),
  /** BCP 47 language tag of the material, e.g. "de". */
  language: z.string().min(2).max(35).default('de'),
  created: TimestampSchema,
  /**
   * Links between codes of the consultation and the documentation trees (n:m), used by the
   * visibility comparison; edited in the UI and filled by codebook imports. Kept here, with the
   * project's codebook, rather than as an entity kind of its own.
   */
  crosswalk: CrosswalkSchema.default([]),
  /** Documentation forms with all their versions (issue 5); absent = none. */
  forms: z.array(StoredFormSchema).max(100).optional(),
  /** Requirement proposals for the forms, with decisions and comments (issue 5). */
  requirements: z.array(RequirementSchema).max(10_000).optional(),
  /** The last autocoding runs (issue 7), so a run can be undone as one step even after a restart. */
  autocodeRuns: z.array(AutocodeRunSchema).max(100).optional(),
  /**
   * Optimistic concurrency for the project record itself (crosswalk, forms, requirements, runs are
   * read, changed and written back): the same rule as every entity. Records from before have 1.
   */
  version: VersionSchema.default(1),
});
export type Project = z.infer<typeof ProjectSchema>;

export const NewProjectSchema = ProjectSchema.pick({ name: true, description: true, language: true }).partial({
  description: true,
  language: true,
});
export type NewProject = z.infer<typeof NewProjectSchema>;

export const ProjectPatchSchema = NewProjectSchema.partial();
export type ProjectPatch = z.infer<typeof ProjectPatchSchema>;
