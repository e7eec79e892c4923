/**
 * The agreement table as CSV (RFC 4180, CRLF) and Markdown. Numbers: percent agreement as 0–1 in
 * CSV (full precision), as a percentage with one decimal in Markdown; kappas and alpha with three
 * decimals in Markdown. An empty cell / "–" means "does not apply".
 */
import { LEVEL_LABELS } from '../domain/agreement.js';
import type { AgreementMeasures, AgreementResult } from '../schemas/agreement.js';
import { csvField } from './csv.js';

const COLUMNS = ['units', 'agreements', 'percentAgreement', 'cohenKappa', 'fleissKappa', 'brennanPredigerKappa', 'krippendorffAlpha'] as const;

const raw = (n: number | null): string => (n === null ? '' : String(n));

export function agreementToCsv(result: AgreementResult): string {
  const lines = [['row', 'code_id', 'code', 'path', ...COLUMNS].join(',')];
  const line = (kind: string, id: string, name: string, path: string, m: AgreementMeasures): string =>
    [kind, csvField(id), csvField(name), csvField(path), ...COLUMNS.map((c) => raw(m[c]))].join(',');
  for (const c of result.codes) lines.push(line('code', c.id, c.name, c.path, c));
  lines.push(line('overall', '', '', '', result.overall));
  return `${lines.join('\r\n')}\r\n`;
}

/** Markdown-escape user text for a table cell (pipes, backslashes, markup characters, line breaks). */
function md(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (ch) => `\\${ch}`).replace(/\r?\n/g, ' ');
}

const dec = (n: number | null, digits = 3): string => (n === null ? '–' : n.toFixed(digits));
const pct = (n: number | null): string => (n === null ? '–' : `${(n * 100).toFixed(1)} %`);

export function agreementToMarkdown(result: AgreementResult, meta: { project: string; generated: string }): string {
  const out: string[] = [];
  out.push(`# Intercoder-Übereinstimmung: ${md(meta.project)}`, '');
  out.push(`- Ebene: ${LEVEL_LABELS[result.level]}`);
  out.push(`- Codierende: ${result.coders.map((c) => md(`${c.displayName} (${c.login})`)).join(', ') || '–'}`);
  if (result.threshold !== null) out.push(`- Mindestüberlappung: ${(result.threshold * 100).toFixed(0)} % (Schnittmenge ÷ Vereinigung in Zeichen)`);
  out.push(`- Erstellt: ${meta.generated}`, '');
  out.push('| Code | Einheiten | Übereinstimmungen | Prozent | Cohens κ | Fleiss’ κ | Brennan & Prediger κ | Krippendorffs α |');
  out.push('|---|---:|---:|---:|---:|---:|---:|---:|');
  const row = (label: string, m: AgreementMeasures): string =>
    `| ${label} | ${m.units} | ${m.agreements ?? '–'} | ${pct(m.percentAgreement)} | ${dec(m.cohenKappa)} | ${dec(m.fleissKappa)} | ${dec(m.brennanPredigerKappa)} | ${dec(m.krippendorffAlpha)} |`;
  for (const c of result.codes) out.push(row(md(c.path), c));
  out.push(row('**Gesamt**', result.overall), '');
  out.push('„–“: nicht anwendbar oder nicht definiert (z. B. keine Varianz).', '');
  return out.join('\n');
}
