import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ZodError } from 'zod';
import { DomainError, type ErrorIssue } from '../domain/errors.js';

/** The one error envelope every failing request gets. */
export interface ErrorEnvelope {
  error: { code: string; message: string; issues?: ErrorIssue[]; current?: unknown };
}

const STATUS: Record<string, ContentfulStatusCode> = {
  not_found: 404,
  conflict: 409,
  invalid_input: 400,
  forbidden: 403,
  unauthorized: 401,
  too_large: 413,
  too_many_requests: 429,
  import_failed: 400,
};

export function envelope(code: string, message: string, extra: Omit<ErrorEnvelope['error'], 'code' | 'message'> = {}): ErrorEnvelope {
  return { error: { code, message, ...extra } };
}

export function zodIssues(error: ZodError): ErrorIssue[] {
  return error.issues.slice(0, 50).map((i) => ({ path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: i.message }));
}

/** Maps typed domain errors, zod errors and Hono's HTTP exceptions to the envelope. */
export function handleError(err: Error, c: Context): Response {
  if (err instanceof DomainError) {
    const status = STATUS[err.code] ?? 400;
    const current = 'current' in err ? (err as { current?: unknown }).current : undefined;
    return c.json(envelope(err.code, err.message, { ...(err.issues ? { issues: err.issues } : {}), ...(current !== undefined ? { current } : {}) }), status);
  }
  if (err instanceof ZodError) return c.json(envelope('invalid_input', 'the request is not valid', { issues: zodIssues(err) }), 400);
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    const code = status === 413 ? 'too_large' : status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : status === 400 ? 'invalid_input' : 'bad_request';
    return c.json(envelope(code, err.message || 'bad request'), status);
  }
  if (err instanceof SyntaxError) return c.json(envelope('invalid_input', 'the request body is not valid JSON'), 400);
  console.error(err);
  return c.json(envelope('internal', 'internal error'), 500);
}
