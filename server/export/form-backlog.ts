/**
 * The requirements backlog of a form as Markdown, standalone HTML and CSV (id, title, rationale,
 * evidence counts, status, decision). User text is escaped before it enters the Markdown (mdText),
 * and the HTML goes through the same safe renderer as the comparison report.
 */
import { escapeHtml, markdownToSafeHtml, mdText } from './comparison-report.js';
import { csvField } from './csv.js';
import type { Requirement } from '../schemas/form.js';

const STATUS: Record<Requirement['status'], string> = { open: 'offen', accepted: 'angenommen', rejected: 'abgelehnt' };
const CHANGE: Record<Requirement['change'], string> = { 'add-field': 'Feld ergänzen', 'add-options': 'Optionen ergänzen', 'help-text': 'Hilfetext', 'make-optional': 'optional machen' };

export interface BacklogMeta {
  project?: string;
  formTitle?: string;
  generated?: string;
}

export function backlogToMarkdown(requirements: readonly Requirement[], meta: BacklogMeta = {}): string {
  const lines: string[] = [`# Anforderungen: ${mdText(meta.formTitle ?? 'Formular')}`, ''];
  if (meta.project) lines.push(`Projekt: ${mdText(meta.project)}${meta.generated ? ` · erstellt ${mdText(meta.generated)}` : ''}`, '');
  lines.push('| Nr. | Titel | Änderung | Beratungen (A) | Dokumentation (B) | Status |', '|---|---|---|---|---|---|');
  requirements.forEach((r, i) => {
    lines.push(`| ${i + 1} | ${mdText(r.title)} | ${CHANGE[r.change]} | ${r.evidence.documentsA} | ${r.evidence.documentsB} | ${STATUS[r.status]} |`);
  });
  requirements.forEach((r, i) => {
    lines.push('', `## ${i + 1}. ${mdText(r.title)}`, '', `- Kennung: \`${r.id}\``, `- Änderung: ${CHANGE[r.change]}${r.fieldType ? ` (${r.fieldType})` : ''}`, `- Status: ${STATUS[r.status]}`);
    if (r.decision) lines.push(`- Entscheidung: ${mdText(r.decision.byName || r.decision.by)}, ${mdText(r.decision.at)}: ${mdText(r.decision.reason)}${r.decision.version !== null ? ` → Version ${r.decision.version}` : ''}`);
    lines.push(`- Beleg: ${mdText(r.evidence.rowLabel)} – ${r.evidence.documentsA} Beratungen, ${r.evidence.documentsB} Dokumentationen/Interviews, ${r.evidence.segmentsA} Segmente`);
    if (r.rationale) lines.push('', mdText(r.rationale));
    for (const q of r.evidence.quotes) lines.push('', `> ${mdText(q.text)} (${mdText(q.documentTitle)})`);
    for (const c of r.comments) lines.push('', `- Kommentar ${mdText(c.authorName || c.author)}: ${mdText(c.text)}`);
  });
  return `${lines.join('\n')}\n`;
}

export function backlogToHtml(requirements: readonly Requirement[], meta: BacklogMeta = {}): string {
  const title = `Anforderungen: ${meta.formTitle ?? 'Formular'}`;
  return `<!doctype html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(title)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.25rem .5rem}blockquote{border-left:3px solid #999;margin-left:0;padding-left:1rem}</style>
</head>
<body>
<main>
${markdownToSafeHtml(backlogToMarkdown(requirements, meta))}
</main>
</body>
</html>
`;
}

const CSV_HEADER = ['id', 'title', 'change', 'field_type', 'target_field', 'rationale', 'row', 'documents_a', 'documents_b', 'segments_a', 'quotes', 'status', 'decision_by', 'decision_at', 'decision_reason', 'version'];

/** The backlog as CSV (RFC 4180, CRLF). */
export function backlogToCsv(requirements: readonly Requirement[]): string {
  const rows = requirements.map((r) =>
    [
      csvField(r.id),
      csvField(r.title),
      r.change,
      r.fieldType ?? '',
      csvField(r.targetFieldId ?? r.field?.id ?? ''),
      csvField(r.rationale),
      csvField(r.evidence.rowLabel),
      String(r.evidence.documentsA),
      String(r.evidence.documentsB),
      String(r.evidence.segmentsA),
      String(r.evidence.quotes.length),
      r.status,
      csvField(r.decision?.byName || r.decision?.by || ''),
      r.decision?.at ?? '',
      csvField(r.decision?.reason ?? ''),
      r.decision?.version != null ? String(r.decision.version) : '',
    ].join(','),
  );
  return `${[CSV_HEADER.join(','), ...rows].join('\r\n')}\r\n`;
}
