import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCliCaptured } from '../support.js';
import type { ComparisonResult } from '../../../server/schemas/comparison.js';
import { tempDir } from '../helpers.js';

const cli = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => runCliCaptured(args);

let dir = '';
let cleanup: () => Promise<void> = async () => undefined;

beforeAll(async () => {
  vi.stubEnv('SICHTBAR_ADMIN_PASSWORD', 'cli-admin-password');
  ({ dir, cleanup } = await tempDir('sichtbar-compare-'));
  const init = await cli(['init', '--demo', '--data', dir, '--json']);
  expect(init.code).toBe(0);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await cleanup();
});

describe('sichtbar compare', () => {
  it('--json prints exactly { a, b, thresholds, rows } and nothing else on stdout', async () => {
    const r = await cli(['compare', '--data', dir, '--a', 'kind=observation', '--b', 'kind=interview', '--by', 'region', '--json']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as ComparisonResult;
    expect(r.stdout).toBe(`${JSON.stringify(result, null, 2)}\n`);
    expect(Object.keys(result)).toEqual(['a', 'b', 'thresholds', 'rows']);
    expect(result.a.definition).toBe('kind=observation');
    expect(result.b.definition).toBe('kind=interview');
    expect(result.thresholds.by).toBe('region');
    expect(result.rows.length).toBeGreaterThan(10);
    expect(result.rows.find((x) => x.label === 'Getränke anbieten')?.section).toBe('only-a');
  });

  it('--csv, --md (the default) and --html on stdout; --out writes a file', async () => {
    const csv = await cli(['compare', '--data', dir, '--csv']);
    expect(csv.code).toBe(0);
    expect(csv.stdout.split('\r\n')[0]).toMatch(/^group,section,kind,row_id,label,/);
    const md = await cli(['compare', '--data', dir]);
    expect(md.code).toBe(0);
    expect(md.stdout.startsWith('# Sichtbarkeitsvergleich')).toBe(true);
    const html = await cli(['compare', '--data', dir, '--html', '--a', 'kind=observation;region=Region 1', '--b', 'kind=documentation', '--min-documents', '2', '--k', '2', '--evidence', '1']);
    expect(html.code).toBe(0);
    expect(html.stdout.startsWith('<!doctype html>')).toBe(true);
    const out = join(dir, 'vergleich.md');
    const written = await cli(['compare', '--data', dir, '--md', '--out', out]);
    expect(written.code).toBe(0);
    expect(written.stdout).toBe('');
    expect(await readFile(out, 'utf8')).toContain('## Methode');
  });

  it('set names and attribute conditions select the sides', async () => {
    const r = await cli(['compare', '--data', dir, '--json', '--a', 'set=Beobachtungsprotokolle', '--b', 'set=Dokumentationen', '--a-label', 'Beratung']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as ComparisonResult;
    expect(result.a).toMatchObject({ label: 'Beratung', definition: 'set=Beobachtungsprotokolle', documents: 10 });
    expect(result.b.documents).toBe(8);
  });

  it('bad usage exits 2 with the usage text; a comparison that cannot be made exits 1', async () => {
    for (const args of [
      ['compare', '--data', dir, '--a', 'kind=bogus'],
      ['compare', '--data', dir, '--a', 'region'],
      ['compare', '--data', dir, '--json', '--csv'],
      ['compare', '--data', dir, '--min-documents', 'many'],
      ['compare', '--data', dir, '--base', 'some'],
      ['compare', '--data', dir, 'extra'],
      ['compare', '--data', dir, '--unknown-flag'],
      ['compare'],
    ]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain('Usage: sichtbar');
      expect(r.stdout, args.join(' ')).toBe('');
    }
    const overlap = await cli(['compare', '--data', dir, '--a', 'region=Region 1']);
    expect(overlap.code).toBe(1);
    expect(overlap.stderr).toMatch(/share/);
    const unknownSet = await cli(['compare', '--data', dir, '--a', 'set=Gibt es nicht']);
    expect(unknownSet.code).toBe(1);
  });

  it('the usage text lists the command', async () => {
    const r = await cli(['--help']);
    expect(r.stdout).toContain('compare [--a COND] [--b COND] [--by ATTR] [--json|--md|--html|--csv]');
  });
});
