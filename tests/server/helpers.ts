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

export async function tempDir(prefix = 'sichtbar-test-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Both embedded adapters, so every store test runs against each. */
export const adapters: { name: string; open: () => Promise<{ store: Store; reopen?: () => Promise<Store>; cleanup: () => Promise<void> }> }[] = [
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
