import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { AuditLog, AuditQuery } from '../domain/audit.js';
import { TooManyRequests } from '../domain/errors.js';
import { ChangeBus, type ChangeNotice } from '../domain/events.js';
import { newSession, type LoginLimits, type Session, type Sessions } from '../domain/sessions.js';
import { AuditEntrySchema, type AuditEntry } from '../schemas/audit.js';
import { ChangeNoticeSchema } from '../schemas/events.js';
import { checkKeyVersion, type PseudonymKeys } from '../domain/pseudonyms.js';
import { PseudonymKeySchema, type PseudonymKey } from '../schemas/pseudonym.js';

/**
 * What a server process would otherwise keep in its own memory, kept in PostgreSQL so that several
 * processes can serve one database (issue 10): sessions, failed-login counts, the audit trail and
 * live change notices (LISTEN/NOTIFY).
 */

/** Only a hash of the session token is stored: a copy of the table signs nobody in. */
function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export class PgSessions implements Sessions {
  constructor(private readonly pool: pg.Pool) {}

  async create(userId: string): Promise<Session> {
    const session = newSession(userId);
    await this.pool.query('INSERT INTO sessions (token_hash, user_id, csrf, expires) VALUES ($1, $2, $3, $4)', [tokenHash(session.token), userId, session.csrf, session.expires]);
    // Expired sessions are swept now and then, not on every request.
    if (Math.random() < 0.05) await this.pool.query('DELETE FROM sessions WHERE expires < $1', [Date.now()]);
    return session;
  }

  async get(token: string | undefined): Promise<Session | undefined> {
    if (!token || token.length > 200) return undefined;
    const row = (await this.pool.query<{ user_id: string; csrf: string; expires: string }>('SELECT user_id, csrf, expires FROM sessions WHERE token_hash = $1', [tokenHash(token)])).rows[0];
    if (!row) return undefined;
    const expires = Number(row.expires);
    if (expires < Date.now()) {
      await this.delete(token);
      return undefined;
    }
    return { token, userId: row.user_id, csrf: row.csrf, expires };
  }

  async delete(token: string): Promise<void> {
    await this.pool.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash(token)]);
  }

  async deleteForUser(userId: string, exceptToken?: string): Promise<void> {
    if (exceptToken === undefined) await this.pool.query('DELETE FROM sessions WHERE user_id = $1', [userId]);
    else await this.pool.query('DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2', [userId, tokenHash(exceptToken)]);
  }
}

/** The login rate limit of http/sessions.ts LoginLimiter, counted in the database. */
export class PgLoginLimits implements LoginLimits {
  constructor(
    private readonly pool: pg.Pool,
    private readonly maxFailures = 5,
    private readonly windowMs = 15 * 60 * 1000,
  ) {}

  async check(keys: string[]): Promise<void> {
    const now = Date.now();
    const rows = await this.pool.query<{ count: number; first_at: string }>('SELECT count, first_at FROM login_failures WHERE key = ANY($1::text[]) AND first_at >= $2', [keys, now - this.windowMs]);
    for (const r of rows.rows) {
      if (r.count >= this.maxFailures) {
        const seconds = Math.ceil((Number(r.first_at) + this.windowMs - now) / 1000);
        throw new TooManyRequests(`too many failed logins; try again in ${seconds} s`);
      }
    }
  }

  async fail(keys: string[]): Promise<void> {
    const now = Date.now();
    // A window that has passed starts again at 1.
    await this.pool.query(
      `INSERT INTO login_failures (key, count, first_at) SELECT k, 1, $2 FROM unnest($1::text[]) k
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN login_failures.first_at < $3 THEN 1 ELSE login_failures.count + 1 END,
         first_at = CASE WHEN login_failures.first_at < $3 THEN $2 ELSE login_failures.first_at END`,
      [keys, now, now - this.windowMs],
    );
  }

  async succeed(keys: string[]): Promise<void> {
    await this.pool.query('DELETE FROM login_failures WHERE key = ANY($1::text[])', [keys]);
  }
}

/** The audit trail as rows; appends are committed before they resolve. */
export class PgAuditLog implements AuditLog {
  constructor(private readonly pool: pg.Pool) {}

  async append(projectId: string, entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.pool.query(
      `INSERT INTO audit (project_id, at, kind, user_id, entry)
       SELECT $1, e->>'at', e->>'kind', e->>'userId', e FROM json_array_elements($2::json) e`,
      [projectId, JSON.stringify(entries)],
    );
  }

  async list(projectId: string, query: AuditQuery): Promise<AuditEntry[]> {
    const where = ['project_id = $1'];
    const params: unknown[] = [projectId];
    const add = (condition: string, value: unknown): void => {
      params.push(value);
      where.push(condition.replace('?', `$${params.length}`));
    };
    if (query.since !== undefined) add('at >= ?', query.since);
    if (query.kind !== undefined) add('kind = ?', query.kind);
    if (query.userId !== undefined) add('user_id = ?', query.userId);
    params.push(query.limit, query.offset ?? 0);
    const order = query.order === 'desc' ? 'DESC' : 'ASC';
    const rows = await this.pool.query<{ entry: unknown }>(
      `SELECT entry FROM audit WHERE ${where.join(' AND ')} ORDER BY seq ${order} LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    // Rows that do not parse (written by a newer version, say) are left out, as the file log does.
    return rows.rows.flatMap((r) => {
      const parsed = AuditEntrySchema.safeParse(r.entry);
      return parsed.success ? [parsed.data] : [];
    });
  }
}

const CHANNEL = 'sichtbar_changes';
/** NOTIFY payloads must stay below 8000 bytes. */
const MAX_PAYLOAD = 7000;

/**
 * Live change notices between server processes: publish sends NOTIFY on one channel; every
 * process (this one too) LISTENs on a dedicated connection and hands what arrives to its local
 * subscribers. A notice reaches local subscribers only through the database, so each arrives once.
 * When the listening connection drops, it reconnects; notices sent in between are lost (clients
 * reload on reconnect of their event stream).
 */
export class PgChangeBus extends ChangeBus {
  private client: pg.Client | undefined;
  private closed = false;

  private constructor(private readonly connect: () => pg.Client) {
    super();
  }

  static async open(connect: () => pg.Client): Promise<PgChangeBus> {
    const bus = new PgChangeBus(connect);
    await bus.listen();
    return bus;
  }

  private async listen(): Promise<void> {
    const client = this.connect();
    client.on('notification', (msg) => {
      if (msg.channel !== CHANNEL || !msg.payload) return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(msg.payload);
      } catch {
        return;
      }
      const envelope = parsed as { projectId?: unknown; notices?: unknown };
      if (typeof envelope.projectId !== 'string' || !Array.isArray(envelope.notices)) return;
      const notices = envelope.notices.map((n) => ChangeNoticeSchema.safeParse(n)).flatMap((r) => (r.success ? [r.data] : []));
      super.publish(envelope.projectId, notices);
    });
    client.on('error', () => {
      if (this.closed) return;
      this.client = undefined;
      setTimeout(() => void this.listen().catch(() => undefined), 1000).unref();
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.client = client;
  }

  override hasAudience(): boolean {
    return true;
  }

  override publish(projectId: string, notices: readonly ChangeNotice[]): void {
    void this.send(projectId, notices).catch(() => undefined);
  }

  /** Send notices (split to fit NOTIFY's payload limit); resolves when PostgreSQL has them. */
  async send(projectId: string, notices: readonly ChangeNotice[]): Promise<void> {
    const client = this.client;
    if (!client) return;
    let batch: ChangeNotice[] = [];
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      await client.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify({ projectId, notices: batch })]);
      batch = [];
    };
    for (const n of notices) {
      if (JSON.stringify({ projectId, notices: [...batch, n] }).length > MAX_PAYLOAD) await flush();
      batch.push(n);
    }
    await flush();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client?.end().catch(() => undefined);
  }
}

/**
 * Pseudonym keys in their own table, apart from the project tables (see storage/pseudonym-keys.ts
 * for the file adapter). A per-project advisory lock serialises a version check and its write
 * across processes.
 */
export class PgPseudonymKeys implements PseudonymKeys {
  constructor(private readonly pool: pg.Pool) {}

  async get(projectId: string): Promise<PseudonymKey | undefined> {
    const row = (await this.pool.query<{ data: unknown }>('SELECT data FROM pseudonym_keys WHERE project_id = $1', [projectId])).rows[0];
    return row ? PseudonymKeySchema.parse(row.data) : undefined;
  }

  put(key: PseudonymKey): Promise<void> {
    return this.write(key, true);
  }

  /** Write a key as it is, keeping its version (migrating a store). */
  restore(key: PseudonymKey): Promise<void> {
    return this.write(key, false);
  }

  private async write(key: PseudonymKey, checkVersion: boolean): Promise<void> {
    const parsed = PseudonymKeySchema.parse(key);
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 1))', [key.projectId]);
      if (checkVersion) {
        const row = (await client.query<{ data: unknown }>('SELECT data FROM pseudonym_keys WHERE project_id = $1', [key.projectId])).rows[0];
        checkKeyVersion(row ? PseudonymKeySchema.parse(row.data) : undefined, parsed);
      }
      await client.query(
        'INSERT INTO pseudonym_keys (project_id, version, data) VALUES ($1, $2, $3) ON CONFLICT (project_id) DO UPDATE SET version = EXCLUDED.version, data = EXCLUDED.data',
        [parsed.projectId, parsed.version, JSON.stringify(parsed)],
      );
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  async delete(projectId: string): Promise<void> {
    await this.pool.query('DELETE FROM pseudonym_keys WHERE project_id = $1', [projectId]);
  }
}
