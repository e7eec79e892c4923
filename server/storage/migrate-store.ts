import type { AuditLog } from '../domain/audit.js';
import { Conflict } from '../domain/errors.js';
import type { Store } from '../domain/store.js';
import type { PseudonymKeys } from '../domain/pseudonyms.js';
import { SERVER_AUDIT } from '../schemas/audit.js';
import type { PseudonymKey } from '../schemas/pseudonym.js';
import type { Document } from '../schemas/document.js';

/** Segments per commit while copying, so a 10-million-segment project never sits in one change. */
const SEGMENT_BATCH = 50_000;
const DOCUMENT_BATCH = 500;
/** Audit entries are read and written in pages of this size. */
const AUDIT_PAGE = 10_000;

export interface MigrationCounts {
  users: number;
  projects: number;
  documents: number;
  codes: number;
  segments: number;
  memos: number;
  sets: number;
  auditEntries: number;
  pseudonymKeys: number;
}

export interface MigrationSide {
  store: Store;
  /** The audit trail that goes with the store (file log beside lowdb, table in PostgreSQL). */
  audit?: AuditLog;
  /** The pseudonym keys that go with the store; `restore` writes a key keeping its version. */
  keys?: PseudonymKeys & { restore(key: PseudonymKey): Promise<void> };
}

/**
 * Copy everything from one store into another, empty one (lowdb ↔ PostgreSQL, issue 10): users
 * with their versions, every project with its documents, codes, segments, memos and sets (each
 * with its version), the audit trail and the pseudonym keys. Sessions are not copied (everyone signs in again).
 * Nothing is merged: a target that holds users or projects is refused before anything is written.
 */
export async function migrateStore(from: MigrationSide, to: MigrationSide, progress: (line: string) => void = () => undefined): Promise<MigrationCounts> {
  const [targetUsers, targetProjects] = await Promise.all([to.store.listUsers(), to.store.listProjects()]);
  if (targetUsers.length > 0 || targetProjects.length > 0) {
    throw new Conflict(`the target already holds ${targetUsers.length} users and ${targetProjects.length} projects; migrate into an empty store`);
  }
  const counts: MigrationCounts = { users: 0, projects: 0, documents: 0, codes: 0, segments: 0, memos: 0, sets: 0, auditEntries: 0, pseudonymKeys: 0 };
  for (const user of await from.store.listUsers()) {
    await to.store.putUser(user, { restore: true });
    counts.users++;
  }
  for (const project of await from.store.listProjects()) {
    const id = project.id;
    await to.store.createProject(project);
    const [codes, memos, sets, metas] = await Promise.all([from.store.listCodes(id), from.store.listMemos(id), from.store.listSets(id), from.store.listDocuments(id)]);
    // Codes, memos and sets first (codes reference only codes), then documents in batches, then segments.
    await to.store.commit(id, { restore: true, codes: { put: codes }, memos: { put: memos }, sets: { put: sets } });
    const documentIds = metas.map((m) => m.id);
    for (let i = 0; i < documentIds.length; i += DOCUMENT_BATCH) {
      const docs: Document[] = [];
      for (const docId of documentIds.slice(i, i + DOCUMENT_BATCH)) {
        const doc = await from.store.getDocument(id, docId);
        if (doc) docs.push(doc);
      }
      await to.store.commit(id, { restore: true, documents: { put: docs } });
      counts.documents += docs.length;
    }
    // Segments document by document, committed in batches.
    let batch = [];
    for (const docId of documentIds) {
      batch.push(...(await from.store.listSegments(id, { documentIds: [docId] })));
      if (batch.length >= SEGMENT_BATCH) {
        await to.store.commit(id, { restore: true, segments: { put: batch } });
        counts.segments += batch.length;
        batch = [];
      }
    }
    if (batch.length > 0) {
      await to.store.commit(id, { restore: true, segments: { put: batch } });
      counts.segments += batch.length;
    }
    counts.projects++;
    counts.codes += codes.length;
    counts.memos += memos.length;
    counts.sets += sets.length;
    if (from.audit && to.audit) counts.auditEntries += await copyAudit(from.audit, to.audit, id);
    // The key stays apart from the project data on both sides; it moves with the store.
    const key = from.keys && to.keys ? await from.keys.get(id) : undefined;
    if (key && to.keys) {
      await to.keys.restore(key);
      counts.pseudonymKeys++;
    }
    progress(`project ${id} (${project.name}): ${metas.length} documents, ${codes.length} codes`);
  }
  // The server-wide log: users, sign-ins, project creation and deletion.
  if (from.audit && to.audit) counts.auditEntries += await copyAudit(from.audit, to.audit, SERVER_AUDIT);
  return counts;
}

/** Copy one project's audit trail in log order. */
async function copyAudit(from: AuditLog, to: AuditLog, projectId: string): Promise<number> {
  // The log has no cursor; entries are read in growing windows and only the new tail is written.
  let copied = 0;
  for (;;) {
    const page = await from.list(projectId, { limit: copied + AUDIT_PAGE });
    const fresh = page.slice(copied);
    if (fresh.length > 0) await to.append(projectId, fresh);
    copied += fresh.length;
    if (fresh.length < AUDIT_PAGE) return copied;
  }
}
