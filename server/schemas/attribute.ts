import { z } from 'zod';

/**
 * Typed document attributes (Sozialraumbüro, region, date, Fachkraft pseudonym, case id, …).
 * Stored with their type so that filters and exports (REFI-QDA Variables) keep it.
 */
export const AttributeValueSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), value: z.string().max(10_000) }),
  z.object({ type: z.literal('number'), value: z.number().finite() }),
  z.object({ type: z.literal('date'), value: z.iso.date() }),
  z.object({ type: z.literal('boolean'), value: z.boolean() }),
]);
export type AttributeValue = z.infer<typeof AttributeValueSchema>;

/** Attribute names: no prototype-polluting keys. */
export const AttributeNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine((k) => !['__proto__', 'constructor', 'prototype'].includes(k), 'reserved attribute name');

export const AttributesSchema = z.record(AttributeNameSchema, AttributeValueSchema);
export type Attributes = z.infer<typeof AttributesSchema>;
