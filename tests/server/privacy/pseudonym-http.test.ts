import { describe, expect, it } from 'vitest';
import { ensureAdmin } from '../../../server/bootstrap.js';
import { makeDeps } from '../../../server/domain/deps.js';
import { createApp } from '../../../server/http/app.js';
import { ROUTES } from '../../../server/http/openapi.js';
import type { Document } from '../../../server/schemas/document.js';
import type { Project } from '../../../server/schemas/project.js';
import type { PseudonymisationResult, PseudonymKey, PseudonymSuggestion } from '../../../server/schemas/pseudonym.js';
import { MemoryStore } from '../../../server/storage/memory-store.js';
import { MemoryPseudonymKeys } from '../../../server/storage/pseudonym-keys.js';
import { sendTo, signInTo, type Session } from '../support.js';

const ADMIN_PASSWORD = 'admin-password-for-tests';
type App = ReturnType<typeof createApp>;

async function body<T>(res: Response, status: number): Promise<T> {
  expect(res.status, await res.clone().text()).toBe(status);
  return (await res.json()) as T;
}

function upload(app: App, session: Session, path: string, name: string, text: string, pseudonymise: boolean): Promise<Response> {
  const form = new FormData();
  form.append('files', new File([text], name));
  if (pseudonymise) form.append('pseudonymise', 'true');
  return Promise.resolve(app.request(path, { method: 'POST', headers: { cookie: session.cookie, 'x-csrf-token': session.csrf }, body: form }));
}

async function setUp(withKeys = true) {
  const store = new MemoryStore();
  const deps = makeDeps(store, withKeys ? { pseudonymKeys: new MemoryPseudonymKeys() } : {});
  await ensureAdmin(deps, ADMIN_PASSWORD);
  const app = createApp({ deps });
  const admin = await signInTo(app, 'admin', ADMIN_PASSWORD);
  const sessions: Record<string, Session> = { admin };
  for (const role of ['researcher', 'lead', 'product-owner'] as const) {
    await body(await sendTo(app, admin, 'POST', '/api/users', { login: role, role, password: `${role}-password` }), 201);
    sessions[role] = await signInTo(app, role, `${role}-password`);
  }
  const project = await body<Project>(await sendTo(app, admin, 'POST', '/api/projects', { name: 'Pseudonyme' }), 201);
  return { app, deps, sessions, admin, P: `/api/projects/${project.id}`, projectId: project.id };
}

const KEY = [
  { real: 'Kowalczyk', pseudonym: 'Lindner', category: 'person' },
  { real: 'Quellbrück', pseudonym: 'Ort C', category: 'place' },
];
const TEXT = 'I: Wie war es?\nFrau Kowalczyk: In Quellbrück gut. Kowalczyks Sohn auch.';

const PSEUDONYM_ROUTES = ROUTES.filter((r) => r.path.includes('/pseudonyms/'));

describe('pseudonym routes', () => {
  it('are documented and answer only admins (the role table)', async () => {
    expect(PSEUDONYM_ROUTES.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      'get /api/projects/:projectId/pseudonyms/key',
      'get /api/projects/:projectId/pseudonyms/key/export',
      'get /api/projects/:projectId/pseudonyms/suggestions',
      'post /api/projects/:projectId/pseudonyms/apply',
      'post /api/projects/:projectId/pseudonyms/preview',
      'put /api/projects/:projectId/pseudonyms/key',
    ]);
    const { app, sessions, projectId } = await setUp();
    const bodies: Record<string, unknown> = { put: { entries: [], version: 0 }, post: {} };
    for (const [role, session] of Object.entries(sessions)) {
      for (const r of PSEUDONYM_ROUTES) {
        const res = await sendTo(app, session, r.method.toUpperCase(), r.path.replace(':projectId', projectId), bodies[r.method]);
        expect(res.status, `${role} ${r.method} ${r.path}`).toBe(role === 'admin' ? 200 : 403);
      }
    }
    // Without a session: 401 (also covered by the api test over every route).
    const anon = await sendTo(app, undefined, 'GET', `/api/projects/${projectId}/pseudonyms/key`);
    expect(anon.status).toBe(401);
  });

  it('key: read (version 0 when empty), replace with the version rule, 400 on a bad key, 404 on a missing project', async () => {
    const { app, admin, P } = await setUp();
    expect(await body<PseudonymKey>(await sendTo(app, admin, 'GET', `${P}/pseudonyms/key`), 200)).toMatchObject({ entries: [], version: 0, modified: null });
    const saved = await body<PseudonymKey>(await sendTo(app, admin, 'PUT', `${P}/pseudonyms/key`, { entries: KEY, version: 0 }), 200);
    expect(saved).toMatchObject({ entries: KEY, version: 1 });
    const stale = await body<{ error: { code: string; current: PseudonymKey } }>(await sendTo(app, admin, 'PUT', `${P}/pseudonyms/key`, { entries: [], version: 0 }), 409);
    expect(stale.error).toMatchObject({ code: 'conflict', current: { version: 1 } });
    const bad = await body<{ error: { code: string } }>(await sendTo(app, admin, 'PUT', `${P}/pseudonyms/key`, { entries: [...KEY, KEY[0]], version: 1 }), 400);
    expect(bad.error.code).toBe('invalid_input');
    await body(await sendTo(app, admin, 'GET', '/api/projects/nope/pseudonyms/key'), 404);
  });

  it('the explicit export is a download of the key; the project export does not contain it', async () => {
    const { app, admin, P } = await setUp();
    await body(await sendTo(app, admin, 'PUT', `${P}/pseudonyms/key`, { entries: KEY, version: 0 }), 200);
    const res = await sendTo(app, admin, 'GET', `${P}/pseudonyms/key/export`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="pseudonym-key-.*\.json"$/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toMatchObject({ format: 'sichtbar-pseudonym-key', entries: KEY, version: 1 });
    const exported = await sendTo(app, admin, 'GET', `${P}/export`);
    expect(exported.status).toBe(200);
    expect(await exported.text()).not.toMatch(/Lindner|Ort C|pseudonymKey/);
  });

  it('upload with pseudonymise=true stores only pseudonyms; suggestions, preview and apply', async () => {
    const { app, admin, sessions, P, deps, projectId } = await setUp();
    // Without a key the option is refused (nothing is stored).
    await body(await upload(app, sessions['researcher']!, `${P}/documents/import`, 'kowalczyk.txt', TEXT, true), 400);
    expect(await deps.store.listDocuments(projectId)).toEqual([]);
    await body(await sendTo(app, admin, 'PUT', `${P}/pseudonyms/key`, { entries: KEY, version: 0 }), 200);
    const imported = await body<{ imported: { documentId: string; title: string }[] }>(await upload(app, sessions['researcher']!, `${P}/documents/import`, 'Kowalczyk.txt', TEXT, true), 200);
    const doc = await body<Document>(await sendTo(app, admin, 'GET', `${P}/documents/${imported.imported[0]!.documentId}`), 200);
    expect(doc.text).toBe('I: Wie war es?\nFrau Lindner: In Ort C gut. Lindners Sohn auch.');
    expect(doc.turns.map((t) => t.speaker)).toEqual(['I', 'Frau Lindner']);
    expect(doc.title).not.toContain('Kowalczyk');

    // A second document uploaded without the option keeps its names – until the key is applied.
    const plain = await body<{ imported: { documentId: string }[] }>(await upload(app, sessions['researcher']!, `${P}/documents/import`, 'b.txt', 'Frau Kowalczyk aus Quellbrück und Frau Abendroth.', false), 200);
    const plainId = plain.imported[0]!.documentId;
    const suggestions = await body<{ suggestions: PseudonymSuggestion[] }>(await sendTo(app, admin, 'GET', `${P}/pseudonyms/suggestions?documentId=${plainId}`), 200);
    expect(suggestions.suggestions.map((s) => [s.text, s.inKey])).toEqual(expect.arrayContaining([['Kowalczyk', true], ['Abendroth', false], ['Quellbrück', true]]));
    await body(await sendTo(app, admin, 'GET', `${P}/pseudonyms/suggestions?limit=0`), 400);
    const seg = await body<{ id: string }>(await sendTo(app, sessions['researcher']!, 'POST', `${P}/segments`, { documentId: plainId, codeId: (await body<{ id: string }>(await sendTo(app, admin, 'POST', `${P}/codes`, { name: 'Ort' }), 201)).id, start: 0, end: 29 }), 201);
    const preview = await body<PseudonymisationResult>(await sendTo(app, admin, 'POST', `${P}/pseudonyms/preview`, {}), 200);
    expect(preview.documents).toEqual([expect.objectContaining({ documentId: plainId, replacements: 2, segments: 1 })]);
    const applied = await body<PseudonymisationResult>(await sendTo(app, admin, 'POST', `${P}/pseudonyms/apply`, { documentIds: [plainId] }), 200);
    expect(applied).toMatchObject({ total: 2, keyVersion: 1 });
    const after = await body<Document>(await sendTo(app, admin, 'GET', `${P}/documents/${plainId}`), 200);
    expect(after.text).toBe('Frau Lindner aus Ort C und Frau Abendroth.');
    const segment = (await deps.store.getSegment(projectId, seg.id))!;
    expect(after.text.slice(segment.start, segment.end)).toBe('Frau Lindner aus Ort C');
    await body(await sendTo(app, admin, 'POST', `${P}/pseudonyms/apply`, { documentIds: ['missing'] }), 404);
  });

  it('answer 404 when the server keeps no keys', async () => {
    const { app, admin, P } = await setUp(false);
    await body(await sendTo(app, admin, 'GET', `${P}/pseudonyms/key`), 404);
  });
});
