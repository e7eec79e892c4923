/**
 * Autocoding (issue 7): code the hits of a search – all or the chosen ones – with one code,
 * extending each hit to its word, sentence, paragraph or speaker turn. A preview shows what would
 * be created; applying writes the whole run as ONE store commit, and the run is recorded (its id and
 * the created segments with their versions) so it can be undone as one step.
 *
 * Runs are recorded with the project (`Project.autocodeRuns`, the last 100), in the same commit as
 * their segments. That commit is also one step of the general undo (domain/undo.ts): the coder's
 * Ctrl+Z removes the segments and the run's record together, and redo brings both back.
 * `undoAutocode` stays for undoing a chosen run from the run list (also an admin, also an older
 * run); it makes one commit too, which the general undo can take back.
 */
import { nextProject } from './projects.js';
import type { Project } from '../schemas/project.js';
import { sentenceEnds } from './sentences.js';
import type { Actor, Deps } from './deps.js';
import { Conflict, Forbidden, InvalidInput, NotFound } from './errors.js';
import { rescueMemos } from './memos.js';
import { findHits, type RawHit } from './search.js';
import type { CodePointIndex } from './text.js';
import { AutocodeRequestSchema, type AutocodeItem, type AutocodePreview, type AutocodeRequest, type AutocodeRun, type AutocodeUnit } from '../schemas/search.js';
import type { Document } from '../schemas/document.js';
import type { Segment } from '../schemas/segment.js';

// ---------------------------------------------------------------------------------------------
// Extension units


/** A paragraph: the text between blank lines (code points). */
function paragraphAround(text: string, start: number, end: number): { start: number; end: number } {
  const before = text.slice(0, start);
  const breakBefore = before.lastIndexOf('\n\n');
  const from = breakBefore < 0 ? 0 : breakBefore + 2;
  const after = text.indexOf('\n\n', end);
  return trim(text, from, after < 0 ? text.length : after);
}

/** The sentence(s) around a hit: sentence ends as in the comparison's quotes, and line ends. */
function sentenceAround(text: string, start: number, end: number): { start: number; end: number } {
  const para = paragraphAround(text, start, end);
  const slice = text.slice(para.start, para.end);
  const ends = sentenceEnds(slice).map((e) => para.start + e);
  for (let i = slice.indexOf('\n'); i >= 0; i = slice.indexOf('\n', i + 1)) ends.push(para.start + i + 1);
  ends.sort((x, y) => x - y);
  let from = para.start;
  let to = para.end;
  for (const e of ends) {
    if (e <= start) from = e;
    else if (e >= end) {
      to = e;
      break;
    }
  }
  return trim(text, from, to);
}

function trim(text: string, start: number, end: number): { start: number; end: number } {
  while (start < end && /\s/.test(text[start] as string)) start++;
  while (end > start && /\s/.test(text[end - 1] as string)) end--;
  return { start, end };
}

/**
 * The range a hit extends to (code points), or null when it cannot (a hit outside every speaker
 * turn with unit "turn"). Sentences and paragraphs are found in the UTF-16 text and mapped back.
 */
export function extendHit(doc: Pick<Document, 'turns'>, text: CodePointIndex, hit: { start: number; end: number }, unit: AutocodeUnit): { start: number; end: number } | null {
  switch (unit) {
    case 'word':
      return { start: hit.start, end: hit.end };
    case 'turn': {
      const turn = doc.turns.find((t) => t.start <= hit.start && hit.end <= t.end);
      if (!turn) return null;
      const u = trim(text.text, text.toUtf16(turn.textStart), text.toUtf16(turn.end));
      return { start: text.toCodePoint(u.start), end: text.toCodePoint(u.end) };
    }
    case 'sentence':
    case 'paragraph': {
      const s = text.toUtf16(hit.start);
      const e = text.toUtf16(hit.end);
      const u = unit === 'sentence' ? sentenceAround(text.text, s, e) : paragraphAround(text.text, s, e);
      return { start: text.toCodePoint(Math.min(u.start, s)), end: text.toCodePoint(Math.max(u.end, e)) };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Preview and apply

interface Planned extends AutocodeItem {
  key: string;
}

async function plan(deps: Deps, projectId: string, actor: Actor, request: AutocodeRequest): Promise<{ items: Planned[]; duplicates: number; unextendable: number; codeId: string; unit: AutocodeUnit; query: string }> {
  const r = AutocodeRequestSchema.parse(request);
  const code = (await deps.store.listCodes(projectId)).find((c) => c.id === r.codeId);
  if (!code) throw new NotFound(`code ${r.codeId} not found`);
  if (!code.isCodable) throw new InvalidInput(`"${code.name}" is a category folder and cannot be applied to text`);
  let hits: RawHit[] = await findHits(deps, projectId, r.query, r.scope);
  if (r.hits) {
    const chosen = new Set(r.hits.map((h) => `${h.documentId}:${h.start}:${h.end}`));
    hits = hits.filter((h) => chosen.has(`${h.doc.id}:${h.start}:${h.end}`));
    if (hits.length < chosen.size) throw new InvalidInput(`${chosen.size - hits.length} of the chosen hits are not hits of this query`);
  }
  const planned = new Map<string, Planned>();
  let unextendable = 0;
  for (const h of hits) {
    const range = extendHit(h.doc.document, h.doc.text, h, r.unit);
    if (!range) {
      unextendable++;
      continue;
    }
    const key = `${h.doc.id}:${range.start}:${range.end}`;
    const known = planned.get(key);
    if (known) {
      known.hits++;
      continue;
    }
    const text = h.doc.text.slice(range.start, range.end);
    planned.set(key, { key, documentId: h.doc.id, title: h.doc.title, start: range.start, end: range.end, text: text.length > 300 ? `${[...text].slice(0, 299).join('')}…` : text, hits: 1 });
  }
  // Skip what this coder has already coded exactly so with this code (applyCode's rule).
  const existing = await deps.store.listSegments(projectId, { codeIds: [r.codeId], coders: [actor.userId] });
  const taken = new Set(existing.map((s) => `${s.documentId}:${s.start}:${s.end}`));
  const items = [...planned.values()].filter((p) => !taken.has(p.key));
  return { items, duplicates: planned.size - items.length, unextendable, codeId: r.codeId, unit: r.unit, query: r.query };
}

/** What an autocoding run would create (nothing is written). */
export async function previewAutocode(deps: Deps, projectId: string, actor: Actor, request: AutocodeRequest): Promise<AutocodePreview> {
  const p = await plan(deps, projectId, actor, request);
  return { codeId: p.codeId, unit: p.unit, items: p.items.map(({ key: _key, ...item }) => item), duplicates: p.duplicates, unextendable: p.unextendable };
}

const MAX_RUNS = 100;

async function projectOf(deps: Deps, projectId: string): Promise<Project> {
  const project = await deps.store.getProject(projectId);
  if (!project) throw new NotFound(`project ${projectId} not found`);
  return project;
}

/** Code the planned ranges in one commit and record the run. */
export async function applyAutocode(deps: Deps, projectId: string, actor: Actor, request: AutocodeRequest): Promise<AutocodeRun> {
  const p = await plan(deps, projectId, actor, request);
  const now = deps.now();
  const segments: Segment[] = p.items.map((item) => ({
    id: deps.newId(),
    documentId: item.documentId,
    codeId: p.codeId,
    start: item.start,
    end: item.end,
    coder: actor.userId,
    memo: '',
    created: now,
    modified: now,
    version: 1,
  }));
  const run: AutocodeRun = {
    id: deps.newId(),
    codeId: p.codeId,
    query: p.query,
    unit: p.unit,
    coder: actor.userId,
    created: now,
    segments: segments.map((s) => ({ id: s.id, version: s.version })),
    duplicates: p.duplicates,
  };
  // The segments and the record of the run in one commit: kept with the project (the last
  // MAX_RUNS runs), so a run can be undone as one step even after a restart.
  const project = await projectOf(deps, projectId);
  const runs = [...(project.autocodeRuns ?? []), run].slice(-MAX_RUNS);
  await deps.store.commit(projectId, { ...(segments.length > 0 ? { segments: { put: segments } } : {}), project: nextProject(project, { autocodeRuns: runs }) });
  return run;
}

export async function listAutocodeRuns(deps: Deps, projectId: string): Promise<AutocodeRun[]> {
  return [...((await projectOf(deps, projectId)).autocodeRuns ?? [])].reverse();
}

/**
 * Undo a run in one commit: delete exactly the segments it created. When any of them was changed
 * or removed since, nothing is deleted (Conflict, HTTP 409, naming the changed segments).
 */
export async function undoAutocode(deps: Deps, projectId: string, actor: Actor, runId: string): Promise<{ deleted: number }> {
  const project = await projectOf(deps, projectId);
  const run = (project.autocodeRuns ?? []).find((r) => r.id === runId);
  if (!run) throw new NotFound(`autocoding run ${runId} not found (the last ${MAX_RUNS} runs are kept)`);
  if (actor.role !== 'admin' && run.coder !== actor.userId) throw new Forbidden('only the coder who ran the autocoding (or an admin) may undo it');
  const current = new Map((await deps.store.listSegments(projectId, { coders: [run.coder] })).map((s) => [s.id, s]));
  const changed = run.segments.filter((ref) => current.get(ref.id)?.version !== ref.version);
  if (changed.length > 0) {
    throw new Conflict(`${changed.length} of the ${run.segments.length} segments of this run were changed or removed since; undo them one by one`, { changed: changed.map((c) => c.id) });
  }
  const memos = rescueMemos(
    await deps.store.listMemos(projectId),
    run.segments.map((ref) => ({ type: 'segment' as const, id: ref.id, documentId: (current.get(ref.id) as Segment).documentId })),
    deps.now(),
  );
  await deps.store.commit(projectId, {
    segments: { delete: run.segments },
    ...(memos.length > 0 ? { memos: { put: memos } } : {}),
    project: nextProject(project, { autocodeRuns: (project.autocodeRuns ?? []).filter((r) => r.id !== runId) }),
  });
  return { deleted: run.segments.length };
}
