import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../helpers.js';
import { runCliCaptured as cli } from '../support.js';

/** The issue's own CLI forms: `import FILE.qdpx|.qdc` and `export --format qdpx|qdc|csv`. */
describe('sichtbar import/export with REFI-QDA and CSV formats', () => {
  let dir = '';
  let cleanup: () => Promise<void> = async () => undefined;

  beforeAll(async () => {
    vi.stubEnv('SICHTBAR_ADMIN_PASSWORD', 'cli-admin-password');
    ({ dir, cleanup } = await tempDir('sichtbar-refi-cli-'));
    expect((await cli(['init', '--demo', '--data', join(dir, 'a'), '--json'])).code).toBe(0);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await cleanup();
  });

  it('export --format qdpx|qdc|csv writes the files; import FILE.qdpx makes a new project from it', async () => {
    const a = join(dir, 'a');
    expect((await cli(['export', '--data', a, '--format', 'qdpx', '--out', join(dir, 'demo.qdpx')])).code).toBe(0);
    expect((await cli(['export', '--data', a, '--format', 'qdc', '--out', join(dir, 'demo.qdc')])).code).toBe(0);
    expect((await cli(['export', '--data', a, '--format', 'csv', '--out', join(dir, 'segments.csv')])).code).toBe(0);
    const csv = await readFile(join(dir, 'segments.csv'), 'utf8');
    expect(csv).toContain('Getränke anbieten');
    const exported = JSON.parse((await cli(['export', '--data', a, '--format', 'json'])).stdout) as { segments: unknown[]; documents: unknown[] };
    expect(exported.segments.length).toBe(688);

    const b = join(dir, 'b');
    expect((await cli(['init', '--data', b, '--name', 'Leer', '--json'])).code).toBe(0);
    const imported = await cli(['import', join(dir, 'demo.qdpx'), '--data', b, '--json']);
    expect(imported.code).toBe(0);
    const back = JSON.parse((await cli(['export', '--data', b, '--format', 'json', '--project', 'Demo: Relevanzmarkierungen in Beratung und Dokumentation'])).stdout) as { segments: unknown[]; documents: unknown[] };
    expect(back.documents.length).toBe(exported.documents.length);
    expect(back.segments.length).toBe(688);
  });

  it('bad formats are usage errors (exit 2)', async () => {
    expect((await cli(['export', '--data', join(dir, 'a'), '--format', 'xlsx'])).code).toBe(2);
    expect((await cli(['export', '--data', join(dir, 'a'), '--format', 'qdpx'])).code).toBe(2);
  });
});
