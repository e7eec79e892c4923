import { mkdir, readdir, readFile, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { z } from 'zod';
import { CodeSchema } from '../schemas/code.js';
import { DocumentSchema } from '../schemas/document.js';
import { DocumentSetSchema } from '../schemas/document-set.js';
import { MemoSchema } from '../schemas/memo.js';
import { ProjectSchema } from '../schemas/project.js';
import { SegmentSchema } from '../schemas/segment.js';
import { UserSchema } from '../schemas/user.js';
import { acquireDirectoryLock } from './dir-lock.js';
import { DurableJsonFile, isCode, safeName, syncDirectory, writeFileDurably } from './durable-file.js';
import { MemoryStore } from './memory-store.js';
import { ProjectState, type Touched } from './project-state.js';

const UsersFileSchema = z.object({ formatVersion: z.literal(1), users: z.array(UserSchema) });
const ProjectFileSchema = z.object({
  formatVersion: z.literal(1),
  project: ProjectSchema,
  codes: z.array(CodeSchema),
  memos: z.array(MemoSchema),
  sets: z.array(DocumentSetSchema),
});
const SegmentsFileSchema = z.object({ formatVersion: z.literal(1), documentId: z.string(), segments: z.array(SegmentSchema) });
const JournalSchema = z.object({
  files: z.array(z.object({ path: z.string().regex(/^projects\/[A-Za-z0-9_.:-]+\/[A-Za-z0-9_./:-]+$/), content: z.string().nullable() })),
});

type UsersFile = z.infer<typeof UsersFileSchema>;
type ProjectFile = z.infer<typeof ProjectFileSchema>;
type SegmentsFile = z.infer<typeof SegmentsFileSchema>;


/**
 * The embedded default store: lowdb JSON files under one data directory.
 *
 *   users.json                              users (global)
 *   projects/<id>/project.json              project, codebook (codes), memos, sets
 *   projects/<id>/documents/<docId>.json    one document (immutable text) each
 *   projects/<id>/segments/<docId>.json     the segments of one document
 *   projects/<id>/journal.json              only while a multi-file change is being applied
 *   sichtbar.lock                           the one writer's lock
 *
 * A coding write rewrites one small segments file; a change touching several files (a merge, an
 * import) first writes a journal of all new contents, then the files, then removes the journal; on
 * open an intact journal is replayed, so every change is all-or-nothing across files.
 */
export class LowdbStore extends MemoryStore {
  override readonly kind = 'lowdb';
  private release: (() => Promise<void>) | undefined;

  private constructor(readonly dir: string) {
    super();
  }

  static async open(dir: string): Promise<LowdbStore> {
    await mkdir(join(dir, 'projects'), { recursive: true });
    const store = new LowdbStore(dir);
    store.release = await acquireDirectoryLock(dir, join(dir, 'sichtbar.lock'));
    try {
      await store.load();
    } catch (e) {
      await store.close();
      throw e;
    }
    return store;
  }

  override async close(): Promise<void> {
    await this.lock.run(async () => {
      await this.release?.();
      this.release = undefined;
    });
  }

  private low<T>(path: string, parse: (v: unknown) => T): Low<T | null> {
    return new Low<T | null>(new DurableJsonFile<T | null>(path, parse), null);
  }

  private async load(): Promise<void> {
    const users = this.low(join(this.dir, 'users.json'), (v) => UsersFileSchema.parse(v));
    await users.read();
    for (const u of users.data?.users ?? []) this.users.set(u.id, u);

    const projectDirs = (await readdir(join(this.dir, 'projects'), { withFileTypes: true })).filter((e) => e.isDirectory());
    for (const entry of projectDirs) {
      const pdir = join(this.dir, 'projects', entry.name);
      await this.replayJournal(pdir);
      const pfile = this.low(join(pdir, 'project.json'), (v) => ProjectFileSchema.parse(v));
      await pfile.read();
      if (!pfile.data) continue; // a project folder without project.json was never acknowledged
      const state = new ProjectState(pfile.data.project);
      state.load({ codes: pfile.data.codes, memos: pfile.data.memos, sets: pfile.data.sets });
      for (const name of await listJson(join(pdir, 'documents'))) {
        const doc = this.low(join(pdir, 'documents', name), (v) => DocumentSchema.parse(v));
        await doc.read();
        if (doc.data) state.load({ documents: [doc.data] });
      }
      for (const name of await listJson(join(pdir, 'segments'))) {
        const seg = this.low(join(pdir, 'segments', name), (v) => SegmentsFileSchema.parse(v));
        await seg.read();
        if (seg.data) state.load({ segments: seg.data.segments });
      }
      this.projects.set(state.project.id, state);
    }
  }

  /** Re-apply a journal left by a crash; a journal that is not intact was never acknowledged. */
  private async replayJournal(pdir: string): Promise<void> {
    const path = join(pdir, 'journal.json');
    let raw: string;
    try {
      raw = await readFile(path, 'utf8');
    } catch (e) {
      if (isCode(e, 'ENOENT')) return;
      throw e;
    }
    const parsed = JournalSchema.safeParse(safeJson(raw));
    if (parsed.success) await this.applyFiles(parsed.data.files);
    await unlink(path);
    await syncDirectory(pdir);
  }

  /**
   * Write (or delete) files: each durably (temp, fsync, rename), several at a time, and every
   * touched folder fsynced once at the end. Multi-file changes are covered by the journal, so a crash
   * in between is repaired on open.
   */
  private async applyFiles(files: { path: string; content: string | null }[]): Promise<void> {
    const dirs = new Set<string>();
    const made = new Set<string>();
    const one = async (f: { path: string; content: string | null }): Promise<void> => {
      const full = join(this.dir, f.path);
      const dir = join(full, '..');
      dirs.add(dir);
      if (f.content === null) {
        await unlink(full).catch((e: unknown) => {
          if (!isCode(e, 'ENOENT')) throw e;
        });
        return;
      }
      if (!made.has(dir)) {
        await mkdir(dir, { recursive: true });
        made.add(dir);
      }
      await writeFileDurably(full, f.content, { syncDirectory: false });
    };
    const PARALLEL = 16;
    for (let i = 0; i < files.length; i += PARALLEL) await Promise.all(files.slice(i, i + PARALLEL).map(one));
    for (const d of dirs) await syncDirectory(d);
  }

  protected override async persistUsers(): Promise<void> {
    const db = this.low<UsersFile>(join(this.dir, 'users.json'), (v) => UsersFileSchema.parse(v));
    db.data = { formatVersion: 1, users: [...this.users.values()] };
    await db.write();
  }

  protected override async persistNewProject(state: ProjectState): Promise<void> {
    const pdir = join(this.dir, 'projects', safeName(state.project.id));
    await mkdir(join(pdir, 'documents'), { recursive: true });
    await mkdir(join(pdir, 'segments'), { recursive: true });
    await syncDirectory(join(this.dir, 'projects'));
    await this.persistChange(state, { projectFile: true, documents: new Set(), segmentFiles: new Set() });
  }

  protected override async persistDeletedProject(id: string): Promise<void> {
    // Remove project.json first: a half-deleted folder without it is ignored on load.
    const pdir = join(this.dir, 'projects', safeName(id));
    await unlink(join(pdir, 'project.json')).catch(() => undefined);
    await syncDirectory(pdir);
    await rm(pdir, { recursive: true, force: true });
  }

  protected override async persistChange(state: ProjectState, touched: Touched): Promise<void> {
    const base = `projects/${safeName(state.project.id)}`;
    const files: { path: string; content: string | null }[] = [];
    if (touched.projectFile) {
      const data: ProjectFile = {
        formatVersion: 1,
        project: state.project,
        codes: [...state.codes.values()],
        memos: [...state.memos.values()],
        sets: [...state.sets.values()],
      };
      files.push({ path: `${base}/project.json`, content: JSON.stringify(data) });
    }
    for (const id of touched.documents) {
      const doc = state.documents.get(id);
      files.push({ path: `${base}/documents/${safeName(id)}.json`, content: doc ? JSON.stringify(doc) : null });
    }
    for (const id of touched.segmentFiles) {
      const segments = state.segmentsOf(id);
      const data: SegmentsFile = { formatVersion: 1, documentId: id, segments };
      const keep = segments.length > 0 || state.documents.has(id);
      files.push({ path: `${base}/segments/${safeName(id)}.json`, content: keep ? JSON.stringify(data) : null });
    }
    if (files.length === 0) return;
    if (files.length === 1) {
      await this.applyFiles(files);
      return;
    }
    const journal = join(this.dir, base, 'journal.json');
    await writeFileDurably(journal, JSON.stringify({ files }));
    await this.applyFiles(files);
    await unlink(journal);
    await syncDirectory(join(this.dir, base));
  }
}

async function listJson(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch (e) {
    if (isCode(e, 'ENOENT')) return [];
    throw e;
  }
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
