import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { strFromU8, unzipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ensureAdmin } from '../../../server/bootstrap.js';
import { createCode, exportCodebook } from '../../../server/domain/codebook.js';
import { makeDeps } from '../../../server/domain/deps.js';
import { createProject } from '../../../server/domain/projects.js';
import { codebookToDocx } from '../../../server/export/codebook-docx.js';
import { createApp } from '../../../server/http/app.js';
import { importFile } from '../../../server/import/import-file.js';
import type { CodebookEntry } from '../../../server/schemas/codebook.js';
import { MemoryStore } from '../../../server/storage/memory-store.js';
import { tempDir } from '../helpers.js';
import { runCliCaptured as cli, sendTo, signInTo } from '../support.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SOZIALRAUM = join(ROOT, 'codebooks', 'sozialraumorientierung.json');

/** The text of word/document.xml: every <w:t> in document order, XML entities decoded. */
function documentText(docx: Uint8Array): string {
  const files = unzipSync(docx);
  const xml = strFromU8(files['word/document.xml'] as Uint8Array);
  return [...xml.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)]
    .map((m) => (m[1] ?? '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&'))
    .join('\n');
}

/** Every string appears in `text`, each after the one before. */
function expectInOrder(text: string, parts: string[]): void {
  let at = 0;
  for (const p of parts) {
    const i = text.indexOf(p, at);
    expect(i, `"${p}" after position ${at}`).toBeGreaterThanOrEqual(0);
    at = i + p.length;
  }
}

async function project() {
  const deps = makeDeps(new MemoryStore());
  const p = await createProject(deps, { name: 'Wörterbuch & Co' });
  const folder = await createCode(deps, p.id, { name: 'Beratung', isCodable: false, colour: '#336699', definition: { description: 'Alles, was im Gespräch <passiert>.' } });
  const atmo = await createCode(deps, p.id, {
    name: 'Atmosphäre',
    parentId: folder.id,
    colour: '#e6194b',
    definition: {
      description: 'Wie sich das Gespräch anfühlt.\n\nZweiter Absatz.',
      inclusion: 'Begrüßung, Kaffee',
      exclusion: 'Inhalte des Antrags',
      anchors: [{ text: 'Die Fachkraft begrüßt Frau K. herzlich 😀' }, { text: 'Kaffee?' }],
      rules: 'Im Zweifel die kleinere Einheit.',
    },
  });
  await createCode(deps, p.id, { name: 'Begrüßen', parentId: atmo.id, definition: { description: 'Hallo sagen.' } });
  await createCode(deps, p.id, { name: 'Zusammenfassen', parentId: folder.id });
  return { deps, projectId: p.id };
}

describe('codebook as .docx', () => {
  it('writes every code name and definition text in tree order, with colours', async () => {
    const { deps, projectId } = await project();
    const book = exportCodebook(await deps.store.listCodes(projectId), { name: 'codebook', title: 'Codebuch: Wörterbuch & Co' });
    const bytes = await codebookToDocx(book);
    const text = documentText(bytes);
    expectInOrder(text, [
      'Codebuch: Wörterbuch & Co',
      'Beratung',
      '(Kategorie)',
      'Farbe: #336699',
      'Alles, was im Gespräch <passiert>.',
      'Atmosphäre',
      'Farbe: #e6194b',
      'Wie sich das Gespräch anfühlt.',
      'Zweiter Absatz.',
      'Einschlusskriterien',
      'Begrüßung, Kaffee',
      'Ausschlusskriterien und Abgrenzung',
      'Inhalte des Antrags',
      'Ankerbeispiele',
      'Die Fachkraft begrüßt Frau K. herzlich 😀',
      'Kaffee?',
      'Kodierregeln',
      'Im Zweifel die kleinere Einheit.',
      'Begrüßen',
      'Hallo sagen.',
      'Zusammenfassen',
    ]);
    const xml = strFromU8(unzipSync(bytes)['word/document.xml'] as Uint8Array);
    // Heading levels follow the depth; the swatch carries the code's colour.
    expect(xml).toMatch(/<w:pStyle w:val="Heading1"\/>.*?Beratung/s);
    expect(xml).toMatch(/<w:pStyle w:val="Heading2"\/>(?:(?!<w:pStyle).)*Atmosphäre/s);
    expect(xml).toMatch(/<w:pStyle w:val="Heading3"\/>(?:(?!<w:pStyle).)*Begrüßen/s);
    expect(xml).toContain('<w:color w:val="E6194B"/>');
    // The file is a document our own importer reads back.
    const back = await importFile('codebuch.docx', bytes);
    expect(back.text).toContain('Ankerbeispiele');
    expect(back.title).toBe('Codebuch: Wörterbuch & Co');
  });

  it('is served at GET /api/projects/:projectId/codebook.docx to signed-in users', async () => {
    const { deps, projectId } = await project();
    await ensureAdmin(deps, 'admin-password-1');
    const app = createApp({ deps });
    expect((await sendTo(app, undefined, 'GET', `/api/projects/${projectId}/codebook.docx`)).status).toBe(401);
    const admin = await signInTo(app, 'admin', 'admin-password-1');
    const res = await sendTo(app, admin, 'GET', `/api/projects/${projectId}/codebook.docx`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="codebook.docx"; filename\*=UTF-8''Codebuch%20W%C3%B6rterbuch%20%26%20Co.docx$/);
    expectInOrder(documentText(new Uint8Array(await res.arrayBuffer())), ['Beratung', 'Atmosphäre', 'Begrüßen', 'Zusammenfassen']);
    const missing = await sendTo(app, admin, 'GET', '/api/projects/gibt-es-nicht/codebook.docx');
    expect(missing.status).toBe(404);
  });
});

describe('sichtbar codebook export --format docx', () => {
  const cleanups: (() => Promise<void>)[] = [];
  beforeEach(() => vi.stubEnv('SICHTBAR_ADMIN_PASSWORD', 'cli-admin-password'));
  afterEach(async () => {
    vi.unstubAllEnvs();
    for (const c of cleanups.splice(0)) await c();
  });

  it('writes the imported codebook as .docx and needs --out', async () => {
    const t = await tempDir('sichtbar-codebook-docx-');
    cleanups.push(t.cleanup);
    const data = join(t.dir, 'data');
    expect((await cli(['init', '--data', data, '--name', 'CLI-Projekt'])).code).toBe(0);
    expect((await cli(['codebook', 'import', SOZIALRAUM, '--data', data])).code).toBe(0);
    const out = join(t.dir, 'codebuch.docx');
    const r = await cli(['codebook', 'export', '--format', 'docx', '--out', out, '--data', data]);
    expect(r.code, r.stderr).toBe(0);
    const book = JSON.parse(await readFile(SOZIALRAUM, 'utf8')) as { codes: CodebookEntry[] };
    const expected: string[] = [];
    const walk = (entries: CodebookEntry[]): void =>
      entries.forEach((e) => {
        expected.push(e.name);
        if (e.definition?.description) expected.push(e.definition.description.trim().split(/\n\s*\n/)[0]!.split('\n')[0]!);
        walk(e.children ?? []);
      });
    walk(book.codes);
    expectInOrder(documentText(new Uint8Array(await readFile(out))), ['Codebuch: CLI-Projekt', ...expected]);
    const noOut = await cli(['codebook', 'export', '--format', 'docx', '--data', data]);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toMatch(/needs --out/);
  });
});
