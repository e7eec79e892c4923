import { z } from 'zod';
import { IdSchema, TimestampSchema } from './common.js';

/**
 * The pseudonym key of a project (issue 9, item 1): real name → pseudonym, with a category. It is
 * stored apart from the project data (storage/pseudonym-keys.ts: `data/keys/<projectId>.json`), only
 * admins read or change it, and no normal export or backup carries it.
 */
export const PSEUDONYM_CATEGORIES = ['person', 'place', 'institution'] as const;
export const PseudonymCategorySchema = z.enum(PSEUDONYM_CATEGORIES);
export type PseudonymCategory = z.infer<typeof PseudonymCategorySchema>;

/** One name: a single line, no control characters, at least one letter or digit at each end. */
const NameTextSchema = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters')
  .regex(/^[\p{L}\p{N}](?:.*[\p{L}\p{M}\p{N}.])?$/su, 'must start with a letter or digit and end with a letter, digit or "."');

export const PseudonymEntrySchema = z.object({
  real: NameTextSchema,
  pseudonym: NameTextSchema,
  category: PseudonymCategorySchema,
});
export type PseudonymEntry = z.infer<typeof PseudonymEntrySchema>;

export const MAX_PSEUDONYM_ENTRIES = 10_000;

/** The entries of a key, checked as a whole: real names unique, no pseudonym equal to its real name. */
export const PseudonymEntriesSchema = z
  .array(PseudonymEntrySchema)
  .max(MAX_PSEUDONYM_ENTRIES)
  .superRefine((entries, ctx) => {
    const seen = new Map<string, number>();
    entries.forEach((e, i) => {
      const before = seen.get(e.real);
      if (before !== undefined) ctx.addIssue({ code: 'custom', path: [i, 'real'], message: `"${e.real}" is in the key twice (entry ${before + 1})` });
      seen.set(e.real, i);
      if (e.real === e.pseudonym) ctx.addIssue({ code: 'custom', path: [i, 'pseudonym'], message: 'the pseudonym must differ from the real name' });
    });
    // A pseudonym that is also a real name would be replaced again on the next run.
    entries.forEach((e, i) => {
      if (e.real !== e.pseudonym && seen.has(e.pseudonym)) ctx.addIssue({ code: 'custom', path: [i, 'pseudonym'], message: `"${e.pseudonym}" is also a real name in the key` });
    });
  });

/**
 * A stored key. Version rule as for every entity: a new key is stored with version 1, each change
 * with the stored version + 1; a stale version is a 409. A project without a key reads as an empty
 * key with version 0.
 */
export const PseudonymKeySchema = z.object({
  projectId: IdSchema,
  entries: PseudonymEntriesSchema,
  modified: TimestampSchema.nullable(),
  version: z.number().int().min(0),
});
export type PseudonymKey = z.infer<typeof PseudonymKeySchema>;

/** Replace the entries: `version` is the version the client read (0 for a project without a key). */
export const PseudonymKeyUpdateSchema = z.object({
  entries: PseudonymEntriesSchema,
  version: z.number().int().min(0),
});
export type PseudonymKeyUpdate = z.infer<typeof PseudonymKeyUpdateSchema>;

/** How names are matched in a text. */
export const MatchOptionsSchema = z.object({
  /** Case-sensitive matching (the default): "Berg" is not "berg". */
  caseSensitive: z.boolean().default(true),
  /** Also replace the genitive "s" form ("Schneiders" → "Bergers"). */
  inflections: z.boolean().default(true),
});
export type MatchOptions = z.infer<typeof MatchOptionsSchema>;

export const PseudonymApplySchema = MatchOptionsSchema.extend({
  /** The documents to pseudonymise; all documents of the project when missing. */
  documentIds: z.array(IdSchema).max(100_000).optional(),
  /** Also replace names in the memos of the documents and of their segments (default true). */
  memos: z.boolean().default(true),
});
export type PseudonymApply = z.input<typeof PseudonymApplySchema>;

export const ReplacementCountSchema = z.object({ real: z.string(), pseudonym: z.string(), count: z.number().int() });

/** What applying the key changes (or changed) in one document. */
export const DocumentPseudonymisationSchema = z.object({
  documentId: IdSchema,
  title: z.string(),
  /** Number of names replaced in the text. */
  replacements: z.number().int(),
  byEntry: z.array(ReplacementCountSchema),
  /** Segments whose offsets move or whose memo changes. */
  segments: z.number().int(),
  memos: z.number().int(),
  /** The document's version after applying (apply only). */
  version: z.number().int().optional(),
  /** Up to three places in the text as they would read afterwards. */
  samples: z.array(z.object({ before: z.string(), after: z.string() })),
});
export type DocumentPseudonymisation = z.infer<typeof DocumentPseudonymisationSchema>;

export const PseudonymisationResultSchema = z.object({
  keyVersion: z.number().int(),
  documents: z.array(DocumentPseudonymisationSchema),
  total: z.number().int(),
});
export type PseudonymisationResult = z.infer<typeof PseudonymisationResultSchema>;

/** A candidate for the key, found in the texts. */
export const PseudonymSuggestionSchema = z.object({
  text: z.string(),
  category: PseudonymCategorySchema,
  /** Why: after Frau/Herr/Familie, after in/aus/nach, a known place, an institution word, not in the word list. */
  reason: z.enum(['title', 'known-place', 'preposition', 'institution', 'unknown-word']),
  count: z.number().int(),
  documents: z.number().int(),
  contexts: z.array(z.string()),
  /** Already a real name in the key. */
  inKey: z.boolean(),
});
export type PseudonymSuggestion = z.infer<typeof PseudonymSuggestionSchema>;

export const SuggestionQuerySchema = z.object({
  documentId: IdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
});
