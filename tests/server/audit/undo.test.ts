import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryAuditLog, withAudit, type AuditedStore } from '../../../server/domain/audit.js';
import { applyAutocode } from '../../../server/domain/autocode.js';
import { createCode, deleteCode, mergeCodes, moveCode, updateCode } from '../../../server/domain/codebook.js';
import { applyCode, codeInVivo, removeSegment, updateSegment } from '../../../server/domain/coding.js';
import { addDocuments } from '../../../server/domain/corpus.js';
import { makeDeps, type Actor, type Deps } from '../../../server/domain/deps.js';
import { Conflict } from '../../../server/domain/errors.js';
import { createMemo, updateMemo } from '../../../server/domain/memos.js';
import { createProject } from '../../../server/domain/projects.js';
import { redo, undo, undoHistory, UNDO_DEPTH } from '../../../server/domain/undo.js';
import { FileAuditLog } from '../../../server/storage/audit-log.js';
import { LowdbStore } from '../../../server/storage/lowdb-store.js';
import { MemoryStore } from '../../../server/storage/memory-store.js';
import { tempDir } from '../helpers.js';

const rita: Actor = { userId: 'rita', role: 'researcher' };
const otto: Actor = { userId: 'otto', role: 'researcher' };
/** An admin may change anyone's coding. */
const anna: Actor = { userId: 'anna', role: 'admin' };
const TEXT = 'Die Fachkraft begrüßt Frau K. herzlich. Sie bietet Kaffee an. Das Kind spielt. Die Mutter erzählt vom Kaffee.';

let store: AuditedStore;
let deps: Deps;
let acting: Actor;
let projectId: string;
let docId: string;

/** Everything undo may touch, without versions and timestamps (a re-created entity is version 1). */
async function state(): Promise<unknown> {
  const strip = <T extends object>(xs: T[]) => xs.map(({ version: _v, modified: _m, ...rest }: T & { version?: number; modified?: string }) => rest).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  const project = await store.getProject(projectId);
  return {
    codes: strip(await store.listCodes(projectId)),
    segments: strip(await store.listSegments(projectId)),
    memos: strip(await store.listMemos(projectId)),
    crosswalk: project?.crosswalk,
    runs: (project?.autocodeRuns ?? []).map((r) => r.id),
  };
}

async function as<T>(who: Actor, task: () => Promise<T>): Promise<T> {
  const was = acting;
  acting = who;
  try {
    return await task();
  } finally {
    acting = was;
  }
}

/** Do `action` as Rita; undo brings back the state before it, redo the state after it, twice over. */
async function roundTrip(action: () => Promise<unknown>, label: RegExp): Promise<void> {
  const before = await state();
  await as(rita, action);
  const after = await state();
  expect(after).not.toEqual(before);
  const history = await undoHistory(deps, projectId, rita);
  expect(history.undo?.label).toMatch(label);
  const undone = await undo(deps, projectId, rita);
  expect(undone.done.label).toMatch(label);
  expect(await state()).toEqual(before);
  expect(undone.history.redo?.label).toMatch(label);
  await redo(deps, projectId, rita);
  expect(await state()).toEqual(after);
  await undo(deps, projectId, rita);
  expect(await state()).toEqual(before);
  await redo(deps, projectId, rita);
  expect(await state()).toEqual(after);
}

beforeEach(async () => {
  acting = rita;
  store = withAudit(new MemoryStore(), { log: new MemoryAuditLog(), currentActor: () => ({ userId: acting.userId }) });
  let n = 0;
  deps = makeDeps(store, { newId: () => `id-${++n}` });
  acting = { userId: 'admin', role: 'admin' };
  projectId = (await createProject(deps, { name: 'Undo' })).id;
  docId = (await addDocuments(deps, projectId, [{ title: 'Protokoll', kind: 'observation', text: TEXT }]))[0]!.id;
  acting = rita;
});

describe('undo and redo of every kind of action', () => {
  it('apply a code, remove a coding, resize, re-code', async () => {
    const code = await createCode(deps, projectId, { name: 'Begrüßung' });
    const other = await createCode(deps, projectId, { name: 'Bewirtung' });
    await roundTrip(() => applyCode(deps, projectId, rita, { documentId: docId, codeId: code.id, start: 4, end: 13 }), /^Kodierung »Begrüßung« gesetzt$/);
    const [seg] = await store.listSegments(projectId);
    await roundTrip(() => updateSegment(deps, projectId, rita, seg!.id, { end: 21, version: seg!.version }), /Kodierung »Begrüßung« geändert/);
    const resized = (await store.getSegment(projectId, seg!.id))!;
    await roundTrip(() => updateSegment(deps, projectId, rita, seg!.id, { codeId: other.id, version: resized.version }), /Kodierung »Bewirtung« geändert/);
    const recoded = (await store.getSegment(projectId, seg!.id))!;
    await roundTrip(() => removeSegment(deps, projectId, rita, seg!.id, recoded.version), /^Kodierung »Bewirtung« entfernt$/);
    expect(await store.getSegment(projectId, seg!.id)).toBeUndefined();
  });

  it('a removed coding comes back with its memo re-attached; memo edits are steps too', async () => {
    const code = await createCode(deps, projectId, { name: 'Begrüßung' });
    const seg = await applyCode(deps, projectId, rita, { documentId: docId, codeId: code.id, start: 4, end: 13 });
    const memo = await createMemo(deps, projectId, rita, { target: { type: 'segment', id: seg.id }, text: 'Warum so?' });
    await roundTrip(() => updateMemo(deps, projectId, rita, memo.id, { text: 'Darum.', version: memo.version }), /^Memo geändert$/);
    const current = (await store.listMemos(projectId))[0]!;
    expect(current.text).toBe('Darum.');
    await roundTrip(() => removeSegment(deps, projectId, rita, seg.id, 1), /Kodierung »Begrüßung« entfernt/);
    await undo(deps, projectId, rita);
    expect((await store.listMemos(projectId))[0]).toMatchObject({ id: memo.id, target: { type: 'segment', id: seg.id }, text: 'Darum.' });
  });

  it('in-vivo coding is one step: the new code and its coding go together', async () => {
    const before = await state();
    await codeInVivo(deps, projectId, rita, { documentId: docId, start: 4, end: 13, parentId: null });
    expect((await undo(deps, projectId, rita)).done.label).toMatch(/„Fachkraft“/);
    expect(await store.listSegments(projectId)).toEqual([]);
    expect(await state()).toEqual(before);
    await redo(deps, projectId, rita);
    expect((await store.listCodes(projectId)).some((c) => c.name === '„Fachkraft“')).toBe(true);
    expect(await store.listSegments(projectId)).toHaveLength(1);
  });

  it('create, rename and move a code', async () => {
    await roundTrip(() => createCode(deps, projectId, { name: 'Neu' }), /^Code »Neu« angelegt$/);
    const parent = await createCode(deps, projectId, { name: 'Eltern' });
    const code = (await store.listCodes(projectId)).find((c) => c.name === 'Neu')!;
    await roundTrip(() => updateCode(deps, projectId, code.id, { name: 'Umbenannt', version: code.version }), /Code »Umbenannt« geändert/);
    const renamed = (await store.listCodes(projectId)).find((c) => c.id === code.id)!;
    await roundTrip(() => moveCode(deps, projectId, code.id, { parentId: parent.id, version: renamed.version }), /Code »Umbenannt« verschoben/);
  });

  it('merge codes with segments that collapse', async () => {
    const a = await createCode(deps, projectId, { name: 'Kaffee' });
    const b = await createCode(deps, projectId, { name: 'Bewirtung' });
    await applyCode(deps, projectId, rita, { documentId: docId, codeId: a.id, start: 40, end: 62 });
    await applyCode(deps, projectId, rita, { documentId: docId, codeId: b.id, start: 40, end: 62 });
    await applyCode(deps, projectId, rita, { documentId: docId, codeId: a.id, start: 80, end: 108 });
    const [ca, cb] = [(await store.listCodes(projectId)).find((c) => c.id === a.id)!, (await store.listCodes(projectId)).find((c) => c.id === b.id)!];
    await roundTrip(async () => {
      const r = await mergeCodes(deps, projectId, { sourceId: a.id, targetId: b.id, sourceVersion: ca.version, targetVersion: cb.version });
      expect(r.collapsedSegments).toBe(1);
    }, /^Code »Kaffee« zusammengeführt$/);
  });

  it('a merge of many segments (read as one list) is one step', async () => {
    const a = await createCode(deps, projectId, { name: 'Viele' });
    const b = await createCode(deps, projectId, { name: 'Ziel' });
    for (let i = 0; i < 60; i++) await applyCode(deps, projectId, rita, { documentId: docId, codeId: a.id, start: i, end: i + 2 });
    await roundTrip(() => mergeCodes(deps, projectId, { sourceId: a.id, targetId: b.id, sourceVersion: 1, targetVersion: 1 }), /^Code »Viele« zusammengeführt$/);
    expect((await store.listSegments(projectId)).every((s) => s.codeId === b.id)).toBe(true);
  });

  it('delete a code with sub-codes and their segments', async () => {
    const parent = await createCode(deps, projectId, { name: 'Atmosphäre' });
    const child = await createCode(deps, projectId, { name: 'Herzlich', parentId: parent.id });
    await applyCode(deps, projectId, rita, { documentId: docId, codeId: child.id, start: 30, end: 38 });
    await applyCode(deps, projectId, rita, { documentId: docId, codeId: parent.id, start: 0, end: 38 });
    const p = (await store.listCodes(projectId)).find((c) => c.id === parent.id)!;
    await roundTrip(() => deleteCode(deps, projectId, parent.id, { version: p.version, segments: { action: 'delete' }, children: 'delete' }), /^Code »Atmosphäre« gelöscht$/);
  });

  it('an autocoding run is one step; its record goes and comes with it', async () => {
    const code = await createCode(deps, projectId, { name: 'Kaffee' });
    await roundTrip(async () => {
      const run = await applyAutocode(deps, projectId, rita, { query: 'Kaffee', codeId: code.id, unit: 'sentence' });
      expect(run.segments).toHaveLength(2);
    }, /^Autokodierung »Kaffee« \(2 Segmente\)$/);
  });
});

describe('the rules', () => {
  it('refuses with 409 naming the entity when someone else changed it since, and changes nothing', async () => {
    const code = await createCode(deps, projectId, { name: 'Begrüßung' });
    const seg = await applyCode(deps, projectId, rita, { documentId: docId, codeId: code.id, start: 4, end: 13 });
    await as(anna, () => updateSegment(deps, projectId, anna, seg.id, { end: 21, version: seg.version }));
    const before = await state();
    const err = await undo(deps, projectId, rita).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Conflict);
    expect((err as Conflict).message).toContain('coding "Begrüßung"');
    expect((err as Conflict).message).toContain(seg.id);
    expect((err as Conflict).current).toMatchObject({ kind: 'segment', id: seg.id, current: { version: 2 } });
    expect(await state()).toEqual(before);
    // The refused step leaves the history, so it does not block the older ones.
    expect((err as Conflict).message).toContain('The step was removed from your undo history');
    expect((await undoHistory(deps, projectId, rita)).undo?.label).toBe('Code »Begrüßung« angelegt');
    const discarded = (await store.listAudit(projectId, { limit: 1000, kind: 'project' })).at(-1);
    expect(discarded).toMatchObject({ action: 'step-discarded', step: 'discard', userId: 'rita', detail: 'undo refused' });
    // Someone else's deletion blocks a redo too.
    await as(anna, () => removeSegment(deps, projectId, anna, seg.id, 2));
    const c2 = await applyCode(deps, projectId, rita, { documentId: docId, codeId: code.id, start: 0, end: 3 });
    await undo(deps, projectId, rita);
    expect(await store.getSegment(projectId, c2.id)).toBeUndefined();
    await as(anna, () => deleteCode(deps, projectId, code.id, { version: 1, segments: { action: 'delete' }, children: 'lift' }));
    await expect(redo(deps, projectId, rita)).rejects.toBeInstanceOf(Conflict);
    expect(await undoHistory(deps, projectId, rita)).toMatchObject({ redo: null, redoDepth: 0 });
  });

  it('a new action clears the redo stack; nothing to undo or redo is a 409', async () => {
    const code = await createCode(deps, projectId, { name: 'A' });
    await applyCode(deps, projectId, rita, { documentId: docId, codeId: code.id, start: 0, end: 3 });
    await undo(deps, projectId, rita);
    expect((await undoHistory(deps, projectId, rita)).redoDepth).toBe(1);
    await applyCode(deps, projectId, rita, { documentId: docId, codeId: code.id, start: 4, end: 8 });
    const h = await undoHistory(deps, projectId, rita);
    expect(h).toMatchObject({ redo: null, redoDepth: 0, undoDepth: 2 });
    await expect(redo(deps, projectId, rita)).rejects.toThrow('nothing to redo');
    await undo(deps, projectId, rita);
    await undo(deps, projectId, rita);
    await expect(undo(deps, projectId, rita)).rejects.toThrow('nothing to undo');
    expect(await store.listCodes(projectId)).toEqual([]);
  });

  it(`keeps at most ${UNDO_DEPTH} steps`, async () => {
    const code = await createCode(deps, projectId, { name: 'A' });
    for (let i = 0; i < UNDO_DEPTH + 5; i++) await applyCode(deps, projectId, rita, { documentId: docId, codeId: code.id, start: i, end: i + 1 });
    expect((await undoHistory(deps, projectId, rita)).undoDepth).toBe(UNDO_DEPTH);
    for (let i = 0; i < UNDO_DEPTH; i++) await undo(deps, projectId, rita);
    await expect(undo(deps, projectId, rita)).rejects.toThrow('nothing to undo');
    // The code and the five oldest codings stay.
    expect(await store.listCodes(projectId)).toHaveLength(1);
    expect(await store.listSegments(projectId)).toHaveLength(5);
  });

  it('each user undoes only their own actions', async () => {
    const code = await createCode(deps, projectId, { name: 'A' });
    const mine = await applyCode(deps, projectId, rita, { documentId: docId, codeId: code.id, start: 0, end: 3 });
    const his = await as(otto, () => applyCode(deps, projectId, otto, { documentId: docId, codeId: code.id, start: 4, end: 8 }));
    await undo(deps, projectId, rita);
    expect(await store.getSegment(projectId, mine.id)).toBeUndefined();
    expect(await store.getSegment(projectId, his.id)).toBeDefined();
    expect((await undoHistory(deps, projectId, otto)).undo?.label).toBe('Kodierung »A« gesetzt');
    await undo(deps, projectId, otto);
    expect(await store.listSegments(projectId)).toEqual([]);
    // Rita's next undo is her code creation, not Otto's coding.
    expect((await undoHistory(deps, projectId, rita)).undo?.label).toBe('Code »A« angelegt');
  });

  it('an undo is audited as an undo of its commit and is not itself an undoable step', async () => {
    const code = await createCode(deps, projectId, { name: 'A' });
    const seg = await applyCode(deps, projectId, rita, { documentId: docId, codeId: code.id, start: 0, end: 3 });
    const result = await undo(deps, projectId, rita);
    const entries = await store.listAudit(projectId, { limit: 1000 });
    const coding = entries.find((e) => e.kind === 'segment' && e.action === 'created')!;
    expect(coding).toMatchObject({ step: 'action', userId: 'rita', before: null, after: { id: seg.id, version: 1 } });
    const undoEntry = entries.find((e) => e.change === result.change)!;
    expect(undoEntry).toMatchObject({ kind: 'segment', id: seg.id, action: 'deleted', step: 'undo', target: coding.change, userId: 'rita' });
    // The next undo is the code creation, not "undo the undo".
    expect(result.history.undo?.label).toBe('Code »A« angelegt');
    expect(result.history.undoDepth).toBe(1);
  });
});

describe('on disk', () => {
  it('the steps survive a restart (they are replayed from audit.jsonl)', async () => {
    const { dir, cleanup } = await tempDir();
    const open = async () => {
      const s = withAudit(await LowdbStore.open(dir), { log: new FileAuditLog(dir), currentActor: () => ({ userId: rita.userId }) });
      return { s, d: makeDeps(s) };
    };
    try {
      let { s, d } = await open();
      const pid = (await createProject(d, { name: 'Platte' })).id;
      const [document] = await addDocuments(d, pid, [{ title: 'P', kind: 'other', text: TEXT }]);
      const code = await createCode(d, pid, { name: 'Begrüßung' });
      const seg = await applyCode(d, pid, rita, { documentId: document!.id, codeId: code.id, start: 4, end: 13 });
      await s.close();
      ({ s, d } = await open());
      expect((await undoHistory(d, pid, rita)).undo?.label).toBe('Kodierung »Begrüßung« gesetzt');
      await undo(d, pid, rita);
      expect(await s.getSegment(pid, seg.id)).toBeUndefined();
      await s.close();
      ({ s, d } = await open());
      await redo(d, pid, rita);
      expect(await s.getSegment(pid, seg.id)).toMatchObject({ start: 4, end: 13, version: 1 });
      await s.close();
    } finally {
      await cleanup();
    }
  });
});
