import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ImportError } from '../../../server/domain/errors.js';

/** Run `fn` and return the ImportError it throws; fails the test if it throws nothing or something else. */
export function importError(fn: () => unknown): ImportError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ImportError) return e;
    throw e;
  }
  throw new Error('expected an ImportError, but nothing was thrown');
}

/** Await `promise` and return the ImportError it rejects with; fails the test otherwise. */
export async function importRejection(promise: Promise<unknown>): Promise<ImportError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof ImportError) return e;
    throw e;
  }
  throw new Error('expected an ImportError, but the promise resolved');
}

/** The reason of an ImportError (its message without the "file:line: " prefix). */
export function reasonOf(e: ImportError): string {
  return e.issues?.[0]?.message ?? '';
}

/** A fresh temporary folder and a way to remove it. */
export async function tempDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `sichtbar-${prefix}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Write `content` to `dir/rel`, creating folders on the way; returns the full path. */
export async function put(dir: string, rel: string, content: string | Uint8Array): Promise<string> {
  const full = path.join(dir, rel);
  await mkdir(path.dirname(full), { recursive: true });
  await writeFile(full, content);
  return full;
}

/** UTF-16 bytes of `text`, little- or big-endian, with or without a BOM. */
export function utf16(text: string, order: 'le' | 'be', bom = true): Buffer {
  const body = Buffer.from(text, 'utf16le');
  if (order === 'be') body.swap16();
  if (!bom) return body;
  return Buffer.concat([Buffer.from(order === 'le' ? [0xff, 0xfe] : [0xfe, 0xff]), body]);
}

/** The text between two code-point offsets, computed independently of the code under test. */
export function cpSlice(text: string, start: number, end: number): string {
  return [...text].slice(start, end).join('');
}
