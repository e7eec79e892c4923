import { z } from 'zod';
import { parseSideConditions, type ParsedSideSpec } from '../schemas/comparison.js';

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

/** `?a=kind=observation` – the condition syntax of parseSideConditions; may repeat (all must hold). */
export const sideParam = z
  .union([z.string().max(2000), z.array(z.string().max(2000)).max(20)])
  .optional()
  .transform((v, ctx): ParsedSideSpec | undefined => {
    if (v === undefined) return undefined;
    const parsed = parseSideConditions(Array.isArray(v) ? v : [v]);
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', message: parsed.message });
      return z.NEVER;
    }
    return parsed.spec;
  });
