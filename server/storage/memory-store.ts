import { Conflict, InvalidInput, NotFound } from '../domain/errors.js';
import { SERVER_AUDIT } from '../schemas/audit.js';
import type { ChangeSet, SegmentFilter, Store, VersionedRef } from '../domain/store.js';
import type { Code } from '../schemas/code.js';
import type { Document, DocumentMeta } from '../schemas/document.js';
import type { DocumentSet } from '../schemas/document-set.js';
import type { Memo } from '../schemas/memo.js';
import type { Project } from '../schemas/project.js';
import type { Segment } from '../schemas/segment.js';
import type { User } from '../schemas/user.js';
import { ProjectState, type Touched } from './project-state.js';

/** `_server` names the server-wide audit log (schemas/audit.ts SERVER_AUDIT); no project may take it. */
export function checkProjectId(id: string): void {
  if (id === SERVER_AUDIT) throw new InvalidInput(`"${SERVER_AUDIT}" is reserved and cannot be a project id`);
}

/** Serialises async work: each task starts when the previous one has settled. */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/**
 * The in-memory store (tests, and the base of the lowdb adapter). Subclasses persist by
 * overriding the `persist*` hooks, which run inside the write lock after the in-memory change;
 * if a hook throws, the in-memory change is undone.
 */
export class MemoryStore implements Store {
  readonly kind: string = 'memory';
  protected readonly users = new Map<string, User>();
  protected readonly projects = new Map<string, ProjectState>();
  protected readonly lock = new Mutex();

  async close(): Promise<void> {}

  protected state(projectId: string): ProjectState {
    const s = this.projects.get(projectId);
    if (!s) throw new NotFound(`project ${projectId} not found`);
    return s;
  }

  async listUsers(): Promise<User[]> {
    return [...this.users.values()];
  }
  async getUser(id: string): Promise<User | undefined> {
    return this.users.get(id);
  }
  async findUserByLogin(login: string): Promise<User | undefined> {
    const l = login.toLowerCase();
    for (const u of this.users.values()) if (u.login.toLowerCase() === l) return u;
    return undefined;
  }
  putUser(user: User, options: { restore?: boolean } = {}): Promise<void> {
    return this.lock.run(async () => {
      const current = this.users.get(user.id);
      if (!current && user.version !== 1 && options.restore !== true) throw new NotFound(`user ${user.id} not found`);
      if (current && current.version !== user.version - 1) throw new Conflict(`user ${user.id} was changed by someone else`, current);
      if (!current) {
        for (const u of this.users.values()) {
          if (u.login.toLowerCase() === user.login.toLowerCase()) throw new Conflict(`login name "${user.login}" is taken`);
        }
      }
      this.users.set(user.id, user);
      try {
        await this.persistUsers();
      } catch (e) {
        if (current) this.users.set(user.id, current);
        else this.users.delete(user.id);
        throw e;
      }
    });
  }
  deleteUser(ref: VersionedRef): Promise<void> {
    return this.lock.run(async () => {
      const current = this.users.get(ref.id);
      if (!current) throw new NotFound(`user ${ref.id} not found`);
      if (current.version !== ref.version) throw new Conflict(`user ${ref.id} was changed by someone else`, current);
      this.users.delete(ref.id);
      try {
        await this.persistUsers();
      } catch (e) {
        this.users.set(ref.id, current);
        throw e;
      }
    });
  }

  async listProjects(): Promise<Project[]> {
    return [...this.projects.values()].map((s) => s.project);
  }
  async getProject(id: string): Promise<Project | undefined> {
    return this.projects.get(id)?.project;
  }
  createProject(project: Project): Promise<void> {
    return this.lock.run(async () => {
      checkProjectId(project.id);
      if (this.projects.has(project.id)) throw new Conflict(`project ${project.id} exists`);
      const state = new ProjectState(project);
      this.projects.set(project.id, state);
      try {
        await this.persistNewProject(state);
      } catch (e) {
        this.projects.delete(project.id);
        throw e;
      }
    });
  }
  deleteProject(id: string): Promise<void> {
    return this.lock.run(async () => {
      this.state(id);
      await this.persistDeletedProject(id);
      this.projects.delete(id);
    });
  }

  async listDocuments(projectId: string): Promise<DocumentMeta[]> {
    const s = this.state(projectId);
    return [...s.documents.values()].map((d) => s.documentMeta(d));
  }
  async getDocument(projectId: string, id: string): Promise<Document | undefined> {
    return this.state(projectId).documents.get(id);
  }
  async listCodes(projectId: string): Promise<Code[]> {
    return [...this.state(projectId).codes.values()];
  }
  async listSegments(projectId: string, filter?: SegmentFilter): Promise<Segment[]> {
    return this.state(projectId).listSegments(filter);
  }
  async getSegment(projectId: string, id: string): Promise<Segment | undefined> {
    return this.state(projectId).segments.get(id);
  }
  async listMemos(projectId: string): Promise<Memo[]> {
    return [...this.state(projectId).memos.values()];
  }
  async listSets(projectId: string): Promise<DocumentSet[]> {
    return [...this.state(projectId).sets.values()];
  }

  commit(projectId: string, change: ChangeSet): Promise<void> {
    return this.lock.run(async () => {
      const state = this.state(projectId);
      const { touched, undo } = state.apply(change);
      try {
        await this.persistChange(state, touched);
      } catch (e) {
        undo();
        throw e;
      }
    });
  }

  protected async persistUsers(): Promise<void> {}
  protected async persistNewProject(_state: ProjectState): Promise<void> {}
  protected async persistDeletedProject(_id: string): Promise<void> {}
  protected async persistChange(_state: ProjectState, _touched: Touched): Promise<void> {}
}
