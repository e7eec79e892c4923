import { z } from 'zod';
import { IdSchema, NameSchema, TimestampSchema } from './common.js';

/**
 * Documentation forms (issue 5): the input form of the documentation software as a versioned schema
 * of sections and fields, the requirement proposals derived from the visibility comparison, and the
 * decisions on them. Stored with the project (`Project.forms`, `Project.requirements`), like the
 * crosswalk, so every store adapter keeps working unchanged.
 */

/** Field and section ids: short, stable slugs (they become property names of a filled record). */
export const FormSlugSchema = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'use lower-case letters, digits, "-" and "_" (starting with a letter or digit)');

export const FIELD_TYPES = ['short-text', 'long-text', 'single-choice', 'multiple-choice', 'checkbox', 'date', 'number', 'duration'] as const;
export const FieldTypeSchema = z.enum(FIELD_TYPES);
export type FieldType = z.infer<typeof FieldTypeSchema>;
const CHOICE_TYPES: readonly FieldType[] = ['single-choice', 'multiple-choice'];
export function isChoiceType(type: FieldType): boolean {
  return CHOICE_TYPES.includes(type);
}

export const FormOptionSchema = z.object({
  value: FormSlugSchema,
  label: NameSchema,
  /** Codes this option records (ids in a project; keys or ids in a form file). */
  captures: z.array(z.string().min(1).max(100)).max(100).default([]),
});
export type FormOption = z.infer<typeof FormOptionSchema>;

export const FormFieldSchema = z
  .object({
    id: FormSlugSchema,
    label: NameSchema,
    help: z.string().max(5000).default(''),
    type: FieldTypeSchema,
    options: z.array(FormOptionSchema).max(200).default([]),
    required: z.boolean().default(false),
    /** The codes whose content the field is meant to record (ids in a project; keys or ids in a form file). */
    captures: z.array(z.string().min(1).max(100)).max(100).default([]),
  })
  .superRefine((f, ctx) => {
    if (isChoiceType(f.type) && f.options.length === 0) ctx.addIssue({ code: 'custom', path: ['options'], message: `a ${f.type} field needs at least one option` });
    if (!isChoiceType(f.type) && f.options.length > 0) ctx.addIssue({ code: 'custom', path: ['options'], message: `a ${f.type} field has no options` });
    const seen = new Set<string>();
    f.options.forEach((o, i) => {
      if (seen.has(o.value)) ctx.addIssue({ code: 'custom', path: ['options', i, 'value'], message: `option value "${o.value}" appears twice` });
      seen.add(o.value);
    });
  });
export type FormField = z.infer<typeof FormFieldSchema>;
export type FormFieldInput = z.input<typeof FormFieldSchema>;

export const FormSectionSchema = z.object({
  id: FormSlugSchema,
  title: NameSchema,
  help: z.string().max(5000).default(''),
  fields: z.array(FormFieldSchema).max(300),
});
export type FormSection = z.infer<typeof FormSectionSchema>;

/** One revision's content: the form itself. Field ids are unique across all sections. */
export const FormDefinitionSchema = z
  .object({
    id: FormSlugSchema,
    title: NameSchema,
    description: z.string().max(20_000).default(''),
    sections: z.array(FormSectionSchema).min(1).max(50),
  })
  .superRefine((form, ctx) => {
    const fields = new Set<string>();
    const sections = new Set<string>();
    form.sections.forEach((s, i) => {
      if (sections.has(s.id)) ctx.addIssue({ code: 'custom', path: ['sections', i, 'id'], message: `section id "${s.id}" appears twice` });
      sections.add(s.id);
      s.fields.forEach((f, j) => {
        if (fields.has(f.id)) ctx.addIssue({ code: 'custom', path: ['sections', i, 'fields', j, 'id'], message: `field id "${f.id}" appears twice` });
        fields.add(f.id);
      });
    });
  });
export type FormDefinition = z.infer<typeof FormDefinitionSchema>;
export type FormDefinitionInput = z.input<typeof FormDefinitionSchema>;

export const CHANGE_KINDS = ['add-field', 'add-options', 'help-text', 'make-optional'] as const;
export const ChangeKindSchema = z.enum(CHANGE_KINDS);
export type ChangeKind = z.infer<typeof ChangeKindSchema>;

/** A readable difference between two revisions, field by field. */
export const FormDiffSchema = z.object({
  added: z.array(z.object({ fieldId: z.string(), label: z.string(), sectionId: z.string() })),
  removed: z.array(z.object({ fieldId: z.string(), label: z.string(), sectionId: z.string() })),
  changed: z.array(
    z.object({
      fieldId: z.string(),
      label: z.string(),
      changes: z.array(z.object({ property: z.string(), before: z.unknown(), after: z.unknown() })),
    }),
  ),
});
export type FormDiff = z.infer<typeof FormDiffSchema>;

const RefSchema = z.object({ id: z.string(), name: z.string() });

/** One line of a version's change log, traced back: requirement → codes → segments → documents. */
export const ChangeLogEntrySchema = z.object({
  kind: z.enum(['added', 'changed', 'removed']),
  fieldId: z.string(),
  summary: z.string().max(5000),
  requirementId: z.string().optional(),
  requirementTitle: z.string().optional(),
  codes: z.array(RefSchema).default([]),
  segments: z.array(z.string()).default([]),
  documents: z.array(RefSchema).default([]),
});
export type ChangeLogEntry = z.infer<typeof ChangeLogEntrySchema>;

export const FormVersionSchema = z.object({
  number: z.number().int().min(1),
  /** User id (or "import"). */
  author: z.string().max(300),
  authorName: z.string().max(300).default(''),
  date: TimestampSchema,
  note: z.string().max(5000).default(''),
  changeLog: z.array(ChangeLogEntrySchema).default([]),
  /** Ids of the requirements this revision implements. */
  implements: z.array(IdSchema).default([]),
  diff: FormDiffSchema.optional(),
  form: FormDefinitionSchema,
});
export type FormVersion = z.infer<typeof FormVersionSchema>;

/** A form with all its revisions (oldest first); the last is current. */
export const StoredFormSchema = z.object({
  id: FormSlugSchema,
  versions: z.array(FormVersionSchema).min(1).max(1000),
});
export type StoredForm = z.infer<typeof StoredFormSchema>;

export const REQUIREMENT_STATUSES = ['open', 'accepted', 'rejected'] as const;
export const RequirementStatusSchema = z.enum(REQUIREMENT_STATUSES);

export const EvidenceQuoteSchema = z.object({
  side: z.enum(['a', 'b']),
  documentId: z.string(),
  documentTitle: z.string(),
  segmentId: z.string(),
  text: z.string(),
});

export const RequirementEvidenceSchema = z.object({
  /** The comparison row the proposal rests on (id and label), if there is one. */
  rowId: z.string().nullable(),
  rowLabel: z.string(),
  section: z.string().nullable(),
  /** Documents of side A (consultations) and B (documentation) carrying the codes. */
  documentsA: z.number().int().min(0),
  documentsB: z.number().int().min(0),
  segmentsA: z.number().int().min(0),
  segmentsB: z.number().int().min(0),
  quotes: z.array(EvidenceQuoteSchema).max(50),
  /** Every segment of side A carrying the codes, and their documents: the trace. */
  segmentIds: z.array(z.string()).max(100_000),
  documents: z.array(RefSchema).max(100_000),
});
export type RequirementEvidence = z.infer<typeof RequirementEvidenceSchema>;

export const CommentSchema = z.object({
  id: IdSchema,
  author: z.string(),
  authorName: z.string().default(''),
  date: TimestampSchema,
  text: z.string().min(1).max(10_000),
});
export type RequirementComment = z.infer<typeof CommentSchema>;

export const RequirementSchema = z.object({
  id: IdSchema,
  formId: FormSlugSchema,
  title: NameSchema,
  rationale: z.string().max(20_000).default(''),
  change: ChangeKindSchema,
  fieldType: FieldTypeSchema.nullable(),
  /** The field a change applies to (add-options, help-text, make-optional). */
  targetFieldId: FormSlugSchema.nullable().default(null),
  /** Where an added field goes. */
  sectionId: FormSlugSchema.nullable().default(null),
  /** The suggested field (add-field) or the options / help text to add. */
  field: FormFieldSchema.nullable().default(null),
  options: z.array(FormOptionSchema).max(200).default([]),
  help: z.string().max(5000).default(''),
  codes: z.array(IdSchema).max(200),
  evidence: RequirementEvidenceSchema,
  status: RequirementStatusSchema.default('open'),
  decision: z
    .object({ by: z.string(), byName: z.string().default(''), at: TimestampSchema, reason: z.string().max(10_000), version: z.number().int().nullable() })
    .nullable()
    .default(null),
  comments: z.array(CommentSchema).max(1000).default([]),
  created: TimestampSchema,
  modified: TimestampSchema,
  /** Optimistic concurrency for edits and decisions. */
  version: z.number().int().min(1),
});
export type Requirement = z.infer<typeof RequirementSchema>;

// ---------------------------------------------------------------------------------------------
// Requests

/** PUT a new version: the whole form; `basedOn` must be the current version number. */
export const NewFormVersionSchema = z.object({
  basedOn: z.number().int().min(0),
  note: z.string().max(5000).default(''),
  form: FormDefinitionSchema,
});
export type NewFormVersion = z.input<typeof NewFormVersionSchema>;

/** Edit an open proposal (product owners, admins). */
export const RequirementPatchSchema = z.object({
  version: z.number().int().min(1),
  title: NameSchema.optional(),
  rationale: z.string().max(20_000).optional(),
  targetFieldId: FormSlugSchema.nullable().optional(),
  sectionId: FormSlugSchema.nullable().optional(),
  field: FormFieldSchema.nullable().optional(),
  options: z.array(FormOptionSchema).max(200).optional(),
  help: z.string().max(5000).optional(),
});
export type RequirementPatch = z.input<typeof RequirementPatchSchema>;

export const DecisionSchema = z.object({
  version: z.number().int().min(1),
  action: z.enum(['accept', 'reject']),
  reason: z.string().trim().min(1, 'give a reason').max(10_000),
});
export type Decision = z.input<typeof DecisionSchema>;

export const NewCommentSchema = z.object({ text: z.string().trim().min(1).max(10_000) });

/** Options of the coverage analysis. */
export const CoverageOptionsSchema = z.object({
  /** A field filled in fewer than this share of its records is "rarely filled". */
  minFillRate: z.number().min(0).max(1).default(0.5),
  /** A code needs at least this many consultation documents to count as work seen in consultations. */
  minDocuments: z.number().int().min(1).max(10_000).default(1),
});
export type CoverageOptions = z.input<typeof CoverageOptionsSchema>;

// ---------------------------------------------------------------------------------------------
// Results

export const FieldStatsSchema = z.object({
  fieldId: z.string(),
  label: z.string(),
  sectionId: z.string(),
  type: FieldTypeSchema,
  required: z.boolean(),
  records: z.number().int(),
  filled: z.number().int(),
  fillRate: z.number(),
  meanLength: z.number(),
  maxLength: z.number().int(),
});
export type FieldStats = z.infer<typeof FieldStatsSchema>;

export const CoverageCellSchema = z.object({
  fieldId: z.string(),
  /** The field's `captures` name the code (or one of its ancestors). */
  captures: z.boolean(),
  /** Segments inside the field's text in records that carry the code or a crosswalk partner. */
  inText: z.number().int(),
});

export const CoverageRowSchema = z.object({
  code: z.object({ id: z.string(), name: z.string(), path: z.array(z.string()) }),
  documentsA: z.number().int(),
  segmentsA: z.number().int(),
  cells: z.array(CoverageCellSchema),
  covered: z.boolean(),
});
export type CoverageRow = z.infer<typeof CoverageRowSchema>;

export const CoverageResultSchema = z.object({
  formId: z.string(),
  version: z.number().int(),
  fields: z.array(FieldStatsSchema),
  rows: z.array(CoverageRowSchema),
  uncovered: z.array(z.object({ id: z.string(), name: z.string(), path: z.array(z.string()), documentsA: z.number().int() })),
  simplify: z.array(z.object({ fieldId: z.string(), label: z.string(), reasons: z.array(z.enum(['captures-nothing-seen', 'rarely-filled'])), fillRate: z.number() })),
  thresholds: z.object({ minFillRate: z.number(), minDocuments: z.number().int() }),
});
export type CoverageResult = z.infer<typeof CoverageResultSchema>;

/** A documentation record's value of one field: the text and where it lies (code points). */
export interface FieldValue {
  fieldId: string;
  text: string;
  start: number;
  end: number;
}
