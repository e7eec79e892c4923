import { Conflict, InvalidInput, NotFound } from '../domain/errors.js';
import type { ChangeSet, EntityChanges, SegmentFilter, VersionedRef } from '../domain/store.js';
import type { Code } from '../schemas/code.js';
import type { Document, DocumentMeta } from '../schemas/document.js';
import type { DocumentSet } from '../schemas/document-set.js';
import type { Memo } from '../schemas/memo.js';
import type { Project } from '../schemas/project.js';
import type { Segment } from '../schemas/segment.js';
import { cpLength } from '../domain/text.js';

interface Versioned {
  id: string;
  version: number;
}

/** Which persisted parts a change touched, so a file adapter rewrites only those. */
export interface Touched {
  /** project.json: project, codes, memos, sets. */
  projectFile: boolean;
  /** Document files written or deleted. */
  documents: Set<string>;
  /** Per-document segment files written. */
  segmentFiles: Set<string>;
}

/**
 * The in-memory state of one project, shared by the memory and lowdb adapters. `apply` checks the
 * whole change first (versions, references), then mutates and returns an undo function, so an
 * adapter whose disk write fails can restore the previous state.
 */
export class ProjectState {
  readonly documents = new Map<string, Document>();
  private readonly lengths = new Map<string, number>();
  readonly codes = new Map<string, Code>();
  readonly segments = new Map<string, Segment>();
  /** documentId → segment ids, for per-document files and fast retrieval. */
  readonly segmentsByDocument = new Map<string, Set<string>>();
  /** codeId → segment ids: retrieval by code touches only that code's segments. */
  private readonly segmentsByCode = new Map<string, Set<string>>();
  readonly memos = new Map<string, Memo>();
  readonly sets = new Map<string, DocumentSet>();

  constructor(public project: Project) {}

  documentMeta(d: Document): DocumentMeta {
    const { text: _text, turns: _turns, ...meta } = d;
    let length = this.lengths.get(d.id);
    if (length === undefined) {
      length = cpLength(d.text);
      this.lengths.set(d.id, length);
    }
    return { ...meta, length };
  }

  listSegments(filter: SegmentFilter = {}): Segment[] {
    // Start from the narrowest index the filter allows, then check the remaining conditions.
    let candidates: Iterable<Segment>;
    const fromIndex = (index: Map<string, Set<string>>, keys: readonly string[]): Segment[] => {
      const out: Segment[] = [];
      for (const k of keys) for (const id of index.get(k) ?? []) out.push(this.segments.get(id) as Segment);
      return out;
    };
    if (filter.documentIds && (!filter.codeIds || filter.documentIds.length <= filter.codeIds.length)) {
      candidates = fromIndex(this.segmentsByDocument, filter.documentIds);
    } else if (filter.codeIds) {
      candidates = fromIndex(this.segmentsByCode, [...new Set(filter.codeIds)]);
    } else {
      candidates = this.segments.values();
    }
    const docs = filter.documentIds ? new Set(filter.documentIds) : undefined;
    const codes = filter.codeIds ? new Set(filter.codeIds) : undefined;
    const coders = filter.coders ? new Set(filter.coders) : undefined;
    const result: Segment[] = [];
    for (const s of candidates) {
      if (docs && !docs.has(s.documentId)) continue;
      if (codes && !codes.has(s.codeId)) continue;
      if (coders && !coders.has(s.coder)) continue;
      result.push(s);
    }
    return result;
  }

  /** Segments of one document, for writing its file. */
  segmentsOf(documentId: string): Segment[] {
    const ids = this.segmentsByDocument.get(documentId);
    if (!ids) return [];
    return [...ids].map((id) => this.segments.get(id)).filter((s): s is Segment => s !== undefined);
  }

  /** Load entities without checks (from files already validated). */
  load(data: { documents?: Document[]; codes?: Code[]; segments?: Segment[]; memos?: Memo[]; sets?: DocumentSet[] }): void {
    for (const d of data.documents ?? []) this.documents.set(d.id, d);
    for (const c of data.codes ?? []) this.codes.set(c.id, c);
    for (const s of data.segments ?? []) this.indexSegment(s);
    for (const m of data.memos ?? []) this.memos.set(m.id, m);
    for (const s of data.sets ?? []) this.sets.set(s.id, s);
  }

  private indexSegment(s: Segment): void {
    this.segments.set(s.id, s);
    let ids = this.segmentsByDocument.get(s.documentId);
    if (!ids) this.segmentsByDocument.set(s.documentId, (ids = new Set()));
    ids.add(s.id);
    let byCode = this.segmentsByCode.get(s.codeId);
    if (!byCode) this.segmentsByCode.set(s.codeId, (byCode = new Set()));
    byCode.add(s.id);
  }

  private unindexSegment(s: Segment): void {
    this.segments.delete(s.id);
    this.segmentsByDocument.get(s.documentId)?.delete(s.id);
    this.segmentsByCode.get(s.codeId)?.delete(s.id);
  }

  apply(change: ChangeSet): { touched: Touched; undo: () => void } {
    this.check(change);
    const touched: Touched = { projectFile: false, documents: new Set(), segmentFiles: new Set() };
    const undo: (() => void)[] = [];

    if (change.project) {
      const before = this.project;
      this.project = change.project;
      touched.projectFile = true;
      undo.push(() => (this.project = before));
    }
    const simple = <T extends Versioned>(map: Map<string, T>, changes: EntityChanges<T> | undefined): boolean => {
      if (!changes) return false;
      for (const ref of changes.delete ?? []) {
        const before = map.get(ref.id) as T;
        map.delete(ref.id);
        undo.push(() => map.set(ref.id, before));
      }
      for (const e of changes.put ?? []) {
        const before = map.get(e.id);
        map.set(e.id, e);
        undo.push(() => (before ? map.set(e.id, before) : map.delete(e.id)));
      }
      return (changes.delete?.length ?? 0) + (changes.put?.length ?? 0) > 0;
    };
    if (simple(this.codes, change.codes)) touched.projectFile = true;
    if (simple(this.memos, change.memos)) touched.projectFile = true;
    if (simple(this.sets, change.sets)) touched.projectFile = true;
    for (const ref of change.documents?.delete ?? []) touched.documents.add(ref.id);
    for (const d of change.documents?.put ?? []) {
      touched.documents.add(d.id);
      this.lengths.delete(d.id);
    }
    simple(this.documents, change.documents);

    for (const ref of change.segments?.delete ?? []) {
      const before = this.segments.get(ref.id) as Segment;
      this.unindexSegment(before);
      touched.segmentFiles.add(before.documentId);
      undo.push(() => this.indexSegment(before));
    }
    for (const s of change.segments?.put ?? []) {
      const before = this.segments.get(s.id);
      if (before) {
        this.unindexSegment(before);
        touched.segmentFiles.add(before.documentId);
      }
      this.indexSegment(s);
      touched.segmentFiles.add(s.documentId);
      undo.push(() => {
        this.unindexSegment(s);
        if (before) this.indexSegment(before);
      });
    }
    // A deleted document takes its segment file with it.
    for (const ref of change.documents?.delete ?? []) {
      const ids = this.segmentsByDocument.get(ref.id);
      if (ids && ids.size === 0) this.segmentsByDocument.delete(ref.id);
    }
    return {
      touched,
      undo: () => {
        for (const u of undo.reverse()) u();
      },
    };
  }

  /** Validate a change completely before anything is mutated. */
  private check(change: ChangeSet): void {
    const restore = change.restore === true;
    if (change.project && !restore) {
      if (change.project.id !== this.project.id) throw new InvalidInput('a change cannot move the project to another id');
      if (change.project.version !== this.project.version + 1) {
        throw new Conflict(`the project record was changed by someone else (version ${this.project.version})`, this.project);
      }
    }
    checkVersions('document', this.documents, change.documents, restore);
    checkVersions('code', this.codes, change.codes, restore);
    checkVersions('segment', this.segments, change.segments, restore);
    checkVersions('memo', this.memos, change.memos, restore);
    checkVersions('set', this.sets, change.sets, restore);

    // Referential integrity after the change: segments point at existing documents and codes,
    // codes at existing parents, and no document with segments is deleted.
    const deletedDocs = new Set((change.documents?.delete ?? []).map((r) => r.id));
    const putDocs = new Map((change.documents?.put ?? []).map((d) => [d.id, d]));
    const deletedCodes = new Set((change.codes?.delete ?? []).map((r) => r.id));
    const putCodes = new Map((change.codes?.put ?? []).map((c) => [c.id, c]));
    const deletedSegments = new Set((change.segments?.delete ?? []).map((r) => r.id));
    const codeExists = (id: string): boolean => putCodes.has(id) || (this.codes.has(id) && !deletedCodes.has(id));
    const docOf = (id: string): Document | undefined => putDocs.get(id) ?? (deletedDocs.has(id) ? undefined : this.documents.get(id));

    const replaced = new Set(change.replaceTexts ?? []);
    const rewritten: Document[] = [];
    for (const [id, d] of putDocs) {
      const before = this.documents.get(id);
      if (before && before.text !== d.text) {
        if (!replaced.has(id)) throw new InvalidInput(`document ${id}: the text is immutable`);
        rewritten.push(d);
      }
    }
    const putSegments = new Map((change.segments?.put ?? []).map((s) => [s.id, s]));
    // A replaced text: the segments the change leaves alone must still fit (the caller moves the rest).
    for (const d of rewritten) {
      const length = cpLength(d.text);
      for (const sid of this.segmentsByDocument.get(d.id) ?? []) {
        if (putSegments.has(sid) || deletedSegments.has(sid)) continue;
        const s = this.segments.get(sid) as Segment;
        if (s.end > length) throw new InvalidInput(`segment ${s.id}: end ${s.end} is beyond the document's ${length} characters`);
      }
    }
    // Lengths of documents put in this same change, measured once each (not once per segment).
    const newLengths = new Map<string, number>();
    for (const s of putSegments.values()) {
      const doc = docOf(s.documentId);
      if (!doc) throw new NotFound(`document ${s.documentId} not found`);
      if (!codeExists(s.codeId)) throw new NotFound(`code ${s.codeId} not found`);
      let length: number;
      if (putDocs.has(doc.id)) {
        length = newLengths.get(doc.id) ?? cpLength(doc.text);
        newLengths.set(doc.id, length);
      } else length = this.documentMeta(doc).length;
      if (s.end > length) throw new InvalidInput(`segment ${s.id}: end ${s.end} is beyond the document's ${length} characters`);
    }
    if (deletedCodes.size > 0) {
      // After the change, no code may sit under a deleted code and no segment may use one.
      for (const c of this.codes.values()) {
        if (deletedCodes.has(c.id)) continue;
        const parent = putCodes.get(c.id)?.parentId ?? c.parentId;
        if (parent !== null && deletedCodes.has(parent)) throw new Conflict(`code ${parent} still has sub-codes`);
      }
      // Only segments stored under a deleted code can still use one (a put segment naming a deleted
      // code failed above): the code index names them.
      for (const code of deletedCodes) {
        for (const sid of this.segmentsByCode.get(code) ?? []) {
          if (deletedSegments.has(sid)) continue;
          const codeId = putSegments.get(sid)?.codeId ?? code;
          if (deletedCodes.has(codeId)) throw new Conflict(`code ${codeId} still has segments`);
        }
      }
    }
    for (const c of putCodes.values()) {
      if (c.parentId !== null && !codeExists(c.parentId)) throw new NotFound(`parent code ${c.parentId} not found`);
    }
    if (putCodes.size > 0) this.checkAcyclic(putCodes, deletedCodes);
    for (const id of deletedDocs) {
      for (const sid of this.segmentsByDocument.get(id) ?? []) {
        if (!deletedSegments.has(sid)) throw new Conflict(`document ${id} still has segments`);
      }
    }
  }

  private checkAcyclic(putCodes: Map<string, Code>, deleted: Set<string>): void {
    const parentOf = (id: string): string | null => putCodes.get(id)?.parentId ?? this.codes.get(id)?.parentId ?? null;
    for (const start of putCodes.keys()) {
      if (deleted.has(start)) continue;
      const seen = new Set<string>([start]);
      let p = parentOf(start);
      while (p !== null) {
        if (seen.has(p)) throw new InvalidInput(`code ${start}: moving it there would create a cycle`);
        seen.add(p);
        p = parentOf(p);
      }
    }
  }
}

export function checkVersions<T extends Versioned>(
  noun: string,
  map: Map<string, T>,
  changes: EntityChanges<T> | undefined,
  restore: boolean,
): void {
  if (!changes) return;
  const seen = new Set<string>();
  const once = (id: string): void => {
    if (seen.has(id)) throw new InvalidInput(`${noun} ${id} appears twice in one change`);
    seen.add(id);
  };
  for (const ref of changes.delete ?? []) {
    once(ref.id);
    checkDelete(noun, map, ref);
  }
  for (const e of changes.put ?? []) {
    once(e.id);
    const current = map.get(e.id);
    if (current === undefined) {
      if (e.version !== 1 && !restore) throw new NotFound(`${noun} ${e.id} not found`);
    } else if (current.version !== e.version - 1) {
      throw new Conflict(`${noun} ${e.id} was changed by someone else (version ${current.version})`, current);
    }
  }
}

function checkDelete<T extends Versioned>(noun: string, map: Map<string, T>, ref: VersionedRef): void {
  const current = map.get(ref.id);
  if (current === undefined) throw new NotFound(`${noun} ${ref.id} not found`);
  if (current.version !== ref.version) {
    throw new Conflict(`${noun} ${ref.id} was changed by someone else (version ${current.version})`, current);
  }
}
