import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareSets } from '../../../server/domain/comparison.js';
import { addDocuments, createSet } from '../../../server/domain/corpus.js';
import { createCode } from '../../../server/domain/codebook.js';
import { setCrosswalk } from '../../../server/domain/crosswalk.js';
import { makeDeps } from '../../../server/domain/deps.js';
import { createProject } from '../../../server/domain/projects.js';
import {
  comparisonToCsv,
  comparisonToHtml,
  comparisonToMarkdown,
  csvField,
  markdownToSafeHtml,
  mdText,
  NOT_PROOF,
} from '../../../server/export/comparison-report.js';
import type { ComparisonResult } from '../../../server/schemas/comparison.js';
import { MemoryStore } from '../../../server/storage/memory-store.js';
import { buildFixture, Coder, doc } from './fixture.js';

const SCRIPT = '<script>window.x=1</script>';
const IMG = '<img src=x onerror=alert(1)>';
const LINK = '[x](javascript:alert(1))';

/** No element the report did not write itself: no script, no event handler, no javascript: link, no image. */
function expectInert(html: string): void {
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/<[a-z][^>]*\son[a-z]+\s*=/i);
  expect(html).not.toMatch(/href\s*=\s*["']?\s*javascript:/i);
  expect(html).not.toMatch(/<a\s/i);
  expect(html).not.toMatch(/<img/i);
  expect(html).not.toMatch(/<iframe|<object|<embed|<svg|<math|<form|<base/i);
}

describe('a report with hostile text renders without running it', () => {
  let hostile: ComparisonResult;

  beforeAll(async () => {
    const store = new MemoryStore();
    const deps = makeDeps(store);
    const project = await createProject(deps, { name: 'Feindlich' });
    const text = (n: number): string => `Die Fachkraft schreibt ${IMG} und ${LINK} auf, Nr. ${n}. Danach ist Schluss.`;
    const docs = await addDocuments(deps, project.id, [
      ...[1, 2, 3].map((n) => doc(`o${n}`, 'observation', text(n), { region: SCRIPT, case: `<b>${n}</b>` })),
      ...[1, 2].map((n) => doc(`d${n}`, 'documentation', text(n), { region: SCRIPT, case: `<b>${n}</b>` })),
    ]);
    const named = await createCode(deps, project.id, { name: SCRIPT });
    const other = await createCode(deps, project.id, { name: `**fett** | ${LINK}` });
    const c = new Coder(new Map(docs.map((d) => [d.id, d])));
    for (const d of ['o1', 'o2', 'o3']) c.code(d, named.id, 'schreibt');
    for (const d of ['d1', 'd2']) c.code(d, other.id, 'schreibt');
    await store.commit(project.id, { segments: { put: c.segments } });
    await setCrosswalk(deps, project.id, { rows: [{ label: `${SCRIPT} ↔ ${IMG}`, a: [named.id], b: [other.id], note: LINK }] });
    await createSet(deps, project.id, { name: `${IMG}`, definition: { type: 'filter', filter: { kinds: ['observation'], attributes: [] } } });
    hostile = await compareSets(deps, project.id, { by: 'region', minCellDocuments: 1, a: { sets: [IMG], label: `A ${SCRIPT}` } });
    // The hostile text really is in the result, so the test can fail.
    expect(JSON.stringify(hostile)).toContain(SCRIPT);
    expect(hostile.rows.flatMap((r) => r.evidence).some((q) => q.text.includes(IMG) && q.text.includes(LINK))).toBe(true);
  });

  it('HTML: no <script, no onerror= attribute, no javascript: link – the text shows as text', () => {
    const html = comparisonToHtml(hostile, { project: `Projekt ${SCRIPT}`, title: `Titel ${IMG}` });
    expectInert(html);
    expect(html).toContain('&lt;script&gt;window.x=1&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('[x](javascript:alert(1))');
    expect(html).not.toContain('<strong>fett</strong>');
    expect(html).toContain('<title>Titel &lt;img src=x onerror=alert(1)&gt;</title>');
  });

  it('Markdown: user text is escaped before it enters, so no renderer sees HTML or a link', () => {
    const md = comparisonToMarkdown(hostile);
    expect(md).not.toContain(SCRIPT);
    expect(md).not.toContain(LINK);
    expect(md).toContain('\\<script\\>window.x=1\\</script\\>');
    expect(md).toContain('\\[x\\](javascript:alert(1))');
  });

  it('the renderer itself escapes raw HTML and drops links and images (second layer)', () => {
    const html = markdownToSafeHtml(`# T\n\n${SCRIPT}\n\n<div onclick="x()">d</div>\n\nText ${IMG} and ${LINK} and ![i](javascript:alert(1)) <a href="javascript:alert(1)">a</a>\n\n[ref]: javascript:alert(1)\n\n[ref]`);
    expectInert(html);
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('<h1>T</h1>');
  });

  it('mdText neutralises block markers and inline syntax', () => {
    expect(markdownToSafeHtml(`- ${mdText('# Überschrift')}`)).not.toContain('<h1');
    expect(markdownToSafeHtml(mdText('1. Liste'))).not.toContain('<ol');
    expect(markdownToSafeHtml(mdText('> Zitat'))).not.toContain('<blockquote');
    expect(markdownToSafeHtml(`| ${mdText('a | b')} |\n|---|\n| c |`)).toContain('a | b');
    expect(markdownToSafeHtml(mdText('`code` *em* _em_ ~~del~~'))).not.toMatch(/<code>|<em>|<del>/);
    expect(mdText('Zeile eins\n\nZeile zwei')).toBe('Zeile eins Zeile zwei');
  });
});

describe('the findings report', () => {
  let result: ComparisonResult;
  beforeAll(async () => {
    const f = await buildFixture();
    result = await compareSets(f.deps, f.projectId, { by: 'region' });
  });

  it('Markdown: the three sections and "too rare", counts, statistics, quotes, pairs and the method', () => {
    const md = comparisonToMarkdown(result, { project: 'Vergleich', generated: '2026-01-01T00:00:00.000Z' });
    expect(md.startsWith('# Sichtbarkeitsvergleich: Beratung (Beobachtungsprotokolle) ↔ Dokumentation (Interviews und Dokumentationen)\n')).toBe(true);
    const headings = md.split('\n').filter((l) => l.startsWith('## '));
    expect(headings).toEqual([
      '## Überblick',
      '## 1. Sichtbar in beiden (Beratung (Beobachtungsprotokolle) und Dokumentation (Interviews und Dokumentationen))',
      '## 2. Nur in A – Beratung (Beobachtungsprotokolle): in B unsichtbar',
      '## 3. Nur in B – Dokumentation (Interviews und Dokumentationen): neu in B',
      '## 4. Zu selten für eine Aussage',
      '## Kategorien (zusammengefasst über ihre Unterkodes)',
      '## Paarvergleich nach Fall (case)',
      '## Methode',
    ]);
    // Sections hold their rows.
    const section = (n: number): string => md.split(/\n## /)[n + 1] ?? '';
    expect(section(1)).toContain('### Zusammenfassung');
    expect(section(2)).toContain('### Begrüßen');
    expect(section(3)).toContain('### Software reflektieren');
    expect(section(4)).toContain('| Getränke anbieten |');
    expect(section(4)).toContain('| Selten |');
    // Counts and statistics, labelled.
    expect(md).toContain('| Dokumente | 2 von 4 (50,0 %) | 2 von 5 (40,0 %) |');
    expect(md).toContain('Log-Likelihood (Rayson & Garside 2000, Zwei-Zellen-Form, Segmente)');
    expect(md).toContain('Fisher exakt (zweiseitig, Dokumente)');
    // Quotes, pairs, breakdown with suppression.
    expect(md).toContain('> „Die Fachkraft begrüßt Frau K. herzlich an der Tür.“ — *o1* (A)');
    expect(md).toContain('- **C2** – nur in A: Zusammenfassung; Begrüßen · nur in B: Software reflektieren');
    expect(md).toMatch(/\| R2 \| unterdrückt \|/);
    // Method: sets, thresholds, coders, and the plain statement.
    expect(md).toContain('**Menge A: Beratung (Beobachtungsprotokolle)** – Bedingungen kind=observation; 5 Dokumente, davon 4 als Grundlage');
    expect(md).toContain('„zu selten“, wenn weniger als 3 Dokumente');
    expect(md).toContain('Mara L. (10)');
    expect(md).toContain(NOT_PROOF);
    expect(md).toContain('keinen Pseudonymschlüssel');
  });

  it('HTML: a complete, printable document from the same Markdown', () => {
    const html = comparisonToHtml(result);
    expect(html.startsWith('<!doctype html>\n<html lang="de">')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain("default-src 'none'");
    expect(html).toContain('@media print');
    expect(html).toContain('<h2>1. Sichtbar in beiden');
    expect(html).toContain('<table>');
    expect(html).toContain('<blockquote>');
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expectInert(html);
  });

  it('CSV: RFC 4180, one line per row plus its breakdown, parseable back', () => {
    const csv = comparisonToCsv(result);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.split('\r\n')[0]).toMatch(/^group,section,kind,row_id,label,codes_a,codes_b,a_segments,/);
    const records = parse(csv, { columns: true }) as Record<string, string>[];
    const main = records.filter((r) => r['group'] === '');
    expect(main).toHaveLength(result.rows.length);
    const summary = main.find((r) => r['label'] === 'Zusammenfassung')!;
    expect(summary).toMatchObject({ section: 'both', kind: 'crosswalk', a_documents: '2', b_documents: '2', b_segments: '4', codes_a: 'Beratung > Zusammenfassen' });
    expect(summary['codes_b']).toBe('Dokumentation > Informationen zusammenfassen; Dokumentation > Verlauf festhalten');
    expect(Number(summary['log_likelihood_rayson_garside'])).toBeCloseTo(result.rows[0]!.stats.logLikelihood, 6);
    const groups = records.filter((r) => r['group'] !== '');
    expect(groups.length).toBe(result.rows.length * 2);
    expect(groups.some((r) => r['suppressed']?.includes('a:small'))).toBe(true);
    // Negative numbers stay numbers.
    expect(main.some((r) => (r['log_ratio'] ?? '').startsWith('-'))).toBe(true);
  });

  it('CSV fields: quoting and protection against formula injection', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    for (const lead of ['+', '-', '@', '\t', '\r']) expect(csvField(`${lead}1`).replace(/^"/, '').startsWith(`'${lead}`)).toBe(true);
  });

  it('CSV: a code named like a formula is defused in the file', async () => {
    const store = new MemoryStore();
    const deps = makeDeps(store);
    const project = await createProject(deps, { name: 'Formel' });
    const docs = await addDocuments(deps, project.id, [doc('o', 'observation', 'Eins zwei drei.'), doc('d', 'documentation', 'Vier fünf sechs.')]);
    const code = await createCode(deps, project.id, { name: '=cmd|calc!A1' });
    const c = new Coder(new Map(docs.map((d) => [d.id, d])));
    c.code('o', code.id, 'Eins');
    c.code('d', code.id, 'Vier');
    await store.commit(project.id, { segments: { put: c.segments } });
    const csv = comparisonToCsv(await compareSets(deps, project.id));
    const records = parse(csv, { columns: true }) as Record<string, string>[];
    expect(records[0]?.['label']).toBe("'=cmd|calc!A1");
    expect(csv).not.toMatch(/(^|,)=cmd/m);
  });
});
