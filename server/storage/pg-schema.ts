import pg from 'pg';

/**
 * The PostgreSQL schema as numbered migrations. Each runs once, in order, in its own transaction;
 * `schema_migrations` records which ran. Never edit a released migration: add the next one.
 *
 * Entities are stored as `json` (not `jsonb`), so what comes back is byte for byte what was
 * written (jsonb would reorder keys); the columns next to it are what queries filter on.
 */
export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'entities',
    sql: `
      CREATE TABLE users (
        id text PRIMARY KEY,
        login_lower text NOT NULL UNIQUE,
        version integer NOT NULL,
        data json NOT NULL
      );
      CREATE TABLE projects (
        id text PRIMARY KEY,
        version integer NOT NULL,
        data json NOT NULL
      );
      CREATE TABLE documents (
        project_id text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        id text NOT NULL,
        version integer NOT NULL,
        length integer NOT NULL,
        -- Everything but text and turns, as listed; the whole document, as read.
        meta json NOT NULL,
        body json NOT NULL,
        PRIMARY KEY (project_id, id)
      );
      CREATE TABLE codes (
        project_id text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        id text NOT NULL,
        parent_id text,
        version integer NOT NULL,
        data json NOT NULL,
        PRIMARY KEY (project_id, id)
      );
      CREATE TABLE segments (
        project_id text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        id text NOT NULL,
        document_id text NOT NULL,
        code_id text NOT NULL,
        coder text NOT NULL,
        version integer NOT NULL,
        data json NOT NULL,
        PRIMARY KEY (project_id, id)
      );
      CREATE INDEX segments_by_document ON segments (project_id, document_id);
      CREATE INDEX segments_by_code ON segments (project_id, code_id);
      CREATE TABLE memos (
        project_id text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        id text NOT NULL,
        version integer NOT NULL,
        data json NOT NULL,
        PRIMARY KEY (project_id, id)
      );
      CREATE TABLE sets (
        project_id text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        id text NOT NULL,
        version integer NOT NULL,
        data json NOT NULL,
        PRIMARY KEY (project_id, id)
      );
    `,
  },
  {
    version: 2,
    name: 'audit, sessions, login limits',
    sql: `
      CREATE TABLE audit (
        seq bigserial PRIMARY KEY,
        project_id text NOT NULL,
        at text NOT NULL,
        kind text NOT NULL,
        user_id text,
        entry json NOT NULL
      );
      CREATE INDEX audit_by_project ON audit (project_id, seq);
      -- Undo reads one user's entries of a project (domain/undo.ts).
      CREATE INDEX audit_by_user ON audit (project_id, user_id, seq);
      CREATE TABLE sessions (
        token_hash text PRIMARY KEY,
        user_id text NOT NULL,
        csrf text NOT NULL,
        expires bigint NOT NULL
      );
      CREATE INDEX sessions_by_user ON sessions (user_id);
      CREATE TABLE login_failures (
        key text PRIMARY KEY,
        count integer NOT NULL,
        first_at bigint NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'German full-text search',
    // PostgreSQL's German Snowball stemmer, but without its stop-word list: our query language
    // finds every word ("und", "hatte"), so the index must hold every word too.
    sql: `
      CREATE TEXT SEARCH DICTIONARY sichtbar_german_stem (TEMPLATE = snowball, Language = german);
      CREATE TEXT SEARCH CONFIGURATION sichtbar_german (COPY = pg_catalog.german);
      ALTER TEXT SEARCH CONFIGURATION sichtbar_german
        ALTER MAPPING FOR asciiword, word, hword, hword_part, hword_asciipart, asciihword, numword, numhword, hword_numpart
        WITH sichtbar_german_stem;
      -- Written with each document from our own tokens (PgStore.write), so that PostgreSQL's parser
      -- (which reads "Gedok.CM" as a host name, say) sees exactly the words our tokenizer sees.
      ALTER TABLE documents ADD COLUMN tsv tsvector NOT NULL DEFAULT ''::tsvector;
      CREATE INDEX documents_tsv ON documents USING gin (tsv);
    `,
  },
  {
    version: 4,
    name: 'pseudonym keys',
    // Apart from the project tables (no foreign key, no cascade): the key is read by admins only and
    // never travels with project data.
    sql: `
      CREATE TABLE pseudonym_keys (
        project_id text PRIMARY KEY,
        version integer NOT NULL,
        data json NOT NULL
      );
    `,
  },
];

/** A stable 64-bit advisory-lock key, so concurrent processes do not migrate twice. */
const MIGRATION_LOCK = 7_346_001;

/** Apply every migration not yet applied; returns the versions that ran now. */
export async function migrate(pool: pg.Pool): Promise<number[]> {
  const client = await pool.connect();
  const ran: number[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    const newest = Math.max(0, ...done);
    const known = Math.max(...MIGRATIONS.map((m) => m.version));
    if (newest > known) throw new Error(`the database has schema version ${newest}, newer than this Sichtbar (${known}); update Sichtbar`);
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
        await client.query('COMMIT');
        ran.push(m.version);
      } catch (e) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${m.version} (${m.name}) failed: ${(e as Error).message}`);
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
  return ran;
}

export interface PgOptions {
  /** A schema of its own (tests isolate themselves in one); becomes the search_path. */
  schema?: string;
  /** Pool size. */
  max?: number;
}

/** Settings of one connection: the URL plus the optional schema. */
export function clientConfig(url: string, options: PgOptions = {}): pg.ClientConfig {
  if (options.schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(options.schema)) throw new Error(`unsafe schema name: ${options.schema}`);
  return { connectionString: url, ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}) };
}

export function poolFor(url: string, options: PgOptions = {}): pg.Pool {
  return new pg.Pool({ ...clientConfig(url, options), max: options.max ?? 10 });
}

/** Create a schema if missing (tests, separate installations in one database). */
export async function ensureSchema(url: string, schema: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`unsafe schema name: ${schema}`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  } finally {
    await client.end();
  }
}

/** Drop a schema and everything in it (test cleanup). */
export async function dropSchema(url: string, schema: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`unsafe schema name: ${schema}`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}
