import type { Code } from '../schemas/code.js';
import type { Document, DocumentMeta } from '../schemas/document.js';
import type { DocumentSet } from '../schemas/document-set.js';
import type { Memo } from '../schemas/memo.js';
import type { Project } from '../schemas/project.js';
import type { Segment } from '../schemas/segment.js';
import type { User } from '../schemas/user.js';

/** A reference to an entity to delete, with the version the caller last saw. */
export interface VersionedRef {
  id: string;
  version: number;
}

/** Puts and deletes of one entity kind. */
export interface EntityChanges<T> {
  put?: T[];
  delete?: VersionedRef[];
}

/**
 * One atomic change of a project. Version rule for every put: a new entity has version 1; an
 * existing one must carry exactly its stored version + 1. A delete must name the stored version.
 * Any mismatch rejects the whole change with `Conflict` (HTTP 409) and nothing is written.
 */
export interface ChangeSet {
  /**
   * Restoring an export: new entities may carry any version (their exported one). Existing
   * entities still follow the version rule.
   */
  restore?: boolean;
  /**
   * Who makes the change, for the audit trail (domain/audit.ts). Adapters ignore it; without it
   * the audit decorator asks its `currentActor()` (the HTTP request context).
   */
  actor?: { userId: string };
  /**
   * Ids of documents whose text this change may replace (pseudonymisation, domain/pseudonyms.ts);
   * every other document text is immutable. The caller moves the document's segments and turns in
   * the same change; the store checks that every remaining segment fits the new text.
   */
  replaceTexts?: readonly string[];
  project?: Project;
  documents?: EntityChanges<Document>;
  codes?: EntityChanges<Code>;
  segments?: EntityChanges<Segment>;
  memos?: EntityChanges<Memo>;
  sets?: EntityChanges<DocumentSet>;
}

export interface SegmentFilter {
  documentIds?: readonly string[];
  codeIds?: readonly string[];
  coders?: readonly string[];
}

/**
 * The storage interface. Everything above it (domain, HTTP, CLI) knows only this; adapters live
 * in server/storage/ (lowdb files, in-memory; PostgreSQL later).
 *
 * Lists come in no particular order; callers sort.
 *
 * Guarantees every adapter gives: a write is durable when its promise resolves; a crash at any
 * moment leaves the last acknowledged state loadable; writes are serialised, so a version check
 * and the write it guards cannot interleave with another write.
 */
export interface Store {
  readonly kind: string;
  close(): Promise<void>;

  listUsers(): Promise<User[]>;
  getUser(id: string): Promise<User | undefined>;
  findUserByLogin(login: string): Promise<User | undefined>;
  /**
   * Create (version 1) or replace (stored version + 1) a user. `restore` (migrating a store) lets a
   * new user keep the version it has.
   */
  putUser(user: User, options?: { restore?: boolean }): Promise<void>;
  deleteUser(ref: VersionedRef): Promise<void>;

  listProjects(): Promise<Project[]>;
  getProject(id: string): Promise<Project | undefined>;
  createProject(project: Project): Promise<void>;
  deleteProject(id: string): Promise<void>;

  listDocuments(projectId: string): Promise<DocumentMeta[]>;
  getDocument(projectId: string, id: string): Promise<Document | undefined>;
  listCodes(projectId: string): Promise<Code[]>;
  listSegments(projectId: string, filter?: SegmentFilter): Promise<Segment[]>;
  getSegment(projectId: string, id: string): Promise<Segment | undefined>;
  listMemos(projectId: string): Promise<Memo[]>;
  listSets(projectId: string): Promise<DocumentSet[]>;

  /** Apply one atomic change (see ChangeSet for the version rule). */
  commit(projectId: string, change: ChangeSet): Promise<void>;
}
