import { beforeEach, describe, expect, it } from 'vitest';
import { createCode, mergeCodes, updateCode } from '../../../server/domain/codebook.js';
import { applyCode, updateSegment } from '../../../server/domain/coding.js';
import {
  addDocuments,
  createSet,
  deleteDocument,
  deleteSet,
  documentIdsOfSet,
  listDocuments,
  matchesFilter,
  updateDocument,
  updateSet,
} from '../../../server/domain/corpus.js';
import { makeDeps, type Deps } from '../../../server/domain/deps.js';
import { Conflict, InvalidInput, NotFound } from '../../../server/domain/errors.js';
import { createMemo } from '../../../server/domain/memos.js';
import { DISABLED_PASSWORD } from '../../../server/domain/password.js';
import { exportProject, restoreProject } from '../../../server/domain/projects.js';
import type { Store } from '../../../server/domain/store.js';
import type { DocumentPatch } from '../../../server/schemas/document.js';
import type { DocumentFilter } from '../../../server/schemas/document-set.js';
import type { User } from '../../../server/schemas/user.js';
import { MemoryStore } from '../../../server/storage/memory-store.js';
import { ALICE, BOB, seedProject, testStore } from '../helpers.js';

let store: Store;
let deps: Deps;
let projectId: string;
let docA: string;
let docB: string;
let ids: Record<'folder' | 'atmo' | 'greet' | 'summary', string>;

beforeEach(async () => {
  store = await testStore();
  const seeded = await seedProject(store);
  ({ deps, projectId, docA, docB } = seeded);
  ids = seeded.codes as typeof ids;
});

describe('addDocuments', () => {
  it('normalises text to NFC and LF and adds all or nothing', async () => {
    const [doc] = await addDocuments(deps, projectId, [{ title: 'Neu', kind: 'documentation', text: 'Cafe\u0301\r\nZeile 2\rZeile 3' }]);
    expect(doc?.text).toBe('Café\nZeile 2\nZeile 3');
    expect(doc).toMatchObject({ version: 1, attributes: {}, turns: [] });
    await expect(addDocuments(deps, projectId, [{ title: 'Gut', kind: 'other', text: 'a' }, { title: '', kind: 'other', text: 'b' }])).rejects.toBeInstanceOf(InvalidInput);
    await expect(addDocuments(deps, projectId, [{ id: docA, title: 'Doppelt', kind: 'other', text: 'c' }])).rejects.toBeInstanceOf(Conflict);
    expect((await listDocuments(deps, projectId)).map((d) => d.title)).toEqual(['Beobachtung 1', 'Interview 1', 'Neu']);
  });
});

describe('document sets', () => {
  async function addFiltered() {
    return addDocuments(deps, projectId, [
      { title: 'Doku Nord', kind: 'documentation', text: 'Eintrag', attributes: { region: { type: 'text', value: 'Süd' }, dauer: { type: 'number', value: 45 }, erstkontakt: { type: 'boolean', value: true } } },
      { title: 'Doku Süd', kind: 'documentation', text: 'Eintrag', attributes: { region: { type: 'text', value: 'Nord' }, dauer: { type: 'number', value: 30 }, erstkontakt: { type: 'boolean', value: false } } },
      { title: 'Interview Süd', kind: 'interview', text: 'I: Hallo', attributes: { region: { type: 'text', value: 'SÜD' }, datum: { type: 'date', value: '2024-03-05' } } },
    ]);
  }

  it('members are fixed; a filter is evaluated whenever the set is used', async () => {
    const members = await createSet(deps, projectId, { name: 'Auswahl', definition: { type: 'members', documentIds: [docB] } });
    const filter = await createSet(deps, projectId, { name: 'Interviews', definition: { type: 'filter', filter: { kinds: ['interview'], attributes: [] } } });
    expect(members).toMatchObject({ name: 'Auswahl', version: 1 });
    expect(await documentIdsOfSet(deps, projectId, members.id)).toEqual([docB]);
    expect(await documentIdsOfSet(deps, projectId, filter.id)).toEqual([docB]);
    const [, , third] = await addFiltered();
    expect(await documentIdsOfSet(deps, projectId, members.id)).toEqual([docB]);
    expect((await documentIdsOfSet(deps, projectId, filter.id)).sort()).toEqual([docB, third?.id].sort());
    // A deleted member drops out of the members set.
    await deleteDocument(deps, projectId, docB, { version: 1, withSegments: false });
    expect(await documentIdsOfSet(deps, projectId, members.id)).toEqual([]);
    // Also found by name.
    expect(await documentIdsOfSet(deps, projectId, 'Interviews')).toEqual([third?.id]);
  });

  it('refuses unknown members and a duplicate name; updates and deletes with versions', async () => {
    await expect(createSet(deps, projectId, { name: 'X', definition: { type: 'members', documentIds: [docA, 'nope'] } })).rejects.toBeInstanceOf(NotFound);
    const set = await createSet(deps, projectId, { name: 'X', definition: { type: 'members', documentIds: [docA] } });
    await expect(createSet(deps, projectId, { name: 'X', definition: { type: 'members', documentIds: [] } })).rejects.toBeInstanceOf(Conflict);
    const renamed = await updateSet(deps, projectId, set.id, { name: 'Y', version: 1 });
    expect(renamed).toMatchObject({ name: 'Y', version: 2, definition: { type: 'members', documentIds: [docA] } });
    await expect(updateSet(deps, projectId, set.id, { name: 'Z', version: 1 })).rejects.toBeInstanceOf(Conflict);
    await expect(deleteSet(deps, projectId, set.id, 1)).rejects.toBeInstanceOf(Conflict);
    await deleteSet(deps, projectId, set.id, 2);
    expect(await store.listSets(projectId)).toEqual([]);
  });

  it('filters on kind and attributes: case-insensitive text, numbers, booleans, dates', async () => {
    await addFiltered();
    let n = 0;
    const run = async (filter: Partial<DocumentFilter>): Promise<string[]> => {
      const set = await createSet(deps, projectId, { name: `Filter ${++n}`, definition: { type: 'filter', filter: { attributes: [], ...filter } } });
      const found = await documentIdsOfSet(deps, projectId, set.id);
      const titles = new Map((await store.listDocuments(projectId)).map((d) => [d.id, d.title]));
      return found.map((id) => titles.get(id) ?? id).sort();
    };
    // Text: case-insensitive, including umlauts; any of several values.
    expect(await run({ attributes: [{ name: 'region', anyOf: ['süd'] }] })).toEqual(['Doku Nord', 'Interview Süd']);
    expect(await run({ attributes: [{ name: 'region', anyOf: ['sÜd', 'region 1'] }] })).toEqual(['Beobachtung 1', 'Doku Nord', 'Interview Süd']);
    // Kind and attribute together.
    expect(await run({ kinds: ['documentation'], attributes: [{ name: 'region', anyOf: ['SÜD'] }] })).toEqual(['Doku Nord']);
    expect(await run({ kinds: ['documentation', 'interview'], attributes: [{ name: 'region', anyOf: ['süd'] }] })).toEqual(['Doku Nord', 'Interview Süd']);
    // Numbers compare by value.
    expect(await run({ attributes: [{ name: 'dauer', anyOf: [45] }] })).toEqual(['Doku Nord']);
    expect(await run({ attributes: [{ name: 'dauer', anyOf: [30, 45] }] })).toEqual(['Doku Nord', 'Doku Süd']);
    expect(await run({ attributes: [{ name: 'dauer', anyOf: [44] }] })).toEqual([]);
    // Booleans: true and false are both real values; a missing attribute matches neither.
    expect(await run({ attributes: [{ name: 'erstkontakt', anyOf: [true] }] })).toEqual(['Doku Nord']);
    expect(await run({ attributes: [{ name: 'erstkontakt', anyOf: [false] }] })).toEqual(['Doku Süd']);
    // Dates compare as their ISO text.
    expect(await run({ attributes: [{ name: 'datum', anyOf: ['2024-03-05'] }] })).toEqual(['Interview Süd']);
    // Several conditions must all hold.
    expect(await run({ attributes: [{ name: 'region', anyOf: ['süd'] }, { name: 'erstkontakt', anyOf: [true] }] })).toEqual(['Doku Nord']);
    // No kinds and no conditions: everything.
    expect(await run({ kinds: [] })).toHaveLength(5);
  });

  it('matchesFilter treats a missing attribute as no match', () => {
    const doc = { kind: 'other' as const, attributes: { region: { type: 'text' as const, value: 'Nord' } } };
    expect(matchesFilter(doc, { attributes: [{ name: 'dauer', anyOf: [0] }] })).toBe(false);
    expect(matchesFilter(doc, { attributes: [{ name: 'region', anyOf: ['NORD'] }] })).toBe(true);
    expect(matchesFilter(doc, { kinds: ['interview'], attributes: [] })).toBe(false);
  });
});

describe('updateDocument and deleteDocument', () => {
  it('changes title and attributes but never the text', async () => {
    const before = await store.getDocument(projectId, docA);
    const patch = { title: 'Beobachtung 1a', attributes: { region: { type: 'text', value: 'Region 3' } }, text: 'überschrieben', version: 1 } as DocumentPatch;
    const next = await updateDocument(deps, projectId, docA, patch);
    expect(next).toMatchObject({ title: 'Beobachtung 1a', version: 2, attributes: { region: { type: 'text', value: 'Region 3' } } });
    expect(next.text).toBe(before?.text);
    expect((await store.getDocument(projectId, docA))?.text).toBe(before?.text);
    await expect(updateDocument(deps, projectId, docA, { title: 'Alt', version: 1 })).rejects.toBeInstanceOf(Conflict);
    // The store itself refuses a changed text too.
    await expect(store.commit(projectId, { documents: { put: [{ ...next, text: 'anders', version: 3 }] } })).rejects.toBeInstanceOf(InvalidInput);
    expect((await store.getDocument(projectId, docA))?.version).toBe(2);
  });

  it('a coded document is deleted only with withSegments, which removes its segments and keeps memos', async () => {
    const seg = await applyCode(deps, projectId, ALICE, { documentId: docA, codeId: ids.greet, start: 0, end: 3 });
    const other = await applyCode(deps, projectId, ALICE, { documentId: docB, codeId: ids.greet, start: 0, end: 3 });
    const docMemo = await createMemo(deps, projectId, ALICE, { target: { type: 'document', id: docA }, text: 'Zum Dokument' });
    const segMemo = await createMemo(deps, projectId, ALICE, { target: { type: 'segment', id: seg.id }, text: 'Zum Segment' });

    await expect(deleteDocument(deps, projectId, docA, { version: 1, withSegments: false })).rejects.toBeInstanceOf(Conflict);
    expect(await store.getDocument(projectId, docA)).toBeDefined();
    expect(await store.getSegment(projectId, seg.id)).toEqual(seg);

    await expect(deleteDocument(deps, projectId, docA, { version: 2, withSegments: true })).rejects.toBeInstanceOf(Conflict);
    expect(await deleteDocument(deps, projectId, docA, { version: 1, withSegments: true })).toEqual({ deletedSegments: 1 });
    expect(await store.getDocument(projectId, docA)).toBeUndefined();
    expect(await store.listSegments(projectId)).toEqual([other]);
    const memos = await store.listMemos(projectId);
    expect(memos.map((m) => [m.id, m.target])).toEqual(
      expect.arrayContaining([
        [docMemo.id, { type: 'project' }],
        [segMemo.id, { type: 'project' }],
      ]),
    );
    expect(memos).toHaveLength(2);
    await expect(deleteDocument(deps, projectId, docA, { version: 1, withSegments: true })).rejects.toBeInstanceOf(NotFound);
  });

  it('an uncoded document is deleted without withSegments', async () => {
    expect(await deleteDocument(deps, projectId, docB, { version: 1, withSegments: false })).toEqual({ deletedSegments: 0 });
    expect((await listDocuments(deps, projectId)).map((d) => d.id)).toEqual([docA]);
  });
});

describe('project export and restore', () => {
  const now = '2024-05-01T10:00:00.000Z';
  const user = (id: string, role: User['role'], version = 1): User => ({ id, login: id, displayName: id.toUpperCase(), role, passwordHash: 'scrypt$x', created: now, version });

  /** A project with users, changed versions, memos and sets. */
  async function richProject() {
    await store.putUser(user('admin-1', 'admin'));
    await store.putUser(user('alice', 'researcher'));
    await store.putUser(user('bob', 'researcher'));
    await store.putUser(user('carol', 'lead'));
    const s1 = await applyCode(deps, projectId, ALICE, { documentId: docA, codeId: ids.greet, start: 14, end: 21, memo: 'begrüßt 😀' });
    await updateSegment(deps, projectId, ALICE, s1.id, { end: 22, version: 1 });
    await applyCode(deps, projectId, BOB, { documentId: docB, codeId: ids.summary, start: 0, end: 10 });
    await updateCode(deps, projectId, ids.atmo, { definition: { inclusion: 'Wärme', anchors: [{ text: 'herzlich', segmentId: s1.id }] }, version: 1 });
    const extra = await createCode(deps, projectId, { name: 'Extra', parentId: ids.folder });
    const other = await createCode(deps, projectId, { name: 'Anderes', parentId: ids.folder });
    await mergeCodes(deps, projectId, { sourceId: other.id, targetId: extra.id, sourceVersion: other.version, targetVersion: extra.version });
    await createMemo(deps, projectId, { userId: 'carol', role: 'lead' }, { target: { type: 'project' }, title: 'Projekt', text: '# Notiz' });
    await createMemo(deps, projectId, ALICE, { target: { type: 'segment', id: s1.id }, text: 'Zum Segment' });
    await createSet(deps, projectId, { name: 'Region 1', definition: { type: 'filter', filter: { attributes: [{ name: 'region', anyOf: ['region 1'] }] } } });
    await createSet(deps, projectId, { name: 'Auswahl', definition: { type: 'members', documentIds: [docB] } });
  }

  it('export → restore into a fresh store gives an equal export (ids and versions)', async () => {
    await richProject();
    const exported = await exportProject(deps, projectId);
    expect(exported.users.map((u) => u.id)).toEqual(['admin-1', 'alice', 'bob', 'carol']);
    expect(exported.users.every((u) => !('passwordHash' in u))).toBe(true);
    expect(exported.segments.map((s) => s.version).sort()).toEqual([1, 2]);
    expect(exported.memos).toHaveLength(2);
    expect(exported.sets).toHaveLength(2);
    expect(exported.codes.some((c) => c.version > 1)).toBe(true);

    const fresh = new MemoryStore();
    const freshDeps = makeDeps(fresh);
    const result = await restoreProject(freshDeps, JSON.parse(JSON.stringify(exported)));
    expect(result.project).toEqual(exported.project);
    expect(result.createdUsers).toBe(4);
    expect(await exportProject(freshDeps, projectId)).toEqual(exported);
    // Restored users exist for attribution only: no password opens them.
    expect((await fresh.getUser('alice'))?.passwordHash).toBe(DISABLED_PASSWORD);
  });

  it('restoring over an existing project id is a Conflict; as a new id it works', async () => {
    await richProject();
    const exported = await exportProject(deps, projectId);
    await expect(restoreProject(deps, exported)).rejects.toBeInstanceOf(Conflict);
    expect((await store.listProjects()).length).toBe(1);
    const copy = await restoreProject(deps, exported, { asNewId: true });
    expect(copy.project.id).not.toBe(projectId);
    expect(copy.createdUsers).toBe(0);
    const again = await exportProject(deps, copy.project.id);
    expect({ ...again, project: { ...again.project, id: projectId } }).toEqual(exported);
  });

  it('an invalid export is InvalidInput with issues; a broken reference leaves no project behind', async () => {
    const exported = await exportProject(deps, projectId);
    const broken = JSON.parse(JSON.stringify(exported)) as { documents: { text?: unknown }[]; project: { id: string } };
    const first = broken.documents[0];
    if (first) delete first.text;
    const fresh = makeDeps(new MemoryStore());
    const err = await restoreProject(fresh, broken).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInput);
    expect((err as InvalidInput).issues).toEqual([expect.objectContaining({ path: ['documents', 0, 'text'] })]);
    await expect(restoreProject(fresh, { hello: 'world' })).rejects.toBeInstanceOf(InvalidInput);
    expect(await fresh.store.listProjects()).toEqual([]);

    // Valid shape, but a segment points at a code that is not in the file.
    const seg = await applyCode(deps, projectId, ALICE, { documentId: docA, codeId: ids.greet, start: 0, end: 3 });
    const withSeg = await exportProject(deps, projectId);
    const dangling = { ...withSeg, segments: [{ ...seg, codeId: 'missing-code' }] };
    await expect(restoreProject(fresh, dangling)).rejects.toBeInstanceOf(NotFound);
    expect(await fresh.store.listProjects()).toEqual([]);
  });
});
