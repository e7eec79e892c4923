import { beforeAll, describe, expect, it } from 'vitest';
import { ensureAdmin } from '../../../server/bootstrap.js';
import { createUser } from '../../../server/domain/users.js';
import { createApp } from '../../../server/http/app.js';
import { ROUTES } from '../../../server/http/openapi.js';
import type { AutocodePreview, AutocodeRun, KeynessResult, SearchResult, WordsResult } from '../../../server/schemas/search.js';
import { searchFixture, type SearchFixture } from './fixture.js';
import { sendTo, signInTo, type Session } from '../support.js';

type App = ReturnType<typeof createApp>;

let f: SearchFixture;
let app: App;
let researcher: Session;
let lead: Session;

const signIn = (name: string, password: string): Promise<Session> => signInTo(app, name, password);

const send = (session: Session | undefined, method: string, path: string, body?: unknown): Promise<Response> => sendTo(app, session, method, path, body);

beforeAll(async () => {
  f = await searchFixture();
  await ensureAdmin(f.deps, 'admin-password-1');
  await createUser(f.deps, { login: 'mara', role: 'researcher', password: 'mara-password-1' });
  await createUser(f.deps, { login: 'lena', role: 'lead', password: 'lena-password-1' });
  app = createApp({ deps: f.deps });
  researcher = await signIn('mara', 'mara-password-1');
  lead = await signIn('lena', 'lena-password-1');
});

const P = (): string => `/api/projects/${f.projectId}`;

describe('GET /search', () => {
  it('401 without a session', async () => {
    expect((await send(undefined, 'GET', `${P()}/search?q=Beratung`)).status).toBe(401);
    expect((await send(undefined, 'GET', `${P()}/words`)).status).toBe(401);
    expect((await send(undefined, 'POST', `${P()}/autocode/preview`, { query: 'a', codeId: 'x' })).status).toBe(401);
  });

  it('answers KWIC lines and counts per document; any role may search', async () => {
    const res = await send(lead, 'GET', `${P()}/search?q=${encodeURIComponent('Gespräch')}&speaker=FK&context=12`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as SearchResult;
    expect(body).toMatchObject({ query: 'Gespräch', total: 2, truncated: false, documents: [{ documentId: 'int', title: 'Interview 1', count: 2 }] });
    expect(Object.keys(body.hits[0] ?? {})).toEqual(['documentId', 'title', 'start', 'end', 'match', 'left', 'right']);
  });

  it('400 for a broken query or missing q, 404 for an unknown project, set or code', async () => {
    const bad = await send(lead, 'GET', `${P()}/search?q=${encodeURIComponent('(Beratung')}`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_input');
    expect((await send(lead, 'GET', `${P()}/search`)).status).toBe(400);
    expect((await send(lead, 'GET', '/api/projects/nope/search?q=a')).status).toBe(404);
    expect((await send(lead, 'GET', `${P()}/search?q=a&set=Unbekannt`)).status).toBe(404);
    expect((await send(lead, 'GET', `${P()}/search?q=a&codeId=nope`)).status).toBe(404);
  });
});

describe('autocoding over HTTP', () => {
  it('preview for anyone; apply and undo need the code permission (403 for a lead)', async () => {
    const request = { query: 'Beratung', codeId: f.codes.topic, unit: 'sentence' };
    const preview = await send(lead, 'POST', `${P()}/autocode/preview`, request);
    expect(preview.status).toBe(200);
    expect(((await preview.json()) as AutocodePreview).items).toHaveLength(4);
    const forbidden = await send(lead, 'POST', `${P()}/autocode`, request);
    expect(forbidden.status).toBe(403);
    const applied = await send(researcher, 'POST', `${P()}/autocode`, request);
    expect(applied.status).toBe(201);
    const run = (await applied.json()) as AutocodeRun;
    expect(run.segments).toHaveLength(4);
    const runs = await send(lead, 'GET', `${P()}/autocode`);
    expect(((await runs.json()) as { runs: AutocodeRun[] }).runs[0]?.id).toBe(run.id);
    expect((await send(lead, 'POST', `${P()}/autocode/${run.id}/undo`)).status).toBe(403);
    const undone = await send(researcher, 'POST', `${P()}/autocode/${run.id}/undo`);
    expect(undone.status).toBe(200);
    expect(await undone.json()).toEqual({ deleted: 4 });
    expect((await send(researcher, 'POST', `${P()}/autocode/${run.id}/undo`)).status).toBe(404);
  });

  it('409 when a created segment was changed before the undo', async () => {
    const applied = await send(researcher, 'POST', `${P()}/autocode`, { query: 'Kaffee', codeId: f.codes.atmosphere, unit: 'word' });
    const run = (await applied.json()) as AutocodeRun;
    const seg = run.segments[0] as { id: string };
    expect((await send(researcher, 'PATCH', `${P()}/segments/${seg.id}`, { memo: 'x', version: 1 })).status).toBe(200);
    const res = await send(researcher, 'POST', `${P()}/autocode/${run.id}/undo`);
    expect(res.status).toBe(409);
  });

  it('400 for an invalid body', async () => {
    expect((await send(researcher, 'POST', `${P()}/autocode`, { query: 'Kaffee', codeId: f.codes.atmosphere, unit: 'kapitel' })).status).toBe(400);
  });
});

describe('GET /words', () => {
  it('frequencies as JSON and CSV', async () => {
    const res = await send(lead, 'GET', `${P()}/words?limit=5`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as WordsResult & { type: string };
    expect(body.type).toBe('frequencies');
    expect(body.words).toHaveLength(5);
    const csv = await send(lead, 'GET', `${P()}/words?format=csv&set=${encodeURIComponent('nope')}`);
    expect(csv.status).toBe(404);
    const ok = await send(lead, 'GET', `${P()}/words?format=csv`);
    expect(ok.headers.get('content-type')).toMatch(/^text\/csv/);
    expect((await ok.text()).startsWith('form,stem,count,documents\r\n')).toBe(true);
  });

  it('keyness of a against b; 400 with only one side or a bad condition', async () => {
    const res = await send(lead, 'GET', `${P()}/words?a=kind=observation&b=${encodeURIComponent('kind=interview,documentation')}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as KeynessResult & { type: string };
    expect(body.type).toBe('keyness');
    expect(body.a.documents).toBe(1);
    expect(body.b.documents).toBe(2);
    expect((await send(lead, 'GET', `${P()}/words?a=kind=observation`)).status).toBe(400);
    expect((await send(lead, 'GET', `${P()}/words?a=kind=bogus&b=kind=interview`)).status).toBe(400);
  });
});

describe('OpenAPI', () => {
  it('documents the search routes', () => {
    const paths = ROUTES.filter((r) => r.tag === 'search').map((r) => `${r.method} ${r.path}`);
    expect(paths).toEqual([
      'get /api/projects/:projectId/search',
      'post /api/projects/:projectId/autocode/preview',
      'get /api/projects/:projectId/autocode',
      'post /api/projects/:projectId/autocode',
      'post /api/projects/:projectId/autocode/:runId/undo',
      'get /api/projects/:projectId/words',
    ]);
  });
});
