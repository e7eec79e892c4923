import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCliCaptured } from '../support.js';
import { tempDir } from '../helpers.js';

const cli = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => runCliCaptured(args);

let dir = '';
let cleanup: () => Promise<void> = async () => undefined;

beforeAll(async () => {
  vi.stubEnv('SICHTBAR_ADMIN_PASSWORD', 'cli-admin-password');
  ({ dir, cleanup } = await tempDir('sichtbar-form-'));
  expect((await cli(['init', '--demo', '--data', dir, '--json'])).code).toBe(0);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await cleanup();
});

describe('sichtbar form', () => {
  it('proposals --json prints exactly [{ id, title, change, fieldType, codes: [{ id, name }], evidence: { documentsA, documentsB, quotes } }]', async () => {
    const r = await cli(['form', 'proposals', '--data', dir, '--json', '--form', 'beratungsdokumentation']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(r.stdout).toBe(`${JSON.stringify(list, null, 2)}\n`);
    expect(list.length).toBeGreaterThan(1);
    for (const p of list) {
      expect(Object.keys(p)).toEqual(['id', 'title', 'change', 'fieldType', 'codes', 'evidence']);
      for (const c of p['codes'] as Record<string, unknown>[]) expect(Object.keys(c)).toEqual(['id', 'name']);
      const ev = p['evidence'] as Record<string, unknown>;
      expect(Object.keys(ev)).toEqual(['documentsA', 'documentsB', 'quotes']);
      expect(typeof ev['documentsA']).toBe('number');
      expect((ev['quotes'] as unknown[]).every((q) => typeof q === 'string')).toBe(true);
    }
    const atmo = list.find((p) => (p['codes'] as { name: string }[]).some((c) => c.name === 'Getränke anbieten'))!;
    expect(atmo['change']).toBe('add-field');
    expect(atmo['fieldType']).toBe('multiple-choice');
    // running again lists the same proposals (kept with the project, not duplicated)
    const again = JSON.parse((await cli(['form', 'proposals', '--data', dir, '--json'])).stdout) as { id: string }[];
    expect(again.map((p) => p.id)).toEqual(list.map((p) => p['id']));
  });

  it('coverage --json and as text; export as JSON and JSON Schema', async () => {
    const cov = await cli(['form', 'coverage', '--data', dir, '--json']);
    expect(cov.code).toBe(0);
    expect(Object.keys(JSON.parse(cov.stdout) as object)).toEqual(['formId', 'version', 'fields', 'rows', 'uncovered', 'simplify', 'thresholds']);
    const text = await cli(['form', 'coverage', '--data', dir, '--form', 'beratungsdokumentation']);
    expect(text.stdout).toContain('Getränke anbieten');
    const exp = JSON.parse((await cli(['form', 'export', '--data', dir, '--form', 'massnahmenbeschreibung'])).stdout) as { id: string };
    expect(exp.id).toBe('massnahmenbeschreibung');
    const schema = JSON.parse((await cli(['form', 'export', '--data', dir, '--format', 'json-schema', '--version', '1'])).stdout) as { $schema: string; $id: string };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe('urn:sichtbar:form:beratungsdokumentation:v1');
  });

  it('bad usage exits 2 with a message', async () => {
    expect((await cli(['form', 'frobnicate', '--data', dir])).code).toBe(2);
    const r = await cli(['form', 'export', '--data', dir, '--form', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no form "nope"');
    expect((await cli(['form', 'export', '--data', dir, '--format', 'xml'])).code).toBe(2);
  });
});
