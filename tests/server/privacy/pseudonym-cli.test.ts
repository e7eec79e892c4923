import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDeps } from '../../../server/domain/deps.js';
import type { PseudonymisationResult, PseudonymSuggestion } from '../../../server/schemas/pseudonym.js';
import { LowdbStore } from '../../../server/storage/lowdb-store.js';
import { tempDir } from '../helpers.js';
import { onlyJson, runCliCaptured } from '../support.js';

let root: { dir: string; cleanup: () => Promise<void> };
let data: string;

async function texts(): Promise<string[]> {
  const store = await LowdbStore.open(data);
  try {
    const deps = makeDeps(store);
    const [project] = await store.listProjects();
    const metas = await deps.store.listDocuments(project!.id);
    const docs = await Promise.all(metas.map((m) => deps.store.getDocument(project!.id, m.id)));
    return docs.map((d) => d!.text).sort();
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  root = await tempDir('sichtbar-pseudonym-cli-');
  data = join(root.dir, 'data');
  expect((await runCliCaptured(['init', '--data', data, '--name', 'Pseudo'])).code).toBe(0);
  await writeFile(join(root.dir, 'a.txt'), 'Frau Kowalczyk kam aus Quellbrück. Malte spielte.\n');
  await writeFile(join(root.dir, 'b.txt'), 'Herr Abendroth und Malte.\n');
});

afterAll(async () => {
  await root.cleanup();
});

describe('sichtbar pseudonymise', () => {
  it('key add, import --pseudonymise, suggest, preview, apply, key export and import', async () => {
    const add = await runCliCaptured(['pseudonymise', 'key', 'add', 'Kowalczyk', 'Lindner', '--data', data]);
    expect(add.code, add.stderr).toBe(0);
    expect((await runCliCaptured(['pseudonymise', 'key', 'add', 'Quellbrück', 'Ort C', '--category', 'place', '--data', data])).code).toBe(0);
    expect((await runCliCaptured(['pseudonymise', 'key', 'add', 'X', 'Y', '--category', 'planet', '--data', data])).code).toBe(2);
    // The key lives in data/keys/, owner-only.
    expect((await stat(join(data, 'keys'))).mode & 0o777).toBe(0o700);

    const imported = await runCliCaptured(['import', join(root.dir, 'a.txt'), '--pseudonymise', '--data', data]);
    expect(imported.code, imported.stderr).toBe(0);
    expect((await runCliCaptured(['import', join(root.dir, 'b.txt'), '--data', data])).code).toBe(0);
    expect(await texts()).toEqual(['Frau Lindner kam aus Ort C. Malte spielte.', 'Herr Abendroth und Malte.']);

    const suggest = await runCliCaptured(['pseudonymise', 'suggest', '--json', '--data', data]);
    expect(suggest.code, suggest.stderr).toBe(0);
    const { suggestions } = onlyJson<{ suggestions: PseudonymSuggestion[] }>(suggest.stdout);
    expect(suggestions.map((s) => s.text).sort()).toEqual(['Abendroth', 'Malte']);
    expect(suggestions.find((s) => s.text === 'Malte')).toMatchObject({ count: 2, documents: 2, category: 'person' });

    expect((await runCliCaptured(['pseudonymise', 'key', 'add', 'Malte', 'Jan', '--data', data])).code).toBe(0);
    expect((await runCliCaptured(['pseudonymise', 'key', 'add', 'Abendroth', 'Seidel', '--data', data])).code).toBe(0);
    const preview = await runCliCaptured(['pseudonymise', 'preview', '--json', '--data', data]);
    expect(onlyJson<PseudonymisationResult>(preview.stdout)).toMatchObject({ total: 3, keyVersion: 4 });
    expect(await texts()).toContain('Herr Abendroth und Malte.');
    const apply = await runCliCaptured(['pseudonymise', 'apply', '--data', data]);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toContain('3 name(s) in 2 document(s) replaced');
    expect(await texts()).toEqual(['Frau Lindner kam aus Ort C. Jan spielte.', 'Herr Seidel und Jan.']);

    const out = join(root.dir, 'key.json');
    const exported = await runCliCaptured(['pseudonymise', 'key', 'export', '--out', out, '--data', data]);
    expect(exported.code, exported.stderr).toBe(0);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    const file = JSON.parse(await readFile(out, 'utf8')) as { format: string; entries: unknown[]; version: number };
    expect(file).toMatchObject({ format: 'sichtbar-pseudonym-key', version: 4 });
    expect(file.entries).toHaveLength(4);
    // Importing replaces the key (version + 1); a bad file changes nothing.
    await writeFile(out, JSON.stringify({ entries: [{ real: 'Malte', pseudonym: 'Jan', category: 'person' }] }));
    const imp = await runCliCaptured(['pseudonymise', 'key', 'import', out, '--json', '--data', data]);
    expect(onlyJson(imp.stdout)).toEqual({ version: 5, entries: 1 });
    await writeFile(out, JSON.stringify({ entries: [{ real: 'Malte', pseudonym: 'Malte', category: 'person' }] }));
    const bad = await runCliCaptured(['pseudonymise', 'key', 'import', out, '--data', data]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('must differ');
    const shown = await runCliCaptured(['pseudonymise', 'key', 'export', '--data', data]);
    expect(JSON.parse(shown.stdout)).toMatchObject({ version: 5, entries: [{ real: 'Malte' }] });

    expect((await runCliCaptured(['pseudonymise', 'frobnicate', '--data', data])).code).toBe(2);
    const refused = await runCliCaptured(['import', join(root.dir, 'x.json'), '--pseudonymise', '--data', data]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('pseudonymise apply');
  });
});
