import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeDeps, type Actor, type Deps } from '../../server/domain/deps.js';
import type { Store } from '../../server/domain/store.js';
import { addDocuments } from '../../server/domain/corpus.js';
import { createCode } from '../../server/domain/codebook.js';
import { createProject } from '../../server/domain/projects.js';
import { MemoryStore } from '../../server/storage/memory-store.js';
import { LowdbStore } from '../../server/storage/lowdb-store.js';
import { PgStore } from '../../server/storage/pg-store.js';
import { dropSchema, ensureSchema } from '../../server/storage/pg-schema.js';

export async function tempDir(prefix = 'sichtbar-test-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** The PostgreSQL test database (set by .ci/run); without it the PostgreSQL runs are skipped. */
export const TEST_DATABASE_URL = process.env.SICHTBAR_TEST_DATABASE_URL;

/** A fresh schema of the test database, so parallel test files never see each other's rows. */
export async function pgTestSchema(): Promise<{ url: string; schema: string; cleanup: () => Promise<void> }> {
  if (!TEST_DATABASE_URL) throw new Error('SICHTBAR_TEST_DATABASE_URL is not set');
  const url = TEST_DATABASE_URL;
  const schema = `t_${globalThis.crypto.randomUUID().replace(/-/g, '').slice(0, 20)}`;
  await ensureSchema(url, schema);
  return { url, schema, cleanup: () => dropSchema(url, schema) };
}

const opened: { store: Store; cleanup: () => Promise<void> }[] = [];

/**
 * The store a domain or HTTP test runs on: in memory, or PostgreSQL when the suite runs in the
 * `postgres` Vitest project (SICHTBAR_TEST_STORE=postgres, see vitest.config.ts). PostgreSQL
 * stores are closed and their schemas dropped after the file (tests/server/setup.ts).
 */
export async function testStore(): Promise<Store> {
  if (process.env.SICHTBAR_TEST_STORE !== 'postgres') return new MemoryStore();
  const { url, schema, cleanup } = await pgTestSchema();
  const store = await PgStore.open(url, { schema, max: 4 });
  opened.push({ store, cleanup });
  return store;
}

/** Close every PostgreSQL store testStore() opened (after each test file). */
export async function closeTestStores(): Promise<void> {
  for (const { store, cleanup } of opened.splice(0)) {
    await store.close();
    await cleanup();
  }
}

type AdapterCase = { name: string; open: () => Promise<{ store: Store; reopen?: () => Promise<Store>; cleanup: () => Promise<void> }> };

/** PostgreSQL, in a schema of its own per test. */
const postgresAdapter: AdapterCase = {
  name: 'postgres',
  open: async () => {
    const { url, schema, cleanup } = await pgTestSchema();
    let store = await PgStore.open(url, { schema, max: 4 });
    return {
      store,
      reopen: async () => {
        await store.close();
        store = await PgStore.open(url, { schema, max: 4 });
        return store;
      },
      cleanup: async () => {
        await store.close();
        await cleanup();
      },
    };
  },
};

/** Every adapter (PostgreSQL when SICHTBAR_TEST_DATABASE_URL is set), so every store test runs against each. */
export const adapters: AdapterCase[] = [
  {
    name: 'memory',
    open: async () => ({ store: new MemoryStore(), cleanup: async () => undefined }),
  },
  {
    name: 'lowdb',
    open: async () => {
      const { dir, cleanup } = await tempDir();
      let store = await LowdbStore.open(dir);
      return {
        store,
        reopen: async () => {
          await store.close();
          store = await LowdbStore.open(dir);
          return store;
        },
        cleanup: async () => {
          await store.close();
          await cleanup();
        },
      };
    },
  },
  ...(TEST_DATABASE_URL ? [postgresAdapter] : []),
];

export const ALICE: Actor = { userId: 'alice', role: 'researcher' };
export const BOB: Actor = { userId: 'bob', role: 'researcher' };

/** A project with two documents (one with an emoji and a combining character) and a small tree. */
export async function seedProject(store: Store): Promise<{ deps: Deps; projectId: string; docA: string; docB: string; codes: Record<string, string> }> {
  const deps = makeDeps(store);
  const project = await createProject(deps, { name: 'Testprojekt' });
  const [a, b] = await addDocuments(deps, project.id, [
    { title: 'Beobachtung 1', kind: 'observation', text: 'Die Fachkraft begrüßt Frau K. herzlich 😀 und bietet Kaffee an.\nDann fasst sie das Thema zusammen.', attributes: { region: { type: 'text', value: 'Region 1' } } },
    { title: 'Interview 1', kind: 'interview', text: 'I: Wie dokumentieren Sie?\nFK: Also, ähm, ich schreibe das Ergebnis auf. Die Atmosphäre nicht.', attributes: { region: { type: 'text', value: 'Region 2' } } },
  ]);
  const folder = await createCode(deps, project.id, { name: 'Beratung', isCodable: false });
  const atmo = await createCode(deps, project.id, { name: 'Atmosphäre', parentId: folder.id });
  const greet = await createCode(deps, project.id, { name: 'Begrüßen', parentId: atmo.id });
  const summary = await createCode(deps, project.id, { name: 'Zusammenfassen', parentId: folder.id });
  return { deps, projectId: project.id, docA: a!.id, docB: b!.id, codes: { folder: folder.id, atmo: atmo.id, greet: greet.id, summary: summary.id } };
}
