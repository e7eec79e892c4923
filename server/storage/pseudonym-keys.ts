import { chmod, mkdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { checkKeyVersion, type PseudonymKeys } from '../domain/pseudonyms.js';
import { PseudonymKeySchema, type PseudonymKey } from '../schemas/pseudonym.js';
import { isCode, safeName, syncDirectory, writeFileDurably } from './durable-file.js';
import { Mutex } from './memory-store.js';

const clone = (k: PseudonymKey): PseudonymKey => structuredClone(k);

/** Keys in memory (tests, and servers built without a data directory). */
export class MemoryPseudonymKeys implements PseudonymKeys {
  private readonly keys = new Map<string, PseudonymKey>();
  private readonly mutex = new Mutex();

  get(projectId: string): Promise<PseudonymKey | undefined> {
    const k = this.keys.get(projectId);
    return Promise.resolve(k ? clone(k) : undefined);
  }

  put(key: PseudonymKey): Promise<void> {
    return this.mutex.run(async () => {
      const parsed = PseudonymKeySchema.parse(key);
      checkKeyVersion(this.keys.get(key.projectId), parsed);
      this.keys.set(key.projectId, clone(parsed));
    });
  }

  delete(projectId: string): Promise<void> {
    return this.mutex.run(async () => {
      this.keys.delete(projectId);
    });
  }
}

/**
 * One file per project: `<data>/keys/<projectId>.json`, outside `<data>/projects/`, so nothing
 * that reads or copies project data (exports, backups, snapshots, REFI-QDA) can pick it up. The
 * folder is created with mode 0700 (only the server's user may list or read it); files are written
 * durably (temp file, fsync, rename, fsync of the folder). Writes are serialised per instance, so a
 * version check and its write cannot interleave; the data directory's lock keeps other processes off.
 */
export class FilePseudonymKeys implements PseudonymKeys {
  private readonly mutex = new Mutex();
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'keys');
  }

  /** The key file of a project (also used by tests to prove where it lives). */
  path(projectId: string): string {
    return join(this.dir, `${safeName(projectId)}.json`);
  }

  async get(projectId: string): Promise<PseudonymKey | undefined> {
    const path = this.path(projectId);
    let raw: string;
    try {
      raw = await readFile(path, 'utf8');
    } catch (e) {
      if (isCode(e, 'ENOENT')) return undefined;
      throw e;
    }
    try {
      return PseudonymKeySchema.parse(JSON.parse(raw));
    } catch (e) {
      throw new Error(`${path} is damaged and cannot be loaded: ${e instanceof Error ? e.message.slice(0, 500) : String(e)}`);
    }
  }

  put(key: PseudonymKey): Promise<void> {
    return this.mutex.run(async () => {
      const parsed = PseudonymKeySchema.parse(key);
      checkKeyVersion(await this.get(key.projectId), parsed);
      await this.ensureDir();
      await writeFileDurably(this.path(key.projectId), JSON.stringify(parsed, null, 1));
    });
  }

  /** Write a key as it is, keeping its version (migrating a store). */
  restore(key: PseudonymKey): Promise<void> {
    return this.mutex.run(async () => {
      const parsed = PseudonymKeySchema.parse(key);
      await this.ensureDir();
      await writeFileDurably(this.path(key.projectId), JSON.stringify(parsed, null, 1));
    });
  }

  delete(projectId: string): Promise<void> {
    return this.mutex.run(async () => {
      try {
        await unlink(this.path(projectId));
        await syncDirectory(this.dir);
      } catch (e) {
        if (!isCode(e, 'ENOENT')) throw e;
      }
    });
  }

  private async ensureDir(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    // mkdir's mode is masked by the umask and ignored for an existing folder.
    await chmod(this.dir, 0o700);
  }
}
