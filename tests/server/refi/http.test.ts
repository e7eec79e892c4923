import { unzipSync, zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureAdmin } from '../../../server/bootstrap.js';
import { makeDeps, type Deps } from '../../../server/domain/deps.js';
import { createUser } from '../../../server/domain/users.js';
import { createApp } from '../../../server/http/app.js';
import { MemoryStore } from '../../../server/storage/memory-store.js';
import { buildRichProject, CODEBOOK_XSD, handAuthoredQdpx, PROJECT_XSD, xmllint } from './fixture.js';

type App = ReturnType<typeof createApp>;
interface Session {
  cookie: string;
  csrf: string;
}

let deps: Deps;
let app: App;
let admin: Session;
let researcher: Session;
let lead: Session;
let projectId: string;

async function signIn(name: string, password: string): Promise<Session> {
  const res = await app.request(
    '/api/auth/login',
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: name, password }) },
    { incoming: { socket: { remoteAddress: '127.0.0.1' } } },
  );
  expect(res.status).toBe(200);
  return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '', csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

function headers(session: Session | undefined): Record<string, string> {
  return session ? { cookie: session.cookie, 'x-csrf-token': session.csrf } : {};
}

async function get(session: Session | undefined, path: string): Promise<Response> {
  return app.request(path, { headers: headers(session) });
}

async function upload(session: Session | undefined, path: string, bytes: Uint8Array, name: string): Promise<Response> {
  const form = new FormData();
  form.append('file', new File([bytes as Uint8Array<ArrayBuffer>], name));
  return app.request(path, { method: 'POST', headers: headers(session), body: form });
}

beforeAll(async () => {
  deps = makeDeps(new MemoryStore());
  await ensureAdmin(deps, 'admin-password-1');
  await createUser(deps, { login: 'rita', role: 'researcher', password: 'rita-password-1' });
  await createUser(deps, { login: 'lena', role: 'lead', password: 'lena-password-1' });
  app = createApp({ deps });
  admin = await signIn('admin', 'admin-password-1');
  researcher = await signIn('rita', 'rita-password-1');
  lead = await signIn('lena', 'lena-password-1');
  projectId = (await buildRichProject(deps)).projectId;
});

describe('REFI-QDA over HTTP', () => {
  it('401 without a session on every REFI route', async () => {
    expect((await get(undefined, `/api/projects/${projectId}/export/qdpx`)).status).toBe(401);
    expect((await get(undefined, `/api/projects/${projectId}/export/qdc`)).status).toBe(401);
    expect((await upload(undefined, '/api/projects/import/qdpx', handAuthoredQdpx(), 'h.qdpx')).status).toBe(401);
    expect((await upload(undefined, `/api/projects/${projectId}/codebook/import/qdc`, new Uint8Array(), 'c.qdc')).status).toBe(401);
  });

  it('GET export/qdpx: a zip download with the warning count; ?lineEndings=crlf; the list at /warnings', async () => {
    const res = await get(lead, `/api/projects/${projectId}/export/qdpx`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename=".*\.qdpx"; filename\*=UTF-8''/);
    const zip = new Uint8Array(await res.arrayBuffer());
    const qde = new TextDecoder().decode(unzipSync(zip)['project.qde']);
    expect(xmllint(qde, PROJECT_XSD).status).toBe(0);
    const count = Number(res.headers.get('x-sichtbar-warnings'));
    expect(count).toBeGreaterThan(0);
    const list = await get(lead, `/api/projects/${projectId}/export/qdpx/warnings`);
    expect(list.status).toBe(200);
    const body = (await list.json()) as { warnings: { element: string; message: string }[] };
    expect(body.warnings).toHaveLength(count);
    const crlf = await get(lead, `/api/projects/${projectId}/export/qdpx?lineEndings=crlf`);
    expect(crlf.status).toBe(200);
    const files = unzipSync(new Uint8Array(await crlf.arrayBuffer()));
    expect(Object.entries(files).some(([k, v]) => k.startsWith('sources/') && new TextDecoder().decode(v).includes('\r\n'))).toBe(true);
    expect((await get(lead, `/api/projects/${projectId}/export/qdpx?lineEndings=cr`)).status).toBe(400);
    expect((await get(lead, '/api/projects/nope/export/qdpx')).status).toBe(404);
  });

  it('GET export/qdc: a valid codebook', async () => {
    const res = await get(researcher, `/api/projects/${projectId}/export/qdc`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/xml/);
    expect(xmllint(await res.text(), CODEBOOK_XSD).status).toBe(0);
  });

  it('POST import/qdpx: 403 for a lead, 201 with { projectId, counts, warnings } for a researcher; 400 for a broken file', async () => {
    const forbidden = await upload(lead, '/api/projects/import/qdpx', handAuthoredQdpx(), 'h.qdpx');
    expect(forbidden.status).toBe(403);
    const before = (await deps.store.listProjects()).length;
    const res = await upload(researcher, '/api/projects/import/qdpx', handAuthoredQdpx(), 'h.qdpx');
    expect(res.status).toBe(201);
    const body = (await res.json()) as { projectId: string; counts: Record<string, number>; warnings: unknown[] };
    expect(Object.keys(body)).toEqual(['projectId', 'counts', 'warnings']);
    expect(body.counts['documents']).toBe(1);
    expect(body.warnings).toHaveLength(9);
    expect((await deps.store.listProjects()).length).toBe(before + 1);
    const bad = await upload(admin, '/api/projects/import/qdpx', new TextEncoder().encode('no zip'), 'x.qdpx');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/not a zip archive/);
    expect((await deps.store.listProjects()).length).toBe(before + 1);
  });

  it('uploads above the 2 MB JSON limit pass (the REFI routes carry their own 200 MB limit)', async () => {
    const files = unzipSync(handAuthoredQdpx());
    const blob = new Uint8Array(3 * 1024 * 1024).map((_, i) => (i * 2654435761) >>> 24);
    const big = zipSync({ ...files, 'sources/blob.bin': [blob, { level: 0 }] });
    expect(big.length).toBeGreaterThan(3 * 1024 * 1024);
    const res = await upload(researcher, '/api/projects/import/qdpx', big, 'big.qdpx');
    expect(res.status).toBe(201);
  });

  it('POST codebook/import/qdc: 403 for a lead, 201 for an admin', async () => {
    const xml = await (await get(admin, `/api/projects/${projectId}/export/qdc`)).text();
    const target = (await app.request('/api/projects', { method: 'POST', headers: { ...headers(admin), 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Ziel' }) }));
    const id = ((await target.json()) as { id: string }).id;
    expect((await upload(lead, `/api/projects/${id}/codebook/import/qdc`, new TextEncoder().encode(xml), 'c.qdc')).status).toBe(403);
    const res = await upload(admin, `/api/projects/${id}/codebook/import/qdc`, new TextEncoder().encode(xml), 'c.qdc');
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ created: 4, skipped: 0, warnings: [] });
  });
});
