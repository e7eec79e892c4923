import { z } from 'zod';

/** The one reader of process.env. */
const EnvSchema = z.object({
  SICHTBAR_ADMIN_PASSWORD: z.string().min(8, 'SICHTBAR_ADMIN_PASSWORD needs at least 8 characters').optional(),
  SICHTBAR_HOST: z.string().default('127.0.0.1'),
  SICHTBAR_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  SICHTBAR_DATA: z.string().default('data'),
  /** postgres://… : keep the data in PostgreSQL instead of the data directory (team servers, issue 10). */
  SICHTBAR_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'SICHTBAR_DATABASE_URL must start with postgres:// or postgresql://')
    .optional(),
  SICHTBAR_SECURE_COOKIES: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  /** Automatic snapshots of every project while the server runs: every N minutes (0 = off). */
  SICHTBAR_SNAPSHOT_MINUTES: z.coerce.number().min(0).max(10_080).default(60),
  /** How many snapshots per project to keep (the oldest are removed). */
  SICHTBAR_SNAPSHOTS_KEEP: z.coerce.number().int().min(1).max(1000).default(10),
});
export type Config = z.infer<typeof EnvSchema>;

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) throw new Error(`invalid environment: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}
