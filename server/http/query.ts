import { z } from 'zod';

/** A query parameter that may repeat (?id=a&id=b) or hold a comma list (?id=a,b). */
export const manyIds = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? undefined : (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).filter((s) => s.length > 0)));

export const boolParam = z
  .enum(['true', 'false', '1', '0'])
  .optional()
  .transform((v) => v === 'true' || v === '1');

export const intParam = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/)
    .optional()
    .transform((v) => (v === undefined ? undefined : Number(v)))
    .pipe(z.number().int().min(min).max(max).optional());

export const VersionQuerySchema = z.object({ version: z.string().regex(/^\d+$/).transform(Number) });
