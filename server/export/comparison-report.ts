/**
 * The findings report of the visibility comparison: Markdown, standalone printable HTML and the table
 * as CSV. German, like the shipped codebooks and the research it reproduces.
 *
 * Safety of the HTML. Every piece of user text (code names and paths, crosswalk labels and notes,
 * quotes, document titles, set labels and conditions, attribute values, coder names) is escaped
 * *before* it enters the Markdown (`mdText`): HTML's `<`, `>` and `&` and Markdown's link, emphasis
 * and table syntax are backslash-escaped, so user text can only ever become plain text. Then the
 * renderer below escapes any raw HTML token marked would pass through, renders links as their text
 * and images as their alt text. So the HTML holds only the tags this file writes. (DOMPurify needs a
 * DOM, which the server does not have – no jsdom – so the escaping is done here instead, on both
 * levels.) The document also carries a Content-Security-Policy that forbids scripts, in case it is
 * opened from disk.
 */
import { Marked, type Tokens } from 'marked';
import { pairedByCase } from '../domain/comparison.js';
import { csvField } from './csv.js';
import type { BreakdownCell, ComparisonResult, ComparisonRow, Section, SideCounts } from '../schemas/comparison.js';

export interface ReportMeta {
  /** Heading of the report (default: the two set labels). */
  title?: string;
  /** Project name, shown under the heading. */
  project?: string;
  /** When the report was made (ISO timestamp). */
  generated?: string;
}

export const SECTION_ORDER: readonly Section[] = ['both', 'only-a', 'only-b', 'rare'];

/** The statement every report carries. */
export const NOT_PROOF =
  'Diese Statistiken sind beschreibende Hilfen für die qualitative Arbeit, kein Beweis: Die Zahlen zählen Kodierungen in einer bewusst gewählten, kodierten Auswahl von Dokumenten, keine Zufallsstichprobe; ein kleiner p-Wert macht eine Markierung nicht „wichtig“ und ein großer sie nicht unwichtig.';

// ---------------------------------------------------------------------------------------------
// Escaping

/** HTML-escape for text and attribute values written by this file. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/**
 * User text as inline Markdown that renders as exactly this text: whitespace collapsed (no block
 * structure can start), HTML and Markdown syntax characters backslash-escaped (CommonMark §2.4), and a
 * leading block marker (#, >, -, +, =, "1.") neutralised.
 */
export function mdText(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const escaped = flat.replace(/[\\`*_[\]<>&|~!]/g, (c) => `\\${c}`);
  return escaped.replace(/^([#>+=-])/, '\\$1').replace(/^(\d+)([.)])/, '$1\\$2');
}

// ---------------------------------------------------------------------------------------------
// Formatting

const de = (n: number, digits: number): string => n.toLocaleString('de-DE', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const percent = (share: number): string => `${de(share * 100, share > 0 && share < 0.01 ? 2 : 1)} %`;
const pValue = (p: number): string => (p < 0.001 ? '< 0,001' : de(p, 3));
const signed = (n: number | null): string => (n === null ? '–' : `${n > 0 ? '+' : n < 0 ? '−' : '±'}${de(Math.abs(n), 2)}`);

function sectionTitle(section: Section, result: ComparisonResult): string {
  const a = mdText(result.a.label);
  const b = mdText(result.b.label);
  switch (section) {
    case 'both':
      return `Sichtbar in beiden (${a} und ${b})`;
    case 'only-a':
      return `Nur in A – ${a}: in B unsichtbar`;
    case 'only-b':
      return `Nur in B – ${b}: neu in B`;
    case 'rare':
      return 'Zu selten für eine Aussage';
  }
}

function codesLine(row: ComparisonRow): string {
  const path = (p: string[]): string => p.map(mdText).join(' › ');
  if (row.kind === 'crosswalk') {
    const side = (s: 'a' | 'b'): string =>
      row.codes
        .filter((c) => c.side === s)
        .map((c) => path(c.path))
        .join('; ');
    return `Zuordnung (Crosswalk) – A: ${side('a')} · B: ${side('b')}`;
  }
  return `${row.kind === 'parent' ? 'Kategorie mit allen Unterkodes' : 'Code'}: ${row.codes.map((c) => path(c.path)).join('; ')}`;
}

function documentsCell(c: SideCounts, base: number): string {
  return `${c.documents} von ${base} (${percent(c.documentShare)})`;
}

function statsLine(row: ComparisonRow): string {
  const s = row.stats;
  return [
    `Log-Likelihood (Rayson & Garside 2000, Zwei-Zellen-Form, Segmente): ${de(s.logLikelihood, 2)} (p ${s.logLikelihoodP < 0.001 ? '' : '= '}${pValue(s.logLikelihoodP)})`,
    `Fisher exakt (zweiseitig, Dokumente): p ${s.fisherP < 0.001 ? '' : '= '}${pValue(s.fisherP)}`,
    `Log Ratio: ${signed(s.logRatio)}`,
  ].join(' · ');
}

function cellText(c: BreakdownCell): string {
  if (c.suppressed === 'small') return 'unterdrückt';
  if (c.suppressed === 'secondary') return 'unterdrückt²';
  return `${c.documents} von ${c.baseDocuments} (${percent(c.documentShare ?? 0)})`;
}

const SECTION_SHORT: Record<Section, string> = { both: 'beide', 'only-a': 'nur A', 'only-b': 'nur B', rare: 'zu selten' };

function rowDetail(row: ComparisonRow, result: ComparisonResult, lines: string[]): void {
  lines.push(`### ${mdText(row.label)}`, '');
  lines.push(codesLine(row), '');
  if (row.note) lines.push(`*${mdText(row.note)}*`, '');
  lines.push(
    `| | A: ${mdText(result.a.label)} | B: ${mdText(result.b.label)} |`,
    '|---|---:|---:|',
    `| Segmente | ${row.a.segments} | ${row.b.segments} |`,
    `| Dokumente | ${documentsCell(row.a, result.a.baseDocuments)} | ${documentsCell(row.b, result.b.baseDocuments)} |`,
    `| Anteil am Text | ${percent(row.a.textShare)} | ${percent(row.b.textShare)} |`,
    '',
    statsLine(row),
    '',
  );
  if (row.paired.cases > 0) {
    const list = (cases: string[]): string => (cases.length > 0 ? ` (${cases.map(mdText).join(', ')})` : '');
    lines.push(
      `Fallpaare (${mdText(result.thresholds.pairBy)}): ${row.paired.cases} – in beiden ${row.paired.both}, nur A ${row.paired.onlyA}${list(row.paired.onlyACases)}, nur B ${row.paired.onlyB}${list(row.paired.onlyBCases)}, in keinem ${row.paired.neither}.`,
      '',
    );
  }
  if (row.breakdown && result.thresholds.by) {
    lines.push(`| ${mdText(result.thresholds.by)} | A: Dokumente | B: Dokumente | Abschnitt |`, '|---|---:|---:|---|');
    for (const g of row.breakdown) {
      lines.push(`| ${g.value === '' ? '(ohne Angabe)' : mdText(g.value)} | ${cellText(g.a)} | ${cellText(g.b)} | ${g.section ? SECTION_SHORT[g.section] : '–'} |`);
    }
    lines.push('');
  }
  if (row.evidence.length > 0) {
    lines.push('Belege:', '');
    for (const q of row.evidence) lines.push(`> „${mdText(q.text)}“ — *${mdText(q.documentTitle)}* (${q.side.toUpperCase()})`, '>');
    lines.pop();
    lines.push('');
  }
}

/** The findings report as Markdown: sections, categories, pairs per case, method. */
export function comparisonToMarkdown(result: ComparisonResult, meta: ReportMeta = {}): string {
  const { a, b, thresholds: t } = result;
  const lines: string[] = [];
  lines.push(`# ${meta.title ? mdText(meta.title) : `Sichtbarkeitsvergleich: ${mdText(a.label)} ↔ ${mdText(b.label)}`}`, '');
  if (meta.project) lines.push(`Projekt: ${mdText(meta.project)}${meta.generated ? ` · erstellt ${mdText(meta.generated)}` : ''}`, '');
  lines.push(`> ${NOT_PROOF}`, '');
  const detail = result.rows.filter((r) => r.kind !== 'parent');
  const parents = result.rows.filter((r) => r.kind === 'parent');

  lines.push('## Überblick', '', '| Abschnitt | Zeilen |', '|---|---:|');
  for (const s of SECTION_ORDER) lines.push(`| ${sectionTitle(s, result)} | ${detail.filter((r) => r.section === s).length} |`);
  lines.push('');

  SECTION_ORDER.forEach((s, i) => {
    const rows = detail.filter((r) => r.section === s);
    lines.push(`## ${i + 1}. ${sectionTitle(s, result)}`, '');
    if (rows.length === 0) {
      lines.push('Keine Zeilen.', '');
      return;
    }
    if (s === 'rare') {
      lines.push(
        `Weniger als ${t.minDocuments} Dokumente (A und B zusammen) tragen diese Markierungen.`,
        '',
        '| Zeile | Codes | A: Dokumente | B: Dokumente | A: Segmente | B: Segmente |',
        '|---|---|---:|---:|---:|---:|',
      );
      for (const r of rows) lines.push(`| ${mdText(r.label)} | ${r.codes.map((c) => mdText(c.path.join(' › '))).join('; ')} | ${r.a.documents} | ${r.b.documents} | ${r.a.segments} | ${r.b.segments} |`);
      lines.push('');
      return;
    }
    for (const r of rows) rowDetail(r, result, lines);
  });

  if (parents.length > 0) {
    lines.push(
      '## Kategorien (zusammengefasst über ihre Unterkodes)',
      '',
      '| Kategorie | Abschnitt | A: Dokumente | B: Dokumente | A: Segmente | B: Segmente | Log-Likelihood | Fisher p |',
      '|---|---|---:|---:|---:|---:|---:|---:|',
    );
    for (const r of parents) {
      lines.push(
        `| ${mdText(r.codes[0]?.path.join(' › ') ?? r.label)} | ${SECTION_SHORT[r.section]} | ${documentsCell(r.a, a.baseDocuments)} | ${documentsCell(r.b, b.baseDocuments)} | ${r.a.segments} | ${r.b.segments} | ${de(r.stats.logLikelihood, 2)} | ${pValue(r.stats.fisherP)} |`,
      );
    }
    lines.push('');
  }

  const cases = detail[0]?.paired.cases ?? 0;
  lines.push(`## Paarvergleich nach Fall (${mdText(t.pairBy)})`, '');
  if (cases === 0) {
    lines.push(`Keine Fälle mit Dokumenten in beiden Mengen (Attribut „${mdText(t.pairBy)}“).`, '');
  } else {
    const perCase = pairedByCase(result);
    lines.push(`${cases} Fälle haben Dokumente in A und in B. Je Fall: was in A vorkommt und nicht in B (und umgekehrt).`, '');
    for (const c of perCase) {
      const parts = [c.onlyA.length > 0 ? `nur in A: ${c.onlyA.map(mdText).join('; ')}` : '', c.onlyB.length > 0 ? `nur in B: ${c.onlyB.map(mdText).join('; ')}` : ''].filter(Boolean);
      lines.push(`- **${mdText(c.case)}** – ${parts.join(' · ')}`);
    }
    if (perCase.length < cases) lines.push(`- In den übrigen ${cases - perCase.length} Fällen keine Unterschiede.`);
    lines.push('', '| Zeile | nur A | nur B | in beiden | in keinem |', '|---|---:|---:|---:|---:|');
    for (const r of [...detail].sort((x, y) => y.paired.onlyA - x.paired.onlyA || y.paired.onlyB - x.paired.onlyB)) {
      if (r.paired.onlyA + r.paired.onlyB + r.paired.both === 0) continue;
      lines.push(`| ${mdText(r.label)} | ${r.paired.onlyA} | ${r.paired.onlyB} | ${r.paired.both} | ${r.paired.neither} |`);
    }
    lines.push('');
  }

  lines.push('## Methode', '');
  for (const [name, s] of [
    ['A', a],
    ['B', b],
  ] as const) {
    lines.push(
      `- **Menge ${name}: ${mdText(s.label)}** – Bedingungen ${mdText(s.definition)}; ${s.documents} Dokumente, davon ${s.baseDocuments} als Grundlage; ${s.segments} Segmente; ${s.textLength.toLocaleString('de-DE')} Zeichen.`,
    );
  }
  lines.push(
    t.base === 'coded'
      ? '- **Grundlage**: die kodierten Dokumente einer Menge (mindestens ein Segment). Ein nicht kodiertes Dokument ist nicht ausgewertet und sagt nichts über das Fehlen einer Markierung.'
      : '- **Grundlage**: alle Dokumente einer Menge, auch nicht kodierte.',
    `- **Einordnung**: „zu selten“, wenn weniger als ${t.minDocuments} Dokumente (A und B zusammen) eine Zeile tragen; sonst gilt eine Seite als vertreten ab ${t.presentDocuments} Dokument${t.presentDocuments === 1 ? '' : 'en'}, und die Zeile ist „in beiden“, „nur A“ oder „nur B“. Ein Dokument zählt je Zeile einmal, auch wenn es mehrere ihrer Codes trägt.`,
    '- **Zeilen**: Zeilen der Zuordnung (Crosswalk) ersetzen ihre einzelnen Codes; ihre A-Codes werden in Menge A gezählt, ihre B-Codes in Menge B. Alle anderen Codes stehen einzeln; Kategorien zusätzlich zusammengefasst über ihre Unterkodes.',
    `- **Aufschlüsselung**: ${t.by ? `nach „${mdText(t.by)}“; ` : ''}Zellen mit weniger als ${t.minCellDocuments} Dokumenten (Grundlage oder Treffer) werden unterdrückt, damit niemand herausgelesen werden kann; „unterdrückt²“ verhindert, dass eine unterdrückte Zelle aus der Summe zurückgerechnet wird.`,
    `- **Kodierende**: A: ${a.coders.map((c) => `${mdText(c.name)} (${c.segments})`).join(', ') || '–'}; B: ${b.coders.map((c) => `${mdText(c.name)} (${c.segments})`).join(', ') || '–'}. Segmente mehrerer Kodierender werden alle gezählt; Dokumente einmal.`,
    '- **Statistik**: Log-Likelihood in der Zwei-Zellen-Form nach Rayson & Garside (2000) auf Segmenthäufigkeiten (Korpusgröße: alle Segmente einer Menge; nicht das G² der Vierfeldertafel), p aus χ² mit 1 Freiheitsgrad; Fishers exakter Test (zweiseitig) auf das Vorkommen in Dokumenten; Log Ratio nach Hardie (2014): binärer Logarithmus des Verhältnisses der relativen Segmenthäufigkeiten, eine Null als 0,5 gerechnet (+1 = doppelt so häufig in A).',
    `- **Belege**: bis zu ${t.evidence} kurze, vollständige Sätze je Seite aus verschiedenen Dokumenten, im Wortlaut. Das Projekt hat noch keinen Pseudonymschlüssel; die Zitate sind so pseudonym wie die importierten Texte.`,
    `- ${NOT_PROOF}`,
    '',
  );
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// HTML

/** A marked instance that never emits raw HTML, links or images (see the file comment). */
const safeMarked = new Marked({ gfm: true, async: false });
safeMarked.use({
  renderer: {
    html(token: Tokens.HTML | Tokens.Tag): string {
      return escapeHtml(token.text);
    },
    link(token: Tokens.Link): string {
      return this.parser.parseInline(token.tokens);
    },
    image(token: Tokens.Image): string {
      return escapeHtml(token.text);
    },
  },
});

const PRINT_CSS = `
  :root { color-scheme: light; }
  body { font: 11pt/1.45 "Source Sans 3", "Segoe UI", system-ui, sans-serif; color: #1a1a1a; max-width: 60rem; margin: 2rem auto; padding: 0 1.5rem; }
  h1 { font-size: 1.7rem; margin-bottom: .3rem; }
  h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 1px solid #bbb; padding-bottom: .2rem; }
  h3 { font-size: 1.08rem; margin-top: 1.4rem; }
  table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .95em; }
  th, td { border: 1px solid #c8c8c8; padding: .25rem .5rem; vertical-align: top; }
  th { background: #f1f1f1; text-align: left; }
  blockquote { margin: .5rem 0 1rem; padding: .2rem .9rem; border-left: 4px solid #8a8a8a; background: #f7f7f7; }
  @page { size: A4; margin: 18mm 16mm; }
  @media print {
    body { margin: 0; max-width: none; padding: 0; font-size: 10pt; }
    h2 { break-after: avoid; }
    h3, table, blockquote { break-inside: avoid; }
  }
`;

/** Markdown to HTML without raw HTML, links or images (the second layer; user text is escaped before). */
export function markdownToSafeHtml(markdown: string): string {
  return safeMarked.parse(markdown) as string;
}

/** The report as one standalone, printable HTML document (no scripts, no external resources). */
export function comparisonToHtml(result: ComparisonResult, meta: ReportMeta = {}): string {
  const body = markdownToSafeHtml(comparisonToMarkdown(result, meta));
  const title = meta.title ?? `Sichtbarkeitsvergleich: ${result.a.label} ↔ ${result.b.label}`;
  return `<!doctype html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${PRINT_CSS}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

// ---------------------------------------------------------------------------------------------
// CSV

// csvField lives in csv.ts (shared by all CSV exports); re-exported here for existing importers.
export { csvField };

const num = (n: number | null, digits?: number): string => (n === null ? '' : digits === undefined ? String(n) : String(Number(n.toPrecision(digits))));

const CSV_HEADER = [
  'group',
  'section',
  'kind',
  'row_id',
  'label',
  'codes_a',
  'codes_b',
  'a_segments',
  'a_documents',
  'a_base_documents',
  'a_document_share',
  'a_text_share',
  'b_segments',
  'b_documents',
  'b_base_documents',
  'b_document_share',
  'b_text_share',
  'log_likelihood_rayson_garside',
  'log_likelihood_p',
  'fisher_p',
  'log_ratio',
  'paired_cases',
  'paired_only_a',
  'paired_only_b',
  'paired_both',
  'suppressed',
];

/**
 * The comparison table as CSV (RFC 4180: comma, CRLF, header row). One line per row; with a
 * breakdown, one more line per row and attribute value (`group` = "attribute=value"), suppressed
 * cells empty and named in `suppressed`.
 */
export function comparisonToCsv(result: ComparisonResult): string {
  const lines: string[] = [CSV_HEADER.join(',')];
  const codes = (row: ComparisonRow, side: 'a' | 'b'): string =>
    row.codes
      .filter((c) => c.side === undefined || c.side === side)
      .map((c) => c.path.join(' > '))
      .join('; ');
  for (const row of result.rows) {
    const common = [csvField(row.section), row.kind, csvField(row.id), csvField(row.label), csvField(codes(row, 'a')), csvField(codes(row, 'b'))];
    lines.push(
      [
        '',
        ...common,
        num(row.a.segments),
        num(row.a.documents),
        num(result.a.baseDocuments),
        num(row.a.documentShare, 6),
        num(row.a.textShare, 6),
        num(row.b.segments),
        num(row.b.documents),
        num(result.b.baseDocuments),
        num(row.b.documentShare, 6),
        num(row.b.textShare, 6),
        num(row.stats.logLikelihood, 8),
        num(row.stats.logLikelihoodP, 8),
        num(row.stats.fisherP, 8),
        num(row.stats.logRatio, 8),
        num(row.paired.cases),
        num(row.paired.onlyA),
        num(row.paired.onlyB),
        num(row.paired.both),
        '',
      ].join(','),
    );
    for (const g of row.breakdown ?? []) {
      const cell = (c: BreakdownCell): string[] => [num(c.segments), num(c.documents), num(c.baseDocuments), num(c.documentShare, 6), ''];
      const suppressed = [g.a.suppressed ? `a:${g.a.suppressed}` : '', g.b.suppressed ? `b:${g.b.suppressed}` : ''].filter(Boolean).join(' ');
      lines.push(
        [
          csvField(`${result.thresholds.by ?? ''}=${g.value}`),
          g.section ?? '',
          row.kind,
          csvField(row.id),
          csvField(row.label),
          csvField(codes(row, 'a')),
          csvField(codes(row, 'b')),
          ...cell(g.a),
          ...cell(g.b),
          '',
          '',
          '',
          '',
          '',
          '',
          '',
          '',
          suppressed,
        ].join(','),
      );
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}
