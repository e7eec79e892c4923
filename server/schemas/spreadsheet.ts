import { z } from 'zod';
import { RefiWarningSchema } from './refi.js';

/** `GET …/export/matrix.csv|xlsx?values=counts|binary`: segment counts, or 0/1 for "coded at all". */
export const MatrixQuerySchema = z.object({ values: z.enum(['counts', 'binary']).default('counts') });

/** The answer to a codebook import from CSV or XLSX: codes created, codes already there, warnings row by row. */
export const CodebookTableImportResultSchema = z.object({
  created: z.number().int(),
  skipped: z.number().int(),
  warnings: z.array(RefiWarningSchema),
});
export type CodebookTableImportResult = z.infer<typeof CodebookTableImportResultSchema>;
