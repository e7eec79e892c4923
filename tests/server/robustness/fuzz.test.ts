import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAdmin } from '../../../server/bootstrap.js';
import { createUser } from '../../../server/domain/users.js';
import { ImportError } from '../../../server/domain/errors.js';
import { createApp } from '../../../server/http/app.js';
import { ROUTES } from '../../../server/http/openapi.js';
import { decodeText } from '../../../server/import/decode.js';
import { parseFrontMatter } from '../../../server/import/front-matter.js';
import { collectImports } from '../../../server/import/import-paths.js';
import { importFile } from '../../../server/import/import-file.js';
import { parseTurns } from '../../../server/import/transcript.js';
import { NewDocumentSchema } from '../../../server/schemas/document.js';
import type { Store } from '../../../server/domain/store.js';
import { LowdbStore } from '../../../server/storage/lowdb-store.js';
import { seedProject, tempDir } from '../helpers.js';
import { signInTo, type Session } from '../support.js';

/** mulberry32: a small seeded PRNG, so every run fuzzes with the same inputs. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const XSS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "javascript:alert('x')", '<svg/onload=alert(1)>', '{{constructor.constructor("alert(1)")()}}', '${alert(1)}'];
const TRAVERSAL = ['../../etc/passwd.md', '..\\..\\windows\\win.ini.txt', '/etc/passwd.txt', '....//....//x.md', '%2e%2e%2fpasswd.md', 'a\u0000b.md'];

function expectNotPolluted(): void {
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  expect((Object.prototype as Record<string, unknown>)['polluted']).toBeUndefined();
}

describe('hostile input to the importers', () => {
  const rand = prng(0x5eed);
  const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
  const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
  const front = (yaml: string, body = 'I: Hallo\nFK: Guten Tag.'): Uint8Array => utf8(`---\n${yaml}\n---\n${body}\n`);

  const cases: { name: string; file: string; data: Uint8Array; maxBytes?: number }[] = [];
  for (let i = 0; i < 60; i++) cases.push({ name: `random bytes ${i}`, file: i % 2 ? 'r.txt' : 'r.md', data: bytes(1 + Math.floor(rand() * 4000)) });
  for (let i = 0; i < 10; i++) cases.push({ name: `utf-16 garbage ${i}`, file: 'u.txt', data: Uint8Array.from([...(i % 2 ? [0xff, 0xfe] : [0xfe, 0xff]), ...bytes(1 + Math.floor(rand() * 999))]) });
  cases.push({ name: 'invalid utf-8', file: 'bad.md', data: Uint8Array.from([0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xf0, 0x28, 0x8c, 0xbc, 0x41, 0x0a]) });
  cases.push({ name: 'lone surrogates in utf-8', file: 'sur.txt', data: Uint8Array.from([0xed, 0xa0, 0x80, 0x41, 0x0a]) });
  cases.push({ name: 'NULs', file: 'nul.txt', data: new Uint8Array(5000) });
  cases.push({ name: 'NULs in text', file: 'nul2.md', data: utf8('I: Hallo\u0000\u0000\nFK: \u0000ja') });
  cases.push({ name: 'one huge line', file: 'line.txt', data: utf8('FK: ' + 'Wort '.repeat(2_000_000)) });
  cases.push({ name: 'many short lines', file: 'lines.txt', data: utf8('I: a\n'.repeat(300_000)) });
  cases.push({ name: 'empty', file: 'e.txt', data: new Uint8Array(0) });
  cases.push({ name: 'oversized against maxBytes', file: 'big.txt', data: utf8('x'.repeat(2048)), maxBytes: 1024 });
  cases.push({ name: '100 MB over the default limit', file: 'huge.txt', data: new Uint8Array(100 * 1024 * 1024 + 1).fill(0x61) });
  cases.push({ name: '__proto__ key', file: 'p.md', data: front('__proto__:\n  polluted: 1\ntitle: x') });
  cases.push({ name: '__proto__ flow map', file: 'p2.md', data: front('{"__proto__": {"polluted": 1}, "title": "x"}') });
  cases.push({ name: 'constructor.prototype key', file: 'p3.md', data: front('constructor:\n  prototype:\n    polluted: 1') });
  cases.push({ name: 'attributes with __proto__', file: 'p4.md', data: front('attributes:\n  __proto__: {polluted: 1}\n  constructor: {prototype: {polluted: 1}}') });
  cases.push({ name: 'deeply nested YAML (flow)', file: 'n.md', data: front(`a: ${'['.repeat(10_000)}${']'.repeat(10_000)}`) });
  cases.push({ name: 'deeply nested YAML (block)', file: 'n2.md', data: front(Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')) });
  const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 12; i++) laughs.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
  cases.push({ name: 'alias bomb (billion laughs)', file: 'bomb.md', data: front(laughs.join('\n')) });
  cases.push({ name: 'unclosed front matter', file: 'u.md', data: utf8('---\ntitle: x\nI: Hallo') });
  cases.push({ name: 'front matter not a map', file: 'l.md', data: front('- a\n- b') });
  cases.push({ name: 'front matter with tags', file: 't.md', data: front('title: !!js/function "function(){}"\nkind: !!binary aGFsbG8=') });
  cases.push({ name: 'XSS in title and attributes', file: 'x.md', data: front(`title: '${XSS[0]}'\nregion: '${XSS[1]}'`) });
  for (const name of TRAVERSAL) cases.push({ name: `path traversal ${JSON.stringify(name)}`, file: name, data: utf8('I: Hallo\nFK: Ja.') });
  // Office documents, RTF and subtitles: random bytes, broken and hostile archives, deep nesting, mutations of valid files.
  const docx = (body: string): Uint8Array =>
    zipSync({
      '[Content_Types].xml': strToU8('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'),
      '_rels/.rels': strToU8('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'),
      'word/document.xml': strToU8(`<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`),
    });
  const odt = (body: string): Uint8Array => zipSync({ mimetype: strToU8('application/vnd.oasis.opendocument.text'), 'content.xml': strToU8(`<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>${body}</office:text></office:body></office:document-content>`) });
  const mutate = (data: Uint8Array, n: number): Uint8Array => {
    const out = data.slice();
    for (let k = 0; k < n; k++) out[Math.floor(rand() * out.length)] = Math.floor(rand() * 256);
    return out;
  };
  const goodDocx = docx('<w:p><w:r><w:t>I: Grüß Gott</w:t></w:r></w:p><w:p><w:r><w:t>B: Hallo</w:t></w:r></w:p>');
  const goodOdt = odt('<text:p>I: Grüß Gott</text:p><text:p>B: Hallo</text:p>');
  const goodRtf = utf8("{\\rtf1\\ansi{\\fonttbl{\\f0 Arial;}}I: Gr\\'fc\\'df Gott\\par B: \\u252?\\par}");
  const goodSrt = utf8('1\n00:00:01,000 --> 00:00:02,000\nAnna: Hallo\n\n2\n00:00:03,000 --> 00:00:04,000\nBen: Ja\n');
  const goodVtt = utf8('WEBVTT\n\n00:01.000 --> 00:02.000\n<v Anna>Hallo\n\n00:03.000 --> 00:04.000\n<v Ben>Ja\n');
  for (const [ext, good] of [['.docx', goodDocx], ['.odt', goodOdt], ['.rtf', goodRtf], ['.srt', goodSrt], ['.vtt', goodVtt]] as const) {
    for (let i = 0; i < 6; i++) cases.push({ name: `random bytes as ${ext} ${i}`, file: `r${ext}`, data: bytes(1 + Math.floor(rand() * 4000)) });
    for (let i = 0; i < 12; i++) cases.push({ name: `mutated ${ext} ${i}`, file: `m${ext}`, data: mutate(good, 1 + Math.floor(rand() * 8)) });
    for (const cut of [1, 5, 0.5]) cases.push({ name: `truncated ${ext} at ${cut}`, file: `t${ext}`, data: good.subarray(0, cut < 1 ? Math.floor(good.length * cut) : cut) });
    cases.push({ name: `empty ${ext}`, file: `e${ext}`, data: new Uint8Array(0) });
  }
  for (const ext of ['.docx', '.odt']) {
    const inner = ext === '.docx' ? 'word/document.xml' : 'content.xml';
    // A bomb's header: one small entry that declares 3 GB uncompressed.
    const bomb = zipSync({ [inner]: strToU8('<x/>') });
    const view = new DataView(bomb.buffer, bomb.byteOffset, bomb.byteLength);
    for (let i = 0; i + 4 <= bomb.length; i++) {
      if (view.getUint32(i, true) === 0x04034b50) view.setUint32(i + 22, 3e9, true);
      if (view.getUint32(i, true) === 0x02014b50) view.setUint32(i + 24, 3e9, true);
    }
    cases.push({ name: `zip bomb ${ext}`, file: `bomb${ext}`, data: bomb });
    cases.push({ name: `compressed zeros ${ext}`, file: `zeros${ext}`, data: zipSync({ [inner]: [new Uint8Array(8 * 1024 * 1024), { level: 1 }] }) });
    cases.push({ name: `zip slip ${ext}`, file: `slip${ext}`, data: zipSync({ '../../etc/passwd': strToU8('x'), [inner]: strToU8('<x/>') }) });
    cases.push({ name: `XXE ${ext}`, file: `xxe${ext}`, data: zipSync({ [inner]: strToU8('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>') }) });
  }
  cases.push({ name: 'billion laughs .odt', file: 'laughs.odt', data: odt('<text:p>&lol9;</text:p>'.replace('<text:p>', '<!DOCTYPE x [<!ENTITY lol "lol"><!ENTITY lol9 "&lol;&lol;">]><text:p>')) });
  cases.push({ name: 'deeply nested .docx', file: 'deep.docx', data: docx(`${'<w:tbl><w:tr><w:tc>'.repeat(3000)}<w:p><w:r><w:t>x</w:t></w:r></w:p>${'</w:tc></w:tr></w:tbl>'.repeat(3000)}`) });
  cases.push({ name: 'deeply nested .odt', file: 'deep.odt', data: odt(`${'<text:section>'.repeat(20_000)}x${'</text:section>'.repeat(20_000)}`) });
  cases.push({ name: 'deeply nested .rtf', file: 'deep.rtf', data: utf8(`{\\rtf1 ${'{'.repeat(1_000_000)}x${'}'.repeat(1_000_000)}}`) });
  cases.push({ name: 'huge \\bin in .rtf', file: 'bin.rtf', data: utf8('{\\rtf1 \\bin99999999999 x}') });
  cases.push({ name: 'many \\u in .rtf', file: 'u.rtf', data: utf8(`{\\rtf1 ${'\\u-10179?'.repeat(100_000)}}`) });
  cases.push({ name: 'many cues .srt', file: 'many.srt', data: utf8('00:00:01,000 --> 00:00:02,000\nA: x\n\n'.repeat(100_000)) });
  cases.push({ name: 'tags in .vtt', file: 'tags.vtt', data: utf8(`WEBVTT\n\n00:01.000 --> 00:02.000\n${'<v '.repeat(50_000)}\n`) });

  it.each(cases.map((c) => [c.name, c] as const))('%s: a valid document or an ImportError, quickly', async (_name, c) => {
    const started = performance.now();
    let result: unknown;
    try {
      result = await importFile(c.file, c.data, c.maxBytes !== undefined ? { maxBytes: c.maxBytes } : {});
    } catch (e) {
      expect(e, String(e instanceof Error ? e.stack : e)).toBeInstanceOf(ImportError);
      expect((e as Error).message.length).toBeGreaterThan(0);
    }
    expect(performance.now() - started, 'no hang').toBeLessThan(5000);
    if (result !== undefined) {
      const doc = NewDocumentSchema.parse(result);
      expect(doc.sourceFile).not.toMatch(/[\\/]/);
      expect(doc.sourceFile).not.toBe('..');
      expect(Object.getPrototypeOf(doc.attributes ?? {})).toBe(Object.prototype);
    }
    expectNotPolluted();
    if (c.name.startsWith('oversized') || c.name.startsWith('100 MB')) expect(result).toBeUndefined();
  });

  it('decodes, reads front matter and turns of random text without another exception type', () => {
    const alphabet = ['---\n', ':', 'I: ', 'FK: ', '\n', '\r\n', ' ', 'ä', '😀', '\u0000', '\ufeff', '&a', '*a', '{', '[', '"', "'", '__proto__', '#'];
    for (let i = 0; i < 300; i++) {
      const text = Array.from({ length: Math.floor(rand() * 60) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
      for (const f of [() => decodeText('f.txt', bytes(Math.floor(rand() * 200))), () => parseFrontMatter('f.md', text), () => parseTurns(text)]) {
        try {
          f();
        } catch (e) {
          expect(e).toBeInstanceOf(ImportError);
        }
      }
    }
    expectNotPolluted();
  });

  it('collectImports reports bad files in a folder one by one and reads only inside it', async () => {
    const t = await tempDir('sichtbar-fuzz-import-');
    try {
      await mkdir(join(t.dir, 'sub'));
      await writeFile(join(t.dir, 'gut.txt'), 'I: Hallo\nFK: Ja.');
      await writeFile(join(t.dir, 'kaputt.md'), bytes(3000));
      await writeFile(join(t.dir, 'sub', 'leer.txt'), '');
      await writeFile(join(t.dir, 'sub', 'proto.md'), '---\n__proto__: {polluted: 1}\n---\nText\n');
      await writeFile(join(t.dir, 'attributes.csv'), 'file,__proto__,constructor\ngut.txt,1,2\n../../etc/passwd,3,4\n');
      const result = await collectImports([t.dir], { maxBytes: 2048 });
      for (const f of result.failed) expect(f.error.length).toBeGreaterThan(0);
      for (const d of result.imported) expect(d.document.sourceFile).not.toMatch(/[\\/]/);
      expectNotPolluted();
    } finally {
      await t.cleanup();
    }
  });
});

type App = ReturnType<typeof createApp>;

describe('hostile input to every API body', () => {
  const rand = prng(0xbad5eed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  let t: { dir: string; cleanup: () => Promise<void> };
  let store: Store;
  let app: App;
  let admin: Session;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await tempDir('sichtbar-fuzz-api-');
    store = await LowdbStore.open(t.dir);
    const seeded = await seedProject(store);
    await ensureAdmin(seeded.deps, 'fuzz-admin-passwort');
    const other = await createUser(seeded.deps, { login: 'opfer', role: 'researcher', password: 'opfer-passwort' });
    app = createApp({ deps: seeded.deps });
    admin = await signInTo(app, 'admin', 'fuzz-admin-passwort');
    Object.assign(ids, { projectId: seeded.projectId, documentId: seeded.docA, codeId: seeded.codes['greet'], userId: other.id });
    const P = `/api/projects/${seeded.projectId}`;
    const seg = (await (await send('POST', `${P}/segments`, JSON.stringify({ documentId: seeded.docA, codeId: seeded.codes['greet'], start: 0, end: 3 }))).json()) as { id: string };
    const memo = (await (await send('POST', `${P}/memos`, JSON.stringify({ target: { type: 'project' }, text: 'Memo' }))).json()) as { id: string };
    const set = (await (await send('POST', `${P}/sets`, JSON.stringify({ name: 'Satz', definition: { type: 'manual', documentIds: [seeded.docA] } }))).json()) as { id?: string };
    Object.assign(ids, { segmentId: seg.id, memoId: memo.id, setId: set.id ?? 'kein-satz', formId: 'kein-formular', number: '1', proposalId: 'kein-vorschlag', runId: 'kein-lauf' });
  });
  afterAll(async () => {
    await store.close();
    await t.cleanup();
  });

  function send(method: string, path: string, body?: BodyInit | null, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<Response> {
    const init: RequestInit & { duplex?: 'half' } = { method, headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, ...headers } };
    if (body !== undefined && body !== null) init.body = body;
    if (body instanceof ReadableStream) init.duplex = 'half';
    const answer = Promise.resolve(app.request(path, init, { incoming: { socket: { remoteAddress: '127.0.0.1' } } }));
    let timer: NodeJS.Timeout | undefined;
    const hang = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`hang: ${method} ${path}`)), 15_000)));
    return Promise.race([answer, hang]).finally(() => clearTimeout(timer));
  }

  async function snapshot(): Promise<string> {
    const res = await send('GET', `/api/projects/${ids['projectId']}/export`);
    expect(res.status).toBe(200);
    const users = await (await send('GET', '/api/users')).text();
    return `${await res.text()}\n${users}`;
  }

  /** The answer is a 2xx or a 4xx with the error envelope, never a 5xx; a rejection wrote nothing. */
  const statuses = new Map<string, number[]>();
  async function expectHandled(label: string, res: Response, before: string): Promise<string> {
    const text = await res.text();
    const route = label.split(' ').slice(0, 2).join(' ');
    statuses.set(route, [...(statuses.get(route) ?? []), res.status]);
    expect(res.status, `${label}: ${text.slice(0, 300)}`).toBeLessThan(500);
    if (res.status >= 400) {
      const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
      expect(typeof body.error?.code, label).toBe('string');
      expect(typeof body.error?.message, label).toBe('string');
      expect(await snapshot(), `${label}: a rejected request changed the data`).toBe(before);
      return before;
    }
    return snapshot();
  }

  const FIELDS = ['name', 'title', 'text', 'memo', 'description', 'login', 'password', 'role', 'displayName', 'documentId', 'codeId', 'parentId', 'targetId', 'sourceId', 'start', 'end', 'version', 'colour', 'attributes', 'q', 'query', 'kind', 'language', 'reason', 'comment', 'definition', 'target', 'independent', 'mode', 'rows', 'segmentIds', 'isCodable', 'basedOn', 'decision', 'fields', 'codes', 'position', 'segments', 'children'];
  function randomValue(depth: number): unknown {
    const r = rand();
    if (depth > 3 || r < 0.25) return pick([0, -1, 1.5, 1e308, 2 ** 53, true, false, null, '', ...XSS, ...TRAVERSAL, 'ä😀\u0000\u202e', ids['codeId'], ids['documentId'], 'x'.repeat(70_000)]);
    if (r < 0.5) return Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(depth + 1));
    return randomObject(depth + 1);
  }
  function randomObject(depth: number): Record<string, unknown> {
    const o: Record<string, unknown> = {};
    for (let i = Math.floor(rand() * 5); i > 0; i--) o[pick(FIELDS)] = randomValue(depth);
    return o;
  }
  const nested = (n: number): string => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;

  function bodiesFor(): { label: string; body: string }[] {
    const out = [
      { label: 'nested objects 10000', body: nested(10_000) },
      { label: 'nested arrays 10000', body: `${'['.repeat(10_000)}${']'.repeat(10_000)}` },
      { label: 'nested in every field', body: JSON.stringify(Object.fromEntries(FIELDS.map((f) => [f, 0]))).replace(/0/g, `${'['.repeat(3000)}${']'.repeat(3000)}`) },
      { label: 'huge string', body: JSON.stringify({ name: 'x'.repeat(1_500_000), text: 'y', title: 'z' }) },
      { label: '__proto__', body: '{"__proto__":{"polluted":1},"name":"p","text":"p"}' },
      { label: 'constructor', body: '{"constructor":{"prototype":{"polluted":1}},"name":"c"}' },
      { label: 'nested __proto__', body: '{"attributes":{"__proto__":{"polluted":1}},"target":{"__proto__":{"polluted":1}}}' },
      { label: 'wrong types', body: JSON.stringify(Object.fromEntries(FIELDS.map((f) => [f, pick([[], {}, 1, true, null, 'x'])]))) },
      { label: 'not an object', body: pick(['1', '"x"', 'null', '[]', 'true']) },
      { label: 'truncated JSON', body: '{"name": "x' },
      { label: 'random bytes', body: String.fromCharCode(...Array.from({ length: 200 }, () => Math.floor(rand() * 256))) },
      { label: 'empty', body: '' },
    ];
    for (let i = 0; i < 8; i++) out.push({ label: `random JSON ${i}`, body: JSON.stringify(randomObject(0)) });
    return out;
  }

  function pathOf(template: string): string {
    return template.replace(/:([A-Za-z]+)/g, (_, name: string) => encodeURIComponent(ids[name] ?? 'unbekannt'));
  }

  const writing = ROUTES.filter((r) => r.method !== 'get' && (r.body !== undefined || r.multipart !== undefined));

  it('answers every writing route with a 2xx or a 4xx envelope and leaves the data alone when it rejects', async () => {
    let before = await snapshot();
    for (const route of writing) {
      const path = pathOf(route.path);
      if (route.multipart) {
        const malformed: [string, BodyInit, Record<string, string>][] = [
          ['no boundary', 'garbage', { 'content-type': 'multipart/form-data' }],
          ['wrong boundary', '--other\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n\r\nx\r\n--other--', { 'content-type': 'multipart/form-data; boundary=xyz' }],
          ['truncated', '--xyz\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n\r\nx', { 'content-type': 'multipart/form-data; boundary=xyz' }],
          ['json instead', '{"files":[]}', { 'content-type': 'application/json' }],
        ];
        for (const [label, body, headers] of malformed) before = await expectHandled(`${route.method} ${route.path} ${label}`, await send(route.method.toUpperCase(), path, body, headers), before);
        const form = new FormData();
        for (const name of TRAVERSAL) form.append('files', new Blob([`${XSS[0]}\nI: Hallo`]), name);
        form.append('file', new Blob([Uint8Array.from(Array.from({ length: 500 }, () => Math.floor(rand() * 256)))]), '../../etc/passwd.qdpx');
        form.append('kind', 'keine-art');
        before = await expectHandled(`${route.method} ${route.path} traversal names`, await send(route.method.toUpperCase(), path, form, {}), before);
        continue;
      }
      for (const { label, body } of bodiesFor()) {
        before = await expectHandled(`${route.method} ${route.path} ${label}`, await send(route.method.toUpperCase(), path, body), before);
        expectNotPolluted();
      }
    }
    // Every writing route was reached and rejected something (not, say, a blanket 404 for a wrong path).
    expect(statuses.size).toBe(writing.length);
    for (const [route, codes] of statuses) {
      expect(codes.some((s) => s >= 400 && s !== 404), `${route}: ${codes.join(',')}`).toBe(true);
    }
  }, 60_000);

  it('answers hostile query strings on every route with a query with a 2xx or a 4xx envelope', async () => {
    let before = await snapshot();
    const values = ['', '-1', '1e999', 'NaN', 'abc', '[]', '{}', ...XSS, ...TRAVERSAL, 'x'.repeat(20_000), '%00', '__proto__', 'true'];
    for (const route of ROUTES.filter((r) => r.query !== undefined && !r.path.endsWith('/events'))) {
      const keys = [...Object.keys((route.query as unknown as { shape?: Record<string, unknown> }).shape ?? {}), '__proto__', 'constructor'];
      for (let i = 0; i < 6; i++) {
        const query = new URLSearchParams();
        for (const key of keys) if (rand() < 0.7) query.append(key, pick(values));
        const res = await send(route.method.toUpperCase(), `${pathOf(route.path)}?${query.toString()}`, undefined, {});
        before = await expectHandled(`${route.method} ${route.path} query ${i}`, res, before);
        expectNotPolluted();
      }
    }
  }, 60_000);

  /** A 100 MB body that is generated while it is sent, so nothing that large sits in memory at once. */
  function hundredMegabytes(): ReadableStream<Uint8Array> {
    const chunk = new Uint8Array(1024 * 1024).fill(0x20);
    let sent = 0;
    return new ReadableStream({
      pull(controller) {
        if (sent++ >= 101) controller.close();
        else controller.enqueue(chunk);
      },
    });
  }

  it('refuses 100 MB bodies with 413 without reading them into the store', async () => {
    const before = await snapshot();
    const P = `/api/projects/${ids['projectId']}`;
    for (const [path, type] of [
      [`${P}/codes`, 'application/json'],
      [`${P}/memos`, 'application/json'],
      [`${P}/documents/import`, 'multipart/form-data; boundary=xyz'],
    ] as const) {
      const res = await send('POST', path, hundredMegabytes(), { 'content-type': type });
      expect(res.status, path).toBe(413);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('too_large');
    }
    // The same with a declared Content-Length.
    const res = await send('POST', `${P}/codes`, new Blob([new Uint8Array(101 * 1024 * 1024)]), { 'content-type': 'application/json' });
    expect(res.status).toBe(413);
    expect(await snapshot()).toBe(before);
  }, 60_000);

  it('gives XSS payloads back verbatim as JSON strings', async () => {
    const P = `/api/projects/${ids['projectId']}`;
    for (const payload of XSS) {
      const code = await send('POST', `${P}/codes`, JSON.stringify({ name: `${payload} ${rand()}`.slice(0, 200) }));
      expect(code.status).toBe(201);
      expect(code.headers.get('content-type')).toMatch(/^application\/json/);
      const created = (await code.json()) as { id: string; name: string };
      expect(created.name.startsWith(payload.slice(0, 190))).toBe(true);
      const memo = await send('POST', `${P}/memos`, JSON.stringify({ target: { type: 'code', id: created.id }, title: payload, text: payload }));
      expect(memo.status).toBe(201);
      const list = await send('GET', `${P}/memos`);
      expect(list.headers.get('content-type')).toMatch(/^application\/json/);
      const raw = await list.text();
      const memos = (JSON.parse(raw) as { memos: { title?: string; text: string }[] }).memos;
      expect(memos.some((m) => m.text === payload && m.title === payload)).toBe(true);
      // In the raw answer the payload is a JSON string literal, nothing else.
      expect(raw).toContain(JSON.stringify(payload).slice(1, -1));
    }
  });
});
