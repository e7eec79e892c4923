import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCliCaptured } from '../support.js';
import { tempDir } from '../helpers.js';

const cli = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => runCliCaptured(args);

let dir = '';
let cleanup: () => Promise<void> = async () => undefined;

beforeAll(async () => {
  vi.stubEnv('SICHTBAR_ADMIN_PASSWORD', 'cli-admin-password');
  ({ dir, cleanup } = await tempDir('sichtbar-search-'));
  expect((await cli(['init', '--demo', '--data', dir, '--json'])).code).toBe(0);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await cleanup();
});

interface CliHit {
  documentId: string;
  title: string;
  start: number;
  end: number;
  match: string;
  left: string;
  right: string;
}

describe('sichtbar search', () => {
  it('--json prints exactly { query, total, hits: [{ documentId, title, start, end, match, left, right }] }', async () => {
    const r = await cli(['search', '--data', dir, 'Beratung', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { query: string; total: number; hits: CliHit[] };
    expect(r.stdout).toBe(`${JSON.stringify(out, null, 2)}\n`);
    expect(Object.keys(out)).toEqual(['query', 'total', 'hits']);
    expect(out.query).toBe('Beratung');
    expect(out.total).toBe(out.hits.length);
    expect(out.total).toBeGreaterThan(0);
    for (const h of out.hits) {
      expect(Object.keys(h)).toEqual(['documentId', 'title', 'start', 'end', 'match', 'left', 'right']);
      expect(h.end).toBeGreaterThan(h.start);
    }
    expect(new Set(out.hits.map((h) => h.match.toLowerCase().slice(0, 5)))).toContain('berat');
  });

  it('narrows to a set; the text output ends with the counts', async () => {
    const all = JSON.parse((await cli(['search', '--data', dir, 'Beratung', '--json'])).stdout) as { total: number };
    const some = await cli(['search', '--data', dir, 'Beratung', '--set', 'Dokumentationen', '--json']);
    expect(some.code).toBe(0);
    expect((JSON.parse(some.stdout) as { total: number }).total).toBeLessThan(all.total);
    const text = await cli(['search', '--data', dir, 'Beratung']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/\d+ hit\(s\) in \d+ document\(s\)\n$/);
  });

  it('exit 2 for bad usage, 1 for a broken query or an unknown set', async () => {
    expect((await cli(['search', '--data', dir])).code).toBe(2);
    expect((await cli(['search', 'Beratung'])).code).toBe(2);
    expect((await cli(['search', '--data', dir, 'Beratung', '--limit', 'x'])).code).toBe(2);
    expect((await cli(['search', '--data', dir, 'Beratung', '--bogus'])).code).toBe(2);
    const broken = await cli(['search', '--data', dir, '(Beratung']);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/bracket/);
    expect((await cli(['search', '--data', dir, 'Beratung', '--set', 'Unbekannt'])).code).toBe(1);
  });
});

describe('sichtbar words', () => {
  it('--json frequencies; --csv; keyness with --a/--b', async () => {
    const r = await cli(['words', '--data', dir, '--limit', '10', '--json']);
    expect(r.code).toBe(0);
    const body = JSON.parse(r.stdout) as { tokens: number; words: { form: string; count: number }[] };
    expect(body.words).toHaveLength(10);
    const csv = await cli(['words', '--data', dir, '--csv']);
    expect(csv.stdout.startsWith('form,stem,count,documents\r\n')).toBe(true);
    const key = await cli(['words', '--data', dir, '--a', 'kind=observation', '--b', 'kind=interview,documentation', '--json']);
    expect(key.code).toBe(0);
    const k = JSON.parse(key.stdout) as { a: { documents: number }; rows: { ll: number }[] };
    expect(k.a.documents).toBeGreaterThan(0);
    expect(k.rows[0]?.ll).toBeGreaterThanOrEqual(k.rows[1]?.ll ?? 0);
  });

  it('exit 2 for one side only or a bad condition', async () => {
    expect((await cli(['words', '--data', dir, '--a', 'kind=observation'])).code).toBe(2);
    expect((await cli(['words', '--data', dir, '--a', 'kind=bogus', '--b', 'kind=interview'])).code).toBe(2);
    expect((await cli(['words', '--data', dir, 'extra'])).code).toBe(2);
  });
});
