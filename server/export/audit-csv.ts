import type { AuditEntry } from '../schemas/audit.js';
import { csvField } from './csv.js';

/** The audit trail as CSV (UTF-8 with BOM, CRLF, formula-looking cells escaped by `csvField`). */
export function auditToCsv(entries: readonly AuditEntry[]): string {
  const rows = [['at', 'user', 'kind', 'id', 'action', 'version', 'fields', 'restored', 'name', 'role', 'detail', 'change', 'step', 'target'].join(',')];
  for (const e of entries) {
    rows.push(
      [csvField(e.at), csvField(e.userId ?? ''), e.kind, csvField(e.id), e.action, e.version === undefined ? '' : String(e.version), csvField((e.fields ?? []).join(' ')), e.restored ? 'true' : '', csvField(e.name ?? ''), csvField(e.role ?? ''), csvField(e.detail ?? ''), csvField(e.change ?? ''), e.step ?? '', csvField(e.target ?? '')].join(','),
    );
  }
  return `\uFEFF${rows.join('\r\n')}\r\n`;
}
