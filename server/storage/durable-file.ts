import { randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Adapter } from 'lowdb';

/**
 * Write `content` to `path` so that a crash at any moment leaves either the old or the new file:
 * write a temporary file in the same folder, fsync it, rename it over the target, fsync the folder.
 * (lowdb's own JSONFile renames without fsync, so an acknowledged write could vanish on power loss.)
 */
export async function writeFileDurably(path: string, content: string | Uint8Array, options: { syncDirectory?: boolean } = {}): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  if (options.syncDirectory !== false) await syncDirectory(dirname(path));
}

/** fsync a directory so a rename or unlink in it is durable. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (e) {
    // Some file systems refuse fsync on directories (EINVAL/EISDIR); the rename is then as durable as they allow.
    if (!isCode(e, 'EINVAL') && !isCode(e, 'EISDIR') && !isCode(e, 'EPERM')) throw e;
  } finally {
    await handle.close();
  }
}

export function isCode(e: unknown, code: string): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === code;
}

/**
 * A lowdb adapter for one JSON file with durable writes. Reading parses JSON and hands the value
 * to `parse` (a zod schema's parse), so a damaged file fails loudly with its path.
 */
export class DurableJsonFile<T> implements Adapter<T> {
  constructor(
    readonly path: string,
    private readonly parse: (value: unknown) => T,
  ) {}

  async read(): Promise<T | null> {
    let raw: string;
    try {
      raw = await readFile(this.path, 'utf8');
    } catch (e) {
      if (isCode(e, 'ENOENT')) return null;
      throw e;
    }
    try {
      return this.parse(JSON.parse(raw));
    } catch (e) {
      throw new Error(`${this.path} is damaged and cannot be loaded: ${e instanceof Error ? e.message.slice(0, 500) : String(e)}`);
    }
  }

  write(data: T): Promise<void> {
    return writeFileDurably(this.path, JSON.stringify(data));
  }
}

/** File names are derived from ids; ids are restricted to [A-Za-z0-9_.:-] and must not be "." or "..". */
export function safeName(id: string): string {
  if (!/^[A-Za-z0-9_.:-]+$/.test(id) || id === '.' || id === '..') throw new Error(`unsafe id for a file name: ${id}`);
  return id.replace(/:/g, '%3A');
}
