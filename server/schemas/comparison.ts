import { z } from 'zod';
import { AttributeNameSchema } from './attribute.js';
import { AttributeConditionSchema } from './document-set.js';
import { DocumentKindSchema, type DocumentKind } from './document.js';
import { IdSchema, NameSchema } from './common.js';

// ---------------------------------------------------------------------------------------------
// Input: the two document sets and the options

/**
 * One side of a comparison: the documents that are of any of `kinds` (if given), meet every
 * attribute condition and belong to every named document set (id or name). At least one condition.
 */
export const SideSpecSchema = z
  .object({
    label: NameSchema.optional(),
    kinds: z.array(DocumentKindSchema).min(1).max(4).optional(),
    attributes: z.array(AttributeConditionSchema).max(50).default([]),
    sets: z.array(z.string().min(1).max(300)).max(20).default([]),
  })
  .refine((s) => (s.kinds?.length ?? 0) + s.attributes.length + s.sets.length > 0, { message: 'a side needs at least one condition' });
export type SideSpec = z.input<typeof SideSpecSchema>;
export type ParsedSideSpec = z.infer<typeof SideSpecSchema>;

/** Default side A: the observation protocols of consultations. */
export const DEFAULT_SIDE_A: ParsedSideSpec = { label: 'Beratung (Beobachtungsprotokolle)', kinds: ['observation'], attributes: [], sets: [] };
/** Default side B: interviews about documenting and the documentation records themselves. */
export const DEFAULT_SIDE_B: ParsedSideSpec = { label: 'Dokumentation (Interviews und Dokumentationen)', kinds: ['interview', 'documentation'], attributes: [], sets: [] };

/**
 * The textual condition syntax shared by the HTTP query (`?a=…`) and the CLI (`--a …`):
 *
 *   conditions := condition (";" condition)*
 *   condition  := name "=" value ("," value)*
 *
 * `kind=observation` or `kind=interview,documentation` (any of the kinds), `set=NAME` (a document
 * set by name or id; several `set=` conditions must all hold), any other name an attribute
 * (`region=Region 1`, any of the values, compared as text, case-insensitively). The parameter may
 * repeat (`--a kind=observation --a region=Region 1`); all conditions must hold. A backslash
 * escapes the next character, so `\,` `\;` `\=` and `\\` stand for themselves.
 */
export function parseSideConditions(parts: readonly string[]): { ok: true; spec: ParsedSideSpec } | { ok: false; message: string } {
  const kinds: DocumentKind[] = [];
  const attributes: { name: string; anyOf: string[] }[] = [];
  const sets: string[] = [];
  for (const part of parts) {
    for (const condition of splitEscaped(part, ';')) {
      if (condition.trim() === '') continue;
      const eq = indexUnescaped(condition, '=');
      if (eq < 0) return { ok: false, message: `"${condition}" is not a condition name=value` };
      const name = unescape(condition.slice(0, eq)).trim();
      const values = splitEscaped(condition.slice(eq + 1), ',')
        .map((v) => unescape(v).trim())
        .filter((v) => v.length > 0);
      if (values.length === 0) return { ok: false, message: `the condition "${name}" has no value` };
      if (name === 'kind') {
        for (const v of values) {
          const kind = DocumentKindSchema.safeParse(v);
          if (!kind.success) return { ok: false, message: `kind must be one of ${DocumentKindSchema.options.join(', ')}, not "${v}"` };
          if (!kinds.includes(kind.data)) kinds.push(kind.data);
        }
      } else if (name === 'set') {
        if (values.length !== 1) return { ok: false, message: 'set= names one document set (repeat the condition for several)' };
        sets.push(values[0] as string);
      } else {
        const attr = AttributeNameSchema.safeParse(name);
        if (!attr.success) return { ok: false, message: `"${name}" is not a valid attribute name` };
        attributes.push({ name: attr.data, anyOf: values });
      }
    }
  }
  const parsed = SideSpecSchema.safeParse({ ...(kinds.length > 0 ? { kinds } : {}), attributes, sets });
  if (!parsed.success) return { ok: false, message: parsed.error.issues[0]?.message ?? 'invalid conditions' };
  return { ok: true, spec: parsed.data };
}

function indexUnescaped(text: string, char: string): number {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === char) return i;
  }
  return -1;
}

function splitEscaped(text: string, separator: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === separator) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

function unescape(text: string): string {
  return text.replace(/\\(.)/gs, '$1');
}

/** A side spec as text again (for the report's method section and labels). */
export function describeSide(spec: ParsedSideSpec): string {
  const esc = (v: string): string => v.replace(/[\\;,=]/g, (c) => `\\${c}`);
  const parts: string[] = [];
  if (spec.kinds && spec.kinds.length > 0) parts.push(`kind=${spec.kinds.join(',')}`);
  for (const a of spec.attributes) parts.push(`${esc(a.name)}=${a.anyOf.map((v) => esc(String(v))).join(',')}`);
  for (const s of spec.sets) parts.push(`set=${esc(s)}`);
  return parts.join(';');
}

/** Which documents a side's shares are computed over. */
export const ComparisonBaseSchema = z.enum(['coded', 'all']);

export const ComparisonOptionsSchema = z.object({
  a: SideSpecSchema.optional(),
  b: SideSpecSchema.optional(),
  /** Break every row down by this attribute (e.g. region, sozialraumbuero). */
  by: AttributeNameSchema.optional(),
  /** A row is too rare to say when fewer documents than this (A and B together) carry it. */
  minDocuments: z.number().int().min(1).max(100_000).default(3),
  /** A row counts as present on a side when at least this many of the side's documents carry it. */
  presentDocuments: z.number().int().min(1).max(100_000).default(1),
  /** Breakdown cells resting on fewer documents than this are suppressed (k). */
  minCellDocuments: z.number().int().min(1).max(1000).default(3),
  /** Example quotes per row and side. */
  evidence: z.number().int().min(0).max(20).default(2),
  /** Longest quote in characters before it is shortened around the coded text. */
  maxQuoteLength: z.number().int().min(40).max(5000).default(320),
  /** 'coded': shares over the documents with at least one segment (analysed ones); 'all': over every document of the side. */
  base: ComparisonBaseSchema.default('coded'),
  /** Only these coders' segments count (user ids); default all. */
  coders: z.array(IdSchema).max(1000).optional(),
  /** The attribute that pairs a consultation with its documentation record. */
  pairBy: AttributeNameSchema.default('case'),
  /** Also list codes that no segment of either side carries (as rare rows). */
  includeUnused: z.boolean().default(false),
});
export type ComparisonOptions = z.input<typeof ComparisonOptionsSchema>;
export type ParsedComparisonOptions = z.infer<typeof ComparisonOptionsSchema>;

// ---------------------------------------------------------------------------------------------
// Result

export const SECTIONS = ['both', 'only-a', 'only-b', 'rare'] as const;
export const SectionSchema = z.enum(SECTIONS);
export type Section = z.infer<typeof SectionSchema>;

const Share = z.number().min(0).max(1);

export const SideSummarySchema = z.object({
  label: z.string(),
  /** The conditions in the textual syntax (kind=…;region=…;set=…). */
  definition: z.string(),
  /** Documents meeting the conditions. */
  documents: z.number().int(),
  /** Documents the shares are computed over (see thresholds.base). */
  baseDocuments: z.number().int(),
  /** All segments in the base documents (by the counted coders): the corpus size for the log-likelihood. */
  segments: z.number().int(),
  /** Code points of the base documents: the denominator of textShare. */
  textLength: z.number().int(),
  coders: z.array(z.object({ id: z.string(), name: z.string(), segments: z.number().int() })),
});
export type SideSummary = z.infer<typeof SideSummarySchema>;

export const ThresholdsSchema = z.object({
  minDocuments: z.number().int(),
  presentDocuments: z.number().int(),
  minCellDocuments: z.number().int(),
  base: ComparisonBaseSchema,
  evidence: z.number().int(),
  pairBy: z.string(),
  by: z.string().nullable(),
});
export type Thresholds = z.infer<typeof ThresholdsSchema>;

export const SideCountsSchema = z.object({
  segments: z.number().int(),
  documents: z.number().int(),
  /** documents ÷ the side's base documents. */
  documentShare: Share,
  /** Code points covered by the row's segments (overlaps once) ÷ the side's text length. */
  textShare: Share,
});
export type SideCounts = z.infer<typeof SideCountsSchema>;

export const RowCodeSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Names from the top of the tree down to the code itself. */
  path: z.array(z.string()),
  /** For crosswalk rows: which side the code is counted on. */
  side: z.enum(['a', 'b']).optional(),
});
export type RowCode = z.infer<typeof RowCodeSchema>;

export const RowStatsSchema = z.object({
  /** Two-cell log-likelihood of Rayson & Garside (2000) on segment frequencies (sizes: all segments per side). */
  logLikelihood: z.number(),
  logLikelihoodForm: z.literal('Rayson & Garside 2000, two-cell'),
  /** χ² (1 df) p-value of the log-likelihood. */
  logLikelihoodP: z.number(),
  /** Fisher's exact test, two-sided, on document presence (2×2: documents with / without, A vs B). */
  fisherP: z.number(),
  /** Hardie's log ratio: log2 of the ratio of relative segment frequencies; 0.5 for a zero; null if both are zero. */
  logRatio: z.number().nullable(),
});
export type RowStats = z.infer<typeof RowStatsSchema>;

export const QuoteSchema = z.object({
  side: z.enum(['a', 'b']),
  documentId: z.string(),
  documentTitle: z.string(),
  segmentId: z.string(),
  codeId: z.string(),
  /** The sentence(s) carrying the coded text, pseudonymised where the project has pseudonyms. */
  text: z.string(),
  /** Where the coded text lies within `text` (UTF-16 offsets into `text`). */
  highlight: z.object({ start: z.number().int(), end: z.number().int() }),
});
export type Quote = z.infer<typeof QuoteSchema>;

export const PairedSchema = z.object({
  /** Cases (values of thresholds.pairBy) with base documents on both sides. */
  cases: z.number().int(),
  both: z.number().int(),
  onlyA: z.number().int(),
  onlyB: z.number().int(),
  neither: z.number().int(),
  /** The cases where the row occurs in A (the consultation) and not in B (its record). */
  onlyACases: z.array(z.string()),
  onlyBCases: z.array(z.string()),
});
export type Paired = z.infer<typeof PairedSchema>;

/** A breakdown cell: null counts when suppressed ('small': under k documents; 'secondary': so the small one cannot be worked out from the total). */
export const BreakdownCellSchema = z.object({
  suppressed: z.enum(['small', 'secondary']).nullable(),
  baseDocuments: z.number().int().nullable(),
  segments: z.number().int().nullable(),
  documents: z.number().int().nullable(),
  documentShare: Share.nullable(),
});
export type BreakdownCell = z.infer<typeof BreakdownCellSchema>;

export const BreakdownGroupSchema = z.object({
  /** The attribute value ('' for documents without it). */
  value: z.string(),
  a: BreakdownCellSchema,
  b: BreakdownCellSchema,
  /** The row's section within the group, null when a cell is suppressed. */
  section: SectionSchema.nullable(),
});
export type BreakdownGroup = z.infer<typeof BreakdownGroupSchema>;

export const ComparisonRowSchema = z.object({
  /** Stable within a project: crosswalk:<rowId>, code:<codeId> or parent:<codeId>. */
  id: z.string(),
  /** crosswalk = a crosswalk row; code = one code's own segments; parent = a code with all its sub-codes. */
  kind: z.enum(['crosswalk', 'code', 'parent']),
  label: z.string(),
  section: SectionSchema,
  codes: z.array(RowCodeSchema),
  a: SideCountsSchema,
  b: SideCountsSchema,
  stats: RowStatsSchema,
  paired: PairedSchema,
  breakdown: z.array(BreakdownGroupSchema).optional(),
  evidence: z.array(QuoteSchema),
  note: z.string().optional(),
});
export type ComparisonRow = z.infer<typeof ComparisonRowSchema>;

/** The comparison as JSON: `{ a, b, thresholds, rows }`. */
export const ComparisonResultSchema = z.object({
  a: SideSummarySchema,
  b: SideSummarySchema,
  thresholds: ThresholdsSchema,
  rows: z.array(ComparisonRowSchema),
});
export type ComparisonResult = z.infer<typeof ComparisonResultSchema>;
