/**
 * Independent mode (issue 6): a document set can be put in independent mode; in its documents every
 * coder sees only their own segments until the set is opened for comparison. Admins see everything.
 * Enforced where segments leave the server (segment retrieval and counts, document segment counts,
 * the project export, agreement and disagreement lists) through `visibleSegments`.
 */
import type { Actor, Deps } from './deps.js';
import type { Store } from './store.js';
import { resolveSet } from './corpus.js';
import { Conflict, NotFound } from './errors.js';
import { exportProject } from './projects.js';
import type { ProjectExport } from '../schemas/export.js';
import type { DocumentSet } from '../schemas/document-set.js';
import type { Segment } from '../schemas/segment.js';

/**
 * A filtered store (from `viewerDeps`) answers this key with the store it wraps, so caches of
 * segment-independent data (the search index) stay keyed by the real store.
 */
export const UNFILTERED = Symbol('unfiltered store');

/** The store behind a viewer-filtered one (or the store itself). */
export function underlyingStore(store: Store): Store {
  return ((store as unknown as Record<symbol, Store | undefined>)[UNFILTERED]) ?? store;
}

/** Documents whose other coders' segments a non-admin may not see now. */
export async function sealedDocuments(deps: Deps, projectId: string): Promise<Set<string>> {
  const sets = (await deps.store.listSets(projectId)).filter((s) => s.independent === true && s.openForComparison !== true);
  if (sets.length === 0) return new Set();
  const docs = await deps.store.listDocuments(projectId);
  return new Set(sets.flatMap((s) => resolveSet(s, docs)));
}

/** A predicate: may the viewer see this segment? */
export async function segmentVisibility(deps: Deps, projectId: string, viewer: Actor | undefined): Promise<(s: Pick<Segment, 'coder' | 'documentId'>) => boolean> {
  if (!viewer || viewer.role === 'admin') return () => true;
  return visibilityIn(await sealedDocuments(deps, projectId), viewer);
}

function visibilityIn(sealed: ReadonlySet<string>, viewer: Actor): (s: Pick<Segment, 'coder' | 'documentId'>) => boolean {
  if (sealed.size === 0) return () => true;
  return (s) => s.coder === viewer.userId || !sealed.has(s.documentId);
}

/** The segments of the list the viewer may see. */
export async function visibleSegments<T extends Pick<Segment, 'coder' | 'documentId'>>(deps: Deps, projectId: string, viewer: Actor | undefined, segments: T[]): Promise<T[]> {
  const visible = await segmentVisibility(deps, projectId, viewer);
  return segments.filter(visible);
}

/** The project's export with only the segments the viewer may see (JSON, .qdpx and spreadsheet downloads). */
export async function visibleExport(deps: Deps, projectId: string, viewer: Actor | undefined): Promise<ProjectExport> {
  const data = await exportProject(deps, projectId);
  return { ...data, segments: await visibleSegments(deps, projectId, viewer, data.segments) };
}

/** Put a set in or out of independent mode, or open it for comparison (with the set's version). */
export async function setIndependentMode(
  deps: Deps,
  projectId: string,
  setId: string,
  mode: { independent?: boolean | undefined; openForComparison?: boolean | undefined; version: number },
): Promise<DocumentSet> {
  const set = (await deps.store.listSets(projectId)).find((s) => s.id === setId);
  if (!set) throw new NotFound(`document set ${setId} not found`);
  if (set.version !== mode.version) throw new Conflict(`document set ${setId} was changed by someone else`, set);
  const next: DocumentSet = {
    ...set,
    ...(mode.independent !== undefined ? { independent: mode.independent } : {}),
    ...(mode.openForComparison !== undefined ? { openForComparison: mode.openForComparison } : {}),
    version: set.version + 1,
  };
  await deps.store.commit(projectId, { sets: { put: [next] } });
  return next;
}

/** Document list entries with their segment counts as the viewer may see them. */
export async function withVisibleCounts<T extends { id: string; segmentCount: number }>(deps: Deps, projectId: string, viewer: Actor | undefined, documents: T[]): Promise<T[]> {
  if (!viewer || viewer.role === 'admin') return documents;
  const sealed = await sealedDocuments(deps, projectId);
  if (sealed.size === 0) return documents;
  const mine = await deps.store.listSegments(projectId, { documentIds: [...sealed], coders: [viewer.userId] });
  const counts = new Map<string, number>();
  for (const s of mine) counts.set(s.documentId, (counts.get(s.documentId) ?? 0) + 1);
  return documents.map((d) => (sealed.has(d.id) ? { ...d, segmentCount: counts.get(d.id) ?? 0 } : d));
}

/**
 * Deps whose store shows the viewer only the segments they may see (reads through `listSegments` and
 * `getSegment`; everything else passes through). For read-only analyses that load segments
 * themselves (the visibility comparison), so independent mode holds there without changing them.
 */
export async function viewerDeps(deps: Deps, projectId: string, viewer: Actor | undefined): Promise<Deps> {
  if (!viewer || viewer.role === 'admin') return deps;
  const sealed = await sealedDocuments(deps, projectId);
  if (sealed.size === 0) return deps;
  const visible = visibilityIn(sealed, viewer);
  const target = deps.store;
  const store = new Proxy(target, {
    get(t, prop) {
      if (prop === UNFILTERED) return t;
      if (prop === 'listSegments') {
        return async (...args: Parameters<Store['listSegments']>) => {
          const list = await t.listSegments(...args);
          return args[0] === projectId ? list.filter(visible) : list;
        };
      }
      if (prop === 'getSegment') {
        return async (...args: Parameters<Store['getSegment']>) => {
          const s = await t.getSegment(...args);
          return s && args[0] === projectId && !visible(s) ? undefined : s;
        };
      }
      const value = Reflect.get(t, prop, t) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(t) : value;
    },
  });
  return { ...deps, store };
}
