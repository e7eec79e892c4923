import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CliCommand } from './common.js';
import { pickProject, UsageError, withStore } from './common.js';
import { restoreProject } from '../domain/projects.js';
import { createBackup, readBackup, writeBackupFile, type BackupManifest } from '../export/backup.js';

const BACKUP_USAGE = `  backup --data DIR --out FILE [--project P] [--json]
      one archive (zip: project export + manifest with SHA-256) per project; with several projects
      and no --project, --out is a folder that gets <projectId>.zip each. Never holds the pseudonym key.`;
const RESTORE_USAGE = `  restore --data DIR FILE [--as-new] [--json]
      restore a backup archive; a damaged archive (checksum) is refused and nothing is written;
      --as-new restores under a new project id (when the project exists already)`;

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

const summary = (m: BackupManifest, file: string) => ({ file, projectId: m.projectId, projectName: m.projectName, created: m.created, counts: m.counts, sha256: m.sha256 });

/** `sichtbar backup --data DIR --out FILE [--project P]`. */
export const backupCommand: CliCommand = {
  name: 'backup',
  usage: BACKUP_USAGE,
  options: { out: { type: 'string' } },
  run: async ({ values, positionals, io, dataDir, projectOption, json }) => {
    const out = values['out'];
    if (typeof out !== 'string' || out === '') throw new UsageError('backup: --out FILE is required');
    if (positionals.length > 0) throw new UsageError(`backup takes no arguments (got "${positionals[0]}")`);
    return withStore(dataDir, async (store, deps) => {
      const all = await store.listProjects();
      if (all.length === 0) throw new UsageError('the data directory has no project to back up');
      const ids = projectOption !== undefined || all.length === 1 ? [await pickProject(store, projectOption)] : all.map((p) => p.id).sort();
      const toFolder = ids.length > 1 || (await isDirectory(out));
      const written = [];
      for (const id of ids) {
        const { bytes, manifest } = await createBackup(deps, id);
        const file = toFolder ? join(out, `${id.replace(/:/g, '%3A')}.zip`) : out;
        await writeBackupFile(file, bytes);
        written.push(summary(manifest, file));
      }
      if (json) io.stdout(`${JSON.stringify({ backups: written }, null, 2)}\n`);
      else for (const w of written) io.stdout(`Backed up project ${w.projectId} (${w.projectName}): ${w.counts.documents} documents, ${w.counts.segments} segments → ${w.file}\n`);
      return 0;
    });
  },
};

/** `sichtbar restore --data DIR FILE [--as-new]`. */
export const restoreCommand: CliCommand = {
  name: 'restore',
  usage: RESTORE_USAGE,
  options: { 'as-new': { type: 'boolean', default: false } },
  run: async ({ values, positionals, io, dataDir, json }) => {
    const file = positionals[0];
    if (file === undefined) throw new UsageError('restore: name the backup FILE');
    if (positionals.length > 1) throw new UsageError(`restore takes one FILE (got also "${positionals[1]}")`);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(file);
    } catch (e) {
      throw new UsageError(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
    }
    // Checked completely before the data directory is opened: a damaged archive writes nothing.
    const { manifest, data } = readBackup(bytes);
    return withStore(dataDir, async (_store, deps) => {
      const result = await restoreProject(deps, data, { asNewId: values['as-new'] === true });
      if (json) {
        io.stdout(`${JSON.stringify({ restored: { projectId: result.project.id, name: result.project.name, fromProjectId: manifest.projectId, created: manifest.created, counts: manifest.counts, createdUsers: result.createdUsers } }, null, 2)}\n`);
      } else {
        io.stdout(`Restored project ${result.project.id} (${result.project.name}) from the backup of ${manifest.created}: ${manifest.counts.documents} documents, ${manifest.counts.segments} segments.\n`);
      }
      return 0;
    });
  },
};
