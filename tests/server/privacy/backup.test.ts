import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../../server/config.js';
import { createDemoProject } from '../../../server/demo.js';
import { makeDeps } from '../../../server/domain/deps.js';
import { createMemo } from '../../../server/domain/memos.js';
import { createProject, exportProject } from '../../../server/domain/projects.js';
import { listSnapshots, readBackup, startSnapshots, takeSnapshot, type BackupManifest } from '../../../server/export/backup.js';
import type { ProjectExport } from '../../../server/schemas/export.js';
import { LowdbStore } from '../../../server/storage/lowdb-store.js';
import { tempDir } from '../helpers.js';
import { runCliCaptured } from '../support.js';

let root: { dir: string; cleanup: () => Promise<void> };
let source: string;
let archive: string;
let original: ProjectExport;

async function exportOf(dir: string, projectId: string): Promise<ProjectExport> {
  const store = await LowdbStore.open(dir);
  try {
    return await exportProject(makeDeps(store), projectId);
  } finally {
    await store.close();
  }
}

async function projectIds(dir: string): Promise<string[]> {
  const store = await LowdbStore.open(dir);
  try {
    return (await store.listProjects()).map((p) => p.id);
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  root = await tempDir('sichtbar-backup-');
  source = join(root.dir, 'source');
  archive = join(root.dir, 'demo.zip');
  const store = await LowdbStore.open(source);
  try {
    const deps = makeDeps(store);
    const { project } = await createDemoProject(deps);
    // The demo has no memos; add some so that the comparison covers them.
    const coder = (await store.listSegments(project.id))[0]!;
    await createMemo(deps, project.id, { userId: coder.coder, role: 'researcher' }, { target: { type: 'project' }, text: 'Projektmemo' });
    await createMemo(deps, project.id, { userId: coder.coder, role: 'researcher' }, { target: { type: 'segment', id: coder.id }, text: 'Zum Segment' });
    original = await exportProject(deps, project.id);
  } finally {
    await store.close();
  }
}, 60_000);

afterAll(async () => {
  await root.cleanup();
});

describe('backup and restore', () => {
  it('the demo project makes a meaningful test (every kind is present)', () => {
    expect(original.documents.length).toBeGreaterThan(5);
    expect(original.codes.length).toBeGreaterThan(5);
    expect(original.segments.length).toBeGreaterThan(10);
    expect(original.memos.length).toBe(2);
    expect(original.sets.length).toBeGreaterThan(2);
    expect(original.project.crosswalk.length).toBeGreaterThan(0);
    expect(original.project.forms?.length ?? 0).toBeGreaterThan(0);
  });

  it('backs up (exit 0, --json shape) and restores into a fresh directory without losing anything', async () => {
    const backup = await runCliCaptured(['backup', '--data', source, '--out', archive, '--json']);
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    const out = JSON.parse(backup.stdout) as { backups: { file: string; projectId: string; projectName: string; created: string; counts: BackupManifest['counts']; sha256: string }[] };
    expect(out.backups).toEqual([
      {
        file: archive,
        projectId: original.project.id,
        projectName: original.project.name,
        created: expect.any(String) as string,
        counts: { documents: original.documents.length, codes: original.codes.length, segments: original.segments.length, memos: 2, sets: original.sets.length, users: original.users.length },
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
      },
    ]);

    // The archive: exactly a manifest and the export, nothing else (no key, no password hashes).
    const files = unzipSync(await readFile(archive));
    expect(Object.keys(files).sort()).toEqual(['manifest.json', 'project.json']);
    const manifest = JSON.parse(strFromU8(files['manifest.json']!)) as BackupManifest;
    expect(manifest).toMatchObject({ format: 'sichtbar-backup', formatVersion: 1, pseudonymKey: false, sha256: out.backups[0]!.sha256 });
    expect(strFromU8(files['project.json']!)).not.toMatch(/passwordHash|pseudonymKey/);

    const fresh = join(root.dir, 'fresh');
    const restore = await runCliCaptured(['restore', '--data', fresh, archive, '--json']);
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(JSON.parse(restore.stdout)).toEqual({
      restored: { projectId: original.project.id, name: original.project.name, fromProjectId: original.project.id, created: manifest.created, counts: manifest.counts, createdUsers: original.users.length },
    });

    const restored = await exportOf(fresh, original.project.id);
    expect(restored.project).toEqual(original.project);
    expect(restored.documents).toEqual(original.documents);
    expect(restored.codes).toEqual(original.codes);
    expect(restored.segments).toEqual(original.segments);
    expect(restored.memos).toEqual(original.memos);
    expect(restored.sets).toEqual(original.sets);
    expect(restored.users.map((u) => [u.id, u.login, u.role])).toEqual(original.users.map((u) => [u.id, u.login, u.role]));

    // The same project again: refused (1), unless --as-new (a second project with a new id).
    const again = await runCliCaptured(['restore', '--data', fresh, archive]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('exists already');
    const asNew = await runCliCaptured(['restore', '--data', fresh, archive, '--as-new', '--json']);
    expect(asNew.code).toBe(0);
    const newId = (JSON.parse(asNew.stdout) as { restored: { projectId: string } }).restored.projectId;
    expect(newId).not.toBe(original.project.id);
    expect((await projectIds(fresh)).sort()).toEqual([original.project.id, newId].sort());
    const copy = await exportOf(fresh, newId);
    expect(copy.segments).toEqual(original.segments);
    expect({ ...copy.project, id: original.project.id }).toEqual(original.project);
  }, 60_000);

  it('refuses a damaged archive, a wrong file and a foreign zip with exit 1 and writes nothing', async () => {
    const good = await readFile(archive);
    const files = unzipSync(good);
    const json = strFromU8(files['project.json']!);
    // One changed character in the export: the checksum no longer matches.
    const tampered = zipSync({ 'manifest.json': files['manifest.json']!, 'project.json': strToU8(json.replace('"name":"', '"name":"X')) });
    const cases: [string, Uint8Array, RegExp][] = [
      ['tampered.zip', tampered, /checksum/],
      ['truncated.zip', good.subarray(0, Math.floor(good.length / 2)), /damaged/],
      ['wrong.json', strToU8(JSON.stringify(original)), /not a zip/],
      ['foreign.zip', zipSync({ 'readme.txt': strToU8('hallo') }), /unexpected entry "readme.txt"/],
      ['newer.zip', zipSync({ 'manifest.json': strToU8(JSON.stringify({ formatVersion: 99 })), 'project.json': strToU8('{}') }), /format version 99/],
    ];
    for (const [name, bytes, message] of cases) {
      const path = join(root.dir, name);
      await writeFile(path, bytes);
      const target = join(root.dir, `target-${name}`);
      const res = await runCliCaptured(['restore', '--data', target, path]);
      expect(res.code, name).toBe(1);
      expect(res.stderr, name).toMatch(message);
      expect(res.stdout, name).toBe('');
      // Checked before the data directory is even opened: it was not created.
      await expect(readdir(target), name).rejects.toThrow(/ENOENT/);
    }
    expect(() => readBackup(tampered)).toThrow(/nothing was restored/);
  });

  it('usage errors exit 2', async () => {
    expect((await runCliCaptured(['backup', '--data', source])).code).toBe(2);
    expect((await runCliCaptured(['backup', '--data', source, '--out', join(root.dir, 'x.zip'), '--project', 'nope'])).code).toBe(2);
    expect((await runCliCaptured(['restore', '--data', source])).code).toBe(2);
    expect((await runCliCaptured(['restore', '--data', source, join(root.dir, 'missing.zip')])).code).toBe(2);
    expect((await runCliCaptured(['restore', '--data', source, 'a.zip', 'b.zip'])).code).toBe(2);
    expect((await runCliCaptured(['restore', '--data', source, archive, '--bogus'])).code).toBe(2);
  });

  it('with several projects and no --project, writes one archive per project into a folder', async () => {
    const dir = join(root.dir, 'two');
    const store = await LowdbStore.open(dir);
    const deps = makeDeps(store);
    const a = await createProject(deps, { name: 'A' });
    const b = await createProject(deps, { name: 'B' });
    await store.close();
    const out = join(root.dir, 'two-out');
    const res = await runCliCaptured(['backup', '--data', dir, '--out', out]);
    expect(res.code).toBe(0);
    expect((await readdir(out)).sort()).toEqual([`${a.id}.zip`, `${b.id}.zip`].sort());
    expect(readBackup(await readFile(join(out, `${a.id}.zip`))).manifest.projectName).toBe('A');
  });
});

describe('automatic snapshots', () => {
  it('rotation keeps exactly K, newest last; an unchanged project gets no new snapshot', async () => {
    const dir = join(root.dir, 'snap');
    const store = await LowdbStore.open(dir);
    try {
      let tick = 0;
      const deps = makeDeps(store, { now: () => new Date(Date.UTC(2026, 0, 1, 0, 0, tick++)).toISOString() });
      const p = await createProject(deps, { name: 'Schnappschuss' });
      const written: string[] = [];
      for (let i = 0; i < 5; i++) written.push((await takeSnapshot(deps, dir, p.id, { keep: 3 })).path);
      const kept = await listSnapshots(dir, p.id);
      expect(kept).toHaveLength(3);
      expect(kept.map((n) => join(dir, 'snapshots', p.id, n))).toEqual(written.slice(2));
      // Each is a valid backup.
      for (const n of kept) expect(readBackup(await readFile(join(dir, 'snapshots', p.id, n))).manifest.projectId).toBe(p.id);
      // No temp files are left behind.
      expect((await readdir(join(dir, 'snapshots', p.id))).every((n) => n.endsWith('.zip'))).toBe(true);

      const timer = startSnapshots(deps, dir, { minutes: 0, keep: 2 });
      await timer.runNow();
      expect(await listSnapshots(dir, p.id)).toHaveLength(2);
      const before = await listSnapshots(dir, p.id);
      await timer.runNow(); // unchanged: nothing new
      expect(await listSnapshots(dir, p.id)).toEqual(before);
      await createMemo(deps, p.id, { userId: 'u', role: 'researcher' }, { target: { type: 'project' }, text: 'neu' });
      await timer.runNow();
      const after = await listSnapshots(dir, p.id);
      expect(after).toHaveLength(2);
      expect(after[0]).toBe(before[1]);
      await timer.stop();
    } finally {
      await store.close();
    }
  });
});

describe('snapshot configuration', () => {
  it('defaults to every 60 minutes, keeping 10; 0 switches them off; nonsense is refused', () => {
    expect(readConfig({})).toMatchObject({ SICHTBAR_SNAPSHOT_MINUTES: 60, SICHTBAR_SNAPSHOTS_KEEP: 10 });
    expect(readConfig({ SICHTBAR_SNAPSHOT_MINUTES: '0', SICHTBAR_SNAPSHOTS_KEEP: '3' })).toMatchObject({ SICHTBAR_SNAPSHOT_MINUTES: 0, SICHTBAR_SNAPSHOTS_KEEP: 3 });
    expect(() => readConfig({ SICHTBAR_SNAPSHOTS_KEEP: '0' })).toThrow(/SICHTBAR_SNAPSHOTS_KEEP/);
    expect(() => readConfig({ SICHTBAR_SNAPSHOT_MINUTES: 'often' })).toThrow(/SICHTBAR_SNAPSHOT_MINUTES/);
  });
});
