import { spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { verifyPassword } from '../../server/domain/password.js';
import type { CodebookEntry } from '../../server/schemas/codebook.js';
import type { ProjectExport } from '../../server/schemas/export.js';
import { LowdbStore } from '../../server/storage/lowdb-store.js';
import { tempDir } from './helpers.js';
import { onlyJson, runCliCaptured as cli } from './support.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SOZIALRAUM = join(ROOT, 'codebooks', 'sozialraumorientierung.json');
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);



let dir = '';
let work = '';
const cleanups: (() => Promise<void>)[] = [];

beforeEach(async () => {
  vi.stubEnv('SICHTBAR_ADMIN_PASSWORD', 'cli-admin-password');
  const d = await tempDir('sichtbar-cli-data-');
  const w = await tempDir('sichtbar-cli-work-');
  dir = d.dir;
  work = w.dir;
  cleanups.push(d.cleanup, w.cleanup);
});

afterEach(async () => {
  vi.unstubAllEnvs();
  for (const c of cleanups.splice(0)) await c();
});

async function init(data = dir): Promise<string> {
  const r = await cli(['init', '--data', data, '--json', '--name', 'CLI-Projekt']);
  expect(r.code).toBe(0);
  return onlyJson<{ projectId: string }>(r.stdout).projectId;
}

describe('usage', () => {
  it('no command, an unknown command, an unknown option and a missing --data exit 2', async () => {
    const none = await cli([]);
    expect(none).toMatchObject({ code: 2, stdout: '' });
    expect(none.stderr).toContain('Usage: sichtbar <command> --data DIR');

    const unknown = await cli(['frobnicate', '--data', dir]);
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr.startsWith('unknown command "frobnicate"\n')).toBe(true);

    const option = await cli(['init', '--data', dir, '--colour', 'red']);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("Unknown option '--colour'");

    const noData = await cli(['init', '--json']);
    expect(noData).toMatchObject({ code: 2, stdout: '' });
    expect(noData.stderr.startsWith('--data DIR is required\n')).toBe(true);

    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes: 0 success, 1 failure');
  });
});

describe('init', () => {
  it('creates a project and prints it as JSON; a generated admin password goes to stderr', async () => {
    vi.stubEnv('SICHTBAR_ADMIN_PASSWORD', undefined);
    const r = await cli(['init', '--data', dir, '--json']);
    expect(r.code).toBe(0);
    const out = onlyJson<{ projectId: string; name: string }>(r.stdout);
    expect(Object.keys(out).sort()).toEqual(['name', 'projectId']);
    expect(out.name).toBe('Neues Projekt');
    expect(r.stderr).toMatch(/^Created user "admin" with password: \S{20} {2}\(shown once\)\n$/);
    const project = JSON.parse(await readFile(join(dir, 'projects', out.projectId, 'project.json'), 'utf8')) as { project: { id: string } };
    expect(project.project.id).toBe(out.projectId);
    const users = JSON.parse(await readFile(join(dir, 'users.json'), 'utf8')) as { users: { login: string }[] };
    expect(users.users.map((u) => u.login)).toEqual(['admin']);
  });
});

describe('import', () => {
  it('imports good files, reports the binary one, prints one JSON value and exits 1', async () => {
    const projectId = await init();
    const folder = join(work, 'korpus');
    await mkdir(folder);
    await writeFile(join(folder, 'a-protokoll.txt'), 'Die Fachkraft begrüßt Frau K.\n');
    await writeFile(join(folder, 'b-notiz.md'), '# Notiz zur Beratung\n\nText der Notiz.\n');
    await writeFile(join(folder, 'c-kaputt.txt'), PNG);

    const r = await cli(['import', folder, '--data', dir, '--json']);
    expect(r.code).toBe(1);
    const out = onlyJson<{ imported: Record<string, string>[]; failed: Record<string, string>[] }>(r.stdout);
    expect(Object.keys(out).sort()).toEqual(['failed', 'imported']);
    expect(out.imported).toHaveLength(2);
    expect(out.failed).toHaveLength(1);
    for (const i of out.imported) expect(Object.keys(i).sort()).toEqual(['documentId', 'file', 'kind', 'title']);
    expect(out.imported.map(({ documentId: _id, ...rest }) => rest)).toEqual([
      { file: join(folder, 'a-protokoll.txt'), title: 'a-protokoll', kind: 'other' },
      { file: join(folder, 'b-notiz.md'), title: 'Notiz zur Beratung', kind: 'other' },
    ]);
    expect(out.failed).toEqual([{ file: join(folder, 'c-kaputt.txt'), error: 'looks like binary data, not text' }]);

    const store = await LowdbStore.open(dir);
    try {
      const docs = await store.listDocuments(projectId);
      expect(docs.map((d) => d.id).sort()).toEqual(out.imported.map((i) => i.documentId).sort());
    } finally {
      await store.close();
    }
  });

  it('exits 0 when every file is good, and --kind sets the kind', async () => {
    await init();
    const a = join(work, 'eins.txt');
    const b = join(work, 'zwei.md');
    await writeFile(a, 'Erstes Protokoll');
    await writeFile(b, 'Zweites Protokoll');
    const r = await cli(['import', a, b, '--data', dir, '--json', '--kind', 'observation']);
    expect(r.code).toBe(0);
    const out = onlyJson<{ imported: { kind: string; file: string }[]; failed: unknown[] }>(r.stdout);
    expect(out.imported.map((i) => [i.file, i.kind])).toEqual([
      [a, 'observation'],
      [b, 'observation'],
    ]);
    expect(out.failed).toEqual([]);
    // Without --json the report goes to stderr and stdout stays empty.
    await writeFile(join(work, 'drei.txt'), 'Drittes');
    const plain = await cli(['import', join(work, 'drei.txt'), '--data', dir]);
    expect(plain).toMatchObject({ code: 0, stdout: '' });
    expect(plain.stderr).toContain('1 imported, 0 failed.');
    expect((await cli(['import', a, '--data', dir, '--kind', 'video'])).code).toBe(2);
  });
});

describe('codebook', () => {
  it('imports a codebook file and exports it as Markdown with every code name', async () => {
    await init();
    const book = JSON.parse(await readFile(SOZIALRAUM, 'utf8')) as { title: string; codes: CodebookEntry[] };
    const names: string[] = [];
    const walk = (entries: CodebookEntry[]): void =>
      entries.forEach((e) => {
        names.push(e.name);
        walk(e.children ?? []);
      });
    walk(book.codes);
    expect(names.length).toBeGreaterThan(5);

    const imported = await cli(['codebook', 'import', SOZIALRAUM, '--data', dir, '--json']);
    expect(imported.code).toBe(0);
    expect(onlyJson(imported.stdout)).toEqual({ created: names.length, skipped: 0 });
    const again = await cli(['codebook', 'import', SOZIALRAUM, '--data', dir, '--json']);
    expect(onlyJson(again.stdout)).toEqual({ created: 0, skipped: names.length });

    const md = await cli(['codebook', 'export', '--format', 'markdown', '--data', dir]);
    expect(md.code).toBe(0);
    expect(md.stdout.startsWith('# Codebuch: CLI-Projekt\n')).toBe(true);
    for (const name of names) expect(md.stdout).toContain(`- ${name}`);
    const top = book.codes[0] as CodebookEntry;
    expect(md.stdout).toContain(`## ${top.name}`);

    const asJson = await cli(['codebook', 'export', '--data', dir]);
    expect(asJson.code).toBe(0);
    const exported = JSON.parse(asJson.stdout) as { format: string; codes: CodebookEntry[] };
    expect(exported.format).toBe('sichtbar-codebook');
    expect(exported.codes.map((c) => c.name)).toEqual(book.codes.map((c) => c.name));
    expect((await cli(['codebook', 'export', '--format', 'pdf', '--data', dir])).code).toBe(2);
    const missing = await cli(['codebook', 'import', join(work, 'fehlt.json'), '--data', dir]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: .*fehlt\.json: not readable JSON/);
  });
});

describe('user add', () => {
  it('adds a user with the password from stdin; a bad role is bad usage', async () => {
    const r = await cli(['user', 'add', '--login', 'lena', '--role', 'lead', '--password-stdin', '--data', dir, '--json'], 'geheimes-passwort\n');
    expect(r.code).toBe(0);
    const out = onlyJson<{ id: string; login: string; role: string; password?: string }>(r.stdout);
    expect(out).toMatchObject({ login: 'lena', role: 'lead' });
    expect(out.password).toBeUndefined();
    const store = await LowdbStore.open(dir);
    try {
      const user = await store.findUserByLogin('lena');
      expect(user?.id).toBe(out.id);
      expect(await verifyPassword('geheimes-passwort', user?.passwordHash ?? '')).toBe(true);
    } finally {
      await store.close();
    }

    const bad = await cli(['user', 'add', '--login', 'max', '--role', 'boss', '--data', dir]);
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toContain('--role must be one of admin, researcher, lead, product-owner');
    const taken = await cli(['user', 'add', '--login', 'LENA', '--role', 'researcher', '--password-stdin', '--data', dir], 'noch-ein-passwort');
    expect(taken.code).toBe(1);
    expect(taken.stderr).toBe('error: login name "LENA" is taken\n');
  });
});

describe('export and restore', () => {
  it('exports the project as JSON without password hashes and restores it into a new data directory', async () => {
    const projectId = await init();
    const file = join(work, 'eins.txt');
    await writeFile(file, 'FK: Ich schreibe das Ergebnis auf.\nKL: Danke.');
    expect((await cli(['import', file, '--data', dir])).code).toBe(0);
    expect((await cli(['codebook', 'import', SOZIALRAUM, '--data', dir])).code).toBe(0);
    // Code one segment directly in the store, as the web app would.
    const store = await LowdbStore.open(dir);
    try {
      const [doc] = await store.listDocuments(projectId);
      const code = (await store.listCodes(projectId)).find((c) => c.isCodable);
      const admin = await store.findUserByLogin('admin');
      const now = new Date().toISOString();
      await store.commit(projectId, {
        segments: { put: [{ id: 'seg-1', documentId: doc?.id ?? '', codeId: code?.id ?? '', start: 4, end: 16, coder: admin?.id ?? '', memo: 'Kern', created: now, modified: now, version: 1 }] },
      });
    } finally {
      await store.close();
    }

    const r = await cli(['export', '--format', 'json', '--data', dir]);
    expect(r.code).toBe(0);
    const exported = onlyJson<ProjectExport>(r.stdout);
    expect(Object.keys(exported).sort()).toEqual(['codes', 'documents', 'memos', 'project', 'segments', 'sets', 'users']);
    expect(exported.project.id).toBe(projectId);
    expect(exported.documents).toHaveLength(1);
    expect(exported.segments.map((s) => s.id)).toEqual(['seg-1']);
    expect(exported.codes.length).toBeGreaterThan(5);
    expect(exported.users.map((u) => u.login)).toEqual(['admin']);
    for (const u of exported.users) expect(Object.keys(u)).not.toContain('passwordHash');
    expect(r.stdout).not.toContain('scrypt$');
    expect((await cli(['export', '--format', 'xml', '--data', dir])).code).toBe(2);

    const exportFile = join(work, 'projekt.json');
    await writeFile(exportFile, r.stdout);
    const other = join(work, 'neu');
    const restored = await cli(['import', exportFile, '--data', other, '--json']);
    expect(restored.code).toBe(0);
    expect(onlyJson(restored.stdout)).toEqual({ restored: { projectId, name: 'CLI-Projekt', createdUsers: 1 } });
    const again = await cli(['export', '--data', other]);
    expect(again.code).toBe(0);
    const second = onlyJson<ProjectExport>(again.stdout);
    expect(second.documents).toEqual(exported.documents);
    expect(second.codes).toEqual(exported.codes);
    expect(second.segments).toEqual(exported.segments);
    expect(second.project).toEqual(exported.project);

    // Restoring the same project again is refused.
    const twice = await cli(['import', exportFile, '--data', other]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain(`project ${projectId} ("CLI-Projekt") exists already`);
  });
});

describe('the data directory lock', () => {
  it('a second run while a store is open on the directory exits 1 and says the directory is in use', async () => {
    await init();
    const store = await LowdbStore.open(dir);
    try {
      const r = await cli(['export', '--data', dir]);
      expect(r).toMatchObject({ code: 1, stdout: '' });
      expect(r.stderr).toMatch(/^error: The data directory .* is in use by another Sichtbar process \(pid \d+/);
    } finally {
      await store.close();
    }
    expect((await cli(['export', '--data', dir])).code).toBe(0);
  });
});

describe('the real bin', () => {
  it('bin/sichtbar.js init --json exits 0 and prints only JSON on stdout', () => {
    const child = spawnSync(process.execPath, ['bin/sichtbar.js', 'init', '--data', dir, '--json'], {
      cwd: ROOT,
      env: { ...process.env, SICHTBAR_ADMIN_PASSWORD: 'bin-admin-password' },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(child.status, child.stderr).toBe(0);
    // The admin password came from the environment, so nothing about it is printed.
    expect(child.stderr).not.toContain('password');
    const out = onlyJson<{ projectId: string; name: string }>(child.stdout);
    expect(out.name).toBe('Neues Projekt');
    expect(out.projectId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
