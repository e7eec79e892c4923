/**
 * Undo and redo of a user's own recent actions (issue 9, item 3), built on the audit trail.
 *
 * Every undoable commit (domain/audit.ts `isUndoable`: coding, code changes, moves, merges and
 * deletions, memos, sets, autocoding runs) is recorded with the before and after image of every
 * entity it changed, all entries sharing one change id: one user action = one commit = one step.
 * The stacks are not stored: they are replayed from the user's entries in the project's trail
 * (`action` pushes onto the undo stack and clears the redo stack; `undo` of X moves X to the redo
 * stack as the undo commit; `redo` of that moves it back), so they survive a restart and work with
 * every AuditLog adapter.
 *
 * Undo and redo are the same operation: invert a commit Y. Every entity Y touched must still be as
 * Y left it (stored version = the after image's version; absent if Y deleted it), else 409 naming
 * the entity – someone else's later work is never overwritten. Then one new commit writes the
 * before images: a put with stored version + 1, a re-creation (version 1) of what Y deleted, a
 * delete of what Y created. Redo inverts the undo commit, undo after a redo inverts the redo commit.
 */
import { CodeSchema } from '../schemas/code.js';
import { DocumentSetSchema } from '../schemas/document-set.js';
import { MemoSchema } from '../schemas/memo.js';
import { ProjectSchema, type Project } from '../schemas/project.js';
import { SegmentSchema } from '../schemas/segment.js';
import type { AuditEntry, AuditImage, UndoHistory, UndoPreview, UndoResult } from '../schemas/audit.js';
import type { Code } from '../schemas/code.js';
import type { AuditedStore } from './audit.js';
import type { Actor, Deps } from './deps.js';
import { Conflict, InvalidInput, NotFound } from './errors.js';
import type { ChangeSet, EntityChanges } from './store.js';

/** How many steps a user can undo per project. */
export const UNDO_DEPTH = 50;

interface Step {
  change: string;
  at: string;
  step: 'action' | 'undo' | 'redo' | 'discard';
  target: string | undefined;
  entries: AuditEntry[];
}

interface Stacks {
  undo: Step[];
  redo: Step[];
  steps: Map<string, Step>;
}

function auditedStore(deps: Deps): AuditedStore {
  const store = deps.store as Partial<AuditedStore>;
  if (typeof store.commitStep !== 'function' || typeof store.listAudit !== 'function') throw new NotFound('undo needs the audit trail, which is not enabled on this server');
  return store as AuditedStore;
}

/** Replay the user's steps in the project's trail into the two stacks. */
async function readStacks(store: AuditedStore, projectId: string, userId: string): Promise<Stacks> {
  const entries = await store.listAudit(projectId, { userId, limit: Number.MAX_SAFE_INTEGER });
  const steps = new Map<string, Step>();
  for (const e of entries) {
    if (e.step === undefined || e.change === undefined) continue;
    const known = steps.get(e.change);
    if (known) known.entries.push(e);
    else steps.set(e.change, { change: e.change, at: e.at, step: e.step, target: e.target, entries: [e] });
  }
  let undo: Step[] = [];
  let redo: Step[] = [];
  for (const s of steps.values()) {
    if (s.step === 'action') {
      undo.push(s);
      redo = [];
    } else if (s.step === 'discard') {
      undo = undo.filter((x) => x.change !== s.target);
      redo = redo.filter((x) => x.change !== s.target);
    } else if (s.step === 'undo') {
      undo = undo.filter((x) => x.change !== s.target);
      redo.push(s);
    } else {
      redo = redo.filter((x) => x.change !== s.target);
      undo.push(s);
    }
    if (undo.length > UNDO_DEPTH) undo = undo.slice(-UNDO_DEPTH);
  }
  return { undo, redo, steps };
}

/** The user action a step ultimately goes back to (an undo of a redo of … an action). */
function originalOf(step: Step, steps: Map<string, Step>): Step {
  let s = step;
  for (let i = 0; i < 1000 && s.step !== 'action' && s.target !== undefined; i++) {
    const t = steps.get(s.target);
    if (!t) break;
    s = t;
  }
  return s;
}

type Img = Record<string, unknown>;
const img = (x: AuditImage | undefined): Img | null => (x === undefined ? null : x);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** A readable description of an action from its entries (the UI translates `action`; `label` is German). */
export function describeStep(step: Step, codes: readonly Code[]): Omit<UndoPreview, 'change' | 'at'> {
  const names = new Map(codes.map((c) => [c.id, c.name]));
  for (const e of step.entries) if (e.kind === 'code') for (const x of [img(e.before), img(e.after)]) if (x && str(x['name'])) names.set(e.id, str(x['name']) as string);
  const of = (kind: string, action?: string) => step.entries.filter((e) => e.kind === kind && (action === undefined || e.action === action));
  const segCode = (e: AuditEntry): string | undefined => {
    const id = str((img(e.after) ?? img(e.before))?.['codeId']);
    return id === undefined ? undefined : names.get(id);
  };
  const codeName = (e: AuditEntry | undefined): string | undefined => (e ? (names.get(e.id) ?? e.name) : undefined);
  const project = of('project')[0];
  const segs = of('segment');
  const created = of('segment', 'created');
  const deletedCodes = of('code', 'deleted');
  let action: UndoPreview['action'] = 'other';
  let name: string | undefined;
  let count = step.entries.length;
  if (project?.fields?.includes('autocodeRuns') && created.length > 0) {
    action = 'autocode';
    name = segCode(created[0] as AuditEntry);
    count = created.length;
  } else if (deletedCodes.length > 0) {
    // A merge moves segments to another code; a deletion at most lifts them to the parent.
    const gone = new Set(deletedCodes.map((e) => e.id));
    const parents = new Set(deletedCodes.map((e) => str(img(e.before)?.['parentId'])));
    const movedTo = segs.filter((e) => e.action === 'changed').map((e) => str(img(e.after)?.['codeId']));
    action = movedTo.some((id) => id !== undefined && !gone.has(id) && !parents.has(id)) ? 'merge-codes' : 'delete-code';
    name = codeName(deletedCodes[0]);
    count = deletedCodes.length;
  } else if (segs.length > 0 && (of('code').length === 0 || (of('code').every((e) => e.action === 'created') && segs.every((e) => e.action === 'created')))) {
    // Plain coding – or in-vivo coding, which creates the code with its first segment.
    const first = segs[0] as AuditEntry;
    action = segs.every((e) => e.action === 'created') ? 'code-segment' : segs.every((e) => e.action === 'deleted') ? 'uncode-segment' : 'change-segment';
    name = segCode(first);
    count = segs.length;
  } else if (of('code').length > 0) {
    const codeEntries = of('code');
    // A move renumbers siblings too: name the code whose parent changed, else the first.
    const reparented = codeEntries.find((e) => e.action === 'changed' && img(e.before)?.['parentId'] !== img(e.after)?.['parentId']);
    const first = reparented ?? (codeEntries[0] as AuditEntry);
    const moved = codeEntries.some((e) => e.action === 'changed' && (img(e.before)?.['parentId'] !== img(e.after)?.['parentId'] || img(e.before)?.['order'] !== img(e.after)?.['order']));
    action = codeEntries.every((e) => e.action === 'created') && segs.length === 0 ? 'create-code' : moved ? 'move-code' : 'change-code';
    name = codeName(first);
    count = codeEntries.length;
  } else if (of('memo').length > 0) {
    action = 'memo';
    count = of('memo').length;
  } else if (of('set').length > 0) {
    action = 'set';
    name = of('set')[0]?.name;
    count = of('set').length;
  } else if (project?.fields?.includes('crosswalk')) {
    action = 'crosswalk';
    count = 1;
  }
  return { action, ...(name !== undefined ? { name } : {}), count, label: germanLabel(action, name, count) };
}

function germanLabel(action: UndoPreview['action'], name: string | undefined, count: number): string {
  const q = name !== undefined ? ` »${name}«` : '';
  const many = count > 1 ? `${count} ` : '';
  switch (action) {
    case 'code-segment':
      return `${many}${count > 1 ? 'Kodierungen' : 'Kodierung'}${q} gesetzt`;
    case 'uncode-segment':
      return `${many}${count > 1 ? 'Kodierungen' : 'Kodierung'}${q} entfernt`;
    case 'change-segment':
      return `${many}${count > 1 ? 'Kodierungen' : 'Kodierung'}${q} geändert`;
    case 'create-code':
      return `Code${q} angelegt`;
    case 'change-code':
      return `Code${q} geändert`;
    case 'move-code':
      return `Code${q} verschoben`;
    case 'delete-code':
      return `Code${q} gelöscht`;
    case 'merge-codes':
      return `Code${q} zusammengeführt`;
    case 'autocode':
      return `Autokodierung${q} (${count} ${count === 1 ? 'Segment' : 'Segmente'})`;
    case 'memo':
      return 'Memo geändert';
    case 'set':
      return `Dokumentgruppe${q} geändert`;
    case 'crosswalk':
      return 'Crosswalk geändert';
    case 'other':
      return 'Änderung';
  }
}

function preview(step: Step | undefined, stacks: Stacks, codes: readonly Code[]): UndoPreview | null {
  if (!step) return null;
  const original = originalOf(step, stacks.steps);
  return { change: step.change, at: step.at, ...describeStep(original, codes) };
}

function historyOf(stacks: Stacks, codes: readonly Code[]): UndoHistory {
  return { undo: preview(stacks.undo.at(-1), stacks, codes), redo: preview(stacks.redo.at(-1), stacks, codes), undoDepth: stacks.undo.length, redoDepth: stacks.redo.length };
}

/** What the user's next undo and redo in the project would do. */
export async function undoHistory(deps: Deps, projectId: string, actor: Pick<Actor, 'userId'>): Promise<UndoHistory> {
  const store = auditedStore(deps);
  return historyOf(await readStacks(store, projectId, actor.userId), await store.listCodes(projectId));
}

const KIND_LABEL: Record<string, string> = { code: 'code', segment: 'coding', memo: 'memo', set: 'document set' };

/** Build the commit that inverts `step` (every entity must still be as the step left it). */
async function inverse(deps: Deps, projectId: string, step: Step, codes: readonly Code[]): Promise<ChangeSet> {
  const store = deps.store;
  const now = deps.now();
  const current: Record<'code' | 'segment' | 'memo' | 'set', Map<string, { id: string; version: number }>> = {
    code: new Map(codes.map((c) => [c.id, c])),
    segment: new Map(),
    memo: new Map(),
    set: new Map(),
  };
  const kinds = new Set(step.entries.map((e) => e.kind));
  if (kinds.has('memo')) current.memo = new Map((await store.listMemos(projectId)).map((m) => [m.id, m]));
  if (kinds.has('set')) current.set = new Map((await store.listSets(projectId)).map((s) => [s.id, s]));
  const segmentIds = new Set(step.entries.filter((e) => e.kind === 'segment').map((e) => e.id));
  if (segmentIds.size > 50) current.segment = new Map((await store.listSegments(projectId)).filter((s) => segmentIds.has(s.id)).map((s) => [s.id, s]));
  else
    for (const id of segmentIds) {
      const s = await store.getSegment(projectId, id);
      if (s) current.segment.set(id, s);
    }
  const names = new Map(codes.map((c) => [c.id, c.name]));
  const nameOf = (e: AuditEntry): string => {
    const image = img(e.after) ?? img(e.before);
    const n = e.kind === 'segment' ? names.get(str(image?.['codeId']) ?? '') : (str(image?.['name']) ?? e.name);
    return n !== undefined ? `${KIND_LABEL[e.kind] ?? e.kind} "${n}" (${e.id})` : `${KIND_LABEL[e.kind] ?? e.kind} ${e.id}`;
  };
  const parsers = { code: CodeSchema, segment: SegmentSchema, memo: MemoSchema, set: DocumentSetSchema } as const;
  const changes: Record<'code' | 'segment' | 'memo' | 'set', { put: unknown[]; delete: { id: string; version: number }[] }> = {
    code: { put: [], delete: [] },
    segment: { put: [], delete: [] },
    memo: { put: [], delete: [] },
    set: { put: [], delete: [] },
  };
  let project: Project | undefined;
  for (const e of step.entries) {
    if (e.before === undefined || e.after === undefined) continue;
    if (e.kind === 'project') {
      project = invertProject(project ?? (await store.getProject(projectId)), e);
      continue;
    }
    if (e.kind !== 'code' && e.kind !== 'segment' && e.kind !== 'memo' && e.kind !== 'set') continue;
    const now_ = current[e.kind].get(e.id);
    const after = img(e.after);
    const stale = after === null ? now_ !== undefined : now_?.version !== after['version'];
    if (stale) {
      throw new Conflict(`cannot undo or redo: the ${nameOf(e)} was changed by someone since; nothing was changed`, { kind: e.kind, id: e.id, current: now_ ?? null });
    }
    const before = img(e.before);
    if (before === null) {
      if (now_) changes[e.kind].delete.push({ id: e.id, version: now_.version });
      continue;
    }
    const parsed = parsers[e.kind].safeParse(before);
    if (!parsed.success) throw new InvalidInput(`the recorded ${nameOf(e)} cannot be restored: ${parsed.error.message}`);
    const value = { ...parsed.data, version: now_ ? now_.version + 1 : 1 } as Record<string, unknown>;
    if ('modified' in value) value['modified'] = now;
    changes[e.kind].put.push(value);
  }
  const part = <T>(c: { put: unknown[]; delete: { id: string; version: number }[] }): EntityChanges<T> | undefined =>
    c.put.length + c.delete.length === 0 ? undefined : { ...(c.put.length > 0 ? { put: c.put as T[] } : {}), ...(c.delete.length > 0 ? { delete: c.delete } : {}) };
  const change: ChangeSet = {};
  const codesPart = part<Code>(changes.code);
  if (codesPart) change.codes = codesPart;
  const segmentsPart = part<NonNullable<ChangeSet['segments']>['put'] extends (infer S)[] | undefined ? S : never>(changes.segment);
  if (segmentsPart) change.segments = segmentsPart;
  const memosPart = part<NonNullable<ChangeSet['memos']>['put'] extends (infer S)[] | undefined ? S : never>(changes.memo);
  if (memosPart) change.memos = memosPart;
  const setsPart = part<NonNullable<ChangeSet['sets']>['put'] extends (infer S)[] | undefined ? S : never>(changes.set);
  if (setsPart) change.sets = setsPart;
  if (project) change.project = project;
  return change;
}

/**
 * The project record with the step's fields put back (item by item for arrays of items with ids:
 * crosswalk rows, autocoding runs, so someone else's new row or run stays). Refuses when an item the
 * step touched was changed since.
 */
function invertProject(project: Project | undefined, e: AuditEntry): Project {
  if (!project) throw new NotFound(`project ${e.projectId} not found`);
  const before = img(e.before) ?? {};
  const after = img(e.after) ?? {};
  const next: Record<string, unknown> = { ...project };
  for (const field of e.fields ?? []) {
    const was = before[field] ?? null;
    const left = after[field] ?? null;
    const now = (project as Record<string, unknown>)[field] ?? null;
    const items = (v: unknown): Map<string, string> | undefined =>
      Array.isArray(v) && v.every((x) => typeof (x as { id?: unknown } | null)?.id === 'string') ? new Map(v.map((x: { id: string }) => [x.id, JSON.stringify(x)])) : v === null ? new Map() : undefined;
    const [b, a, n] = [items(was), items(left), items(now)];
    if (b && a && n) {
      const ids = new Set([...b.keys(), ...a.keys()]);
      for (const id of ids) {
        if (b.get(id) === a.get(id)) continue;
        if (n.get(id) !== a.get(id)) throw new Conflict(`cannot undo or redo: ${field} item ${id} of the project was changed by someone since; nothing was changed`, { kind: 'project', field, id });
      }
      const beforeItems = new Map(((was ?? []) as { id: string }[]).map((x) => [x.id, x]));
      const out: unknown[] = [];
      for (const x of (now ?? []) as { id: string }[]) {
        if (!ids.has(x.id) || b.get(x.id) === a.get(x.id)) out.push(x);
        else if (beforeItems.has(x.id)) out.push(beforeItems.get(x.id));
      }
      for (const [id, x] of beforeItems) if (!a.has(id) && !n.has(id)) out.push(x);
      next[field] = out;
    } else {
      if (JSON.stringify(now) !== JSON.stringify(left)) throw new Conflict(`cannot undo or redo: the project's ${field} was changed by someone since; nothing was changed`, { kind: 'project', field });
      next[field] = was;
    }
  }
  return ProjectSchema.parse({ ...next, version: project.version + 1 });
}

/** One lock per store and project: an undo reads its stacks and the entities, then commits. */
const locks = new WeakMap<object, Map<string, Promise<unknown>>>();

function exclusive<T>(store: object, projectId: string, task: () => Promise<T>): Promise<T> {
  const byProject = locks.get(store) ?? new Map<string, Promise<unknown>>();
  locks.set(store, byProject);
  const run = (byProject.get(projectId) ?? Promise.resolve()).then(task);
  byProject.set(
    projectId,
    run.catch(() => undefined),
  );
  return run;
}

async function invertTop(deps: Deps, projectId: string, actor: Pick<Actor, 'userId'>, which: 'undo' | 'redo'): Promise<UndoResult> {
  const store = auditedStore(deps);
  return exclusive(store, projectId, async () => {
    const stacks = await readStacks(store, projectId, actor.userId);
    const top = (which === 'undo' ? stacks.undo : stacks.redo).at(-1);
    if (!top) throw new Conflict(which === 'undo' ? 'nothing to undo' : 'nothing to redo');
    // Read once: the lock keeps the codes as they are until the step's commit.
    const codes = await store.listCodes(projectId);
    const done = preview(top, stacks, codes) as UndoPreview;
    const meta = { step: which, target: top.change, actor: { userId: actor.userId } };
    let id: string;
    try {
      id = await store.commitStep(projectId, await inverse(deps, projectId, top, codes), meta);
    } catch (e) {
      // The store guards references too: what the step would bring back may refer to something
      // deleted since. Either way the step cannot be taken any more: it leaves the history, so it
      // does not block the older ones, and the user is told which entity stood in the way.
      const refused = e instanceof Conflict ? e : e instanceof NotFound || e instanceof InvalidInput ? new Conflict(`cannot ${which}: ${e.message} (changed by someone since); nothing was changed`) : undefined;
      if (!refused) throw e;
      await store.discardStep(projectId, meta);
      throw new Conflict(`${refused.message}. The step was removed from your ${which} history.`, refused.current);
    }
    const after = await readStacks(store, projectId, actor.userId);
    return { change: id, done, history: historyOf(after, await store.listCodes(projectId)) };
  });
}

/** Undo the user's last action in the project (one commit; 409 naming the entity if it was changed since). */
export function undo(deps: Deps, projectId: string, actor: Pick<Actor, 'userId'>): Promise<UndoResult> {
  return invertTop(deps, projectId, actor, 'undo');
}

/** Redo the user's last undone action (one commit; 409 naming the entity if it was changed since). */
export function redo(deps: Deps, projectId: string, actor: Pick<Actor, 'userId'>): Promise<UndoResult> {
  return invertTop(deps, projectId, actor, 'redo');
}
