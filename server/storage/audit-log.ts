import { mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { filterAudit, type AuditLog, type AuditQuery } from '../domain/audit.js';
import { AuditEntrySchema, SERVER_AUDIT, type AuditEntry } from '../schemas/audit.js';
import { isCode, safeName } from './durable-file.js';

/**
 * The audit trail as an append-only JSON-lines file per project, next to the project's data:
 * `<data>/projects/<id>/audit.jsonl`. Every append is fsynced before it resolves. A crash in the
 * middle of an append can leave a torn last line; reading skips lines that do not parse (that
 * commit was not acknowledged yet). The server-wide log (`_server`: users, sign-ins, project
 * creation and deletion) is `<data>/audit.jsonl`, outside `projects/` so no store takes it for a
 * project and deleting a project leaves it.
 */
export class FileAuditLog implements AuditLog {
  constructor(readonly dataDir: string) {}

  private path(projectId: string): string {
    if (projectId === SERVER_AUDIT) return join(this.dataDir, 'audit.jsonl');
    return join(this.dataDir, 'projects', safeName(projectId), 'audit.jsonl');
  }

  async append(projectId: string, entries: readonly AuditEntry[]): Promise<void> {
    const path = this.path(projectId);
    await mkdir(join(path, '..'), { recursive: true });
    const handle = await open(path, 'a+');
    try {
      // After a crash mid-append the last line is torn: start on a fresh line so ours stay readable.
      const { size } = await handle.stat();
      let lead = '';
      if (size > 0) {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) lead = '\n';
      }
      await handle.appendFile(lead + entries.map((e) => `${JSON.stringify(e)}\n`).join(''), 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  async list(projectId: string, query: AuditQuery): Promise<AuditEntry[]> {
    let raw: string;
    try {
      raw = await readFile(this.path(projectId), 'utf8');
    } catch (e) {
      if (isCode(e, 'ENOENT')) return [];
      throw e;
    }
    const entries: AuditEntry[] = [];
    // Undo reads one user's entries of a long log: skip lines that cannot match before parsing them
    // (a superset test; filterAudit below decides).
    const needle = query.userId !== undefined ? JSON.stringify(query.userId) : undefined;
    for (const line of raw.split('\n')) {
      if (line.length === 0) continue;
      if (needle !== undefined && !line.includes(needle)) continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        continue;
      }
      const parsed = AuditEntrySchema.safeParse(value);
      if (parsed.success) entries.push(parsed.data);
    }
    return filterAudit(entries, query);
  }
}
