import { nextProject } from './projects.js';
import { InvalidInput, NotFound } from './errors.js';
import type { Deps } from './deps.js';
import { CrosswalkUpdateSchema, type Crosswalk, type CrosswalkEntry, type CrosswalkUpdate } from '../schemas/crosswalk.js';
import type { ErrorIssue } from './errors.js';

/** The project's crosswalk (rows of code ids, side A ↔ side B). */
export async function getCrosswalk(deps: Deps, projectId: string): Promise<{ rows: Crosswalk }> {
  const project = await deps.store.getProject(projectId);
  if (!project) throw new NotFound(`project ${projectId} not found`);
  return { rows: project.crosswalk };
}

/**
 * Replace the project's crosswalk. Every code id must exist (InvalidInput names each one that does
 * not); rows without an id get one; ids repeated within a side count once. Last writer wins: the
 * project record carries no version, and the crosswalk is edited as a whole.
 */
export async function setCrosswalk(deps: Deps, projectId: string, input: CrosswalkUpdate): Promise<{ rows: Crosswalk }> {
  const parsed = CrosswalkUpdateSchema.parse(input);
  const project = await deps.store.getProject(projectId);
  if (!project) throw new NotFound(`project ${projectId} not found`);
  const known = new Set((await deps.store.listCodes(projectId)).map((c) => c.id));
  const issues: ErrorIssue[] = [];
  const seenIds = new Set<string>();
  const rows: CrosswalkEntry[] = parsed.rows.map((row, i) => {
    for (const side of ['a', 'b'] as const) {
      row[side].forEach((id, j) => {
        if (!known.has(id)) issues.push({ path: ['rows', i, side, j], message: `code ${id} not found` });
      });
    }
    const id = row.id ?? deps.newId();
    if (seenIds.has(id)) issues.push({ path: ['rows', i, 'id'], message: `row id ${id} appears twice` });
    seenIds.add(id);
    return { id, label: row.label, a: [...new Set(row.a)], b: [...new Set(row.b)], note: row.note };
  });
  if (issues.length > 0) throw new InvalidInput('the crosswalk names codes that do not exist', issues.slice(0, 50));
  await deps.store.commit(projectId, { project: nextProject(project, { crosswalk: rows }) });
  return { rows };
}
