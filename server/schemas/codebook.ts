import { z } from 'zod';
import { CodeDefinitionSchema } from './code.js';
import { ColourSchema, NameSchema } from './common.js';

/** A stable, human-readable handle for a code inside a codebook file (for crosswalks and seed codings). */
export const CodeKeySchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'keys are lower-case letters, digits and "-"');

export interface CodebookEntry {
  key?: string | undefined;
  name: string;
  colour?: string | undefined;
  isCodable?: boolean | undefined;
  definition?: z.input<typeof CodeDefinitionSchema> | undefined;
  children?: CodebookEntry[] | undefined;
}

const MAX_DEPTH = 20;

export const CrosswalkRowSchema = z.object({
  label: NameSchema,
  /** Keys of consultation-side codes (side A). */
  a: z.array(CodeKeySchema).min(1).max(100),
  /** Keys of documentation-side codes (side B). */
  b: z.array(CodeKeySchema).min(1).max(100),
  note: z.string().max(10_000).default(''),
});
export type CrosswalkRow = z.infer<typeof CrosswalkRowSchema>;

export const CodebookEntrySchema: z.ZodType<CodebookEntry> = z.lazy(() =>
  z.object({
    key: CodeKeySchema.optional(),
    name: NameSchema,
    colour: ColourSchema.optional(),
    isCodable: z.boolean().optional(),
    definition: CodeDefinitionSchema.partial().optional(),
    children: z.array(CodebookEntrySchema).max(1000).optional(),
  }),
);

/**
 * The JSON codebook file format (codebooks/*.json): a tree of codes with definitions.
 * Validated for unique keys and bounded depth.
 */
export const CodebookFileSchema = z
  .object({
    format: z.literal('sichtbar-codebook'),
    formatVersion: z.literal(1),
    name: z.string().regex(/^[a-z0-9-]+$/).max(100),
    title: NameSchema,
    description: z.string().max(50_000).default(''),
    language: z.string().min(2).max(35).default('de'),
    codes: z.array(CodebookEntrySchema).max(1000),
    /**
     * Links between codes of different trees (n:m), e.g. consultation-side "summarises thematically"
     * ↔ documentation-side "summarises information". Used by the visibility comparison.
     */
    crosswalk: z.array(CrosswalkRowSchema).max(1000).default([]),
  })
  .superRefine((book, ctx) => {
    const seen = new Set<string>();
    const walk = (entries: CodebookEntry[], depth: number, path: (string | number)[]): void => {
      if (depth > MAX_DEPTH) {
        ctx.addIssue({ code: 'custom', message: `code tree deeper than ${MAX_DEPTH} levels`, path });
        return;
      }
      entries.forEach((e, i) => {
        if (e.key !== undefined) {
          if (seen.has(e.key)) ctx.addIssue({ code: 'custom', message: `duplicate key "${e.key}"`, path: [...path, i, 'key'] });
          seen.add(e.key);
        }
        if (e.children) walk(e.children, depth + 1, [...path, i, 'children']);
      });
    };
    walk(book.codes, 1, ['codes']);
    book.crosswalk.forEach((row, i) => {
      for (const side of ['a', 'b'] as const) {
        row[side].forEach((key, j) => {
          if (!seen.has(key)) ctx.addIssue({ code: 'custom', message: `unknown key "${key}"`, path: ['crosswalk', i, side, j] });
        });
      }
    });
  });
export type CodebookFile = z.infer<typeof CodebookFileSchema>;
