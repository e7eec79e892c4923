import { z } from 'zod';
import { IdSchema } from './common.js';

/** document: code present/absent per document; segment: MAXQDA-style overlap matching; unitizing: Krippendorff's uα. */
export const AgreementLevelSchema = z.enum(['document', 'segment', 'unitizing']);
export type AgreementLevel = z.infer<typeof AgreementLevelSchema>;

/** Default minimum overlap (intersection ÷ union of the two ranges) for two segments to match. */
export const DEFAULT_OVERLAP_THRESHOLD = 0.9;

export const AgreementOptionsSchema = z.object({
  level: AgreementLevelSchema.default('document'),
  /** User ids or login names; default every coder with a segment in the scope (the consensus coder excluded). */
  coders: z.array(IdSchema).max(100).optional(),
  threshold: z.number().min(0.01).max(1).default(DEFAULT_OVERLAP_THRESHOLD),
  /** A document set (id or name). */
  setId: z.string().min(1).max(200).optional(),
  documentIds: z.array(IdSchema).max(100_000).optional(),
  codeIds: z.array(IdSchema).max(10_000).optional(),
});
export type AgreementOptions = z.input<typeof AgreementOptionsSchema>;

export const AgreementMeasuresSchema = z.object({
  units: z.number().int(),
  agreements: z.number().int().nullable(),
  /** 0–1. */
  percentAgreement: z.number().nullable(),
  cohenKappa: z.number().nullable(),
  fleissKappa: z.number().nullable(),
  brennanPredigerKappa: z.number().nullable(),
  krippendorffAlpha: z.number().nullable(),
});
export type AgreementMeasures = z.infer<typeof AgreementMeasuresSchema>;

export const AgreementCoderSchema = z.object({ id: IdSchema, login: z.string(), displayName: z.string() });
export type AgreementCoder = z.infer<typeof AgreementCoderSchema>;

export const AgreementCodeRowSchema = AgreementMeasuresSchema.extend({ id: IdSchema, name: z.string(), path: z.string() });
export type AgreementCodeRow = z.infer<typeof AgreementCodeRowSchema>;

export const AgreementResultSchema = z.object({
  level: AgreementLevelSchema,
  coders: z.array(AgreementCoderSchema),
  /** The overlap threshold (segment level only; null otherwise). */
  threshold: z.number().nullable(),
  overall: AgreementMeasuresSchema,
  codes: z.array(AgreementCodeRowSchema),
});
export type AgreementResult = z.infer<typeof AgreementResultSchema>;

/** One side of a disagreement: a coder's segment (or none). */
export const DisagreementSideSchema = z.object({
  coder: IdSchema,
  segment: z
    .object({ id: IdSchema, codeId: IdSchema, start: z.number().int(), end: z.number().int(), memo: z.string(), text: z.string(), version: z.number().int() })
    .nullable(),
});

/**
 * A stretch where two coders differ: a segment of one coder without a matching segment of the same
 * code by the other (the other side shows that coder's best-overlapping segment, of any code, or none).
 */
export const DisagreementSchema = z.object({
  id: z.string(),
  documentId: IdSchema,
  documentTitle: z.string(),
  start: z.number().int(),
  end: z.number().int(),
  codeId: IdSchema,
  kind: z.enum(['unmatched', 'different-code', 'overlap-below-threshold']),
  a: DisagreementSideSchema,
  b: DisagreementSideSchema,
});
export type Disagreement = z.infer<typeof DisagreementSchema>;

/** Consensus decision for a disagreement (or any pair of segments): which version goes into the master coding. */
export const ConsensusDecisionSchema = z.object({
  take: z.enum(['a', 'b', 'both', 'neither']),
  /** Segment ids of the two sides as the disagreement list showed them (null where a side had none). */
  a: IdSchema.nullable(),
  b: IdSchema.nullable(),
});
export type ConsensusDecision = z.infer<typeof ConsensusDecisionSchema>;
