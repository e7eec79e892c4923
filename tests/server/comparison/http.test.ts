import { beforeAll, describe, expect, it } from 'vitest';
import { ensureAdmin } from '../../../server/bootstrap.js';
import { createDemoProject } from '../../../server/demo.js';
import { makeDeps, type Deps } from '../../../server/domain/deps.js';
import { createUser } from '../../../server/domain/users.js';
import { createApp } from '../../../server/http/app.js';
import { ROUTES } from '../../../server/http/openapi.js';
import type { ComparisonResult } from '../../../server/schemas/comparison.js';
import type { Crosswalk } from '../../../server/schemas/crosswalk.js';
import { MemoryStore } from '../../../server/storage/memory-store.js';
import { sendTo, signInTo, type Session } from '../support.js';

type App = ReturnType<typeof createApp>;

let deps: Deps;
let app: App;
let admin: Session;
let lead: Session;
let projectId: string;

const signIn = (name: string, password: string): Promise<Session> => signInTo(app, name, password);

const send = (session: Session | undefined, method: string, path: string, body?: unknown): Promise<Response> => sendTo(app, session, method, path, body);

beforeAll(async () => {
  deps = makeDeps(new MemoryStore());
  await ensureAdmin(deps, 'admin-password-1');
  await createUser(deps, { login: 'lena', role: 'lead', password: 'lena-password-1' });
  app = createApp({ deps });
  admin = await signIn('admin', 'admin-password-1');
  lead = await signIn('lena', 'lena-password-1');
  projectId = (await createDemoProject(deps)).project.id;
});

describe('GET /api/projects/:projectId/comparison', () => {
  const path = (query = ''): string => `/api/projects/${projectId}/comparison${query}`;

  it('answers 401 without a session', async () => {
    const res = await send(undefined, 'GET', path());
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 'unauthorized', message: 'please sign in' } });
  });

  it('JSON: { a, b, thresholds, rows } for the default sets; any signed-in role may read it', async () => {
    const res = await send(lead, 'GET', path());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as ComparisonResult;
    expect(Object.keys(body).sort()).toEqual(['a', 'b', 'rows', 'thresholds']);
    expect(body.a.definition).toBe('kind=observation');
    expect(body.b.definition).toBe('kind=interview,documentation');
    const row = body.rows[0]!;
    expect(Object.keys(row)).toEqual(expect.arrayContaining(['section', 'codes', 'a', 'b', 'stats']));
    expect(Object.keys(row.a).sort()).toEqual(['documentShare', 'documents', 'segments', 'textShare']);
    expect(Object.keys(row.stats)).toEqual(expect.arrayContaining(['logLikelihood', 'fisherP', 'logRatio']));
    expect(row.codes[0]).toEqual(expect.objectContaining({ id: expect.any(String), name: expect.any(String), path: expect.any(Array) }));
  });

  it('takes the sets, breakdown and thresholds from the query', async () => {
    const res = await send(admin, 'GET', path(`?a=${encodeURIComponent('kind=observation')}&b=${encodeURIComponent('kind=interview')}&by=region&minDocuments=2&k=2&evidence=1&aLabel=Beratung`));
    expect(res.status).toBe(200);
    const body = (await res.json()) as ComparisonResult;
    expect(body.a).toMatchObject({ label: 'Beratung', definition: 'kind=observation' });
    expect(body.b.definition).toBe('kind=interview');
    expect(body.thresholds).toMatchObject({ minDocuments: 2, minCellDocuments: 2, evidence: 1, by: 'region' });
    expect(body.rows.every((r) => Array.isArray(r.breakdown))).toBe(true);
    expect(body.rows.every((r) => r.evidence.filter((q) => q.side === 'a').length <= 1)).toBe(true);
    // Repeated parameters join: observation in Region 1 only.
    const joined = await send(admin, 'GET', path(`?a=kind=observation&a=${encodeURIComponent('region=Region 1')}`));
    expect(joined.status).toBe(200);
    expect(((await joined.json()) as ComparisonResult).a).toMatchObject({ definition: 'kind=observation;region=Region 1', documents: 3 });
    const bySet = await send(admin, 'GET', path(`?a=${encodeURIComponent('set=Beobachtungsprotokolle')}&b=${encodeURIComponent('set=Dokumentationen')}`));
    expect(bySet.status).toBe(200);
  });

  it('formats: Markdown, printable HTML and CSV', async () => {
    const md = await send(admin, 'GET', path('?format=md'));
    expect(md.status).toBe(200);
    expect(md.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    const mdText = await md.text();
    expect(mdText.startsWith('# Sichtbarkeitsvergleich')).toBe(true);
    expect(mdText).toContain('Projekt: Demo: Relevanzmarkierungen in Beratung und Dokumentation');
    const html = await send(admin, 'GET', path('?format=html'));
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect((await html.text()).startsWith('<!doctype html>')).toBe(true);
    const csv = await send(admin, 'GET', path('?format=csv'));
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="vergleich.csv"');
    expect((await csv.text()).split('\r\n')[0]).toMatch(/^group,section,kind,/);
  });

  it('400 for unreadable conditions and overlapping sets, 404 for an unknown project or set', async () => {
    const bad = await send(admin, 'GET', path('?a=kind=bogus'));
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { code: string; issues: { message: string }[] } };
    expect(body.error.code).toBe('invalid_input');
    expect(body.error.issues[0]?.message).toMatch(/kind must be one of/);
    expect((await send(admin, 'GET', path('?format=pdf'))).status).toBe(400);
    expect((await send(admin, 'GET', path('?minDocuments=0'))).status).toBe(400);
    const overlap = await send(admin, 'GET', path(`?a=${encodeURIComponent('region=Region 1')}`));
    expect(overlap.status).toBe(400);
    expect(((await overlap.json()) as { error: { message: string } }).error.message).toMatch(/share/);
    expect((await send(admin, 'GET', '/api/projects/nope/comparison')).status).toBe(404);
    expect((await send(admin, 'GET', path('?a=set=Unbekannt'))).status).toBe(404);
  });
});

describe('GET/PUT /api/projects/:projectId/crosswalk', () => {
  const path = (): string => `/api/projects/${projectId}/crosswalk`;

  it('needs a session', async () => {
    expect((await send(undefined, 'GET', path())).status).toBe(401);
    expect((await send(undefined, 'PUT', path(), { rows: [] })).status).toBe(401);
  });

  it('reads the crosswalk; only roles that code may replace it; unknown codes are refused', async () => {
    const got = await send(lead, 'GET', path());
    expect(got.status).toBe(200);
    const { rows } = (await got.json()) as { rows: Crosswalk };
    expect(rows.map((r) => r.label)).toContain('Ziele für den weiteren Hilfeverlauf');

    const next = rows.slice(0, 2).map((r) => ({ ...r, label: `${r.label} (geändert)` }));
    expect((await send(lead, 'PUT', path(), { rows: next })).status).toBe(403);
    const bad = await send(admin, 'PUT', path(), { rows: [{ label: 'x', a: ['nope'], b: rows[0]!.b }] });
    expect(bad.status).toBe(400);
    expect((await send(admin, 'PUT', path(), { rows: 'no' })).status).toBe(400);

    const put = await send(admin, 'PUT', path(), { rows: next });
    expect(put.status).toBe(200);
    expect(((await put.json()) as { rows: Crosswalk }).rows.map((r) => r.label)).toEqual(next.map((r) => r.label));
    // The comparison follows the stored crosswalk.
    const cmp = (await (await send(admin, 'GET', `/api/projects/${projectId}/comparison`)).json()) as ComparisonResult;
    expect(cmp.rows.filter((r) => r.kind === 'crosswalk').map((r) => r.label)).toEqual(next.map((r) => r.label));
    await send(admin, 'PUT', path(), { rows });
  });

  it('the new routes are documented in ROUTES and the OpenAPI description', async () => {
    const documented = ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(documented).toEqual(expect.arrayContaining(['get /api/projects/:projectId/comparison', 'get /api/projects/:projectId/crosswalk', 'put /api/projects/:projectId/crosswalk']));
    const doc = (await (await app.request('/api/openapi.json')).json()) as { paths: Record<string, Record<string, { parameters?: { name: string }[] }>> };
    const op = doc.paths['/api/projects/{projectId}/comparison']?.['get'];
    expect(op?.parameters?.map((p) => p.name)).toEqual(expect.arrayContaining(['a', 'b', 'by', 'minDocuments', 'k', 'format']));
    expect(doc.paths['/api/projects/{projectId}/crosswalk']?.['put']).toBeDefined();
  });
});
