import { z } from 'zod';
import { IdSchema, OffsetSchema } from './common.js';

/** Longest query text. */
export const MAX_QUERY_LENGTH = 1000;

/**
 * Where a search looks: the documents of a set (id or name), inside the segments of a code (and its
 * sub-codes), and/or inside one speaker's turns. All given conditions must hold.
 */
export const SearchScopeSchema = z.object({
  set: z.string().min(1).max(300).optional(),
  codeId: IdSchema.optional(),
  speaker: z.string().min(1).max(100).optional(),
});
export type SearchScope = z.infer<typeof SearchScopeSchema>;

export const SearchRequestSchema = z.object({
  query: z.string().min(1).max(MAX_QUERY_LENGTH),
  scope: SearchScopeSchema.default({}),
  /** Code points of context on either side of a hit. */
  context: z.number().int().min(0).max(1000).default(60),
  /** At most this many hits are returned (the counts cover all). */
  limit: z.number().int().min(1).max(100_000).default(1000),
});
export type SearchRequest = z.input<typeof SearchRequestSchema>;

/** One keyword-in-context line; offsets are code points, end exclusive. */
export const SearchHitSchema = z.object({
  documentId: IdSchema,
  title: z.string(),
  start: OffsetSchema,
  end: OffsetSchema,
  match: z.string(),
  left: z.string(),
  right: z.string(),
});
export type SearchHit = z.infer<typeof SearchHitSchema>;

export const SearchResultSchema = z.object({
  query: z.string(),
  total: z.number().int().min(0),
  documents: z.array(z.object({ documentId: IdSchema, title: z.string(), count: z.number().int().min(1) })),
  hits: z.array(SearchHitSchema),
  truncated: z.boolean(),
});
export type SearchResult = z.infer<typeof SearchResultSchema>;

// ---------------------------------------------------------------------------------------------
// Autocoding

export const AUTOCODE_UNITS = ['word', 'sentence', 'paragraph', 'turn'] as const;
/** How far each hit is extended before it is coded. */
export const AutocodeUnitSchema = z.enum(AUTOCODE_UNITS);
export type AutocodeUnit = z.infer<typeof AutocodeUnitSchema>;

export const HitRefSchema = z.object({ documentId: IdSchema, start: OffsetSchema, end: OffsetSchema });
export type HitRef = z.infer<typeof HitRefSchema>;

export const AutocodeRequestSchema = z.object({
  query: z.string().min(1).max(MAX_QUERY_LENGTH),
  scope: SearchScopeSchema.default({}),
  codeId: IdSchema,
  unit: AutocodeUnitSchema.default('sentence'),
  /** Only these hits (as returned by the search); default all hits. */
  hits: z.array(HitRefSchema).max(100_000).optional(),
});
export type AutocodeRequest = z.input<typeof AutocodeRequestSchema>;

export const AutocodeItemSchema = z.object({
  documentId: IdSchema,
  title: z.string(),
  start: OffsetSchema,
  end: OffsetSchema,
  /** The text to be coded, shortened to 300 characters. */
  text: z.string(),
  /** How many hits fall into this range. */
  hits: z.number().int().min(1),
});
export type AutocodeItem = z.infer<typeof AutocodeItemSchema>;

export const AutocodePreviewSchema = z.object({
  codeId: IdSchema,
  unit: AutocodeUnitSchema,
  items: z.array(AutocodeItemSchema),
  /** Ranges already coded exactly so with this code by this coder (left alone). */
  duplicates: z.number().int().min(0),
  /** Hits that could not be extended (e.g. unit "turn" outside any speaker turn). */
  unextendable: z.number().int().min(0),
});
export type AutocodePreview = z.infer<typeof AutocodePreviewSchema>;

/** A recorded autocoding run: what it created, so it can be undone as one step. */
export const AutocodeRunSchema = z.object({
  id: IdSchema,
  codeId: IdSchema,
  query: z.string(),
  unit: AutocodeUnitSchema,
  coder: IdSchema,
  created: z.string(),
  segments: z.array(z.object({ id: IdSchema, version: z.number().int().min(1) })),
  duplicates: z.number().int().min(0),
});
export type AutocodeRun = z.infer<typeof AutocodeRunSchema>;

// ---------------------------------------------------------------------------------------------
// Word frequencies and keyness

export const WordsRequestSchema = z.object({
  set: z.string().min(1).max(300).optional(),
  codeId: IdSchema.optional(),
  limit: z.number().int().min(1).max(10_000).default(100),
  /** Shortest word (code points) to count. */
  minLength: z.number().int().min(1).max(50).default(2),
});
export type WordsRequest = z.input<typeof WordsRequestSchema>;

export const WordRowSchema = z.object({
  stem: z.string(),
  /** The most frequent surface form of the stem. */
  form: z.string(),
  count: z.number().int().min(0),
  documents: z.number().int().min(0),
});
export type WordRow = z.infer<typeof WordRowSchema>;

export const WordsResultSchema = z.object({
  /** All tokens counted (stop words included), the corpus size. */
  tokens: z.number().int().min(0),
  distinct: z.number().int().min(0),
  documents: z.number().int().min(0),
  words: z.array(WordRowSchema),
});
export type WordsResult = z.infer<typeof WordsResultSchema>;

export const KeynessRowSchema = z.object({
  stem: z.string(),
  form: z.string(),
  a: z.number().int().min(0),
  b: z.number().int().min(0),
  /** Rayson & Garside log-likelihood (statistics.ts). */
  ll: z.number().min(0),
  sign: z.enum(['+', '-', '=']),
  logRatio: z.number().nullable(),
});
export type KeynessRow = z.infer<typeof KeynessRowSchema>;

export const KeynessResultSchema = z.object({
  a: z.object({ label: z.string(), documents: z.number().int().min(0), tokens: z.number().int().min(0) }),
  b: z.object({ label: z.string(), documents: z.number().int().min(0), tokens: z.number().int().min(0) }),
  rows: z.array(KeynessRowSchema),
});
export type KeynessResult = z.infer<typeof KeynessResultSchema>;
