import { InvalidInput } from '../domain/errors.js';

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
