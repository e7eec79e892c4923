import { Conflict, Forbidden, InvalidInput, NotFound } from './errors.js';
import type { Actor, Deps } from './deps.js';
import { planNewCode, withDescendants } from './codebook.js';
import { documentIdsOfSet, getDocument } from './corpus.js';
import { visibleSegments } from './independent.js';
import { rescueMemos } from './memos.js';
import { CodePointIndex } from './text.js';
import {
  InVivoSchema,
  NewSegmentSchema,
  SegmentQuerySchema,
  type InVivo,
  type NewSegment,
  type RetrievedSegment,
  type Segment,
  type SegmentPatch,
  type SegmentQuery,
} from '../schemas/segment.js';
import type { Code } from '../schemas/code.js';
import type { Document } from '../schemas/document.js';

/** Documents are immutable, so their code-point indexes can be cached (keyed by the text itself). */
const indexCache = new WeakMap<Document, CodePointIndex>();
function indexOf(doc: Document): CodePointIndex {
  let index = indexCache.get(doc);
  if (!index) indexCache.set(doc, (index = new CodePointIndex(doc.text)));
  return index;
}

function checkRange(doc: Document, start: number, end: number): void {
  const length = indexOf(doc).length;
  if (!(end > start)) throw new InvalidInput('a segment must end after it starts');
  if (end > length) throw new InvalidInput(`the range ${start}–${end} lies beyond the document's ${length} characters`);
}

async function requireCodable(deps: Deps, projectId: string, codeId: string): Promise<Code> {
  const code = (await deps.store.listCodes(projectId)).find((c) => c.id === codeId);
  if (!code) throw new NotFound(`code ${codeId} not found`);
  if (!code.isCodable) throw new InvalidInput(`"${code.name}" is a category folder and cannot be applied to text`);
  return code;
}

/** Researchers change their own segments; admins anyone's. */
function mayChange(actor: Actor, segment: Segment): void {
  if (actor.role !== 'admin' && segment.coder !== actor.userId) {
    throw new Forbidden('only the coder of a segment (or an admin) may change it');
  }
}

/** Apply a code to a range (code points, end exclusive). Overlaps and nesting are allowed. */
export async function applyCode(deps: Deps, projectId: string, actor: Actor, input: NewSegment): Promise<Segment> {
  const parsed = NewSegmentSchema.parse(input);
  const doc = await getDocument(deps, projectId, parsed.documentId);
  checkRange(doc, parsed.start, parsed.end);
  await requireCodable(deps, projectId, parsed.codeId);
  const existing = await deps.store.listSegments(projectId, { documentIds: [doc.id], codeIds: [parsed.codeId], coders: [actor.userId] });
  const twin = existing.find((s) => s.start === parsed.start && s.end === parsed.end);
  if (twin) throw new Conflict('you have already coded exactly this range with this code', twin);
  const now = deps.now();
  const segment: Segment = {
    id: deps.newId(),
    documentId: doc.id,
    codeId: parsed.codeId,
    start: parsed.start,
    end: parsed.end,
    coder: actor.userId,
    memo: parsed.memo ?? '',
    created: now,
    modified: now,
    version: 1,
  };
  await deps.store.commit(projectId, { segments: { put: [segment] } });
  return segment;
}

async function requireSegment(deps: Deps, projectId: string, id: string): Promise<Segment> {
  const s = await deps.store.getSegment(projectId, id);
  if (!s) throw new NotFound(`segment ${id} not found`);
  return s;
}

/** Re-code, resize or annotate a segment. */
export async function updateSegment(deps: Deps, projectId: string, actor: Actor, id: string, patch: SegmentPatch): Promise<Segment> {
  const segment = await requireSegment(deps, projectId, id);
  mayChange(actor, segment);
  if (segment.version !== patch.version) throw new Conflict(`segment ${id} was changed by someone else`, segment);
  const start = patch.start ?? segment.start;
  const end = patch.end ?? segment.end;
  if (start !== segment.start || end !== segment.end) checkRange(await getDocument(deps, projectId, segment.documentId), start, end);
  if (patch.codeId !== undefined && patch.codeId !== segment.codeId) await requireCodable(deps, projectId, patch.codeId);
  const codeId = patch.codeId ?? segment.codeId;
  if (start !== segment.start || end !== segment.end || codeId !== segment.codeId) {
    // The same rule as applyCode: one coder codes one range with one code once.
    const mine = await deps.store.listSegments(projectId, { documentIds: [segment.documentId], codeIds: [codeId], coders: [segment.coder] });
    const twin = mine.find((s) => s.id !== id && s.start === start && s.end === end);
    if (twin) throw new Conflict('this range is already coded with this code by the same coder', twin);
  }
  const next: Segment = {
    ...segment,
    codeId,
    start,
    end,
    memo: patch.memo ?? segment.memo,
    modified: deps.now(),
    version: segment.version + 1,
  };
  await deps.store.commit(projectId, { segments: { put: [next] } });
  return next;
}

export async function removeSegment(deps: Deps, projectId: string, actor: Actor, id: string, version: number): Promise<void> {
  const segment = await requireSegment(deps, projectId, id);
  mayChange(actor, segment);
  const memos = rescueMemos(await deps.store.listMemos(projectId), [{ type: 'segment', id, documentId: segment.documentId }], deps.now());
  await deps.store.commit(projectId, { segments: { delete: [{ id, version }] }, memos: { put: memos } });
}

/** In-vivo coding: a new code named after the selected words, applied to them. */
export async function codeInVivo(deps: Deps, projectId: string, actor: Actor, input: InVivo): Promise<{ code: Code; segment: Segment }> {
  const parsed = InVivoSchema.parse(input);
  const doc = await getDocument(deps, projectId, parsed.documentId);
  checkRange(doc, parsed.start, parsed.end);
  const words = indexOf(doc).slice(parsed.start, parsed.end).replace(/\s+/g, ' ').trim();
  if (words.length === 0) throw new InvalidInput('the selection holds no words to name a code after');
  const name = words.length > 80 ? `${[...words].slice(0, 79).join('').trimEnd()}…` : words;
  const { code, put } = await planNewCode(deps, projectId, { name: `„${name}“`, parentId: parsed.parentId });
  const now = deps.now();
  const segment: Segment = { id: deps.newId(), documentId: doc.id, codeId: code.id, start: parsed.start, end: parsed.end, coder: actor.userId, memo: '', created: now, modified: now, version: 1 };
  // One commit: the new code and its first segment are one action (and one undo step).
  await deps.store.commit(projectId, { codes: { put }, segments: { put: [segment] } });
  return { code, segment };
}

/**
 * Retrieve segments by code (optionally with sub-codes), document, set and coder, each with its
 * text and a context window of `context` code points on either side. Ordered by document title,
 * then position.
 */
export async function retrieveSegments(deps: Deps, projectId: string, query: SegmentQuery, viewer?: Actor): Promise<{ total: number; segments: RetrievedSegment[] }> {
  const q = SegmentQuerySchema.parse(query);
  let codeIds: string[] | undefined;
  if (q.codeId) {
    const codes = await deps.store.listCodes(projectId);
    codeIds = q.includeSubcodes ? [...new Set(q.codeId.flatMap((id) => withDescendants(codes, id)))] : q.codeId;
  }
  let documentIds = q.documentId;
  if (q.setId) {
    const inSet = new Set(await documentIdsOfSet(deps, projectId, q.setId));
    documentIds = documentIds ? documentIds.filter((id) => inSet.has(id)) : [...inSet];
  }
  // Independent mode: a viewer (if given) sees only what their role and the sets allow.
  const segments = await visibleSegments(deps, projectId, viewer, await deps.store.listSegments(projectId, {
    ...(codeIds ? { codeIds } : {}),
    ...(documentIds ? { documentIds } : {}),
    ...(q.coder ? { coders: q.coder } : {}),
  }));
  const docs = new Map<string, Document>();
  for (const s of segments) {
    if (!docs.has(s.documentId)) {
      const d = await deps.store.getDocument(projectId, s.documentId);
      if (d) docs.set(d.id, d);
    }
  }
  // Rank documents by title once (German collation), then sort segments by rank and position.
  const collator = new Intl.Collator('de');
  const rank = new Map([...docs.values()].sort((a, b) => collator.compare(a.title, b.title) || (a.id < b.id ? -1 : 1)).map((d, i) => [d.id, i]));
  const sorted = segments
    .filter((s) => docs.has(s.documentId))
    .sort((a, b) => (rank.get(a.documentId) as number) - (rank.get(b.documentId) as number) || a.start - b.start || a.end - b.end);
  const out = sorted.slice(q.offset, q.offset + q.limit).map((s): RetrievedSegment => {
    const doc = docs.get(s.documentId) as Document;
    const index = indexOf(doc);
    return {
      ...s,
      documentTitle: doc.title,
      text: index.slice(s.start, s.end),
      before: index.slice(Math.max(0, s.start - q.context), s.start),
      after: index.slice(s.end, Math.min(index.length, s.end + q.context)),
    };
  });
  return { total: sorted.length, segments: out };
}

/** Segment counts per code and per document (own codes only; the UI sums sub-codes). */
export async function countSegments(deps: Deps, projectId: string, filter: { coder?: string[] } = {}, viewer?: Actor): Promise<{ byCode: Record<string, number>; byDocument: Record<string, number>; total: number }> {
  const segments = await visibleSegments(deps, projectId, viewer, await deps.store.listSegments(projectId, filter.coder ? { coders: filter.coder } : {}));
  const byCode: Record<string, number> = {};
  const byDocument: Record<string, number> = {};
  for (const s of segments) {
    byCode[s.codeId] = (byCode[s.codeId] ?? 0) + 1;
    byDocument[s.documentId] = (byDocument[s.documentId] ?? 0) + 1;
  }
  return { byCode, byDocument, total: segments.length };
}
