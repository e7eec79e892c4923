import { Conflict, InvalidInput, NotFound } from './errors.js';
import type { Deps } from './deps.js';
import type { AttributeValue } from '../schemas/attribute.js';
import {
  NewDocumentSchema,
  type Document,
  type DocumentMeta,
  type DocumentPatch,
  type NewDocument,
} from '../schemas/document.js';
import {
  NewDocumentSetSchema,
  type DocumentFilter,
  type DocumentSet,
  type DocumentSetPatch,
  type NewDocumentSet,
} from '../schemas/document-set.js';
import { normaliseText } from './text.js';
import { rescueMemos } from './memos.js';

export type DocumentListEntry = DocumentMeta & { segmentCount: number };

/** Add documents in one atomic change: all of them or none. */
export async function addDocuments(deps: Deps, projectId: string, inputs: NewDocument[]): Promise<Document[]> {
  const existing = new Set((await deps.store.listDocuments(projectId)).map((d) => d.id));
  const created = deps.now();
  const documents = inputs.map((input, i) => {
    const parsed = NewDocumentSchema.safeParse(input);
    if (!parsed.success) throw new InvalidInput(`document ${i + 1}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    const { id, ...rest } = parsed.data;
    const docId = id ?? deps.newId();
    if (existing.has(docId)) throw new Conflict(`document ${docId} exists`);
    existing.add(docId);
    const doc: Document = { ...rest, id: docId, text: normaliseText(rest.text), created, version: 1 };
    return doc;
  });
  await deps.store.commit(projectId, { documents: { put: documents } });
  return documents;
}

export async function listDocuments(deps: Deps, projectId: string): Promise<DocumentListEntry[]> {
  const [docs, segments] = await Promise.all([deps.store.listDocuments(projectId), deps.store.listSegments(projectId)]);
  const counts = new Map<string, number>();
  for (const s of segments) counts.set(s.documentId, (counts.get(s.documentId) ?? 0) + 1);
  return docs
    .map((d) => ({ ...d, segmentCount: counts.get(d.id) ?? 0 }))
    .sort((a, b) => a.title.localeCompare(b.title, 'de'));
}

export async function getDocument(deps: Deps, projectId: string, id: string): Promise<Document> {
  const doc = await deps.store.getDocument(projectId, id);
  if (!doc) throw new NotFound(`document ${id} not found`);
  return doc;
}

/** Change title or attributes; the text never changes. */
export async function updateDocument(deps: Deps, projectId: string, id: string, patch: DocumentPatch): Promise<Document> {
  const doc = await getDocument(deps, projectId, id);
  if (doc.version !== patch.version) throw new Conflict(`document ${id} was changed by someone else`, doc);
  const next: Document = {
    ...doc,
    ...(patch.title !== undefined ? { title: patch.title } : {}),
    ...(patch.attributes !== undefined ? { attributes: patch.attributes } : {}),
    version: doc.version + 1,
  };
  await deps.store.commit(projectId, { documents: { put: [next] } });
  return next;
}

/**
 * Delete a document. Its segments go with it only when the caller says so (`withSegments`);
 * otherwise a coded document cannot be deleted.
 */
export async function deleteDocument(
  deps: Deps,
  projectId: string,
  id: string,
  options: { version: number; withSegments: boolean },
): Promise<{ deletedSegments: number }> {
  await getDocument(deps, projectId, id);
  const segments = await deps.store.listSegments(projectId, { documentIds: [id] });
  if (segments.length > 0 && !options.withSegments) {
    throw new Conflict(`document ${id} has ${segments.length} segments; delete them with it explicitly`);
  }
  const memos = rescueMemos(
    await deps.store.listMemos(projectId),
    [{ type: 'document', id }, ...segments.map((s) => ({ type: 'segment' as const, id: s.id, documentId: id }))],
    deps.now(),
  );
  await deps.store.commit(projectId, {
    documents: { delete: [{ id, version: options.version }] },
    segments: { delete: segments.map((s) => ({ id: s.id, version: s.version })) },
    memos: { put: memos },
  });
  return { deletedSegments: segments.length };
}

function valueMatches(value: AttributeValue | undefined, wanted: string | number | boolean): boolean {
  if (value === undefined) return false;
  if (typeof wanted === 'string') return String(value.value).toLocaleLowerCase('de') === wanted.toLocaleLowerCase('de');
  return value.value === wanted;
}

/** Does a document satisfy a filter (any of the kinds, every attribute condition)? */
export function matchesFilter(doc: Pick<DocumentMeta, 'kind' | 'attributes'>, filter: DocumentFilter): boolean {
  if (filter.kinds && filter.kinds.length > 0 && !filter.kinds.includes(doc.kind)) return false;
  return filter.attributes.every((cond) => cond.anyOf.some((v) => valueMatches(doc.attributes[cond.name], v)));
}

/** The document ids a set stands for now. */
export function resolveSet(set: DocumentSet, documents: readonly DocumentMeta[]): string[] {
  if (set.definition.type === 'members') {
    const known = new Set(documents.map((d) => d.id));
    return set.definition.documentIds.filter((id) => known.has(id));
  }
  const filter = set.definition.filter;
  return documents.filter((d) => matchesFilter(d, filter)).map((d) => d.id);
}

export async function findSet(deps: Deps, projectId: string, idOrName: string): Promise<DocumentSet> {
  const sets = await deps.store.listSets(projectId);
  const set = sets.find((s) => s.id === idOrName) ?? sets.find((s) => s.name === idOrName);
  if (!set) throw new NotFound(`document set ${idOrName} not found`);
  return set;
}

export async function documentIdsOfSet(deps: Deps, projectId: string, idOrName: string): Promise<string[]> {
  const set = await findSet(deps, projectId, idOrName);
  return resolveSet(set, await deps.store.listDocuments(projectId));
}

export async function createSet(deps: Deps, projectId: string, input: NewDocumentSet): Promise<DocumentSet> {
  const parsed = NewDocumentSetSchema.parse(input);
  const sets = await deps.store.listSets(projectId);
  if (sets.some((s) => s.name === parsed.name)) throw new Conflict(`a document set named "${parsed.name}" exists`);
  if (parsed.definition.type === 'members') {
    const known = new Set((await deps.store.listDocuments(projectId)).map((d) => d.id));
    const unknown = parsed.definition.documentIds.find((id) => !known.has(id));
    if (unknown) throw new NotFound(`document ${unknown} not found`);
  }
  const set: DocumentSet = { ...parsed, id: deps.newId(), created: deps.now(), version: 1 };
  await deps.store.commit(projectId, { sets: { put: [set] } });
  return set;
}

export async function updateSet(deps: Deps, projectId: string, id: string, patch: DocumentSetPatch): Promise<DocumentSet> {
  const set = (await deps.store.listSets(projectId)).find((s) => s.id === id);
  if (!set) throw new NotFound(`document set ${id} not found`);
  if (patch.definition?.type === 'members') {
    const known = new Set((await deps.store.listDocuments(projectId)).map((d) => d.id));
    const unknown = patch.definition.documentIds.find((d) => !known.has(d));
    if (unknown) throw new NotFound(`document ${unknown} not found`);
  }
  const next: DocumentSet = {
    ...set,
    ...(patch.name !== undefined ? { name: patch.name } : {}),
    ...(patch.definition !== undefined ? { definition: patch.definition } : {}),
    version: patch.version + 1,
  };
  await deps.store.commit(projectId, { sets: { put: [next] } });
  return next;
}

export async function deleteSet(deps: Deps, projectId: string, id: string, version: number): Promise<void> {
  await deps.store.commit(projectId, { sets: { delete: [{ id, version }] } });
}
