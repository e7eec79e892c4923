import pg from 'pg';
import { Conflict, InvalidInput, NotFound } from '../domain/errors.js';
import type { ChangeSet, EntityChanges, SegmentFilter, Store, VersionedRef } from '../domain/store.js';
import { tokenize } from '../domain/search-index.js';
import { cpLength } from '../domain/text.js';
import type { Code } from '../schemas/code.js';
import type { Document, DocumentMeta } from '../schemas/document.js';
import type { DocumentSet } from '../schemas/document-set.js';
import type { Memo } from '../schemas/memo.js';
import type { Project } from '../schemas/project.js';
import type { Segment } from '../schemas/segment.js';
import type { User } from '../schemas/user.js';
import { clientConfig, migrate, poolFor, type PgOptions } from './pg-schema.js';
import { checkProjectId } from './memory-store.js';
import { checkVersions } from './project-state.js';
import type { CandidateQuery, TextSearchStore } from '../domain/text-search.js';

type Query = <R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]) => Promise<pg.QueryResult<R>>;

interface Versioned {
  id: string;
  version: number;
}

/** Rows as `{ id, version, data }`: the current versions of the entities a change names. */
async function currentOf<T extends Versioned>(q: Query, table: string, projectId: string, ids: string[]): Promise<Map<string, T>> {
  if (ids.length === 0) return new Map();
  const column = table === 'documents' ? 'meta' : 'data';
  const rows = await q<{ data: T }>(`SELECT ${column} AS data FROM ${table} WHERE project_id = $1 AND id = ANY($2::text[])`, [projectId, ids]);
  return new Map(rows.rows.map((r) => [r.data.id, r.data]));
}

function namedIds<T extends Versioned>(changes: EntityChanges<T> | undefined): string[] {
  if (!changes) return [];
  return [...(changes.delete ?? []).map((r) => r.id), ...(changes.put ?? []).map((e) => e.id)];
}

/**
 * The Store on PostgreSQL (issue 10), for team servers and large archives. Every entity is a row
 * holding its JSON plus the columns queries need. Writes of one project are serialised across all
 * server processes by a transaction-scoped advisory lock on the project id; the version rule and
 * the reference checks of the embedded store (storage/project-state.ts) are applied inside that
 * transaction, so a check and the write it guards cannot interleave with another process's write.
 * A commit is durable when PostgreSQL has committed it.
 */
export class PgStore implements Store, TextSearchStore {
  readonly kind = 'postgres';

  private constructor(
    readonly pool: pg.Pool,
    private readonly config: pg.ClientConfig,
  ) {}

  /** Connect, apply pending migrations, and return the store. */
  static async open(url: string, options: PgOptions = {}): Promise<PgStore> {
    const pool = poolFor(url, options);
    try {
      await migrate(pool);
    } catch (e) {
      await pool.end();
      throw e;
    }
    return new PgStore(pool, clientConfig(url, options));
  }

  /** A new, unconnected client with the store's settings (for LISTEN, which needs its own connection). */
  newClient(): pg.Client {
    return new pg.Client(this.config);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private readonly q: Query = (sql, params) => this.pool.query(sql, params);

  /** Run `work` in one transaction; roll back on any error. */
  async transaction<T>(work: (q: Query) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const q: Query = (sql, params) => client.query(sql, params);
    try {
      await client.query('BEGIN');
      const result = await work(q);
      await client.query('COMMIT');
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  // ------------------------------------------------------------------------------------------
  // Users

  async listUsers(): Promise<User[]> {
    return (await this.q<{ data: User }>('SELECT data FROM users')).rows.map((r) => r.data);
  }
  async getUser(id: string): Promise<User | undefined> {
    return (await this.q<{ data: User }>('SELECT data FROM users WHERE id = $1', [id])).rows[0]?.data;
  }
  async findUserByLogin(login: string): Promise<User | undefined> {
    return (await this.q<{ data: User }>('SELECT data FROM users WHERE login_lower = $1', [login.toLowerCase()])).rows[0]?.data;
  }
  putUser(user: User, options: { restore?: boolean } = {}): Promise<void> {
    return this.transaction(async (q) => {
      const current = (await q<{ data: User }>('SELECT data FROM users WHERE id = $1 FOR UPDATE', [user.id])).rows[0]?.data;
      if (!current && user.version !== 1 && options.restore !== true) throw new NotFound(`user ${user.id} not found`);
      if (current && current.version !== user.version - 1) throw new Conflict(`user ${user.id} was changed by someone else`, current);
      const taken = (await q('SELECT 1 FROM users WHERE login_lower = $1 AND id <> $2', [user.login.toLowerCase(), user.id])).rowCount;
      if (taken) throw new Conflict(`login name "${user.login}" is taken`);
      await q(
        `INSERT INTO users (id, login_lower, version, data) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET login_lower = EXCLUDED.login_lower, version = EXCLUDED.version, data = EXCLUDED.data`,
        [user.id, user.login.toLowerCase(), user.version, JSON.stringify(user)],
      );
    });
  }
  deleteUser(ref: VersionedRef): Promise<void> {
    return this.transaction(async (q) => {
      const current = (await q<{ data: User }>('SELECT data FROM users WHERE id = $1 FOR UPDATE', [ref.id])).rows[0]?.data;
      if (!current) throw new NotFound(`user ${ref.id} not found`);
      if (current.version !== ref.version) throw new Conflict(`user ${ref.id} was changed by someone else`, current);
      await q('DELETE FROM users WHERE id = $1', [ref.id]);
    });
  }

  // ------------------------------------------------------------------------------------------
  // Projects

  async listProjects(): Promise<Project[]> {
    return (await this.q<{ data: Project }>('SELECT data FROM projects')).rows.map((r) => r.data);
  }
  async getProject(id: string): Promise<Project | undefined> {
    return (await this.q<{ data: Project }>('SELECT data FROM projects WHERE id = $1', [id])).rows[0]?.data;
  }
  async createProject(project: Project): Promise<void> {
    checkProjectId(project.id);
    const result = await this.q('INSERT INTO projects (id, version, data) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING', [project.id, project.version, JSON.stringify(project)]);
    if (result.rowCount === 0) throw new Conflict(`project ${project.id} exists`);
  }
  async deleteProject(id: string): Promise<void> {
    // The foreign keys cascade to documents, codes, segments, memos and sets.
    const result = await this.q('DELETE FROM projects WHERE id = $1', [id]);
    if (result.rowCount === 0) throw new NotFound(`project ${id} not found`);
  }

  private async requireProject(projectId: string): Promise<void> {
    if ((await this.q('SELECT 1 FROM projects WHERE id = $1', [projectId])).rowCount === 0) throw new NotFound(`project ${projectId} not found`);
  }

  /**
   * The rows of a read scoped to one project. Only an empty answer costs a second round trip: the
   * check that the project exists (an unknown project is NotFound, as in the embedded store).
   */
  private async read<R extends pg.QueryResultRow>(projectId: string, sql: string, params: unknown[]): Promise<R[]> {
    const rows = (await this.q<R>(sql, params)).rows;
    if (rows.length === 0) await this.requireProject(projectId);
    return rows;
  }

  // ------------------------------------------------------------------------------------------
  // Reads

  async listDocuments(projectId: string): Promise<DocumentMeta[]> {
    const rows = await this.read<{ meta: Omit<DocumentMeta, 'length'>; length: number }>(projectId, 'SELECT meta, length FROM documents WHERE project_id = $1', [projectId]);
    return rows.map((r) => ({ ...r.meta, length: r.length }) as DocumentMeta);
  }
  async getDocument(projectId: string, id: string): Promise<Document | undefined> {
    return (await this.read<{ body: Document }>(projectId, 'SELECT body FROM documents WHERE project_id = $1 AND id = $2', [projectId, id]))[0]?.body;
  }
  async listCodes(projectId: string): Promise<Code[]> {
    return this.listData<Code>('codes', projectId);
  }
  async listMemos(projectId: string): Promise<Memo[]> {
    return this.listData<Memo>('memos', projectId);
  }
  async listSets(projectId: string): Promise<DocumentSet[]> {
    return this.listData<DocumentSet>('sets', projectId);
  }
  private async listData<T>(table: 'codes' | 'memos' | 'sets', projectId: string): Promise<T[]> {
    return (await this.read<{ data: T }>(projectId, `SELECT data FROM ${table} WHERE project_id = $1`, [projectId])).map((r) => r.data);
  }
  async listSegments(projectId: string, filter: SegmentFilter = {}): Promise<Segment[]> {
    const where = ['project_id = $1'];
    const params: unknown[] = [projectId];
    const add = (column: string, values: readonly string[] | undefined): void => {
      if (values === undefined) return;
      params.push([...values]);
      where.push(`${column} = ANY($${params.length}::text[])`);
    };
    add('document_id', filter.documentIds);
    add('code_id', filter.codeIds);
    add('coder', filter.coders);
    return (await this.read<{ data: Segment }>(projectId, `SELECT data FROM segments WHERE ${where.join(' AND ')}`, params)).map((r) => r.data);
  }
  async getSegment(projectId: string, id: string): Promise<Segment | undefined> {
    return (await this.read<{ data: Segment }>(projectId, 'SELECT data FROM segments WHERE project_id = $1 AND id = $2', [projectId, id]))[0]?.data;
  }

  // ------------------------------------------------------------------------------------------
  // The one write path for project content

  async commit(projectId: string, change: ChangeSet): Promise<void> {
    await this.transaction(async (q) => {
      await q('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [projectId]);
      const stored = (await q<{ data: Project }>('SELECT data FROM projects WHERE id = $1', [projectId])).rows[0]?.data;
      if (!stored) throw new NotFound(`project ${projectId} not found`);
      await this.check(q, projectId, stored, change);
      await this.write(q, projectId, change);
    });
    await this.keepStatistics('segments', change.segments?.put?.length ?? 0);
    await this.keepStatistics('documents', change.documents?.put?.length ?? 0);
  }

  /** Rows written per table since its last ANALYZE, and the row count then (estimated). */
  private readonly written = new Map<string, { since: number; base: number }>();

  /**
   * After a bulk load the planner has no statistics until autovacuum gets round to it, and picks
   * the wrong index: looking up one document's segments scanned a code's 200,000 segments (165 ms
   * instead of 0.3 ms, measured). So a process that has written 20 % more rows than a table held at
   * its last ANALYZE (at least 10,000) runs ANALYZE itself.
   */
  private async keepStatistics(table: 'segments' | 'documents', rows: number): Promise<void> {
    if (rows === 0) return;
    const w = this.written.get(table) ?? { since: 0, base: 0 };
    w.since += rows;
    this.written.set(table, w);
    if (w.since < Math.max(10_000, w.base * 0.2)) return;
    await this.pool.query(`ANALYZE ${table}`);
    w.base += w.since;
    w.since = 0;
  }

  /** The checks of ProjectState.check, asked of the database for just the rows the change names. */
  private async check(q: Query, projectId: string, project: Project, change: ChangeSet): Promise<void> {
    const restore = change.restore === true;
    if (change.project && !restore) {
      if (change.project.id !== project.id) throw new InvalidInput('a change cannot move the project to another id');
      if (change.project.version !== project.version + 1) {
        throw new Conflict(`the project record was changed by someone else (version ${project.version})`, project);
      }
    }
    const documents = await currentOf<Document>(q, 'documents', projectId, namedIds(change.documents));
    const codes = await currentOf<Code>(q, 'codes', projectId, namedIds(change.codes));
    const segments = await currentOf<Segment>(q, 'segments', projectId, namedIds(change.segments));
    checkVersions('document', documents, change.documents, restore);
    checkVersions('code', codes, change.codes, restore);
    checkVersions('segment', segments, change.segments, restore);
    checkVersions('memo', await currentOf<Memo>(q, 'memos', projectId, namedIds(change.memos)), change.memos, restore);
    checkVersions('set', await currentOf<DocumentSet>(q, 'sets', projectId, namedIds(change.sets)), change.sets, restore);

    const deletedDocs = new Set((change.documents?.delete ?? []).map((r) => r.id));
    const putDocs = new Map((change.documents?.put ?? []).map((d) => [d.id, d]));
    const deletedCodes = new Set((change.codes?.delete ?? []).map((r) => r.id));
    const putCodes = new Map((change.codes?.put ?? []).map((c) => [c.id, c]));
    const deletedSegments = new Set((change.segments?.delete ?? []).map((r) => r.id));
    const putSegments = new Map((change.segments?.put ?? []).map((s) => [s.id, s]));

    // The text of a stored document never changes – except for the documents the change names in
    // `replaceTexts` (pseudonymisation), whose segments left alone must still fit the new text.
    const existing = [...putDocs.keys()].filter((id) => documents.has(id));
    const mayReplace = new Set(change.replaceTexts ?? []);
    if (existing.length > 0) {
      const texts = await q<{ id: string; text: string }>(`SELECT id, body->>'text' AS text FROM documents WHERE project_id = $1 AND id = ANY($2::text[])`, [projectId, existing]);
      for (const r of texts.rows) {
        const next = putDocs.get(r.id) as Document;
        if (next.text === r.text) continue;
        if (!mayReplace.has(r.id)) throw new InvalidInput(`document ${r.id}: the text is immutable`);
        const length = cpLength(next.text);
        const beyond = await q<{ id: string; end: number }>(`SELECT id, (data->>'end')::int AS end FROM segments WHERE project_id = $1 AND document_id = $2 AND (data->>'end')::int > $3`, [projectId, r.id, length]);
        for (const s of beyond.rows) {
          if (putSegments.has(s.id) || deletedSegments.has(s.id)) continue;
          throw new InvalidInput(`segment ${s.id}: end ${s.end} is beyond the document's ${length} characters`);
        }
      }
    }

    // Segments point at existing documents (within their length) and codes.
    const docIds = [...new Set([...putSegments.values()].map((s) => s.documentId))].filter((id) => !putDocs.has(id) && !deletedDocs.has(id));
    const lengths = new Map<string, number>();
    if (docIds.length > 0) {
      const rows = await q<{ id: string; length: number }>('SELECT id, length FROM documents WHERE project_id = $1 AND id = ANY($2::text[])', [projectId, docIds]);
      for (const r of rows.rows) lengths.set(r.id, r.length);
    }
    for (const d of putDocs.values()) lengths.set(d.id, cpLength(d.text));
    const referencedCodes = [
      ...new Set([...[...putSegments.values()].map((s) => s.codeId), ...[...putCodes.values()].map((c) => c.parentId).filter((p): p is string => p !== null)]),
    ].filter((id) => !putCodes.has(id) && !deletedCodes.has(id));
    const existingCodes = new Set<string>();
    if (referencedCodes.length > 0) {
      const rows = await q<{ id: string }>('SELECT id FROM codes WHERE project_id = $1 AND id = ANY($2::text[])', [projectId, referencedCodes]);
      for (const r of rows.rows) existingCodes.add(r.id);
    }
    const codeExists = (id: string): boolean => putCodes.has(id) || (existingCodes.has(id) && !deletedCodes.has(id));
    for (const s of putSegments.values()) {
      const length = lengths.get(s.documentId);
      if (length === undefined) throw new NotFound(`document ${s.documentId} not found`);
      if (!codeExists(s.codeId)) throw new NotFound(`code ${s.codeId} not found`);
      if (s.end > length) throw new InvalidInput(`segment ${s.id}: end ${s.end} is beyond the document's ${length} characters`);
    }
    if (deletedCodes.size > 0) {
      const deleted = [...deletedCodes];
      const children = await q<{ id: string; parent_id: string }>('SELECT id, parent_id FROM codes WHERE project_id = $1 AND parent_id = ANY($2::text[])', [projectId, deleted]);
      for (const c of children.rows) {
        if (deletedCodes.has(c.id)) continue;
        const parent = putCodes.get(c.id)?.parentId ?? c.parent_id;
        if (parent !== null && deletedCodes.has(parent)) throw new Conflict(`code ${parent} still has sub-codes`);
      }
      const using = await q<{ id: string; code_id: string }>('SELECT id, code_id FROM segments WHERE project_id = $1 AND code_id = ANY($2::text[])', [projectId, deleted]);
      for (const s of using.rows) {
        if (deletedSegments.has(s.id)) continue;
        const codeId = putSegments.get(s.id)?.codeId ?? s.code_id;
        if (deletedCodes.has(codeId)) throw new Conflict(`code ${codeId} still has segments`);
      }
    }
    for (const c of putCodes.values()) {
      if (c.parentId !== null && !codeExists(c.parentId)) throw new NotFound(`parent code ${c.parentId} not found`);
    }
    if (putCodes.size > 0) {
      const rows = await q<{ id: string; parent_id: string | null }>('SELECT id, parent_id FROM codes WHERE project_id = $1', [projectId]);
      const parents = new Map(rows.rows.map((r) => [r.id, r.parent_id]));
      const parentOf = (id: string): string | null => putCodes.get(id)?.parentId ?? parents.get(id) ?? null;
      for (const start of putCodes.keys()) {
        if (deletedCodes.has(start)) continue;
        const seen = new Set<string>([start]);
        for (let p = parentOf(start); p !== null; p = parentOf(p)) {
          if (seen.has(p)) throw new InvalidInput(`code ${start}: moving it there would create a cycle`);
          seen.add(p);
        }
      }
    }
    if (deletedDocs.size > 0) {
      const rows = await q<{ id: string; document_id: string }>('SELECT id, document_id FROM segments WHERE project_id = $1 AND document_id = ANY($2::text[])', [projectId, [...deletedDocs]]);
      for (const s of rows.rows) {
        if (!deletedSegments.has(s.id)) throw new Conflict(`document ${s.document_id} still has segments`);
      }
    }
  }

  private async write(q: Query, projectId: string, change: ChangeSet): Promise<void> {
    const del = async (table: string, refs: VersionedRef[] | undefined): Promise<void> => {
      if (!refs || refs.length === 0) return;
      await q(`DELETE FROM ${table} WHERE project_id = $1 AND id = ANY($2::text[])`, [projectId, refs.map((r) => r.id)]);
    };
    await del('segments', change.segments?.delete);
    await del('memos', change.memos?.delete);
    await del('sets', change.sets?.delete);
    await del('codes', change.codes?.delete);
    await del('documents', change.documents?.delete);

    // Puts go in batches, each one statement over a JSON array (one round trip per batch).
    const put = async <T>(entities: T[] | undefined, sql: string, row: (e: T) => unknown): Promise<void> => {
      if (!entities) return;
      for (let i = 0; i < entities.length; i += 2000) {
        await q(sql, [projectId, JSON.stringify(entities.slice(i, i + 2000).map(row))]);
      }
    };
    await put(
      change.documents?.put,
      `INSERT INTO documents (project_id, id, version, length, meta, body, tsv)
       SELECT $1, e->>'id', (e->>'version')::int, (e->>'length')::int, e->'meta', e->'body', to_tsvector('sichtbar_german', e->>'words') FROM json_array_elements($2::json) e
       ON CONFLICT (project_id, id) DO UPDATE SET version = EXCLUDED.version, length = EXCLUDED.length, meta = EXCLUDED.meta, body = EXCLUDED.body, tsv = EXCLUDED.tsv`,
      (d: Document) => {
        const { text: _text, turns: _turns, ...meta } = d;
        // The full-text index gets our tokens, one space apart (see migration 3).
        const words = tokenize(d.text)
          .map((t) => t.surface)
          .join(' ');
        return { id: d.id, version: d.version, length: cpLength(d.text), meta, body: d, words };
      },
    );
    await put(
      change.codes?.put,
      `INSERT INTO codes (project_id, id, parent_id, version, data)
       SELECT $1, e->>'id', e->>'parentId', (e->>'version')::int, e FROM json_array_elements($2::json) e
       ON CONFLICT (project_id, id) DO UPDATE SET parent_id = EXCLUDED.parent_id, version = EXCLUDED.version, data = EXCLUDED.data`,
      (c: Code) => c,
    );
    for (const table of ['memos', 'sets'] as const) {
      await put(
        (table === 'memos' ? change.memos?.put : change.sets?.put) as Versioned[] | undefined,
        `INSERT INTO ${table} (project_id, id, version, data)
         SELECT $1, e->>'id', (e->>'version')::int, e FROM json_array_elements($2::json) e
         ON CONFLICT (project_id, id) DO UPDATE SET version = EXCLUDED.version, data = EXCLUDED.data`,
        (e: Versioned) => e,
      );
    }
    await put(
      change.segments?.put,
      `INSERT INTO segments (project_id, id, document_id, code_id, coder, version, data)
       SELECT $1, e->>'id', e->>'documentId', e->>'codeId', e->>'coder', (e->>'version')::int, e FROM json_array_elements($2::json) e
       ON CONFLICT (project_id, id) DO UPDATE SET document_id = EXCLUDED.document_id, code_id = EXCLUDED.code_id, coder = EXCLUDED.coder, version = EXCLUDED.version, data = EXCLUDED.data`,
      (s: Segment) => s,
    );
    if (change.project) await q('UPDATE projects SET version = $2, data = $3 WHERE id = $1', [projectId, change.project.version, JSON.stringify(change.project)]);
  }

  // ------------------------------------------------------------------------------------------
  // Full-text search (domain/text-search.ts): PostgreSQL's German configuration and GIN index
  // narrow the documents; the exact matching happens in the domain.

  async candidateDocuments(projectId: string, query: CandidateQuery): Promise<Document[]> {
    const tsquery = await this.toTsquery(query);
    const rows =
      tsquery === null
        ? await this.read<{ body: Document }>(projectId, 'SELECT body FROM documents WHERE project_id = $1', [projectId])
        : await this.read<{ body: Document }>(projectId, 'SELECT body FROM documents WHERE project_id = $1 AND tsv @@ $2::tsquery', [projectId, tsquery]);
    return rows.map((r) => r.body);
  }

  /** The tsquery text of a candidate query, or null for "every document". */
  private async toTsquery(query: CandidateQuery): Promise<string | null> {
    const words: string[] = [];
    const collect = (q: CandidateQuery): void => {
      if (q.type === 'word') words.push(q.folded);
      else if (q.type !== 'all') q.children.forEach(collect);
    };
    collect(query);
    const lexemes = new Map<string, string[]>();
    if (words.length > 0) {
      const rows = await this.q<{ w: string; lexemes: string[] }>(`SELECT w, ARRAY(SELECT lexeme FROM unnest(to_tsvector('sichtbar_german', w))) AS lexemes FROM unnest($1::text[]) AS w`, [[...new Set(words)]]);
      for (const r of rows.rows) lexemes.set(r.w, r.lexemes);
    }
    const safe = /^[\p{L}\p{N}_-]+$/u;
    const build = (q: CandidateQuery): string | null => {
      if (q.type === 'all') return null;
      if (q.type === 'word') {
        const own = lexemes.get(q.folded) ?? [];
        // A stop word is not in the index: it cannot narrow.
        if (own.length === 0 || !own.every((l) => safe.test(l))) return null;
        const parts = own.map((l) => `'${l}'`);
        const prefix = commonPrefix(q.stem, own[0] as string);
        if (prefix.length >= 3 && safe.test(prefix)) parts.push(`'${prefix}':*`);
        return `(${parts.join(' | ')})`;
      }
      const children = q.children.map(build);
      if (q.type === 'or') return children.some((c) => c === null) ? null : `(${children.join(' | ')})`;
      const kept = children.filter((c): c is string => c !== null);
      return kept.length === 0 ? null : `(${kept.join(' & ')})`;
    };
    return build(query);
  }
}

function commonPrefix(a: string, b: string): string {
  const x = [...a];
  const y = [...b];
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return x.slice(0, i).join('');
}
