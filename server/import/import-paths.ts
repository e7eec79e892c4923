/**
 * Batch import from files and folders on disk. One bad file never stops a batch: every problem
 * becomes a `failed` entry and the good files are imported.
 */
import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { ImportError } from '../domain/errors.js';
import type { NewDocument } from '../schemas/document.js';
import {
  checkFileSize,
  checkFileType,
  DEFAULT_MAX_BYTES,
  importFile,
  isSupportedFile,
  type ImportDefaults,
} from './import-file.js';
import { parseSidecar, SIDECAR_NAME, sidecarKey, type Sidecar } from './sidecar-csv.js';

export interface CollectOptions {
  /** Largest file accepted, in bytes (default 20 MB); also applies to attributes.csv. */
  maxBytes?: number;
  /** Most files imported in one call (default 10,000); the rest give one failed entry. */
  maxFiles?: number;
}

export interface CollectResult {
  imported: { file: string; document: NewDocument }[];
  failed: { file: string; error: string }[];
}

export const DEFAULT_MAX_FILES = 10_000;

/** A failure's message without the file name (the entry names the file). */
export function describeError(e: unknown): string {
  if (e instanceof ImportError) {
    const issue = e.issues?.[0];
    const reason = issue?.message ?? e.message;
    return e.line !== undefined ? `line ${e.line}: ${reason}` : reason;
  }
  const code = (e as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'too many levels of symbolic links';
  return e instanceof Error ? e.message : String(e);
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isInside(root: string, target: string): boolean {
  return target === root || target.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

class Collector {
  readonly result: CollectResult = { imported: [], failed: [] };
  private readonly maxBytes: number;
  private readonly maxFiles: number;
  /** Real paths of files and folders already handled, so nothing is imported twice. */
  private readonly seenFiles = new Set<string>();
  private readonly seenFolders = new Set<string>();
  /** Sidecars by real folder path; errors are reported when a sidecar is first read. */
  private readonly sidecars = new Map<string, Sidecar | undefined>();
  private count = 0;
  /** Set once maxFiles is exceeded; nothing more is read after that. */
  private capped = false;

  constructor(options: CollectOptions) {
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.maxFiles = options.maxFiles ?? DEFAULT_MAX_FILES;
  }

  private fail(file: string, e: unknown): void {
    this.result.failed.push({ file, error: describeError(e) });
  }

  async collectPath(given: string): Promise<void> {
    if (this.capped) return;
    let info;
    try {
      info = await stat(given);
    } catch (e) {
      this.fail(given, e);
      return;
    }
    if (info.isDirectory()) {
      const real = await realpath(given).catch(() => path.resolve(given));
      await this.walk(given, real, real);
    } else if (info.isFile()) {
      try {
        checkFileType(given);
      } catch (e) {
        this.fail(given, e);
        return;
      }
      const dir = path.dirname(given);
      const sidecar = await this.sidecar(dir, await realpath(dir).catch(() => path.resolve(dir)));
      await this.importOne(given, info.size, sidecar);
    } else {
      this.fail(given, new ImportError(given, 'not a regular file or folder'));
    }
  }

  /** Read (once) the sidecar of a folder, reporting its problems as failed entries. */
  private async sidecar(dir: string, realDir: string): Promise<Sidecar | undefined> {
    if (this.sidecars.has(realDir)) return this.sidecars.get(realDir);
    const csvFile = path.join(dir, SIDECAR_NAME);
    let sidecar: Sidecar | undefined;
    try {
      const info = await lstat(csvFile);
      if (info.isFile()) {
        checkFileSize(csvFile, info.size, this.maxBytes);
        sidecar = parseSidecar(csvFile, await readFile(csvFile));
        for (const error of sidecar.errors) this.fail(csvFile, error);
      }
    } catch (e) {
      if ((e as { code?: unknown }).code !== 'ENOENT') this.fail(csvFile, e);
    }
    this.sidecars.set(realDir, sidecar);
    return sidecar;
  }

  private async walk(dir: string, realDir: string, realRoot: string): Promise<void> {
    if (this.capped || this.seenFolders.has(realDir)) return;
    this.seenFolders.add(realDir);
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      this.fail(dir, e);
      return;
    }
    entries.sort((a, b) => byName(a.name, b.name));
    const sidecar = entries.some((e) => e.name === SIDECAR_NAME)
      ? await this.sidecar(dir, realDir)
      : undefined;
    // Names a sidecar row may refer to: the folder's importable files, whether imported or not.
    const present = new Set<string>();

    for (const entry of entries) {
      if (this.capped) return;
      const name = entry.name;
      if (name.startsWith('.') || name === 'node_modules') continue;
      const full = path.join(dir, name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      let realFull = path.join(realDir, name);

      if (entry.isSymbolicLink()) {
        // Follow links only while they stay inside the folder being imported.
        let target: string;
        try {
          target = await realpath(full);
        } catch {
          if (isSupportedFile(name)) this.fail(full, new ImportError(full, 'broken symbolic link'));
          continue;
        }
        const targetInfo = await stat(target).catch(() => undefined);
        if (targetInfo === undefined) continue;
        if (!isInside(realRoot, target)) {
          if (targetInfo.isDirectory() || isSupportedFile(name)) {
            this.fail(full, new ImportError(full, 'symbolic link leads outside the imported folder; not followed'));
          }
          continue;
        }
        isDir = targetInfo.isDirectory();
        isFile = targetInfo.isFile();
        realFull = target;
      }

      if (isDir) {
        await this.walk(full, realFull, realRoot);
      } else if (isFile && isSupportedFile(name)) {
        present.add(sidecarKey(name));
        let size: number;
        try {
          size = (await stat(full)).size;
        } catch (e) {
          this.fail(full, e);
          continue;
        }
        await this.importOne(full, size, sidecar, realFull);
      }
      // Other files (images, office documents, attributes.csv itself) are skipped silently.
    }

    if (sidecar !== undefined) {
      const csvFile = path.join(dir, SIDECAR_NAME);
      for (const [name, row] of sidecar.rows) {
        if (!present.has(name)) {
          this.fail(csvFile, new ImportError(csvFile, `no file "${name}" to import in this folder`, row.line));
        }
      }
    }
  }

  private async importOne(file: string, size: number, sidecar: Sidecar | undefined, real?: string): Promise<void> {
    const key = real ?? (await realpath(file).catch(() => path.resolve(file)));
    if (this.seenFiles.has(key)) return;
    if (this.count >= this.maxFiles) {
      this.capped = true;
      this.fail(file, new ImportError(file, `more than ${this.maxFiles} files; this and later files were not imported`));
      return;
    }
    this.seenFiles.add(key);
    this.count++;
    const defaults: ImportDefaults | undefined = sidecar?.rows.get(sidecarKey(path.basename(file)))?.defaults;
    try {
      // Check the size before reading so a huge file is never loaded.
      checkFileSize(file, size, this.maxBytes);
      const bytes = await readFile(file);
      const document = await importFile(file, bytes, defaults ? { maxBytes: this.maxBytes, defaults } : { maxBytes: this.maxBytes });
      this.result.imported.push({ file, document });
    } catch (e) {
      this.fail(file, e);
    }
  }
}

/**
 * Import every path: a file (any of `SUPPORTED_EXTENSIONS`; other types fail with the reason) or a
 * folder, read recursively in name order, skipping dot-files, dot-folders and `node_modules`,
 * following symbolic links only within the folder. In folders, files of other types are skipped
 * silently. An `attributes.csv` in a folder gives title, kind and attributes for the files in
 * that folder (also for files given explicitly); the file's front matter wins over it.
 *
 * `file` in each entry is the path as given or joined from the given folder (relative stays
 * relative). Never rejects for a bad file; problems are entries in `failed`.
 */
export async function collectImports(paths: string[], options: CollectOptions = {}): Promise<CollectResult> {
  const collector = new Collector(options);
  for (const given of paths) await collector.collectPath(given);
  return collector.result;
}
