import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoProject } from '../../../server/demo.js';
import { makeDeps, type Deps } from '../../../server/domain/deps.js';
import { parseQuery, search } from '../../../server/domain/search.js';
import { foldCase, tokenize } from '../../../server/domain/search-index.js';
import { candidateQuery, textSearchOf } from '../../../server/domain/text-search.js';
import { MemoryStore } from '../../../server/storage/memory-store.js';
import { PgStore } from '../../../server/storage/pg-store.js';
import { pgTestSchema, TEST_DATABASE_URL } from '../helpers.js';

/** The same demo project (same ids) in two stores. */
async function demoIn(store: MemoryStore | PgStore): Promise<{ deps: Deps; projectId: string }> {
  let n = 0;
  const deps = makeDeps(store, { newId: () => `id-${String(++n).padStart(6, '0')}`, now: () => '2026-01-01T00:00:00.000Z' });
  const { project } = await createDemoProject(deps);
  return { deps, projectId: project.id };
}

const HANDWRITTEN = [
  'Beratung',
  'Atmosphäre',
  'begrüßt',
  'Begrüßung OR Verabschiedung',
  '"wie geht es"',
  '="wie geht es Ihnen"',
  'Jugendamt*',
  'Jugend?mt',
  'Kaffee ODER Tee',
  'Dokumentation NICHT Software',
  'Gespräch -Kaffee',
  '=Beratung',
  '(Ziel OR Ziele) AND Hilfeplan',
  'Datenschutz',
  'und',
  'nicht Software',
  'Zusammenfassung',
  'Frau',
  'Hände',
  'Umarmung',
  'Mitarbeiterin',
  'dokumentiere',
];

describe.skipIf(!TEST_DATABASE_URL)('search on PostgreSQL (German tsvector, GIN) finds what the embedded index finds', () => {
  let memory: { deps: Deps; projectId: string };
  let pg: { deps: Deps; projectId: string };
  let store: PgStore;
  let vocabulary: string[];
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    memory = await demoIn(new MemoryStore());
    const schema = await pgTestSchema();
    cleanup = schema.cleanup;
    store = await PgStore.open(schema.url, { schema: schema.schema, max: 4 });
    pg = await demoIn(store);
    // Every 7th distinct word form of the corpus (about 600 queries), deterministic.
    const forms = new Set<string>();
    for (const meta of await memory.deps.store.listDocuments(memory.projectId)) {
      const doc = (await memory.deps.store.getDocument(memory.projectId, meta.id))!;
      for (const t of tokenize(doc.text)) if (/^\p{L}{2,}$/u.test(t.surface)) forms.add(foldCase(t.surface));
    }
    vocabulary = [...forms].sort().filter((_, i) => i % 7 === 0);
  }, 180_000);

  afterAll(async () => {
    await store?.close();
    await cleanup?.();
  });

  it('uses the database to narrow: a specific word reads only the documents that hold it', async () => {
    expect(textSearchOf(pg.deps.store)).toBe(store);
    const all = (await store.listDocuments(pg.projectId)).length;
    const narrowed = await store.candidateDocuments(pg.projectId, candidateQuery(parseQuery('Umarmung')));
    expect(narrowed.length).toBeGreaterThan(0);
    expect(narrowed.length).toBeLessThan(all / 2);
  });

  it('gives identical results for handwritten queries with every operator and scope', async () => {
    const codes = await memory.deps.store.listCodes(memory.projectId);
    const someCode = codes.find((c) => c.isCodable)!;
    for (const query of HANDWRITTEN) {
      for (const scope of [{}, { codeId: someCode.id }, { speaker: 'FK' }]) {
        const a = await search(memory.deps, memory.projectId, { query, scope, limit: 10_000 });
        const b = await search(pg.deps, pg.projectId, { query, scope, limit: 10_000 });
        expect(b, `${query} ${JSON.stringify(scope)}`).toStrictEqual(a);
      }
    }
  }, 120_000);

  it('gives identical results for a sample of the corpus vocabulary', async () => {
    expect(vocabulary.length).toBeGreaterThan(200);
    let withHits = 0;
    for (const word of vocabulary) {
      const a = await search(memory.deps, memory.projectId, { query: word, limit: 10_000 });
      const b = await search(pg.deps, pg.projectId, { query: word, limit: 10_000 });
      expect(b, word).toStrictEqual(a);
      if (a.total > 0) withHits++;
    }
    // Every word is from the corpus, so each must be found.
    expect(withHits).toBe(vocabulary.length);
  }, 180_000);
});
