import { Document, Packer, Paragraph } from 'docx';
import { strToU8, zipSync } from 'fflate';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ensureAdmin } from '../../../server/bootstrap.js';
import { makeDeps } from '../../../server/domain/deps.js';
import { createProject } from '../../../server/domain/projects.js';
import { createApp } from '../../../server/http/app.js';
import { collectImports } from '../../../server/import/import-paths.js';
import { MemoryStore } from '../../../server/storage/memory-store.js';
import { onlyJson, runCliCaptured as cli, signInTo } from '../support.js';
import { put, tempDir } from './helpers.js';

/** One small file of every new type, each a two-turn transcript. */
async function files(): Promise<Record<string, Uint8Array>> {
  const docx = new Uint8Array(await Packer.toBuffer(new Document({ sections: [{ children: [new Paragraph('I: #00:00:01-0# Grüß Gott.'), new Paragraph('B: Servus.')] }] })));
  const odt = zipSync({
    mimetype: strToU8('application/vnd.oasis.opendocument.text'),
    'content.xml': strToU8(
      '<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text><text:p>I: Grüß Gott.</text:p><text:p>B: Servus.</text:p></office:text></office:body></office:document-content>',
    ),
  });
  return {
    'a.docx': docx,
    'b.odt': odt,
    'c.rtf': strToU8("{\\rtf1\\ansi I: Gr\\'fc\\'df Gott.\\par B: Servus.\\par}"),
    'd.srt': strToU8('1\n00:00:01,000 --> 00:00:02,000\nI: Grüß Gott.\n\n2\n00:00:03,000 --> 00:00:04,000\nB: Servus.\n'),
    'e.vtt': strToU8('WEBVTT\n\n00:01.000 --> 00:02.000\n<v I>Grüß Gott.\n\n00:03.000 --> 00:04.000\n<v B>Servus.\n'),
  };
}

describe('the new file types through every import path', () => {
  it('are accepted by the HTTP upload', async () => {
    const deps = makeDeps(new MemoryStore());
    await ensureAdmin(deps, 'admin-password-1');
    const project = await createProject(deps, { name: 'Upload' });
    const app = createApp({ deps });
    const admin = await signInTo(app, 'admin', 'admin-password-1');
    const form = new FormData();
    for (const [name, bytes] of Object.entries(await files())) form.append('files', new File([bytes as Uint8Array<ArrayBuffer>], name));
    form.append('files', new File([strToU8('kaputt')], 'f.docx'));
    const res = await app.request(`/api/projects/${project.id}/documents/import`, { method: 'POST', headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf }, body: form });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { imported: { file: string; kind: string }[]; failed: { file: string; error: string }[] };
    expect(body.imported.map((i) => [i.file, i.kind])).toEqual([
      ['a.docx', 'interview'],
      ['b.odt', 'interview'],
      ['c.rtf', 'interview'],
      ['d.srt', 'interview'],
      ['e.vtt', 'interview'],
    ]);
    expect(body.failed).toEqual([{ file: 'f.docx', error: 'not a .docx (a .docx file is a zip archive)' }]);
    for (const doc of await deps.store.listDocuments(project.id)) {
      const full = await deps.store.getDocument(project.id, doc.id);
      expect(full?.text).toContain('Grüß Gott.');
      expect(full?.turns.map((t) => t.speaker)).toEqual(['I', 'B']);
    }
  });

  it('are read from folders (the CLI import)', async () => {
    const t = await tempDir('office-folder');
    try {
      for (const [name, bytes] of Object.entries(await files())) await put(t.dir, `sub/${name}`, bytes);
      await put(t.dir, 'sub/g.rtf', 'kein RTF');
      const result = await collectImports([t.dir]);
      expect(result.imported.map((i) => i.document.sourceFile)).toEqual(['a.docx', 'b.odt', 'c.rtf', 'd.srt', 'e.vtt']);
      expect(result.failed.map((f) => f.error)).toEqual(['not an RTF file (it must start with {\\rtf)']);
    } finally {
      await t.cleanup();
    }
  });

  it('are imported by the CLI', async () => {
    vi.stubEnv('SICHTBAR_ADMIN_PASSWORD', 'cli-admin-password');
    const t = await tempDir('office-cli');
    try {
      const data = join(t.dir, 'data');
      expect((await cli(['init', '--data', data, '--name', 'Office'])).code).toBe(0);
      const paths: string[] = [];
      for (const [name, bytes] of Object.entries(await files())) paths.push(await put(t.dir, name, bytes));
      const r = await cli(['import', ...paths, '--data', data, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const result = onlyJson<{ imported: { title: string; kind: string }[]; failed: unknown[] }>(r.stdout);
      expect(result.imported.map((i) => [i.title, i.kind])).toEqual([
        ['a', 'interview'],
        ['b', 'interview'],
        ['c', 'interview'],
        ['d', 'interview'],
        ['e', 'interview'],
      ]);
      expect(result.failed).toEqual([]);
    } finally {
      vi.unstubAllEnvs();
      await t.cleanup();
    }
  });
});
