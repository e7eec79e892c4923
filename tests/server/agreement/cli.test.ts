import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCliCaptured } from '../support.js';
import type { AgreementResult } from '../../../server/schemas/agreement.js';
import { tempDir } from '../helpers.js';

const cli = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => runCliCaptured(args);

let dir = '';
let cleanup: () => Promise<void> = async () => undefined;

beforeAll(async () => {
  vi.stubEnv('SICHTBAR_ADMIN_PASSWORD', 'cli-admin-password');
  ({ dir, cleanup } = await tempDir('sichtbar-agreement-'));
  expect((await cli(['init', '--demo', '--data', dir, '--json'])).code).toBe(0);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await cleanup();
});

describe('sichtbar agreement', () => {
  it('--json prints exactly { level, coders, threshold, overall, codes } for every level', async () => {
    for (const level of ['document', 'segment', 'unitizing']) {
      const r = await cli(['agreement', '--data', dir, '--coders', 'mara,jonas', '--level', level, '--json']);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      const result = JSON.parse(r.stdout) as AgreementResult;
      expect(r.stdout).toBe(`${JSON.stringify(result, null, 2)}\n`);
      expect(Object.keys(result)).toEqual(['level', 'coders', 'threshold', 'overall', 'codes']);
      expect(result.level).toBe(level);
      expect(result.coders.map((c) => c.login).sort()).toEqual(['jonas', 'mara']);
      expect(result.threshold).toBe(level === 'segment' ? 0.9 : null);
      for (const row of [result.overall, ...result.codes]) {
        for (const key of ['units', 'agreements', 'percentAgreement', 'cohenKappa', 'fleissKappa', 'brennanPredigerKappa', 'krippendorffAlpha']) expect(row).toHaveProperty(key);
      }
      expect(result.codes[0]).toHaveProperty('path');
    }
  });

  it('without --coders: every coder in the scope; --threshold and --set change the result', async () => {
    const a = JSON.parse((await cli(['agreement', '--data', dir, '--level', 'segment', '--json'])).stdout) as AgreementResult;
    expect(a.coders.map((c) => c.login)).toEqual(['jonas', 'mara']);
    const b = JSON.parse((await cli(['agreement', '--data', dir, '--level', 'segment', '--threshold', '0.5', '--json'])).stdout) as AgreementResult;
    expect(b.threshold).toBe(0.5);
    expect(b.overall.agreements!).toBeGreaterThanOrEqual(a.overall.agreements!);
    const c = JSON.parse((await cli(['agreement', '--data', dir, '--set', 'Interviews', '--json'])).stdout) as AgreementResult;
    expect(c.level).toBe('document');
    expect(c.overall.units).toBeLessThan(JSON.parse((await cli(['agreement', '--data', dir, '--json'])).stdout).overall.units);
  });

  it('--csv and Markdown (the default)', async () => {
    const csv = await cli(['agreement', '--data', dir, '--csv']);
    expect(csv.code).toBe(0);
    expect(csv.stdout.startsWith('row,code_id,code,path,units,')).toBe(true);
    const md = await cli(['agreement', '--data', dir, '--level', 'segment']);
    expect(md.stdout).toContain('Mindestüberlappung: 90 %');
  });

  it('exit 2 for bad usage, 1 for an unknown coder or set', async () => {
    expect((await cli(['agreement', '--data', dir, '--level', 'word'])).code).toBe(2);
    expect((await cli(['agreement', '--data', dir, '--threshold', '2'])).code).toBe(2);
    expect((await cli(['agreement', '--data', dir, '--threshold', 'abc'])).code).toBe(2);
    expect((await cli(['agreement', '--data', dir, '--json', '--csv'])).code).toBe(2);
    expect((await cli(['agreement', '--level', 'document'])).code).toBe(2);
    const unknown = await cli(['agreement', '--data', dir, '--coders', 'mara,nobody', '--json']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('nobody');
    expect(unknown.stdout).toBe('');
    expect((await cli(['agreement', '--data', dir, '--set', 'Gibt es nicht'])).code).toBe(1);
  });
});
