import type { AuditEntry, AuditKind } from '../schemas/audit.js';
import type { Project } from '../schemas/project.js';
import type { ChangeSet, EntityChanges, Store } from './store.js';

/** Filters for reading the audit trail. */
export interface AuditQuery {
  /** Entries at or after this ISO timestamp. */
  since?: string;
  kind?: AuditKind;
  userId?: string;
  /** At most this many (the oldest first). */
  limit: number;
}

/**
 * Where audit entries go: an append-only log per project. `append` resolves only when the entries
 * are durable (the lowdb adapter fsyncs a JSON-lines file; the memory one keeps an array).
 */
export interface AuditLog {
  append(projectId: string, entries: readonly AuditEntry[]): Promise<void>;
  list(projectId: string, query: AuditQuery): Promise<AuditEntry[]>;
}

/** A store wrapped by `withAudit`: every commit leaves entries readable here. */
export interface AuditedStore extends Store {
  listAudit(projectId: string, query: AuditQuery): Promise<AuditEntry[]>;
}

export function isAuditedStore(store: Store): store is AuditedStore {
  return typeof (store as Partial<AuditedStore>).listAudit === 'function';
}

/** Apply a query to entries in log order (shared by the log adapters). */
export function filterAudit(entries: Iterable<AuditEntry>, query: AuditQuery): AuditEntry[] {
  const out: AuditEntry[] = [];
  for (const e of entries) {
    if (query.since !== undefined && e.at < query.since) continue;
    if (query.kind !== undefined && e.kind !== query.kind) continue;
    if (query.userId !== undefined && e.userId !== query.userId) continue;
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

type Base = Pick<AuditEntry, 'at' | 'projectId' | 'userId'>;

function entityEntries<T extends { id: string; version: number }>(kind: AuditKind, changes: EntityChanges<T> | undefined, base: Base, restore: boolean): AuditEntry[] {
  const out: AuditEntry[] = [];
  // The version rule tells created from changed: a new entity has version 1 (a restore writes
  // entities as they were exported, so every put of a restore is a creation here).
  for (const e of changes?.put ?? []) out.push({ ...base, kind, id: e.id, action: restore || e.version === 1 ? 'created' : 'changed', version: e.version, ...(restore ? { restored: true } : {}) });
  for (const r of changes?.delete ?? []) out.push({ ...base, kind, id: r.id, action: 'deleted', version: r.version });
  return out;
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
export function auditEntries(projectId: string, change: ChangeSet, before: Project | undefined, base: Omit<Base, 'projectId'>): AuditEntry[] {
  const b: Base = { ...base, projectId };
  const restore = change.restore === true;
  const out: AuditEntry[] = [];
  if (change.project) {
    const after = change.project as Record<string, unknown>;
    const prev = (before ?? {}) as Record<string, unknown>;
    const keys = new Set([...Object.keys(after), ...Object.keys(prev)]);
    keys.delete('version');
    const fields = [...keys].filter((k) => JSON.stringify(after[k]) !== JSON.stringify(prev[k])).sort();
    out.push({ ...b, kind: 'project', id: projectId, action: 'changed', version: change.project.version, fields });
    out.push(...itemEntries('form', before?.forms, change.project.forms, b));
    out.push(...itemEntries('requirement', before?.requirements, change.project.requirements, b));
  }
  out.push(...entityEntries('document', change.documents, b, restore));
  out.push(...entityEntries('code', change.codes, b, restore));
  out.push(...entityEntries('segment', change.segments, b, restore));
  out.push(...entityEntries('memo', change.memos, b, restore));
  out.push(...entityEntries('set', change.sets, b, restore));
  return out;
}

export interface AuditOptions {
  log: AuditLog;
  /** Who acts when the ChangeSet names no actor (the HTTP request context); undefined = nobody. */
  currentActor?: () => { userId: string } | undefined;
  now?: () => string;
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

  constructor(
    readonly inner: Store,
    private readonly options: AuditOptions,
  ) {
    this.now = options.now ?? (() => new Date().toISOString());
  }

  get kind(): string {
    return this.inner.kind;
  }

  commit(projectId: string, change: ChangeSet): Promise<void> {
    // Read the actor now, in the caller's (request's) context, not later in the queue's.
    const actor = change.actor ?? this.options.currentActor?.();
    const run = this.queue.then(async () => {
      const before = change.project ? await this.inner.getProject(projectId) : undefined;
      await this.inner.commit(projectId, change);
      const entries = auditEntries(projectId, change, before, { at: this.now(), userId: actor?.userId ?? null });
      if (entries.length > 0) await this.options.log.append(projectId, entries);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  listAudit(projectId: string, query: AuditQuery): Promise<AuditEntry[]> {
    return this.options.log.list(projectId, query);
  }

  close = (): Promise<void> => this.inner.close();
  listUsers: Store['listUsers'] = () => this.inner.listUsers();
  getUser: Store['getUser'] = (id) => this.inner.getUser(id);
  findUserByLogin: Store['findUserByLogin'] = (login) => this.inner.findUserByLogin(login);
  putUser: Store['putUser'] = (user) => this.inner.putUser(user);
  deleteUser: Store['deleteUser'] = (ref) => this.inner.deleteUser(ref);
  listProjects: Store['listProjects'] = () => this.inner.listProjects();
  getProject: Store['getProject'] = (id) => this.inner.getProject(id);
  createProject: Store['createProject'] = (project) => this.inner.createProject(project);
  deleteProject: Store['deleteProject'] = (id) => this.inner.deleteProject(id);
  listDocuments: Store['listDocuments'] = (projectId) => this.inner.listDocuments(projectId);
  getDocument: Store['getDocument'] = (projectId, id) => this.inner.getDocument(projectId, id);
  listCodes: Store['listCodes'] = (projectId) => this.inner.listCodes(projectId);
  listSegments: Store['listSegments'] = (projectId, filter) => this.inner.listSegments(projectId, filter);
  getSegment: Store['getSegment'] = (projectId, id) => this.inner.getSegment(projectId, id);
  listMemos: Store['listMemos'] = (projectId) => this.inner.listMemos(projectId);
  listSets: Store['listSets'] = (projectId) => this.inner.listSets(projectId);
}
