import { z } from 'zod';

/** Identifiers are opaque strings; we generate UUIDs, imports may bring GUIDs of other tools. */
export const IdSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'ids use letters, digits, "_", ".", ":" and "-" only');
export type Id = z.infer<typeof IdSchema>;

/** ISO 8601 timestamp with time zone, as produced by `Date.prototype.toISOString`. */
export const TimestampSchema = z.iso.datetime({ offset: true });

/** A short single-line name (codes, titles, sets). Trimmed, no control characters. */
export const NameSchema = z
  .string()
  .trim()
  .min(1)
  .max(300)
  .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters');

/** Longer free text (descriptions, memos). */
export const LongTextSchema = z.string().max(200_000);

/** Optimistic concurrency: every stored entity carries a version, starting at 1. */
export const VersionSchema = z.number().int().min(1);

/** Colour as #rrggbb. */
export const ColourSchema = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'colour must be #rrggbb');

/** Non-negative integer offset in Unicode code points (REFI-QDA convention). */
export const OffsetSchema = z.number().int().min(0);
