import { beforeAll, describe, expect, it } from 'vitest';
import { testStore } from '../helpers.js';
import { ensureAdmin } from '../../../server/bootstrap.js';
import { addDocuments } from '../../../server/domain/corpus.js';
import { makeDeps, type Deps } from '../../../server/domain/deps.js';
import { createApp } from '../../../server/http/app.js';
import { ROUTES } from '../../../server/http/openapi.js';
import type { Code } from '../../../server/schemas/code.js';
import type { ProjectExport } from '../../../server/schemas/export.js';
import type { Memo } from '../../../server/schemas/memo.js';
import type { Project } from '../../../server/schemas/project.js';
import type { RetrievedSegment, Segment } from '../../../server/schemas/segment.js';
import type { PublicUser } from '../../../server/schemas/user.js';

type App = ReturnType<typeof createApp>;

interface Session {
  cookie: string;
  csrf: string;
}

interface ErrorBody {
  error: { code: string; message: string; issues?: { path?: (string | number)[]; message: string }[]; current?: unknown };
}

const ADMIN_PASSWORD = 'a-long-password';

/** A client address for the login limiter (the Node adapter puts the socket into the env). */
function from(address: string) {
  return { incoming: { socket: { remoteAddress: address } } };
}

async function json<T>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

function login(app: App, name: string, password: string, address = '127.0.0.1'): Promise<Response> {
  return Promise.resolve(
    app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: name, password }) }, from(address)),
  );
}

async function signIn(app: App, name: string, password: string): Promise<Session> {
  const res = await login(app, name, password);
  expect(res.status).toBe(200);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const body = await json<{ csrfToken: string }>(res);
  return { cookie, csrf: body.csrfToken };
}

/** A request as a signed-in browser sends it: cookie and CSRF header; JSON bodies. */
function send(app: App, session: Session | undefined, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const h: Record<string, string> = { ...headers };
  if (session) {
    h['cookie'] = session.cookie;
    h['x-csrf-token'] ??= session.csrf;
  }
  let payload: string | FormData | undefined;
  if (body instanceof FormData) payload = body;
  else if (typeof body === 'string') {
    payload = body;
    h['content-type'] ??= 'application/json';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    h['content-type'] ??= 'application/json';
  }
  return Promise.resolve(app.request(path, { method, headers: h, ...(payload !== undefined ? { body: payload } : {}) }));
}

/** Fills a Hono route path with ids. */
function fill(path: string): string {
  return path.replace(/:projectId/g, 'p-1').replace(/:([A-Za-z]+)/g, 'x-1');
}

function upload(files: File[], kind?: string): FormData {
  const form = new FormData();
  for (const f of files) form.append('files', f);
  if (kind) form.append('kind', kind);
  return form;
}

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);

let deps: Deps;
let app: App;
let admin: Session;
let lead: Session;
let productOwner: Session;
let researcher: Session;
let researcherId: string;
let projectId: string;
let docId: string;

beforeAll(async () => {
  deps = makeDeps(await testStore());
  await ensureAdmin(deps, ADMIN_PASSWORD);
  app = createApp({ deps });
  admin = await signIn(app, 'admin', ADMIN_PASSWORD);
  const created: Record<string, PublicUser> = {};
  for (const [loginName, role] of [
    ['anna', 'admin'],
    ['lena', 'lead'],
    ['paul', 'product-owner'],
    ['rita', 'researcher'],
  ] as const) {
    const res = await send(app, admin, 'POST', '/api/users', { login: loginName, role, password: `${loginName}-password` });
    expect(res.status).toBe(201);
    const user = await json<PublicUser & { passwordHash?: string }>(res);
    expect(user).toMatchObject({ login: loginName, role, displayName: loginName, version: 1 });
    expect(user.passwordHash).toBeUndefined();
    created[role] = user;
  }
  researcherId = created['researcher']?.id ?? '';
  lead = await signIn(app, 'lena', 'lena-password');
  productOwner = await signIn(app, 'paul', 'paul-password');
  researcher = await signIn(app, 'rita', 'rita-password');

  const res = await send(app, admin, 'POST', '/api/projects', { name: 'API-Projekt' });
  expect(res.status).toBe(201);
  projectId = (await json<Project>(res)).id;
  const [doc] = await addDocuments(deps, projectId, [{ title: 'Protokoll', kind: 'observation', text: 'Die Fachkraft begrüßt Frau K. herzlich 😀 und bietet Kaffee an.' }]);
  docId = doc?.id ?? '';
});

describe('authentication', () => {
  it('every route but login, health and openapi answers 401 with the envelope without a session', async () => {
    expect(ROUTES.filter((r) => r.public).map((r) => `${r.method} ${r.path}`).sort()).toEqual(['get /api/health', 'get /api/openapi.json', 'post /api/auth/login']);
    const guarded = ROUTES.filter((r) => !r.public);
    expect(guarded.length).toBeGreaterThan(35);
    for (const r of guarded) {
      const method = r.method.toUpperCase();
      const res = await send(app, undefined, method, fill(r.path), method === 'GET' || method === 'DELETE' ? undefined : {});
      expect(res.status, `${method} ${r.path}`).toBe(401);
      expect(await json<ErrorBody>(res), `${method} ${r.path}`).toEqual({ error: { code: 'unauthorized', message: 'please sign in' } });
    }
    // A forged cookie is no session either.
    const forged = await send(app, { cookie: 'sichtbar_session=forged', csrf: 'x' }, 'GET', '/api/projects');
    expect(forged.status).toBe(401);
    // The public three answer without one.
    const health = await send(app, undefined, 'GET', '/api/health');
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true, store: deps.store.kind });
    expect((await send(app, undefined, 'GET', '/api/openapi.json')).status).toBe(200);
    expect((await send(app, undefined, 'POST', '/api/auth/login', { login: 'admin' })).status).toBe(400);
  });

  it('login sets an HttpOnly SameSite=Strict cookie and returns the CSRF token; logout ends the session', async () => {
    const res = await login(app, 'admin', ADMIN_PASSWORD);
    expect(res.status).toBe(200);
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^sichtbar_session=[A-Za-z0-9_-]{40,};/);
    expect(setCookie).toMatch(/; HttpOnly(;|$)/);
    expect(setCookie).toMatch(/; SameSite=Strict(;|$)/);
    expect(setCookie).toMatch(/; Path=\/(;|$)/);
    expect(setCookie).not.toMatch(/Secure/);
    const body = await json<{ user: PublicUser & { passwordHash?: string }; csrfToken: string }>(res);
    expect(body.user).toMatchObject({ login: 'admin', role: 'admin' });
    expect(body.user.passwordHash).toBeUndefined();
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const session = { cookie: setCookie.split(';')[0] ?? '', csrf: body.csrfToken };

    const me = await send(app, session, 'GET', '/api/auth/me');
    expect(me.status).toBe(200);
    expect(await json<{ csrfToken: string; user: PublicUser }>(me)).toMatchObject({ csrfToken: body.csrfToken, user: { login: 'admin' } });
    const out = await send(app, session, 'POST', '/api/auth/logout');
    expect(out.status).toBe(200);
    expect(await out.json()).toEqual({ ok: true });
    expect((await send(app, session, 'GET', '/api/auth/me')).status).toBe(401);
    // Other sessions of the same user live on.
    expect((await send(app, admin, 'GET', '/api/auth/me')).status).toBe(200);
  });

  it('a write without or with a wrong X-CSRF-Token is 403', async () => {
    const before = (await json<{ projects: Project[] }>(await send(app, admin, 'GET', '/api/projects'))).projects.length;
    const noHeader = await app.request('/api/projects', { method: 'POST', headers: { cookie: admin.cookie, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Ohne' }) });
    expect(noHeader.status).toBe(403);
    expect(await json<ErrorBody>(noHeader)).toEqual({ error: { code: 'forbidden', message: 'missing or wrong X-CSRF-Token header' } });
    const wrong = await send(app, admin, 'POST', '/api/projects', { name: 'Falsch' }, { 'x-csrf-token': `${admin.csrf}x` });
    expect(wrong.status).toBe(403);
    expect((await json<ErrorBody>(wrong)).error.code).toBe('forbidden');
    // Another user's token does not do either.
    expect((await send(app, admin, 'POST', '/api/projects', { name: 'Fremd' }, { 'x-csrf-token': researcher.csrf })).status).toBe(403);
    // Reads need no token.
    expect((await app.request('/api/projects', { headers: { cookie: admin.cookie } })).status).toBe(200);
    expect((await json<{ projects: Project[] }>(await send(app, admin, 'GET', '/api/projects'))).projects.length).toBe(before);
  });

  it('a wrong password is 401; the 6th failed login for one name is 429', async () => {
    const limited = createApp({ deps });
    const wrong = await login(limited, 'admin', 'not-the-password', '10.0.0.1');
    expect(wrong.status).toBe(401);
    expect(await json<ErrorBody>(wrong)).toEqual({ error: { code: 'unauthorized', message: 'wrong login name or password' } });
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const unknown = await login(limited, 'nobody', 'not-the-password', '10.0.0.2');
    expect(unknown.status).toBe(401);
    expect((await json<ErrorBody>(unknown)).error.message).toBe('wrong login name or password');
    // Four more failures for "admin", each from another address: five in all.
    for (let i = 3; i <= 6; i++) expect((await login(limited, 'ADMIN', 'still-wrong', `10.0.0.${i}`)).status).toBe(401);
    const sixth = await login(limited, 'admin', ADMIN_PASSWORD, '10.0.0.7');
    expect(sixth.status).toBe(429);
    expect((await json<ErrorBody>(sixth)).error.code).toBe('too_many_requests');
    // Another name from a fresh address is not affected.
    expect((await login(limited, 'rita', 'rita-password', '10.0.0.8')).status).toBe(200);
  });
});

describe('roles', () => {
  let n = 0;
  const code = () => ({ name: `Rollen-Code ${++n}` });

  it('a lead and a product owner may not create codes or segments but may write memos', async () => {
    const codeRes = await send(app, researcher, 'POST', `/api/projects/${projectId}/codes`, code());
    expect(codeRes.status).toBe(201);
    const codeId = (await json<Code>(codeRes)).id;
    for (const [who, session] of [
      ['lead', lead],
      ['product-owner', productOwner],
    ] as const) {
      const c = await send(app, session, 'POST', `/api/projects/${projectId}/codes`, code());
      expect(c.status, who).toBe(403);
      expect(await json<ErrorBody>(c)).toEqual({ error: { code: 'forbidden', message: `the role "${who}" may not code` } });
      const s = await send(app, session, 'POST', `/api/projects/${projectId}/segments`, { documentId: docId, codeId, start: 0, end: 3 });
      expect(s.status, who).toBe(403);
      const m = await send(app, session, 'POST', `/api/projects/${projectId}/memos`, { target: { type: 'document', id: docId }, text: `Kommentar (${who})` });
      expect(m.status, who).toBe(201);
      expect(await json<Memo>(m)).toMatchObject({ target: { type: 'document', id: docId }, text: `Kommentar (${who})`, version: 1 });
    }
  });

  it('a researcher may code but not create users or projects', async () => {
    const c = await send(app, researcher, 'POST', `/api/projects/${projectId}/codes`, code());
    expect(c.status).toBe(201);
    const created = await json<Code>(c);
    const s = await send(app, researcher, 'POST', `/api/projects/${projectId}/segments`, { documentId: docId, codeId: created.id, start: 4, end: 13 });
    expect(s.status).toBe(201);
    expect(await json<Segment>(s)).toMatchObject({ coder: researcherId, codeId: created.id, start: 4, end: 13, version: 1 });
    const u = await send(app, researcher, 'POST', '/api/users', { login: 'mallory', role: 'admin', password: 'mallory-password' });
    expect(u.status).toBe(403);
    expect((await json<ErrorBody>(u)).error.code).toBe('forbidden');
    const p = await send(app, researcher, 'POST', '/api/projects', { name: 'Eigenes Projekt' });
    expect(p.status).toBe(403);
    expect((await json<{ users: PublicUser[] }>(await send(app, admin, 'GET', '/api/users'))).users.map((x) => x.login).sort()).toEqual(['admin', 'anna', 'lena', 'paul', 'rita']);
  });
});

describe('errors', () => {
  it('validation errors are 400 with issues naming the field', async () => {
    const res = await send(app, researcher, 'POST', `/api/projects/${projectId}/codes`, { name: '', colour: 'red' });
    expect(res.status).toBe(400);
    const body = await json<ErrorBody>(res);
    expect(body.error.code).toBe('invalid_input');
    expect(body.error.message).toBe('the request json is not valid');
    expect(body.error.issues?.map((i) => i.path)).toEqual(expect.arrayContaining([['name'], ['colour']]));

    const seg = await send(app, researcher, 'POST', `/api/projects/${projectId}/segments`, { documentId: docId, codeId: 'c', start: 5, end: 2 });
    expect(seg.status).toBe(400);
    expect((await json<ErrorBody>(seg)).error.issues?.map((i) => i.path)).toEqual([['end']]);

    const q = await send(app, researcher, 'DELETE', `/api/projects/${projectId}/segments/abc`);
    expect(q.status).toBe(400);
    expect((await json<ErrorBody>(q)).error).toMatchObject({ code: 'invalid_input', message: 'the request query is not valid', issues: [{ path: ['version'] }] });

    const user = await send(app, admin, 'POST', '/api/users', { login: 'x', role: 'boss', password: 'short' });
    expect(user.status).toBe(400);
    expect((await json<ErrorBody>(user)).error.issues?.map((i) => i.path?.[0]).sort()).toEqual(['login', 'password', 'role']);
  });

  it('unknown ids are 404', async () => {
    const cases: [string, string, unknown?][] = [
      ['GET', '/api/projects/nope'],
      ['GET', '/api/projects/nope/codes'],
      ['GET', `/api/projects/${projectId}/documents/nope`],
      ['PATCH', `/api/projects/${projectId}/codes/nope`, { name: 'X', version: 1 }],
      ['POST', `/api/projects/${projectId}/segments`, { documentId: 'nope', codeId: 'nope', start: 0, end: 1 }],
      ['GET', `/api/projects/${projectId}/sets/nope`],
      ['PATCH', '/api/users/nope', { displayName: 'X', version: 1 }],
      ['GET', '/api/nothing-here'],
    ];
    for (const [method, path, body] of cases) {
      const res = await send(app, admin, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect((await json<ErrorBody>(res)).error.code, `${method} ${path}`).toBe('not_found');
    }
    // An upload into an unknown project is 404 even when every file is bad.
    const up = await send(app, admin, 'POST', '/api/projects/nope/documents/import', upload([new File(['%PDF-1.4'], 'a.pdf')]));
    expect(up.status).toBe(404);
  });

  it('a stale version on PATCH code is 409 with the current code', async () => {
    const created = await json<Code>(await send(app, researcher, 'POST', `/api/projects/${projectId}/codes`, { name: 'Versioniert' }));
    const first = await send(app, researcher, 'PATCH', `/api/projects/${projectId}/codes/${created.id}`, { colour: '#123456', version: 1 });
    expect(first.status).toBe(200);
    expect(await json<Code>(first)).toMatchObject({ colour: '#123456', version: 2 });
    const stale = await send(app, researcher, 'PATCH', `/api/projects/${projectId}/codes/${created.id}`, { name: 'Überholt', version: 1 });
    expect(stale.status).toBe(409);
    const body = await json<ErrorBody>(stale);
    expect(body.error.code).toBe('conflict');
    expect(body.error.current).toMatchObject({ id: created.id, name: 'Versioniert', colour: '#123456', version: 2 });
  });

  it('a JSON body over the limit is 413; malformed JSON is 400', async () => {
    const small = createApp({ deps, maxJsonBytes: 1000 });
    const session = await signIn(small, 'rita', 'rita-password');
    const ok = await send(small, session, 'POST', `/api/projects/${projectId}/codes`, { name: 'Klein', definition: { description: 'x'.repeat(500) } });
    expect(ok.status).toBe(201);
    const big = await send(small, session, 'POST', `/api/projects/${projectId}/codes`, { name: 'Groß', definition: { description: 'x'.repeat(2000) } });
    expect(big.status).toBe(413);
    expect(await json<ErrorBody>(big)).toEqual({ error: { code: 'too_large', message: 'the request body is larger than 1000 bytes' } });
    const codes = (await json<{ codes: Code[] }>(await send(small, session, 'GET', `/api/projects/${projectId}/codes`))).codes;
    expect(codes.some((c) => c.name === 'Groß')).toBe(false);

    const malformed = await send(app, researcher, 'POST', `/api/projects/${projectId}/codes`, '{"name": "Kaputt"');
    expect(malformed.status).toBe(400);
    expect((await json<ErrorBody>(malformed)).error.code).toBe('invalid_input');
    const restore = await send(app, admin, 'POST', '/api/projects/restore', '{"project": ');
    expect(restore.status).toBe(400);
    expect((await json<ErrorBody>(restore)).error).toEqual({ code: 'invalid_input', message: 'the request body is not valid JSON' });
  });
});

describe('upload', () => {
  interface ImportResult {
    imported: { file: string; documentId: string; title: string; kind: string }[];
    failed: { file: string; error: string }[];
  }

  async function documentIds(): Promise<string[]> {
    const res = await send(app, admin, 'GET', `/api/projects/${projectId}/documents`);
    return (await json<{ documents: { id: string }[] }>(res)).documents.map((d) => d.id).sort();
  }

  it('imports the good files and lists the bad ones with reasons', async () => {
    const before = await documentIds();
    const res = await send(
      app,
      researcher,
      'POST',
      `/api/projects/${projectId}/documents/import`,
      upload([
        new File(['Beobachtung im Büro.\n'], 'protokoll.txt', { type: 'text/plain' }),
        new File(['---\ntitle: Gespräch mit FK\n---\nI: Wie geht es?\nB: Gut.\n'], 'gespraech.md'),
        new File([PNG], 'bild.txt'),
        new File([''], 'leer.txt'),
        new File(['%PDF-1.4 …'], 'bericht.pdf', { type: 'application/pdf' }),
      ]),
    );
    expect(res.status).toBe(200);
    const body = await json<ImportResult>(res);
    expect(body.imported.map(({ documentId: _id, ...rest }) => rest)).toEqual([
      { file: 'protokoll.txt', title: 'protokoll', kind: 'other' },
      { file: 'gespraech.md', title: 'Gespräch mit FK', kind: 'interview' },
    ]);
    expect(body.failed).toEqual([
      { file: 'bild.txt', error: 'looks like binary data, not text' },
      { file: 'leer.txt', error: 'file is empty' },
      { file: 'bericht.pdf', error: 'unsupported file type .pdf; supported: .txt, .md, .markdown, .docx, .odt, .rtf, .srt, .vtt' },
    ]);
    expect(await documentIds()).toEqual([...before, ...body.imported.map((i) => i.documentId)].sort());
    const doc = await json<{ text: string; sourceFile: string }>(await send(app, admin, 'GET', `/api/projects/${projectId}/documents/${body.imported[0]?.documentId}`));
    expect(doc).toMatchObject({ text: 'Beobachtung im Büro.', sourceFile: 'protokoll.txt' });
  });

  it('applies the kind field and changes nothing when every file fails', async () => {
    const withKind = await json<ImportResult>(
      await send(app, researcher, 'POST', `/api/projects/${projectId}/documents/import`, upload([new File(['Eintrag'], 'akte.txt')], 'documentation')),
    );
    expect(withKind.imported.map((i) => i.kind)).toEqual(['documentation']);
    const before = await documentIds();
    const res = await send(app, researcher, 'POST', `/api/projects/${projectId}/documents/import`, upload([new File([PNG], 'a.md'), new File([''], 'b.txt'), new File(['x'], 'c.pdf')]));
    expect(res.status).toBe(200);
    const body = await json<ImportResult>(res);
    expect(body.imported).toEqual([]);
    expect(body.failed.map((f) => f.file)).toEqual(['a.md', 'b.txt', 'c.pdf']);
    expect(await documentIds()).toEqual(before);
    // No files at all is a 400; a lead may not upload.
    expect((await send(app, researcher, 'POST', `/api/projects/${projectId}/documents/import`, new FormData())).status).toBe(400);
    expect((await send(app, lead, 'POST', `/api/projects/${projectId}/documents/import`, upload([new File(['x'], 'x.txt')]))).status).toBe(403);
  });
});

describe('OpenAPI', () => {
  interface OpenApi {
    openapi: string;
    info: { title: string; version: string };
    paths: Record<string, Record<string, { summary: string; parameters: { name: string; in: string }[]; responses: Record<string, unknown>; security?: unknown[] }>>;
    components: { securitySchemes: Record<string, { type: string; in: string; name: string }> };
  }

  it('is OpenAPI 3.1 and covers exactly the routes the app registers', async () => {
    const res = await send(app, undefined, 'GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = await json<OpenApi>(res);
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'Sichtbar API', version: '0.1.0' });
    expect(doc.components.securitySchemes['session']).toEqual({ type: 'apiKey', in: 'cookie', name: 'sichtbar_session' });

    const toOpenApi = (p: string): string => p.replace(/:([A-Za-z]+)/g, '{$1}');
    const registered = new Set(app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method.toLowerCase()} ${r.path}`));
    const documented = new Set(ROUTES.map((r) => `${r.method} ${r.path}`));
    expect(documented.size).toBe(ROUTES.length);
    expect([...registered].sort()).toEqual([...documented].sort());

    const described = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    expect(described.sort()).toEqual([...registered].map((r) => r.replace(/ (.*)$/, (_, p: string) => ` ${toOpenApi(p)}`)).sort());
    for (const [p, ops] of Object.entries(doc.paths)) {
      const params = [...p.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(ops)) {
        expect(op.summary.length, `${method} ${p}`).toBeGreaterThan(0);
        expect(op.parameters.filter((x) => x.in === 'path').map((x) => x.name), `${method} ${p}`).toEqual(params);
        expect(Object.keys(op.responses), `${method} ${p}`).toEqual(expect.arrayContaining(['400', '404']));
        const isPublic = op.security !== undefined;
        expect(Object.keys(op.responses).includes('401'), `${method} ${p}`).toBe(!isPublic);
      }
    }
  });
});

describe('a full flow', () => {
  it('create project, import, create codes, code, retrieve, merge, export', async () => {
    const p = await send(app, admin, 'POST', '/api/projects', { name: 'Ablauf', description: 'Von vorn bis hinten' });
    expect(p.status).toBe(201);
    const project = await json<Project>(p);
    expect(project).toMatchObject({ name: 'Ablauf', description: 'Von vorn bis hinten', language: 'de' });
    const base = `/api/projects/${project.id}`;

    const imp = await send(app, researcher, 'POST', `${base}/documents/import`, upload([new File(['I: Wie dokumentieren Sie?\nFK: Ich schreibe das Ergebnis auf. 😀 Die Atmosphäre nicht.\n'], 'interview-1.txt')]));
    expect(imp.status).toBe(200);
    const documentId = (await json<{ imported: { documentId: string; kind: string }[] }>(imp)).imported[0]?.documentId ?? '';
    const doc = await json<{ text: string; kind: string; turns: unknown[] }>(await send(app, researcher, 'GET', `${base}/documents/${documentId}`));
    expect(doc.kind).toBe('interview');
    expect(doc.turns).toHaveLength(2);

    const folder = await json<Code>(await send(app, researcher, 'POST', `${base}/codes`, { name: 'Dokumentieren', isCodable: false }));
    const result = await json<Code>(await send(app, researcher, 'POST', `${base}/codes`, { name: 'Ergebnis festhalten', parentId: folder.id }));
    const outcome = await json<Code>(await send(app, researcher, 'POST', `${base}/codes`, { name: 'Ergebnis', parentId: folder.id }));
    expect([folder.order, result.order, outcome.order]).toEqual([0, 0, 1]);

    const chars = [...doc.text];
    const start = chars.join('').indexOf('Ich schreibe');
    const startCp = [...doc.text.slice(0, start)].length;
    const endCp = startCp + [...'Ich schreibe das Ergebnis auf. 😀'].length;
    const seg = await send(app, researcher, 'POST', `${base}/segments`, { documentId, codeId: result.id, start: startCp, end: endCp, memo: 'Kern' });
    expect(seg.status).toBe(201);
    const segment = await json<Segment>(seg);
    const folderSeg = await send(app, researcher, 'POST', `${base}/segments`, { documentId, codeId: folder.id, start: 0, end: 2 });
    expect(folderSeg.status).toBe(400);

    const got = await send(app, lead, 'GET', `${base}/segments?codeId=${folder.id}&includeSubcodes=true&context=4`);
    expect(got.status).toBe(200);
    const retrieved = await json<{ total: number; segments: RetrievedSegment[] }>(got);
    expect(retrieved.total).toBe(1);
    expect(retrieved.segments[0]).toMatchObject({ id: segment.id, text: 'Ich schreibe das Ergebnis auf. 😀', before: 'FK: ', after: ' Die', documentTitle: 'interview-1', memo: 'Kern' });
    expect((await json<{ total: number }>(await send(app, lead, 'GET', `${base}/segments?codeId=${folder.id}`))).total).toBe(0);

    const merge = await send(app, researcher, 'POST', `${base}/codes/merge`, { sourceId: result.id, targetId: outcome.id, sourceVersion: 1, targetVersion: outcome.version });
    expect(merge.status).toBe(200);
    expect(await json<{ movedSegments: number; collapsedSegments: number; target: Code }>(merge)).toMatchObject({ movedSegments: 1, collapsedSegments: 0, target: { id: outcome.id, order: 0 } });

    const exp = await send(app, lead, 'GET', `${base}/export`);
    expect(exp.status).toBe(200);
    const exported = await json<ProjectExport>(exp);
    expect(exported.project).toEqual(project);
    expect(exported.documents.map((d) => d.id)).toEqual([documentId]);
    expect(exported.codes.map((c) => c.name).sort()).toEqual(['Dokumentieren', 'Ergebnis']);
    expect(exported.segments).toEqual([expect.objectContaining({ id: segment.id, codeId: outcome.id, start: startCp, end: endCp, version: 2 })]);
    // Coders and authors, and every admin (so a restore keeps someone who can sign in and manage it).
    expect(exported.users.map((u) => u.login).sort()).toEqual(['admin', 'anna', 'rita']);
    expect(exported.users.every((u) => !('passwordHash' in u))).toBe(true);

    const md = await send(app, lead, 'GET', `${base}/codebook?format=markdown`);
    expect(md.status).toBe(200);
    expect(md.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(await md.text()).toContain('## Dokumentieren › Ergebnis');
  });
});
