import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LowdbStore } from '../../../server/storage/lowdb-store.js';
import { tempDir } from '../helpers.js';
import { onlyJson, runCliCaptured } from '../support.js';
import { CODEBOOK_XSD, handAuthoredQdpx, PROJECT_XSD, xmllint } from './fixture.js';

const cli = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => runCliCaptured(args);


let dir = '';
let work = '';
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  vi.stubEnv('SICHTBAR_ADMIN_PASSWORD', 'cli-admin-password');
  const a = await tempDir('sichtbar-refi-cli-');
  const b = await tempDir('sichtbar-refi-work-');
  dir = a.dir;
  work = b.dir;
  cleanups.push(a.cleanup, b.cleanup);
  expect((await cli(['init', '--demo', '--data', dir, '--json'])).code).toBe(0);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  for (const c of cleanups) await c();
});

async function projectCount(): Promise<number> {
  const store = await LowdbStore.open(dir);
  try {
    return (await store.listProjects()).length;
  } finally {
    await store.close();
  }
}

describe('sichtbar refi', () => {
  it('export --json writes a valid .qdpx and prints { file, bytes, warnings }', async () => {
    const out = join(work, 'demo.qdpx');
    const r = await cli(['refi', 'export', '--data', dir, '--out', out, '--json']);
    expect(r.code).toBe(0);
    const body = onlyJson<{ file: string; bytes: number; warnings: { element: string; message: string }[] }>(r.stdout);
    expect(Object.keys(body)).toEqual(['file', 'bytes', 'warnings']);
    expect(body.file).toBe(out);
    expect(body.bytes).toBe(readFileSync(out).length);
    expect(body.warnings.length).toBeGreaterThan(0);
    expect(r.stderr).toBe('');
  });

  it('export --crlf and export-codebook; warnings go to stderr without --json', async () => {
    const out = join(work, 'demo-crlf.qdpx');
    const r = await cli(['refi', 'export', '--data', dir, '--out', out, '--crlf']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wrote .*demo-crlf\.qdpx \(\d+ bytes, \d+ warning\(s\)\)\n$/);
    expect(r.stderr).toMatch(/^warning: TextSource "/m);
    const qdc = join(work, 'demo.qdc');
    const c = await cli(['refi', 'export-codebook', '--data', dir, '--out', qdc, '--json']);
    expect(c.code).toBe(0);
    expect(xmllint(readFileSync(qdc, 'utf8'), CODEBOOK_XSD).status).toBe(0);
  });

  it('import of a .qdpx creates a new project and prints { projectId, counts, warnings }', async () => {
    const before = await projectCount();
    const r = await cli(['refi', 'import', '--data', dir, join(work, 'demo.qdpx'), '--json']);
    expect(r.code).toBe(0);
    const body = onlyJson<{ projectId: string; counts: Record<string, number>; warnings: unknown[] }>(r.stdout);
    expect(Object.keys(body)).toEqual(['projectId', 'counts', 'warnings']);
    expect(body.counts).toEqual(expect.objectContaining({ documents: 27, codes: 75, segments: 688, sets: 6 }));
    expect(await projectCount()).toBe(before + 1);
    // The imported project exports valid again, and `kind` conditions work on it.
    const again = join(work, 'again.qdpx');
    expect((await cli(['refi', 'export', '--data', dir, '--project', body.projectId, '--out', again])).code).toBe(0);
    const cmp = await cli(['compare', '--data', dir, '--project', body.projectId, '--a', 'kind=observation', '--b', 'kind=interview', '--json']);
    expect(cmp.code).toBe(0);
  });

  it('import of the hand-authored sample lists the warnings on stderr', async () => {
    const file = join(work, 'hand.qdpx');
    writeFileSync(file, handAuthoredQdpx());
    const r = await cli(['refi', 'import', '--data', dir, file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^imported project \S+: 1 document\(s\), 4 code\(s\), 2 segment\(s\), 1 memo\(s\), 1 set\(s\), 1 user\(s\); 9 warning\(s\)\n$/);
    expect(r.stderr).toContain('warning: PictureSource "photo.jpg": Sichtbar holds text only');
    expect(r.stderr).toContain('warning: Graph "Model": graphs (networks) are not carried over');
  });

  it('import of a .qdc into a chosen project', async () => {
    const file = join(work, 'hand.qdc');
    writeFileSync(file, '<?xml version="1.0"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="{11111111-2222-3333-4444-555555555555}" name="Neu aus QDC" isCodable="true"/></Codes></CodeBook>');
    expect(xmllint(readFileSync(file, 'utf8'), CODEBOOK_XSD).status).toBe(0);
    const store = await LowdbStore.open(dir);
    const demo = (await store.listProjects()).find((p) => p.name.length > 0)!;
    await store.close();
    const r = await cli(['refi', 'import', '--data', dir, '--project', demo.id, file, '--json']);
    expect(r.code).toBe(0);
    expect(onlyJson(r.stdout)).toEqual({ projectId: demo.id, created: 1, skipped: 0, warnings: [] });
  });

  it('exit 1 for a broken file (nothing written), 2 for bad usage', async () => {
    const before = await projectCount();
    const bad = join(work, 'bad.qdpx');
    writeFileSync(bad, zipSync({ 'project.qde': strToU8('<Project name="x"><Users>') }));
    const r = await cli(['refi', 'import', '--data', dir, bad, '--json']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: project\.qde: malformed XML at line 1/);
    expect(await projectCount()).toBe(before);
    expect((await cli(['refi', 'import', '--data', dir])).code).toBe(2);
    expect((await cli(['refi', 'import', '--data', dir, join(work, 'x.docx')])).code).toBe(2);
    expect((await cli(['refi', 'export', '--data', dir])).code).toBe(2);
    expect((await cli(['refi', 'frobnicate', '--data', dir])).code).toBe(2);
    expect((await cli(['refi', 'export', '--data', dir, '--project', 'nope', '--out', join(work, 'n.qdpx')])).code).toBe(2);
    expect(existsSync(join(work, 'n.qdpx'))).toBe(false);
    void PROJECT_XSD;
  });
});
