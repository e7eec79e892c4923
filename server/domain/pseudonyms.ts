/**
 * Pseudonymisation (issue 9, item 1): the key of a project, applying it to new documents on import
 * and to documents that are already coded, and previews of what would change.
 *
 * The key is not project data: it lives behind `PseudonymKeys` (storage/pseudonym-keys.ts writes
 * `data/keys/<projectId>.json`, apart from `data/projects/`), so exports and backups, which read the
 * Store only, cannot contain it. Only admins read or change it (`manage-projects`).
 *
 * Applying to a stored document is one atomic commit per document: the new text (version + 1,
 * `replaceTexts` names it), every segment whose offsets move or whose memo changes (version + 1),
 * the turns, and the memos on the document and its segments. The search index sees the new text
 * by its version and re-tokenises it.
 */
import type { Document, NewDocument, SpeakerTurn } from '../schemas/document.js';
import type { Memo } from '../schemas/memo.js';
import {
  MatchOptionsSchema,
  PseudonymApplySchema,
  PseudonymKeyUpdateSchema,
  type DocumentPseudonymisation,
  type MatchOptions,
  type PseudonymApply,
  type PseudonymKey,
  type PseudonymSuggestion,
  type PseudonymisationResult,
} from '../schemas/pseudonym.js';
import type { Segment } from '../schemas/segment.js';
import { recordServerEvent } from './audit.js';
import type { Actor, Deps } from './deps.js';
import { Conflict, InvalidInput, NotFound } from './errors.js';
import { demand } from './permissions.js';
import { requireProject } from './projects.js';
import { suggestPseudonyms } from './pseudonym-suggestions.js';
import { OffsetMap, PseudonymMatcher, pseudonymiseString, replaceAll, sampleAround, type Replacement } from './pseudonym-text.js';
import { CodePointIndex } from './text.js';

/**
 * Where the keys are kept (apart from the project data). Small and async so a PostgreSQL adapter
 * can implement it. `put` follows the version rule: a new key has version 1, a change carries the
 * stored version + 1; anything else rejects with `Conflict` (the current key in `current`).
 */
export interface PseudonymKeys {
  /** The stored key, or undefined when the project has none. */
  get(projectId: string): Promise<PseudonymKey | undefined>;
  put(key: PseudonymKey): Promise<void>;
  /** Remove a project's key (when the project is deleted). */
  delete(projectId: string): Promise<void>;
}

function keysOf(deps: Deps): PseudonymKeys {
  if (!deps.pseudonymKeys) throw new NotFound('this server keeps no pseudonym keys');
  return deps.pseudonymKeys;
}

/** The version check every `PseudonymKeys` adapter applies before writing. */
export function checkKeyVersion(current: PseudonymKey | undefined, next: PseudonymKey): void {
  const stored = current?.version ?? 0;
  if (next.version !== stored + 1) {
    throw new Conflict(`the pseudonym key was changed by someone else (version ${stored})`, current ?? emptyKey(next.projectId));
  }
}

export function emptyKey(projectId: string): PseudonymKey {
  return { projectId, entries: [], modified: null, version: 0 };
}

/** The project's key (admins only); an empty key with version 0 when there is none yet. */
export async function getPseudonymKey(deps: Deps, actor: Actor, projectId: string): Promise<PseudonymKey> {
  demand(actor.role, 'manage-projects');
  await requireProject(deps, projectId);
  return (await keysOf(deps).get(projectId)) ?? emptyKey(projectId);
}

/** Replace the key's entries; `version` is the version the caller read (admins only). */
export async function putPseudonymKey(deps: Deps, actor: Actor, projectId: string, input: unknown): Promise<PseudonymKey> {
  demand(actor.role, 'manage-projects');
  await requireProject(deps, projectId);
  const parsed = PseudonymKeyUpdateSchema.safeParse(input);
  if (!parsed.success) {
    throw new InvalidInput('invalid pseudonym key', parsed.error.issues.slice(0, 20).map((i) => ({ path: i.path.map(String), message: i.message })));
  }
  const key: PseudonymKey = { projectId, entries: parsed.data.entries, modified: deps.now(), version: parsed.data.version + 1 };
  await keysOf(deps).put(key);
  // Who changed the key goes into the server-wide audit log (never the names themselves).
  await recordServerEvent(deps.store, {
    userId: actor === OPERATOR ? null : actor.userId,
    kind: 'project',
    id: projectId,
    action: 'changed',
    fields: ['pseudonymKey'],
    version: key.version,
    detail: `pseudonym key: ${key.entries.length} entries`,
  });
  return key;
}

/** The key for applying, without the role check (CLI, import). */
async function keyFor(deps: Deps, projectId: string): Promise<PseudonymKey> {
  return (await keysOf(deps).get(projectId)) ?? emptyKey(projectId);
}

// ---------------------------------------------------------------------------------------------
// New documents (import)

function mapTurns(turns: readonly SpeakerTurn[], map: OffsetMap, matcher: PseudonymMatcher): SpeakerTurn[] {
  return turns.map((t) => ({
    ...t,
    speaker: pseudonymiseString(matcher, t.speaker),
    start: map.map(t.start, 'start'),
    textStart: map.map(t.textStart, 'start'),
    end: map.map(t.end, 'end'),
  }));
}

/**
 * The pseudonymised fields of a document (text, turns, title, source file name) and where the
 * replacements were – shared by import and by stored documents. The source file's hash would
 * confirm a guessed original, so it is dropped when the text changes.
 */
function pseudonymiseFields<D extends NewDocument | Document>(doc: D, matcher: PseudonymMatcher): { document: D; found: Replacement[]; map: OffsetMap; index: CodePointIndex } {
  const index = new CodePointIndex(doc.text);
  const found = matcher.find(doc.text, index);
  const map = new OffsetMap(found);
  const sourceFile = doc.sourceFile === undefined ? undefined : pseudonymiseString(matcher, doc.sourceFile);
  const document: D = {
    ...doc,
    title: pseudonymiseString(matcher, doc.title),
    text: replaceAll(doc.text, found, index),
    turns: mapTurns(doc.turns ?? [], map, matcher),
    ...(sourceFile !== undefined ? { sourceFile } : {}),
  };
  if (found.length > 0) delete document.sha256;
  return { document, found, map, index };
}

/** Pseudonymise a document before it is stored: text, turns, title and source file name. */
export function pseudonymiseNewDocument(doc: NewDocument, matcher: PseudonymMatcher): { document: NewDocument; replacements: number } {
  const { document, found } = pseudonymiseFields(doc, matcher);
  return { document, replacements: found.length };
}

/** Apply the project's key to documents about to be imported (CLI `import --pseudonymise`, upload option). */
export async function pseudonymiseImports(deps: Deps, projectId: string, docs: NewDocument[], options: Partial<MatchOptions> = {}): Promise<NewDocument[]> {
  const key = await keyFor(deps, projectId);
  if (key.entries.length === 0) throw new InvalidInput('the project has no pseudonym key yet: an admin adds names first');
  const matcher = new PseudonymMatcher(key.entries, MatchOptionsSchema.parse(options));
  return docs.map((d) => pseudonymiseNewDocument(d, matcher).document);
}

// ---------------------------------------------------------------------------------------------
// Stored documents

interface Plan {
  summary: DocumentPseudonymisation;
  document: Document;
  segments: Segment[];
  memos: Memo[];
  replacements: Replacement[];
}

function countByEntry(found: readonly Replacement[]): DocumentPseudonymisation['byEntry'] {
  const counts = new Map<string, { real: string; pseudonym: string; count: number }>();
  for (const r of found) {
    const c = counts.get(r.entry.real);
    if (c) c.count++;
    else counts.set(r.entry.real, { real: r.entry.real, pseudonym: r.entry.pseudonym, count: 1 });
  }
  return [...counts.values()].sort((a, b) => b.count - a.count || a.real.localeCompare(b.real, 'de'));
}

/** What applying the key to one stored document changes, as the entities to commit. */
function planDocument(deps: Deps, doc: Document, segments: readonly Segment[], memos: readonly Memo[], matcher: PseudonymMatcher, withMemos: boolean): Plan {
  const { document: rewritten, found, map, index } = pseudonymiseFields(doc, matcher);
  const next: Document = { ...rewritten, version: doc.version + 1 };
  const now = deps.now();
  const changedSegments: Segment[] = [];
  for (const s of segments) {
    const start = map.map(s.start, 'start');
    const end = map.map(s.end, 'end');
    const memo = withMemos ? pseudonymiseString(matcher, s.memo) : s.memo;
    if (start === s.start && end === s.end && memo === s.memo) continue;
    changedSegments.push({ ...s, start, end, memo, modified: now, version: s.version + 1 });
  }
  const segmentIds = new Set(segments.map((s) => s.id));
  const changedMemos: Memo[] = [];
  if (withMemos) {
    for (const m of memos) {
      const mine = (m.target.type === 'document' && m.target.id === doc.id) || (m.target.type === 'segment' && segmentIds.has(m.target.id));
      if (!mine) continue;
      const text = pseudonymiseString(matcher, m.text);
      const memoTitle = pseudonymiseString(matcher, m.title);
      if (text === m.text && memoTitle === m.title) continue;
      changedMemos.push({ ...m, text, title: memoTitle, modified: now, version: m.version + 1 });
    }
  }
  const docChanged = found.length > 0 || next.title !== doc.title || next.sourceFile !== doc.sourceFile;
  return {
    summary: {
      documentId: doc.id,
      title: doc.title,
      replacements: found.length,
      byEntry: countByEntry(found),
      segments: changedSegments.length,
      memos: changedMemos.length,
      samples: found.slice(0, 3).map((r) => sampleAround(index, r)),
    },
    document: docChanged ? next : doc,
    segments: changedSegments,
    memos: changedMemos,
    replacements: found,
  };
}

async function selectDocuments(deps: Deps, projectId: string, ids: readonly string[] | undefined): Promise<string[]> {
  const all = (await deps.store.listDocuments(projectId)).sort((a, b) => a.title.localeCompare(b.title, 'de')).map((d) => d.id);
  if (!ids) return all;
  const known = new Set(all);
  for (const id of ids) if (!known.has(id)) throw new NotFound(`document ${id} not found`);
  return [...new Set(ids)];
}

async function run(deps: Deps, projectId: string, input: PseudonymApply, commit: boolean): Promise<PseudonymisationResult> {
  await requireProject(deps, projectId);
  const parsed = PseudonymApplySchema.safeParse(input);
  if (!parsed.success) throw new InvalidInput(`invalid request: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const options = parsed.data;
  const key = await keyFor(deps, projectId);
  const matcher = new PseudonymMatcher(key.entries, { caseSensitive: options.caseSensitive, inflections: options.inflections });
  const ids = await selectDocuments(deps, projectId, options.documentIds);
  const memos = options.memos ? await deps.store.listMemos(projectId) : [];
  const documents: DocumentPseudonymisation[] = [];
  let total = 0;
  for (const id of ids) {
    const doc = await deps.store.getDocument(projectId, id);
    if (!doc) throw new NotFound(`document ${id} not found`);
    const segments = await deps.store.listSegments(projectId, { documentIds: [id] });
    const plan = planDocument(deps, doc, segments, memos, matcher, options.memos);
    const changed = plan.document !== doc || plan.segments.length > 0 || plan.memos.length > 0;
    total += plan.replacements.length;
    if (commit && changed) {
      // One atomic commit per document: text, turns, moved segments and memos together.
      await deps.store.commit(projectId, {
        replaceTexts: [doc.id],
        ...(plan.document !== doc ? { documents: { put: [plan.document] } } : {}),
        ...(plan.segments.length > 0 ? { segments: { put: plan.segments } } : {}),
        ...(plan.memos.length > 0 ? { memos: { put: plan.memos } } : {}),
      });
      plan.summary.version = plan.document.version;
    }
    if (changed) documents.push(plan.summary);
  }
  return { keyVersion: key.version, documents, total };
}

/** What applying the key would change, per document (admins only). */
export async function previewPseudonymisation(deps: Deps, actor: Actor, projectId: string, input: PseudonymApply = {}): Promise<PseudonymisationResult> {
  demand(actor.role, 'manage-projects');
  return run(deps, projectId, input, false);
}

/**
 * Apply the key to stored documents (admins only): one atomic commit per document. A document
 * changed by someone else meanwhile makes its commit fail with 409; documents before it stay done
 * (applying again is harmless: a pseudonym is not a real name of the key).
 */
export async function applyPseudonymisation(deps: Deps, actor: Actor, projectId: string, input: PseudonymApply = {}): Promise<PseudonymisationResult> {
  demand(actor.role, 'manage-projects');
  return run(deps, projectId, input, true);
}

/** Suggestions for one document or the whole project (admins only: they show names in context). */
export async function suggestForProject(deps: Deps, actor: Actor, projectId: string, query: { documentId?: string | undefined; limit?: number | undefined } = {}): Promise<PseudonymSuggestion[]> {
  demand(actor.role, 'manage-projects');
  await requireProject(deps, projectId);
  const ids = query.documentId ? [query.documentId] : (await deps.store.listDocuments(projectId)).map((d) => d.id);
  const docs: Document[] = [];
  for (const id of ids) {
    const doc = await deps.store.getDocument(projectId, id);
    if (!doc) throw new NotFound(`document ${id} not found`);
    docs.push(doc);
  }
  const key = await keyFor(deps, projectId);
  return suggestPseudonyms(docs, key.entries, query.limit ?? 500);
}

/** For the CLI, which runs as the operator of the data directory. */
export const OPERATOR: Actor = { userId: 'cli', role: 'admin' };
