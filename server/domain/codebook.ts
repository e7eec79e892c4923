import { nextProject } from './projects.js';
import { Conflict, InvalidInput, NotFound } from './errors.js';
import type { Deps } from './deps.js';
import type { ChangeSet } from './store.js';
import { descendantIds } from './code-tree.js';
import {
  CodeDefinitionSchema,
  NewCodeSchema,
  type Code,
  type CodeDefinition,
  type CodePatch,
  type DeleteCode,
  type MoveCode,
  type NewCode,
} from '../schemas/code.js';
import { CodebookFileSchema, type CodebookEntry, type CodebookFile, type CrosswalkRow } from '../schemas/codebook.js';
import type { Crosswalk, CrosswalkEntry } from '../schemas/crosswalk.js';
import type { Project } from '../schemas/project.js';
import type { Memo, MemoTarget } from '../schemas/memo.js';
import type { Segment } from '../schemas/segment.js';
import { rescueMemos } from './memos.js';

/** A palette for codes created without a colour (distinct, readable on white). */
/** Colours new codes get in turn (also codes imported from tables). */
export const PALETTE = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#9a6324', '#469990', '#808000', '#000075', '#e6a400'];

export const EMPTY_DEFINITION: CodeDefinition = { description: '', inclusion: '', exclusion: '', anchors: [], rules: '' };

function byOrder(a: Code, b: Code): number {
  return a.order - b.order || a.name.localeCompare(b.name, 'de');
}

export function childrenOf(codes: readonly Code[], parentId: string | null): Code[] {
  return codes.filter((c) => c.parentId === parentId).sort(byOrder);
}

/** The id itself and the ids of all codes below it. */
export function withDescendants(codes: readonly Code[], id: string): string[] {
  return [id, ...descendantIds(codes, id)];
}

async function loadCode(deps: Deps, projectId: string, id: string): Promise<{ codes: Code[]; code: Code }> {
  const codes = await deps.store.listCodes(projectId);
  const code = codes.find((c) => c.id === id);
  if (!code) throw new NotFound(`code ${id} not found`);
  return { codes, code };
}

function expectVersion(code: Code, version: number): void {
  if (code.version !== version) throw new Conflict(`code ${code.id} was changed by someone else (version ${code.version})`, code);
}

/** Renumber siblings 0..n-1 in the given order; returns only the codes whose order changed (version bumped). */
function renumber(siblings: Code[], now: string): Code[] {
  const changed: Code[] = [];
  siblings.forEach((c, i) => {
    if (c.order !== i) changed.push({ ...c, order: i, modified: now, version: c.version + 1 });
  });
  return changed;
}

export async function createCode(deps: Deps, projectId: string, input: NewCode): Promise<Code> {
  const { code, put } = await planNewCode(deps, projectId, input);
  await deps.store.commit(projectId, { codes: { put } });
  return code;
}

/**
 * A new code and the code puts that insert it among its siblings, not yet committed – so a caller
 * can commit it together with more (in-vivo coding: the code and its first segment as one step).
 */
export async function planNewCode(deps: Deps, projectId: string, input: NewCode): Promise<{ code: Code; put: Code[] }> {
  const parsed = NewCodeSchema.parse(input);
  const codes = await deps.store.listCodes(projectId);
  if (parsed.parentId !== null && !codes.some((c) => c.id === parsed.parentId)) throw new NotFound(`parent code ${parsed.parentId} not found`);
  const siblings = childrenOf(codes, parsed.parentId);
  if (siblings.some((c) => c.name === parsed.name)) throw new Conflict(`a code named "${parsed.name}" exists at this level`);
  const now = deps.now();
  const code: Code = {
    id: deps.newId(),
    parentId: parsed.parentId,
    name: parsed.name,
    colour: parsed.colour ?? PALETTE[codes.length % PALETTE.length] ?? '#4363d8',
    isCodable: parsed.isCodable,
    order: 0,
    definition: CodeDefinitionSchema.parse({ ...EMPTY_DEFINITION, ...parsed.definition }),
    created: now,
    modified: now,
    version: 1,
  };
  const position = Math.min(parsed.order ?? siblings.length, siblings.length);
  const ordered = [...siblings];
  ordered.splice(position, 0, code);
  const put = renumber(ordered, now);
  if (!put.some((c) => c.id === code.id)) put.push(code);
  return { code: { ...code, order: position }, put: put.map((c) => (c.id === code.id ? { ...c, version: 1 } : c)) };
}

export async function updateCode(deps: Deps, projectId: string, id: string, patch: CodePatch): Promise<Code> {
  const { codes, code } = await loadCode(deps, projectId, id);
  expectVersion(code, patch.version);
  if (patch.name !== undefined && patch.name !== code.name && childrenOf(codes, code.parentId).some((c) => c.name === patch.name)) {
    throw new Conflict(`a code named "${patch.name}" exists at this level`);
  }
  const next: Code = {
    ...code,
    ...(patch.name !== undefined ? { name: patch.name } : {}),
    ...(patch.colour !== undefined ? { colour: patch.colour } : {}),
    ...(patch.isCodable !== undefined ? { isCodable: patch.isCodable } : {}),
    ...(patch.definition !== undefined ? { definition: CodeDefinitionSchema.parse({ ...code.definition, ...patch.definition }) } : {}),
    modified: deps.now(),
    version: code.version + 1,
  };
  await deps.store.commit(projectId, { codes: { put: [next] } });
  return next;
}

/** Re-parent and/or reorder a code. */
export async function moveCode(deps: Deps, projectId: string, id: string, move: MoveCode): Promise<Code> {
  const { codes, code } = await loadCode(deps, projectId, id);
  expectVersion(code, move.version);
  if (move.parentId !== null) {
    if (!codes.some((c) => c.id === move.parentId)) throw new NotFound(`parent code ${move.parentId} not found`);
    if (withDescendants(codes, id).includes(move.parentId)) throw new InvalidInput('a code cannot move below itself');
  }
  if (move.parentId !== code.parentId && childrenOf(codes, move.parentId).some((c) => c.name === code.name)) {
    throw new Conflict(`a code named "${code.name}" exists at this level`);
  }
  const now = deps.now();
  const changes = new Map<string, Code>();
  const moved: Code = { ...code, parentId: move.parentId, modified: now };
  // Close the gap among the old siblings.
  if (code.parentId !== move.parentId) {
    for (const c of renumber(childrenOf(codes, code.parentId).filter((c) => c.id !== id), now)) changes.set(c.id, c);
  }
  const siblings = childrenOf(codes, move.parentId).filter((c) => c.id !== id);
  siblings.splice(Math.min(move.order ?? siblings.length, siblings.length), 0, moved);
  siblings.forEach((c, i) => {
    if (c.id === id) changes.set(id, { ...moved, order: i, version: code.version + 1 });
    else if (c.order !== i) changes.set(c.id, { ...c, order: i, modified: now, version: c.version + 1 });
  });
  await deps.store.commit(projectId, { codes: { put: [...changes.values()] } });
  return changes.get(id) as Code;
}

/** Same place, same coder: a duplicate that collapses when codes merge. */
function sameSpot(a: Segment, b: Segment): boolean {
  return a.documentId === b.documentId && a.start === b.start && a.end === b.end && a.coder === b.coder;
}

/**
 * Merge `sourceId` into `targetId`: segments move to the target (a segment identical in place and
 * coder to one already there collapses into it, memos joined), sub-codes move below the target,
 * the source's anchor examples join the target's, and the source is deleted.
 */
export async function mergeCodes(
  deps: Deps,
  projectId: string,
  input: { sourceId: string; targetId: string; sourceVersion: number; targetVersion: number },
): Promise<{ target: Code; movedSegments: number; collapsedSegments: number }> {
  if (input.sourceId === input.targetId) throw new InvalidInput('a code cannot be merged into itself');
  const codes = await deps.store.listCodes(projectId);
  const source = codes.find((c) => c.id === input.sourceId);
  const target = codes.find((c) => c.id === input.targetId);
  if (!source) throw new NotFound(`code ${input.sourceId} not found`);
  if (!target) throw new NotFound(`code ${input.targetId} not found`);
  expectVersion(source, input.sourceVersion);
  expectVersion(target, input.targetVersion);
  if (withDescendants(codes, source.id).includes(target.id)) throw new InvalidInput('a code cannot be merged into one of its own sub-codes');
  const now = deps.now();
  const sourceSegments = await deps.store.listSegments(projectId, { codeIds: [source.id] });
  if (!target.isCodable && sourceSegments.length > 0) throw new InvalidInput(`"${target.name}" is a category folder and cannot take segments`);
  const targetSegments = await deps.store.listSegments(projectId, { codeIds: [target.id] });
  const change: ChangeSet = { codes: { put: [], delete: [{ id: source.id, version: source.version }] }, segments: { put: [], delete: [] } };
  const targetPut = new Map<string, Segment>();
  /** Collapsed source segment id → the target segment it collapsed into (its memos follow). */
  const collapsedInto = new Map<string, string>();
  let collapsed = 0;
  for (const s of sourceSegments) {
    const twin = targetSegments.find((t) => sameSpot(s, t));
    if (twin) {
      collapsed++;
      collapsedInto.set(s.id, twin.id);
      if (s.memo) {
        const base = targetPut.get(twin.id) ?? twin;
        targetPut.set(twin.id, { ...base, memo: base.memo ? `${base.memo}\n\n${s.memo}` : s.memo, modified: now, version: twin.version + 1 });
      }
      change.segments?.delete?.push({ id: s.id, version: s.version });
    } else {
      change.segments?.put?.push({ ...s, codeId: target.id, modified: now, version: s.version + 1 });
    }
  }
  change.segments?.put?.push(...targetPut.values());
  const lifted = childrenOf(codes, source.id);
  // The source may itself be a child of the target; it leaves that list.
  const targetChildren = childrenOf(codes, target.id).filter((c) => c.id !== source.id);
  lifted.forEach((c, i) => change.codes?.put?.push({ ...c, parentId: target.id, order: targetChildren.length + i, modified: now, version: c.version + 1 }));
  // Close the source's gap; the target (if a sibling) keeps its place and is put once, below.
  const renumbered = renumber(childrenOf(codes, source.parentId).filter((c) => c.id !== source.id), now);
  for (const c of renumbered) if (c.id !== target.id) change.codes?.put?.push(c);
  const nextTarget: Code = {
    ...target,
    order: renumbered.find((c) => c.id === target.id)?.order ?? target.order,
    definition: { ...target.definition, anchors: [...target.definition.anchors, ...source.definition.anchors] },
    modified: now,
    version: target.version + 1,
  };
  change.codes?.put?.push(nextTarget);
  // Memos on the source code now belong to the target; memos on a collapsed segment to its twin.
  const retarget = (m: Memo): MemoTarget | undefined => {
    if (m.target.type === 'code' && m.target.id === source.id) return { type: 'code', id: target.id };
    const twinId = m.target.type === 'segment' ? collapsedInto.get(m.target.id) : undefined;
    return twinId !== undefined ? { type: 'segment', id: twinId } : undefined;
  };
  change.memos = { put: [] };
  for (const m of await deps.store.listMemos(projectId)) {
    const to = retarget(m);
    if (to) change.memos.put?.push({ ...m, target: to, modified: now, version: m.version + 1 });
  }
  // Crosswalk rows that named the source now name the target.
  const project = await projectWithCrosswalk(deps, projectId, (cid) => (cid === source.id ? target.id : cid));
  if (project) change.project = project;
  await deps.store.commit(projectId, change);
  return { target: nextTarget, movedSegments: sourceSegments.length - collapsed, collapsedSegments: collapsed };
}

/** Split: the chosen segments of a code move to a new sibling code. */
export async function splitCode(
  deps: Deps,
  projectId: string,
  id: string,
  input: { name: string; segmentIds: string[]; version: number },
): Promise<{ code: Code; movedSegments: number }> {
  const { codes, code } = await loadCode(deps, projectId, id);
  expectVersion(code, input.version);
  if (input.segmentIds.length === 0) throw new InvalidInput('choose at least one segment to split off');
  const segments = await deps.store.listSegments(projectId, { codeIds: [id] });
  const chosen = new Set(input.segmentIds);
  const moving = segments.filter((s) => chosen.has(s.id));
  if (moving.length !== chosen.size) throw new InvalidInput('every segment to split off must belong to the code');
  if (childrenOf(codes, code.parentId).some((c) => c.name === input.name)) throw new Conflict(`a code named "${input.name}" exists at this level`);
  const now = deps.now();
  const siblings = childrenOf(codes, code.parentId);
  const created: Code = {
    id: deps.newId(),
    parentId: code.parentId,
    name: input.name,
    colour: PALETTE[codes.length % PALETTE.length] ?? code.colour,
    isCodable: true,
    order: siblings.length,
    definition: { ...EMPTY_DEFINITION, description: `Abgespalten von „${code.name}“.` },
    created: now,
    modified: now,
    version: 1,
  };
  await deps.store.commit(projectId, {
    codes: { put: [created] },
    segments: { put: moving.map((s) => ({ ...s, codeId: created.id, modified: now, version: s.version + 1 })) },
  });
  return { code: created, movedSegments: moving.length };
}

/** Delete a code; the caller decides what happens to its segments and sub-codes. */
export async function deleteCode(
  deps: Deps,
  projectId: string,
  id: string,
  input: DeleteCode,
): Promise<{ deletedCodes: number; deletedSegments: number; movedSegments: number; liftedCodes: number }> {
  const { codes, code } = await loadCode(deps, projectId, id);
  expectVersion(code, input.version);
  const doomed = input.children === 'delete' ? withDescendants(codes, id) : [id];
  const doomedSet = new Set(doomed);
  if (input.segments.action === 'move') {
    const to = codes.find((c) => c.id === (input.segments as { toCodeId: string }).toCodeId);
    if (!to) throw new NotFound(`code ${input.segments.toCodeId} not found`);
    if (doomedSet.has(to.id)) throw new InvalidInput('segments cannot move to a code that is being deleted');
    if (!to.isCodable) throw new InvalidInput(`"${to.name}" is a category folder and cannot take segments`);
  }
  const now = deps.now();
  const segments = await deps.store.listSegments(projectId, { codeIds: doomed });
  const change: ChangeSet = {
    codes: { delete: doomed.map((cid) => ({ id: cid, version: (codes.find((c) => c.id === cid) as Code).version })), put: [] },
    segments: {},
  };
  let lifted = 0;
  if (input.children === 'lift') {
    const parentSiblings = childrenOf(codes, code.parentId).filter((c) => c.id !== id);
    const kids = childrenOf(codes, id);
    const ordered = [...parentSiblings];
    ordered.splice(code.order, 0, ...kids);
    ordered.forEach((c, i) => {
      if (c.parentId === id || c.order !== i) change.codes?.put?.push({ ...c, parentId: code.parentId, order: i, modified: now, version: c.version + 1 });
    });
    lifted = kids.length;
  } else {
    change.codes?.put?.push(...renumber(childrenOf(codes, code.parentId).filter((c) => c.id !== id), now));
  }
  let moved = 0;
  if (input.segments.action === 'move') {
    const toCodeId = input.segments.toCodeId;
    const existing = await deps.store.listSegments(projectId, { codeIds: [toCodeId] });
    const put: Segment[] = [];
    const del: { id: string; version: number }[] = [];
    for (const s of segments) {
      if (existing.some((t) => sameSpot(s, t)) || put.some((t) => sameSpot(s, t))) del.push({ id: s.id, version: s.version });
      else put.push({ ...s, codeId: toCodeId, modified: now, version: s.version + 1 });
    }
    change.segments = { put, delete: del };
    moved = put.length;
  } else {
    change.segments = { delete: segments.map((s) => ({ id: s.id, version: s.version })) };
  }
  change.memos = {
    put: rescueMemos(
      await deps.store.listMemos(projectId),
      [
        ...doomed.map((cid) => ({ type: 'code' as const, id: cid })),
        ...(change.segments.delete ?? []).map((r) => ({ type: 'segment' as const, id: r.id, documentId: segments.find((s) => s.id === r.id)?.documentId as string })),
      ],
      now,
    ),
  };
  // Deleted codes leave the crosswalk (a row left empty on a side goes with them).
  const project = await projectWithCrosswalk(deps, projectId, (cid) => (doomedSet.has(cid) ? null : cid));
  if (project) change.project = project;
  await deps.store.commit(projectId, change);
  return { deletedCodes: doomed.length, deletedSegments: segments.length - moved, movedSegments: moved, liftedCodes: lifted };
}

/**
 * Import a codebook file into a project (below `parentId`, or at the top). Codes whose key already
 * exists in the project are left as they are, so importing twice does not duplicate.
 */
export async function importCodebook(
  deps: Deps,
  projectId: string,
  raw: unknown,
  options: { parentId?: string | null } = {},
): Promise<{ created: Code[]; skipped: number; book: CodebookFile; crosswalkRows: number }> {
  const parsed = CodebookFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new InvalidInput(
      'not a valid codebook file',
      parsed.error.issues.slice(0, 20).map((i) => ({ path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: i.message })),
    );
  }
  const book = parsed.data;
  const codes = await deps.store.listCodes(projectId);
  const byKey = new Map(codes.filter((c) => c.key).map((c) => [c.key as string, c]));
  const parentId = options.parentId ?? null;
  if (parentId !== null && !codes.some((c) => c.id === parentId)) throw new NotFound(`parent code ${parentId} not found`);
  const now = deps.now();
  const created: Code[] = [];
  let skipped = 0;
  let colourIndex = codes.length;
  const walk = (entries: CodebookEntry[], parent: string | null): void => {
    // New codes go after the siblings already there, in file order and without gaps (known ones keep their place).
    let nextOrder = codes.filter((c) => c.parentId === parent).length + created.filter((c) => c.parentId === parent).length;
    entries.forEach((e) => {
      const known = e.key !== undefined ? byKey.get(e.key) : undefined;
      let id: string;
      if (known) {
        skipped++;
        id = known.id;
      } else {
        id = deps.newId();
        created.push({
          id,
          ...(e.key !== undefined ? { key: e.key } : {}),
          parentId: parent,
          name: e.name,
          colour: e.colour ?? PALETTE[colourIndex++ % PALETTE.length] ?? '#4363d8',
          isCodable: e.isCodable ?? true,
          order: nextOrder++,
          definition: CodeDefinitionSchema.parse({ ...EMPTY_DEFINITION, ...e.definition }),
          created: now,
          modified: now,
          version: 1,
        });
      }
      if (e.children) walk(e.children, id);
    });
  };
  walk(book.codes, parentId);
  // The file's crosswalk, translated from keys to ids (known and new codes), joins the project's.
  const project = await deps.store.getProject(projectId);
  if (!project) throw new NotFound(`project ${projectId} not found`);
  const idOfKey = new Map(byKey);
  for (const c of created) if (c.key !== undefined) idOfKey.set(c.key, c);
  const crosswalk = appendCrosswalkRows(project.crosswalk, book.crosswalk, (key) => idOfKey.get(key)?.id, deps.newId);
  const addedRows = crosswalk.length - project.crosswalk.length;
  if (created.length > 0 || addedRows > 0) {
    await deps.store.commit(projectId, {
      ...(created.length > 0 ? { codes: { put: created } } : {}),
      ...(addedRows > 0 ? { project: nextProject(project, { crosswalk }) } : {}),
    });
  }
  return { created, skipped, book, crosswalkRows: addedRows };
}

/** Same codes on both sides, in any order: the row is already there. */
function sameRow(x: { a: readonly string[]; b: readonly string[] }, y: { a: readonly string[]; b: readonly string[] }): boolean {
  const same = (p: readonly string[], q: readonly string[]): boolean => {
    const sp = new Set(p);
    const sq = new Set(q);
    return sp.size === sq.size && [...sp].every((v) => sq.has(v));
  };
  return same(x.a, y.a) && same(x.b, y.b);
}

/**
 * Append codebook-file crosswalk rows (keys) to a project crosswalk (ids). Rows whose codes are
 * already linked the same way are skipped, so a re-import does not duplicate them.
 */
function appendCrosswalkRows(current: Crosswalk, rows: readonly CrosswalkRow[], idOf: (key: string) => string | undefined, newId: () => string): Crosswalk {
  const out = [...current];
  for (const row of rows) {
    // The file schema guarantees every key names a code of the file; a known code keeps its id.
    const a = [...new Set(row.a.map(idOf).filter((id): id is string => id !== undefined))];
    const b = [...new Set(row.b.map(idOf).filter((id): id is string => id !== undefined))];
    if (a.length === 0 || b.length === 0) continue;
    if (out.some((r) => sameRow(r, { a, b }))) continue;
    out.push({ id: newId(), label: row.label, a, b, note: row.note });
  }
  return out;
}

/**
 * Rewrite the code ids of a crosswalk (after a merge or delete): `map` returns the new id, or null to
 * drop the id; a row with an empty side is dropped. Returns undefined when nothing changed.
 */
export function rewriteCrosswalk(crosswalk: Crosswalk, map: (id: string) => string | null): Crosswalk | undefined {
  let changed = false;
  const out: CrosswalkEntry[] = [];
  for (const row of crosswalk) {
    const side = (ids: readonly string[]): string[] => {
      const next = [...new Set(ids.map(map).filter((id): id is string => id !== null))];
      if (next.length !== ids.length || next.some((id, i) => id !== ids[i])) changed = true;
      return next;
    };
    const a = side(row.a);
    const b = side(row.b);
    if (a.length === 0 || b.length === 0) {
      changed = true;
      continue;
    }
    out.push({ ...row, a, b });
  }
  return changed ? out : undefined;
}

/** The project with its crosswalk rewritten, or undefined when the crosswalk does not change. */
async function projectWithCrosswalk(deps: Deps, projectId: string, map: (id: string) => string | null): Promise<Project | undefined> {
  const project = await deps.store.getProject(projectId);
  if (!project) return undefined;
  const crosswalk = rewriteCrosswalk(project.crosswalk, map);
  return crosswalk ? nextProject(project, { crosswalk }) : undefined;
}

/**
 * The project's code tree as a codebook file (keys kept where codes have them). The crosswalk is
 * written with keys; a code without a key cannot be named in a file, so it leaves its row, and a row
 * left without codes on a side is not written.
 */
export function exportCodebook(
  codes: readonly Code[],
  meta: { name: string; title: string; description?: string; language?: string },
  crosswalk: Crosswalk = [],
): CodebookFile {
  const keyOf = new Map(codes.filter((c) => c.key !== undefined).map((c) => [c.id, c.key as string]));
  const keys = (ids: readonly string[]): string[] => [...new Set(ids.map((id) => keyOf.get(id)).filter((k): k is string => k !== undefined))];
  const rows = crosswalk
    .map((r) => ({ label: r.label, a: keys(r.a), b: keys(r.b), note: r.note }))
    .filter((r) => r.a.length > 0 && r.b.length > 0);
  const build = (parentId: string | null): CodebookEntry[] =>
    childrenOf(codes, parentId).map((c) => {
      const children = build(c.id);
      return {
        ...(c.key !== undefined ? { key: c.key } : {}),
        name: c.name,
        colour: c.colour,
        isCodable: c.isCodable,
        definition: c.definition,
        ...(children.length > 0 ? { children } : {}),
      };
    });
  return CodebookFileSchema.parse({
    format: 'sichtbar-codebook',
    formatVersion: 1,
    name: meta.name,
    title: meta.title,
    description: meta.description ?? '',
    language: meta.language ?? 'de',
    codes: build(null),
    crosswalk: rows,
  });
}

/** The codebook as a readable Markdown document: tree overview, then every code's definition. */
export function codebookToMarkdown(book: CodebookFile): string {
  const lines: string[] = [`# ${book.title}`, ''];
  if (book.description) lines.push(book.description, '');
  lines.push('## Übersicht', '');
  const overview = (entries: CodebookEntry[], depth: number): void => {
    for (const e of entries) {
      lines.push(`${'  '.repeat(depth)}- ${e.name}${e.isCodable === false ? ' (Kategorie)' : ''}`);
      if (e.children) overview(e.children, depth + 1);
    }
  };
  overview(book.codes, 0);
  lines.push('');
  const details = (entries: CodebookEntry[], path: string[]): void => {
    for (const e of entries) {
      const here = [...path, e.name];
      lines.push(`## ${here.join(' › ')}`, '');
      const d = e.definition ?? {};
      if (d.description) lines.push(d.description, '');
      if (d.inclusion) lines.push('**Einschlusskriterien**', '', d.inclusion, '');
      if (d.exclusion) lines.push('**Ausschlusskriterien und Abgrenzung**', '', d.exclusion, '');
      if (d.anchors && d.anchors.length > 0) {
        lines.push('**Ankerbeispiele**', '');
        for (const a of d.anchors) lines.push(`> ${a.text.replace(/\n/g, '\n> ')}`, '');
      }
      if (d.rules) lines.push('**Kodierregeln**', '', d.rules, '');
      if (e.children) details(e.children, here);
    }
  };
  details(book.codes, []);
  if (book.crosswalk.length > 0) {
    lines.push('## Zuordnung Beratung ↔ Dokumentation', '', '| Zeile | Beratung | Dokumentation |', '|---|---|---|');
    const names = new Map<string, string>();
    const collect = (entries: CodebookEntry[]): void =>
      entries.forEach((e) => {
        if (e.key) names.set(e.key, e.name);
        if (e.children) collect(e.children);
      });
    collect(book.codes);
    const cell = (keys: string[]): string => keys.map((k) => names.get(k) ?? k).join('; ').replace(/\|/g, '\\|');
    for (const row of book.crosswalk) lines.push(`| ${row.label.replace(/\|/g, '\\|')} | ${cell(row.a)} | ${cell(row.b)} |`);
    lines.push('');
  }
  return lines.join('\n');
}
