import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { InvalidInput, TooLarge } from '../domain/errors.js';

/** A body limit: more than `maxBytes` answers 413 (TooLarge) with `message`. */
export function limitBody(maxBytes: number, message: string): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new TooLarge(message);
    },
  });
}

/** The one file of a multipart upload in the field `file` (REFI-QDA projects, codebook tables). */
export async function uploadedFile(c: { req: { parseBody: (o: { all: boolean }) => Promise<Record<string, unknown>> } }): Promise<File> {
  let form: Record<string, unknown>;
  try {
    form = await c.req.parseBody({ all: true });
  } catch {
    throw new InvalidInput('send the file as multipart/form-data in the field "file"');
  }
  const f = ([] as unknown[]).concat(form['file'] ?? []).find((x): x is File => typeof x !== 'string' && x instanceof Blob);
  if (!f) throw new InvalidInput('no file in the field "file"');
  return f;
}

/** A file name for Content-Disposition: ASCII fallback plus the UTF-8 form (RFC 6266). */
export function disposition(name: string, suffix: string): string {
  const ascii = name.replace(/[^A-Za-z0-9._ -]+/g, '_').trim() || 'project';
  return `attachment; filename="${ascii}${suffix}"; filename*=UTF-8''${encodeURIComponent(name + suffix)}`;
}
