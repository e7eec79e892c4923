import { resolveSet } from '../../../server/domain/corpus.js';
import type { Deps } from '../../../server/domain/deps.js';
import { exportProject } from '../../../server/domain/projects.js';

/** A project as comparable values keyed by names and paths, not ids (import creates fresh ids). */
export async function snapshot(deps: Deps, projectId: string) {
  const data = await exportProject(deps, projectId);
  const users = new Map((await deps.store.listUsers()).map((u) => [u.id, u.login]));
  const codeById = new Map(data.codes.map((c) => [c.id, c]));
  const path = (id: string): string => {
    const c = codeById.get(id);
    return c ? (c.parentId ? `${path(c.parentId)} > ${c.name}` : c.name) : '?';
  };
  const title = new Map(data.documents.map((d) => [d.id, d.title]));
  const seg = new Map(data.segments.map((s) => [s.id, `${title.get(s.documentId)}|${s.start}-${s.end}|${path(s.codeId)}|${users.get(s.coder)}`]));
  const metas = data.documents.map((d) => ({ ...d, length: d.text.length }));
  return {
    name: data.project.name,
    description: data.project.description,
    documents: data.documents.map((d) => ({ title: d.title, kind: d.kind, text: d.text, attributes: d.attributes, turns: d.turns })).sort((a, b) => a.title.localeCompare(b.title)),
    codes: data.codes
      .map((c) => ({ path: path(c.id), colour: c.colour, isCodable: c.isCodable, order: c.order, definition: { ...c.definition, anchors: c.definition.anchors.map((a) => ({ text: a.text })) } }))
      .sort((a, b) => a.path.localeCompare(b.path)),
    segments: data.segments.map((s) => `${seg.get(s.id)}|${s.memo}`).sort(),
    memos: data.memos
      .map((m) => {
        const t = m.target;
        const target = t.type === 'project' ? 'project' : t.type === 'document' ? `document ${title.get(t.id)}` : t.type === 'code' ? `code ${path(t.id)}` : `segment ${seg.get(t.id)}`;
        return `${target}|${m.title}|${m.text}|${users.get(m.author)}`;
      })
      .sort(),
    sets: data.sets.map((s) => `${s.name}: ${resolveSet(s, metas).map((id) => title.get(id)).sort().join(', ')}`).sort(),
  };
}
