import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { ZodType } from 'zod';
import { envelope, zodIssues } from './errors.js';

/**
 * zod validation for a request part; a failure answers 400 with the envelope (a hook, not a throw,
 * so the typed client keeps the route's types).
 */
export function valid<Target extends keyof ValidationTargets, Schema extends ZodType>(target: Target, schema: Schema) {
  return zValidator(target, schema, (result, c) => {
    if (!result.success) {
      return c.json(envelope('invalid_input', `the request ${target} is not valid`, { issues: zodIssues(result.error as never) }), 400);
    }
    return undefined;
  });
}
