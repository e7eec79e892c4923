import { NotFound, Forbidden } from './errors.js';
import type { Actor, Deps } from './deps.js';
import { NewMemoSchema, type Memo, type MemoPatch, type MemoTarget, type NewMemo } from '../schemas/memo.js';

async function checkTarget(deps: Deps, projectId: string, target: MemoTarget): Promise<void> {
  const store = deps.store;
  const exists =
    target.type === 'project' ||
    (target.type === 'document' && (await store.getDocument(projectId, target.id)) !== undefined) ||
    (target.type === 'code' && (await store.listCodes(projectId)).some((c) => c.id === target.id)) ||
    (target.type === 'segment' && (await store.getSegment(projectId, target.id)) !== undefined);
  if (!exists) throw new NotFound(`${target.type} ${'id' in target ? target.id : ''} not found`);
}

export async function createMemo(deps: Deps, projectId: string, actor: Actor, input: NewMemo): Promise<Memo> {
  const parsed = NewMemoSchema.parse(input);
  await checkTarget(deps, projectId, parsed.target);
  const now = deps.now();
  const memo: Memo = { id: deps.newId(), target: parsed.target, title: parsed.title ?? '', text: parsed.text, author: actor.userId, created: now, modified: now, version: 1 };
  await deps.store.commit(projectId, { memos: { put: [memo] } });
  return memo;
}

async function requireMemo(deps: Deps, projectId: string, id: string): Promise<Memo> {
  const memo = (await deps.store.listMemos(projectId)).find((m) => m.id === id);
  if (!memo) throw new NotFound(`memo ${id} not found`);
  return memo;
}

/** Authors edit their memos; admins any. */
export async function updateMemo(deps: Deps, projectId: string, actor: Actor, id: string, patch: MemoPatch): Promise<Memo> {
  const memo = await requireMemo(deps, projectId, id);
  if (memo.author !== actor.userId && actor.role !== 'admin') throw new Forbidden('only the author of a memo (or an admin) may change it');
  const next: Memo = {
    ...memo,
    ...(patch.title !== undefined ? { title: patch.title } : {}),
    ...(patch.text !== undefined ? { text: patch.text } : {}),
    modified: deps.now(),
    version: patch.version + 1,
  };
  await deps.store.commit(projectId, { memos: { put: [next] } });
  return next;
}

export async function deleteMemo(deps: Deps, projectId: string, actor: Actor, id: string, version: number): Promise<void> {
  const memo = await requireMemo(deps, projectId, id);
  if (memo.author !== actor.userId && actor.role !== 'admin') throw new Forbidden('only the author of a memo (or an admin) may delete it');
  await deps.store.commit(projectId, { memos: { delete: [{ id, version }] } });
}

/**
 * Memos must not vanish with what they annotate: when a segment, code or document goes, its memos
 * move to the enclosing document (for segments) or the project. Returns the memo puts for the change.
 */
export function rescueMemos(memos: readonly Memo[], gone: { type: 'segment' | 'code' | 'document'; id: string; documentId?: string }[], now: string): Memo[] {
  const out: Memo[] = [];
  for (const m of memos) {
    if (m.target.type === 'project') continue;
    const target = m.target;
    const hit = gone.find((g) => g.type === target.type && g.id === target.id);
    if (!hit) continue;
    const documentStillThere = hit.documentId !== undefined && !gone.some((g) => g.type === 'document' && g.id === hit.documentId);
    const newTarget: MemoTarget = documentStillThere ? { type: 'document', id: hit.documentId as string } : { type: 'project' };
    const note = `\n\n_(${hit.type === 'segment' ? 'Segment' : hit.type === 'code' ? 'Code' : 'Dokument'} ${hit.id} wurde gelöscht.)_`;
    out.push({ ...m, target: newTarget, text: m.text + note, modified: now, version: m.version + 1 });
  }
  return out;
}
