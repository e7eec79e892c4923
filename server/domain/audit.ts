import { SERVER_AUDIT, type AuditEntry, type AuditImage, type AuditKind } from '../schemas/audit.js';
import type { Project } from '../schemas/project.js';
import type { User } from '../schemas/user.js';
import type { ChangeSet, EntityChanges, Store, VersionedRef } from './store.js';

/** Filters for reading the audit trail. */
export interface AuditQuery {
  /** Entries at or after this ISO timestamp. */
  since?: string;
  kind?: AuditKind;
  userId?: string;
  /** At most this many (the oldest first, or the newest first with `order: 'desc'`). */
  limit: number;
  /** Skip this many matching entries first (paging). */
  offset?: number;
  order?: 'asc' | 'desc';
}

/**
 * Where audit entries go: an append-only log per project, plus the server-wide log under the
 * pseudo project id `_server` (SERVER_AUDIT: users, sign-ins, project creation and deletion).
 * `append` resolves only when the entries are durable (the lowdb adapter fsyncs a JSON-lines file;
 * the memory one keeps an array). Entries carry the before/after images undo needs (domain/undo.ts).
 */
export interface AuditLog {
  append(projectId: string, entries: readonly AuditEntry[]): Promise<void>;
  list(projectId: string, query: AuditQuery): Promise<AuditEntry[]>;
}

/** How an undo or redo commit is marked in the trail (domain/undo.ts). */
export interface StepMeta {
  step: 'undo' | 'redo';
  /** The commit it inverts. */
  target: string;
  actor: { userId: string };
}

/** A store wrapped by `withAudit`: every commit leaves entries readable here. */
export interface AuditedStore extends Store {
  listAudit(projectId: string, query: AuditQuery): Promise<AuditEntry[]>;
  /** Record server-wide events (sign-ins) in the `_server` log. */
  recordServer(entries: readonly Omit<AuditEntry, 'at' | 'projectId'>[]): Promise<void>;
  /** A commit made by undo or redo: audited as such, never itself an undoable step. Returns its change id. */
  commitStep(projectId: string, change: ChangeSet, meta: StepMeta): Promise<string>;
  /** Record that an undo or redo of `meta.target` was refused: the step leaves the user's history. */
  discardStep(projectId: string, meta: StepMeta): Promise<void>;
}

export function isAuditedStore(store: Store): store is AuditedStore {
  return typeof (store as Partial<AuditedStore>).listAudit === 'function';
}

/** Apply a query to entries in log order (shared by the log adapters). */
export function filterAudit(entries: Iterable<AuditEntry>, query: AuditQuery): AuditEntry[] {
  const out: AuditEntry[] = [];
  const all = query.order === 'desc' ? [...entries].reverse() : entries;
  let skip = query.offset ?? 0;
  for (const e of all) {
    if (query.since !== undefined && e.at < query.since) continue;
    if (query.kind !== undefined && e.kind !== query.kind) continue;
    if (query.userId !== undefined && e.userId !== query.userId) continue;
    if (skip > 0) {
      skip--;
      continue;
    }
    out.push(e);
    if (out.length >= query.limit) break;
  }
  return out;
}

/** The in-memory audit log (tests, the memory store). */
export class MemoryAuditLog implements AuditLog {
  private readonly entries = new Map<string, AuditEntry[]>();

  append(projectId: string, entries: readonly AuditEntry[]): Promise<void> {
    const list = this.entries.get(projectId) ?? [];
    list.push(...entries.map((e) => ({ ...e })));
    this.entries.set(projectId, list);
    return Promise.resolve();
  }

  list(projectId: string, query: AuditQuery): Promise<AuditEntry[]> {
    return Promise.resolve(filterAudit(this.entries.get(projectId) ?? [], query));
  }
}

type Base = Pick<AuditEntry, 'at' | 'projectId' | 'userId'> & Pick<Partial<AuditEntry>, 'change' | 'step' | 'target'>;

/** Entity images before a commit, by kind and id (undefined = none taken: the commit is not undoable). */
export type BeforeImages = Partial<Record<'code' | 'segment' | 'memo' | 'set', Map<string, AuditImage>>>;

function nameOf(e: unknown): { name?: string } {
  const name = (e as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? { name } : {};
}

function entityEntries<T extends { id: string; version: number }>(kind: AuditKind, changes: EntityChanges<T> | undefined, base: Base, restore: boolean, before?: Map<string, AuditImage>): AuditEntry[] {
  const out: AuditEntry[] = [];
  // The version rule tells created from changed: a new entity has version 1 (a restore writes
  // entities as they were exported, so every put of a restore is a creation here).
  for (const e of changes?.put ?? []) {
    const images = before ? { before: before.get(e.id) ?? null, after: { ...e } as AuditImage } : {};
    out.push({ ...base, kind, id: e.id, action: restore || e.version === 1 ? 'created' : 'changed', version: e.version, ...nameOf(e), ...(restore ? { restored: true } : {}), ...images });
  }
  for (const r of changes?.delete ?? []) {
    const was = before?.get(r.id);
    out.push({ ...base, kind, id: r.id, action: 'deleted', version: r.version, ...nameOf(was), ...(before ? { before: was ?? null, after: null } : {}) });
  }
  return out;
}

/** Fields of the project record an undoable commit may change (arrays of items with ids). */
export const UNDOABLE_PROJECT_FIELDS: readonly string[] = ['crosswalk', 'autocodeRuns'];

/** The fields of the project record that differ between two versions (not `version`). */
export function changedProjectFields(before: Project | undefined, after: Project): string[] {
  const a = after as Record<string, unknown>;
  const b = (before ?? {}) as Record<string, unknown>;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  keys.delete('version');
  return [...keys].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).sort();
}

/**
 * Whether a commit is one undoable user action: a signed-in user, no restore, no documents (their
 * texts are large and immutable; deleting a document is not undone), and of the project record only
 * the crosswalk and the autocoding runs.
 */
export function isUndoable(change: ChangeSet, before: Project | undefined, userId: string | undefined): boolean {
  if (userId === undefined || change.restore === true || change.documents) return false;
  if (change.project && !changedProjectFields(before, change.project).every((f) => UNDOABLE_PROJECT_FIELDS.includes(f))) return false;
  return Boolean(change.codes ?? change.segments ?? change.memos ?? change.sets ?? change.project);
}

/** Created / changed / deleted items of an array field of the project record (forms, requirements), by id. */
function itemEntries(kind: AuditKind, before: readonly { id: string }[] | undefined, after: readonly { id: string }[] | undefined, base: Base): AuditEntry[] {
  const old = new Map((before ?? []).map((x) => [x.id, JSON.stringify(x)]));
  const out: AuditEntry[] = [];
  for (const x of after ?? []) {
    const was = old.get(x.id);
    if (was === undefined) out.push({ ...base, kind, id: x.id, action: 'created' });
    else if (was !== JSON.stringify(x)) out.push({ ...base, kind, id: x.id, action: 'changed' });
    old.delete(x.id);
  }
  for (const id of old.keys()) out.push({ ...base, kind, id, action: 'deleted' });
  return out;
}

/**
 * The audit entries a committed change implies. Pure: `before` is the project record as it was
 * before the commit (for a project change: which fields, forms and requirements changed).
 */
export function auditEntries(projectId: string, change: ChangeSet, before: Project | undefined, base: Omit<Base, 'projectId'>, images?: BeforeImages): AuditEntry[] {
  const b: Base = { ...base, projectId };
  const restore = change.restore === true;
  const out: AuditEntry[] = [];
  if (change.project) {
    const fields = changedProjectFields(before, change.project);
    // Undo images of the project record: only the changed fields.
    const pick = (p: Project | undefined): AuditImage => Object.fromEntries(fields.map((f) => [f, (p as Record<string, unknown> | undefined)?.[f] ?? null]));
    const projectImages = images ? { before: pick(before), after: pick(change.project) } : {};
    out.push({ ...b, kind: 'project', id: projectId, action: 'changed', version: change.project.version, fields, ...projectImages });
    out.push(...itemEntries('form', before?.forms, change.project.forms, b));
    out.push(...itemEntries('requirement', before?.requirements, change.project.requirements, b));
  }
  out.push(...entityEntries('document', change.documents, b, restore));
  out.push(...entityEntries('code', change.codes, b, restore, images?.code));
  out.push(...entityEntries('segment', change.segments, b, restore, images?.segment));
  out.push(...entityEntries('memo', change.memos, b, restore, images?.memo));
  out.push(...entityEntries('set', change.sets, b, restore, images?.set));
  return out;
}

/** The entity images before a commit, for every entity it changes or deletes (creations have none). */
async function beforeImages(store: Store, projectId: string, change: ChangeSet): Promise<BeforeImages> {
  const touched = <T extends { id: string; version: number }>(c: EntityChanges<T> | undefined): Set<string> => new Set([...(c?.put ?? []).filter((e) => e.version !== 1).map((e) => e.id), ...(c?.delete ?? []).map((r: VersionedRef) => r.id)]);
  const images = (list: readonly { id: string }[], ids: Set<string>): Map<string, AuditImage> => new Map(list.filter((e) => ids.has(e.id)).map((e) => [e.id, { ...e } as AuditImage]));
  const out: BeforeImages = {};
  const codes = touched(change.codes);
  out.code = codes.size > 0 ? images(await store.listCodes(projectId), codes) : new Map();
  const memos = touched(change.memos);
  out.memo = memos.size > 0 ? images(await store.listMemos(projectId), memos) : new Map();
  const sets = touched(change.sets);
  out.set = sets.size > 0 ? images(await store.listSets(projectId), sets) : new Map();
  out.segment = new Map();
  const segments = touched(change.segments);
  // One read per segment for a few (a coding), one list for many (a merge): cheap for every adapter.
  if (segments.size > 50) out.segment = images(await store.listSegments(projectId), segments);
  else
    for (const id of segments) {
      const s = await store.getSegment(projectId, id);
      if (s) out.segment.set(id, { ...s } as AuditImage);
    }
  return out;
}

/** The audit entry of a user put (created or changed: which fields, never the password hash). */
export function userEntry(before: User | undefined, after: User, base: Pick<AuditEntry, 'at' | 'userId'>): AuditEntry {
  const fields = before
    ? (['login', 'displayName', 'role', 'passwordHash'] as const).filter((f) => before[f] !== after[f]).map((f) => (f === 'passwordHash' ? 'password' : f))
    : undefined;
  return { ...base, projectId: SERVER_AUDIT, kind: 'user', id: after.id, action: before ? 'changed' : 'created', version: after.version, name: after.login, role: after.role, ...(fields ? { fields } : {}) };
}

export interface AuditOptions {
  log: AuditLog;
  /** Who acts when the ChangeSet names no actor (the HTTP request context); undefined = nobody. */
  currentActor?: () => { userId: string } | undefined;
  now?: () => string;
  /** Change ids (one per commit); default random UUIDs. */
  newId?: () => string;
}

/**
 * Wrap a store so every commit is recorded in the audit trail, without the domain knowing: the
 * entries are derived from the ChangeSet and written (durably) after the commit succeeded, before
 * its promise resolves. Commits through the wrapper are serialised, so the entries are in commit
 * order and the "before" state of a project change is exact.
 */
export function withAudit(store: Store, options: AuditOptions): AuditedStore {
  return new AuditStore(store, options);
}

class AuditStore implements AuditedStore {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly now: () => string;
  private readonly newId: () => string;

  constructor(
    readonly inner: Store,
    private readonly options: AuditOptions,
  ) {
    this.now = options.now ?? (() => new Date().toISOString());
    this.newId = options.newId ?? (() => globalThis.crypto.randomUUID());
  }

  /** Run `task` after every earlier commit or record, so entries are in order. */
  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  get kind(): string {
    return this.inner.kind;
  }

  commit(projectId: string, change: ChangeSet): Promise<void> {
    // Read the actor now, in the caller's (request's) context, not later in the queue's.
    const actor = change.actor ?? this.options.currentActor?.();
    return this.serial(async () => {
      await this.commitNow(projectId, change, actor, undefined);
    });
  }

  commitStep(projectId: string, change: ChangeSet, meta: StepMeta): Promise<string> {
    return this.serial(() => this.commitNow(projectId, change, meta.actor, meta));
  }

  private async commitNow(projectId: string, change: ChangeSet, actor: { userId: string } | undefined, meta: StepMeta | undefined): Promise<string> {
    const before = change.project ? await this.inner.getProject(projectId) : undefined;
    // Undo and redo commits keep images too: redo inverts the undo commit (domain/undo.ts).
    const undoable = isUndoable(change, before, actor?.userId);
    const images = undoable ? await beforeImages(this.inner, projectId, change) : undefined;
    await this.inner.commit(projectId, change);
    const id = this.newId();
    const step: AuditEntry['step'] = meta?.step ?? (undoable ? 'action' : undefined);
    const base: Omit<Base, 'projectId'> = { at: this.now(), userId: actor?.userId ?? null, change: id, ...(step ? { step } : {}), ...(meta ? { target: meta.target } : {}) };
    const entries = auditEntries(projectId, change, before, base, images);
    if (entries.length > 0) await this.options.log.append(projectId, entries);
    return id;
  }

  listAudit(projectId: string, query: AuditQuery): Promise<AuditEntry[]> {
    return this.options.log.list(projectId, query);
  }

  discardStep(projectId: string, meta: StepMeta): Promise<void> {
    return this.serial(() =>
      this.options.log.append(projectId, [
        { at: this.now(), projectId, userId: meta.actor.userId, kind: 'project', id: projectId, action: 'step-discarded', detail: `${meta.step} refused`, change: this.newId(), step: 'discard', target: meta.target },
      ]),
    );
  }

  recordServer(entries: readonly Omit<AuditEntry, 'at' | 'projectId'>[]): Promise<void> {
    return this.serial(() => this.options.log.append(SERVER_AUDIT, entries.map((e) => ({ at: this.now(), projectId: SERVER_AUDIT, ...e }))));
  }

  private actorId(): string | null {
    return this.options.currentActor?.()?.userId ?? null;
  }

  close = (): Promise<void> => this.inner.close();
  listUsers: Store['listUsers'] = () => this.inner.listUsers();
  getUser: Store['getUser'] = (id) => this.inner.getUser(id);
  findUserByLogin: Store['findUserByLogin'] = (login) => this.inner.findUserByLogin(login);
  listProjects: Store['listProjects'] = () => this.inner.listProjects();
  getProject: Store['getProject'] = (id) => this.inner.getProject(id);

  // Users and projects are server-wide: their changes go to the `_server` log.
  putUser: Store['putUser'] = (user) => {
    const userId = this.actorId();
    return this.serial(async () => {
      const before = await this.inner.getUser(user.id);
      await this.inner.putUser(user);
      await this.options.log.append(SERVER_AUDIT, [userEntry(before, user, { at: this.now(), userId })]);
    });
  };
  deleteUser: Store['deleteUser'] = (ref) => {
    const userId = this.actorId();
    return this.serial(async () => {
      const before = await this.inner.getUser(ref.id);
      await this.inner.deleteUser(ref);
      await this.options.log.append(SERVER_AUDIT, [{ at: this.now(), projectId: SERVER_AUDIT, userId, kind: 'user', id: ref.id, action: 'deleted', version: ref.version, ...(before ? { name: before.login, role: before.role } : {}) }]);
    });
  };
  createProject: Store['createProject'] = (project) => {
    const userId = this.actorId();
    return this.serial(async () => {
      await this.inner.createProject(project);
      await this.options.log.append(SERVER_AUDIT, [{ at: this.now(), projectId: SERVER_AUDIT, userId, kind: 'project', id: project.id, action: 'created', name: project.name }]);
    });
  };
  deleteProject: Store['deleteProject'] = (id) => {
    const userId = this.actorId();
    return this.serial(async () => {
      const before = await this.inner.getProject(id);
      await this.inner.deleteProject(id);
      await this.options.log.append(SERVER_AUDIT, [{ at: this.now(), projectId: SERVER_AUDIT, userId, kind: 'project', id, action: 'deleted', ...(before ? { name: before.name } : {}) }]);
    });
  };
  listDocuments: Store['listDocuments'] = (projectId) => this.inner.listDocuments(projectId);
  getDocument: Store['getDocument'] = (projectId, id) => this.inner.getDocument(projectId, id);
  listCodes: Store['listCodes'] = (projectId) => this.inner.listCodes(projectId);
  listSegments: Store['listSegments'] = (projectId, filter) => this.inner.listSegments(projectId, filter);
  getSegment: Store['getSegment'] = (projectId, id) => this.inner.getSegment(projectId, id);
  listMemos: Store['listMemos'] = (projectId) => this.inner.listMemos(projectId);
  listSets: Store['listSets'] = (projectId) => this.inner.listSets(projectId);
}

/**
 * Record a server-wide event (sign-in, sign-out) when the store is audited; a no-op otherwise
 * (`createApp` works with any store). Never pass passwords or session tokens.
 */
export async function recordServerEvent(store: Store, entry: Omit<AuditEntry, 'at' | 'projectId'>): Promise<void> {
  if (isAuditedStore(store)) await store.recordServer([entry]);
}
