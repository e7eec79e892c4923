import { describe, expect, it } from 'vitest';
import { createSet } from '../../../server/domain/corpus.js';
import { retrieveSegments, countSegments } from '../../../server/domain/coding.js';
import { sealedDocuments, setIndependentMode, viewerDeps } from '../../../server/domain/independent.js';
import { DocumentSetSchema } from '../../../server/schemas/document-set.js';
import { makeFixture } from './fixture.js';

describe('independent mode (domain)', () => {
  it('sets stored before issue 6 still parse; the flags are optional', () => {
    const old = { id: 's1', name: 'Alt', definition: { type: 'members', documentIds: [] }, created: '2024-01-01T00:00:00.000Z', version: 1 };
    expect(DocumentSetSchema.parse(old)).toEqual(old);
  });

  it('a set created independent seals its documents for other coders until it is opened', async () => {
    const f = await makeFixture({ docCount: 2, length: 50, codes: ['A'], coders: ['ria', 'rob'] });
    await f.code('ria', 0, 'A', 0, 10);
    await f.code('rob', 0, 'A', 0, 12);
    await f.code('rob', 1, 'A', 0, 12);
    const set = await createSet(f.deps, f.projectId, { name: 'Blind', definition: { type: 'members', documentIds: [f.docs[0]!] }, independent: true });
    expect(set.independent).toBe(true);
    expect([...(await sealedDocuments(f.deps, f.projectId))]).toEqual([f.docs[0]]);
    const ria = { userId: f.users['ria']!, role: 'researcher' as const };
    const seen = await retrieveSegments(f.deps, f.projectId, {}, ria);
    expect(seen.segments.map((s) => [s.documentId === f.docs[0], s.coder])).toEqual([
      [true, f.users['ria']],
      [false, f.users['rob']],
    ]);
    expect((await countSegments(f.deps, f.projectId, {}, ria)).total).toBe(2);
    // Without a viewer (CLI, admin tools) everything is visible, as before.
    expect((await retrieveSegments(f.deps, f.projectId, {})).total).toBe(3);
    expect((await countSegments(f.deps, f.projectId, {}, { userId: 'root', role: 'admin' })).total).toBe(3);
    // viewerDeps: the same rule for analyses that read the store themselves.
    const scoped = await viewerDeps(f.deps, f.projectId, ria);
    expect(await scoped.store.listSegments(f.projectId)).toHaveLength(2);
    const robs = (await f.deps.store.listSegments(f.projectId, { coders: [f.users['rob']!], documentIds: [f.docs[0]!] }))[0]!;
    expect(await scoped.store.getSegment(f.projectId, robs.id)).toBeUndefined();
    expect(await scoped.store.listCodes(f.projectId)).toHaveLength(1);
    const opened = await setIndependentMode(f.deps, f.projectId, set.id, { openForComparison: true, version: set.version });
    expect(opened).toMatchObject({ independent: true, openForComparison: true, version: set.version + 1 });
    expect((await retrieveSegments(f.deps, f.projectId, {}, ria)).total).toBe(3);
    await expect(setIndependentMode(f.deps, f.projectId, set.id, { independent: false, version: set.version })).rejects.toThrow(/changed by someone else/);
    await expect(setIndependentMode(f.deps, f.projectId, 'nope', { independent: false, version: 1 })).rejects.toThrow(/not found/);
  });
});
