import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { z } from 'zod';
import type { Deps } from '../domain/deps.js';
import { InvalidInput, TooLarge } from '../domain/errors.js';
import { exportProject } from '../domain/projects.js';
import type { ProjectExport } from '../schemas/export.js';
import { isCode, syncDirectory, writeFileDurably } from '../storage/durable-file.js';

/**
 * Backup archives (issue 9, item 4): a zip with `manifest.json` and `project.json` (the project
 * export of `exportProject`: users without password hashes). The manifest carries the format
 * version, the date, counts and the SHA-256 of project.json, so a damaged archive is refused before
 * anything is written. The pseudonym key (issue 9, item 1) is never part of a backup.
 */
export const BACKUP_FORMAT = 'sichtbar-backup';
export const BACKUP_FORMAT_VERSION = 1;
const MAX_ARCHIVE_BYTES = 500 * 1024 * 1024;
const MAX_ENTRY_BYTES = 2 * 1024 * 1024 * 1024 - 1;

const CountsSchema = z.object({
  documents: z.number().int().min(0),
  codes: z.number().int().min(0),
  segments: z.number().int().min(0),
  memos: z.number().int().min(0),
  sets: z.number().int().min(0),
  users: z.number().int().min(0),
});

export const BackupManifestSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  formatVersion: z.literal(BACKUP_FORMAT_VERSION),
  created: z.string(),
  projectId: z.string(),
  projectName: z.string(),
  counts: CountsSchema,
  /** Hex SHA-256 of the bytes of project.json. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().min(0),
  /** Always false: backups never hold the pseudonym key. */
  pseudonymKey: z.literal(false),
});
export type BackupManifest = z.infer<typeof BackupManifestSchema>;

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Keys that must never leave the server in a backup (the pseudonym key of issue 9, item 1). */
const SECRET_KEYS = ['pseudonymKey', 'pseudonyms'];

function withoutSecrets(data: ProjectExport): ProjectExport {
  const out = { ...data, project: { ...data.project } } as Record<string, unknown> & { project: Record<string, unknown> };
  for (const k of SECRET_KEYS) {
    delete out[k];
    delete out.project[k];
  }
  return out as unknown as ProjectExport;
}

/** Build the archive of one project (bytes of a zip) and its manifest. */
export async function createBackup(deps: Deps, projectId: string): Promise<{ bytes: Uint8Array; manifest: BackupManifest }> {
  const data = withoutSecrets(await exportProject(deps, projectId));
  const json = strToU8(JSON.stringify(data));
  const created = deps.now();
  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    formatVersion: BACKUP_FORMAT_VERSION,
    created,
    projectId: data.project.id,
    projectName: data.project.name,
    counts: { documents: data.documents.length, codes: data.codes.length, segments: data.segments.length, memos: data.memos.length, sets: data.sets.length, users: data.users.length },
    sha256: sha256(json),
    bytes: json.length,
    pseudonymKey: false,
  };
  const mtime = new Date(created);
  const bytes = zipSync(
    { 'manifest.json': strToU8(`${JSON.stringify(manifest, null, 2)}\n`), 'project.json': json },
    { level: 6, mtime: Number.isNaN(mtime.getTime()) ? new Date() : mtime },
  );
  return { bytes, manifest };
}

/**
 * Read and check an archive: a zip with exactly manifest.json and project.json, a valid manifest,
 * and project.json matching its SHA-256 and size. Throws `InvalidInput` (or `TooLarge`) with a
 * clear message otherwise; nothing is written by this function.
 */
export function readBackup(bytes: Uint8Array): { manifest: BackupManifest; data: unknown } {
  if (bytes.length > MAX_ARCHIVE_BYTES) throw new TooLarge(`the backup is larger than ${MAX_ARCHIVE_BYTES / 1024 / 1024} MB`);
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) throw new InvalidInput('not a Sichtbar backup: the file is not a zip archive');
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (f) => {
        if (f.name !== 'manifest.json' && f.name !== 'project.json') throw new InvalidInput(`not a Sichtbar backup: unexpected entry "${f.name.slice(0, 200)}"`);
        if (f.originalSize > MAX_ENTRY_BYTES) throw new TooLarge(`the backup entry "${f.name}" is too large`);
        return true;
      },
    });
  } catch (e) {
    if (e instanceof InvalidInput || e instanceof TooLarge) throw e;
    throw new InvalidInput(`the backup is damaged (the zip cannot be read: ${e instanceof Error ? e.message : String(e)})`);
  }
  const manifestBytes = files['manifest.json'];
  const json = files['project.json'];
  if (!manifestBytes || !json) throw new InvalidInput('not a Sichtbar backup: manifest.json or project.json is missing');
  let manifestRaw: unknown;
  try {
    manifestRaw = JSON.parse(strFromU8(manifestBytes));
  } catch {
    throw new InvalidInput('the backup is damaged: manifest.json is not JSON');
  }
  const parsed = BackupManifestSchema.safeParse(manifestRaw);
  if (!parsed.success) {
    const v = (manifestRaw as { formatVersion?: unknown } | null)?.formatVersion;
    if (typeof v === 'number' && v > BACKUP_FORMAT_VERSION) throw new InvalidInput(`the backup has format version ${v}; this Sichtbar reads version ${BACKUP_FORMAT_VERSION}`);
    throw new InvalidInput(`not a Sichtbar backup: the manifest is not valid (${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})`);
  }
  const manifest = parsed.data;
  if (json.length !== manifest.bytes || sha256(json) !== manifest.sha256) {
    throw new InvalidInput(`the backup is damaged: project.json does not match the checksum in the manifest (SHA-256 ${manifest.sha256.slice(0, 12)}…); nothing was restored`);
  }
  let data: unknown;
  try {
    data = JSON.parse(strFromU8(json));
  } catch {
    throw new InvalidInput('the backup is damaged: project.json is not JSON');
  }
  return { manifest, data };
}

/** Write bytes durably (temp file, fsync, rename, fsync of the folder). */
export async function writeBackupFile(path: string, bytes: Uint8Array): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFileDurably(path, bytes);
}

/** The folder of one project's snapshots: `<dataDir>/snapshots/<projectId>/`. */
export function snapshotDir(dataDir: string, projectId: string): string {
  if (!/^[A-Za-z0-9_.:-]+$/.test(projectId) || projectId === '.' || projectId === '..') throw new Error(`unsafe project id: ${projectId}`);
  return join(dataDir, 'snapshots', projectId.replace(/:/g, '%3A'));
}

/** The snapshot files of a project, oldest first (names start with the UTC time). */
export async function listSnapshots(dataDir: string, projectId: string): Promise<string[]> {
  try {
    return (await readdir(snapshotDir(dataDir, projectId))).filter((n) => n.endsWith('.zip')).sort();
  } catch (e) {
    if (isCode(e, 'ENOENT')) return [];
    throw e;
  }
}

/**
 * Write one snapshot of a project into `<dataDir>/snapshots/<projectId>/` (durably: temp, fsync,
 * rename) and remove the oldest so that `keep` remain. Returns the new file's path.
 */
export async function takeSnapshot(deps: Deps, dataDir: string, projectId: string, options: { keep?: number } = {}): Promise<{ path: string; manifest: BackupManifest; removed: string[] }> {
  const keep = options.keep ?? 10;
  const { bytes, manifest } = await createBackup(deps, projectId);
  const dir = snapshotDir(dataDir, projectId);
  // Sortable by name: UTC time, then a random suffix for two snapshots within one millisecond.
  const name = `${new Date(manifest.created).toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}.zip`;
  const path = join(dir, name);
  await writeBackupFile(path, bytes);
  const all = await listSnapshots(dataDir, projectId);
  const removed = all.slice(0, Math.max(0, all.length - keep));
  for (const old of removed) await unlink(join(dir, old)).catch(() => undefined);
  if (removed.length > 0) await syncDirectory(dir);
  return { path, manifest, removed };
}

/**
 * Rotating automatic snapshots while the server runs: every `minutes` (0 = off) each project whose
 * export changed since its last snapshot gets one. The timer is unref'd; `stop()` ends it and waits
 * for a running round.
 */
export function startSnapshots(deps: Deps, dataDir: string, options: { minutes: number; keep: number; log?: (line: string) => void }): { stop: () => Promise<void>; runNow: () => Promise<void> } {
  const last = new Map<string, string>();
  let running: Promise<void> = Promise.resolve();
  const round = async (): Promise<void> => {
    for (const p of await deps.store.listProjects()) {
      try {
        const previous = last.get(p.id);
        const files = await listSnapshots(dataDir, p.id);
        if (previous !== undefined && files.length > 0) {
          const { manifest } = await createBackup(deps, p.id);
          if (manifest.sha256 === previous) continue;
        }
        const { manifest } = await takeSnapshot(deps, dataDir, p.id, { keep: options.keep });
        last.set(p.id, manifest.sha256);
      } catch (e) {
        options.log?.(`snapshot of project ${p.id} failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  };
  const runNow = (): Promise<void> => {
    running = running.then(round);
    return running;
  };
  if (options.minutes <= 0) return { stop: () => running, runNow };
  const timer = setInterval(() => void runNow(), options.minutes * 60_000);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
    runNow,
  };
}
