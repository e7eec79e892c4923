import { Conflict, InvalidInput, NotFound } from './errors.js';
import type { Deps } from './deps.js';
import { DISABLED_PASSWORD } from './password.js';
import { NewProjectSchema, type NewProject, type Project } from '../schemas/project.js';
import { ProjectExportSchema, type ProjectExport } from '../schemas/export.js';
import type { User } from '../schemas/user.js';
import { toPublicUser } from './users.js';
import { rewriteCrosswalk } from './codebook.js';

export async function createProject(deps: Deps, input: NewProject, id?: string): Promise<Project> {
  const parsed = NewProjectSchema.parse(input);
  const project: Project = {
    id: id ?? deps.newId(),
    name: parsed.name,
    description: parsed.description ?? '',
    language: parsed.language ?? 'de',
    created: deps.now(),
    crosswalk: [],
    version: 1,
  };
  await deps.store.createProject(project);
  return project;
}

export async function requireProject(deps: Deps, id: string): Promise<Project> {
  const p = await deps.store.getProject(id);
  if (!p) throw new NotFound(`project ${id} not found`);
  return p;
}

/** The whole project as one JSON value (users without password hashes). */
export async function exportProject(deps: Deps, projectId: string): Promise<ProjectExport> {
  const project = await requireProject(deps, projectId);
  const store = deps.store;
  const metas = await store.listDocuments(projectId);
  const documents = [];
  for (const m of metas) {
    const d = await store.getDocument(projectId, m.id);
    if (d) documents.push(d);
  }
  const segments = await store.listSegments(projectId);
  const memos = await store.listMemos(projectId);
  const referenced = new Set([...segments.map((s) => s.coder), ...memos.map((m) => m.author)]);
  const users = (await store.listUsers()).filter((u) => referenced.has(u.id) || u.role === 'admin').map(toPublicUser);
  const byId = <T extends { id: string }>(a: T, b: T): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return {
    project,
    users: users.sort(byId),
    documents: documents.sort(byId),
    codes: (await store.listCodes(projectId)).sort(byId),
    segments: segments.sort(byId),
    memos: memos.sort(byId),
    sets: (await store.listSets(projectId)).sort(byId),
  };
}

/**
 * Restore an exported project with its ids and versions. Users referenced by segments or memos
 * that do not exist here are created without a usable password (an admin sets one later).
 */
export async function restoreProject(deps: Deps, raw: unknown, options: { asNewId?: boolean } = {}): Promise<{ project: Project; createdUsers: number }> {
  const parsed = ProjectExportSchema.safeParse(raw);
  if (!parsed.success) {
    throw new InvalidInput(
      'not a Sichtbar project export',
      parsed.error.issues.slice(0, 20).map((i) => ({ path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: i.message })),
    );
  }
  const data = parsed.data;
  // The crosswalk may only name codes the export brings (a hand-edited file could name others).
  const codeIds = new Set(data.codes.map((c) => c.id));
  const crosswalk = rewriteCrosswalk(data.project.crosswalk, (id) => (codeIds.has(id) ? id : null)) ?? data.project.crosswalk;
  const project = { ...data.project, crosswalk, ...(options.asNewId ? { id: deps.newId() } : {}) };
  if (await deps.store.getProject(project.id)) throw new Conflict(`project ${project.id} ("${project.name}") exists already; restore it as a new project instead`);
  await deps.store.createProject(project);
  try {
    await deps.store.commit(project.id, {
      restore: true,
      documents: { put: data.documents },
      codes: { put: data.codes },
      segments: { put: data.segments },
      memos: { put: data.memos },
      sets: { put: data.sets },
    });
  } catch (e) {
    await deps.store.deleteProject(project.id);
    throw e;
  }
  // Users only after the project is in: a failed restore leaves nothing behind.
  let createdUsers = 0;
  for (const u of data.users) {
    if (await deps.store.getUser(u.id)) continue;
    const login = (await deps.store.findUserByLogin(u.login)) ? `${u.login}-${u.id.slice(0, 6)}` : u.login;
    const user: User = { ...u, login, passwordHash: DISABLED_PASSWORD, version: 1 };
    await deps.store.putUser(user);
    createdUsers++;
  }
  return { project, createdUsers };
}

/**
 * The project record with some fields changed and its version raised: every writer of the record
 * (crosswalk, forms, requirements, autocoding runs) goes through this, so two read-modify-write
 * changes that race get a Conflict instead of one silently undoing the other.
 */
export function nextProject(project: Project, patch: Partial<Omit<Project, 'id' | 'version' | 'created'>>): Project {
  return { ...project, ...patch, version: project.version + 1 };
}
