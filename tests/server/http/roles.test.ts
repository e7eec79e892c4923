import { beforeAll, describe, expect, it } from 'vitest';
import { ensureAdmin } from '../../../server/bootstrap.js';
import type { Deps } from '../../../server/domain/deps.js';
import { createProject } from '../../../server/domain/projects.js';
import { createApp, type App } from '../../../server/http/app.js';
import { ROUTES } from '../../../server/http/openapi.js';
import type { Role } from '../../../server/schemas/user.js';
import { seedProject, testStore } from '../helpers.js';
import { sendTo, signInTo, type Session } from '../support.js';
import { allows, ROLE_TABLE } from './role-table.js';

/**
 * Calls every route of ROUTES with every role and without a session and checks the answer against
 * the role table (role-table.ts): allowed → anything but 401/403 (a dummy body may give 400, 404,
 * 409); forbidden → exactly 403; no session → 401. Bodies are valid where validation runs before
 * the role check, so a 403 cannot hide behind a 400.
 */

const ROLES: Role[] = ['lead', 'product-owner', 'researcher', 'admin'];
const ADMIN_PASSWORD = 'a-long-password';
const LOGINS: Record<Role, string> = { admin: 'admin', researcher: 'rita', lead: 'lena', 'product-owner': 'paul' };

const form = (id: string) => ({ id, title: 'Beratung', sections: [{ id: 'allgemein', title: 'Allgemein', fields: [{ id: 'notiz', label: 'Notiz', type: 'short-text' }] }] });

let app: App;
let deps: Deps;
const sessions = new Map<Role, Session>();
const params: Record<string, string> = {};
let throwawayProject = '';

beforeAll(async () => {
  const store = await testStore();
  const seeded = await seedProject(store);
  deps = seeded.deps;
  await ensureAdmin(deps, ADMIN_PASSWORD);
  app = createApp({ deps });
  const admin = await signInTo(app, 'admin', ADMIN_PASSWORD);
  sessions.set('admin', admin);
  for (const role of ROLES.filter((r) => r !== 'admin')) {
    expect((await sendTo(app, admin, 'POST', '/api/users', { login: LOGINS[role], role, password: `${LOGINS[role]}-password` })).status).toBe(201);
    sessions.set(role, await signInTo(app, LOGINS[role], `${LOGINS[role]}-password`));
  }
  // The user every role tries to change and delete (admins succeed, so it is nobody's own account).
  const victim = await sendTo(app, admin, 'POST', '/api/users', { login: 'victor', role: 'researcher', password: 'victor-password' });
  params['userId'] = ((await victim.json()) as { id: string }).id;

  const p = seeded.projectId;
  params['projectId'] = p;
  params['documentId'] = seeded.docB;
  params['codeId'] = seeded.codes['greet'] ?? '';
  const json = async <T>(res: Response | Promise<Response>): Promise<T> => (await (await res).json()) as T;
  params['segmentId'] = (await json<{ id: string }>(sendTo(app, admin, 'POST', `/api/projects/${p}/segments`, { documentId: seeded.docA, codeId: params['codeId'], start: 0, end: 3 }))).id;
  params['memoId'] = (await json<{ id: string }>(sendTo(app, admin, 'POST', `/api/projects/${p}/memos`, { target: { type: 'project' }, text: 'Notiz' }))).id;
  params['setId'] = (await json<{ id: string }>(sendTo(app, admin, 'POST', `/api/projects/${p}/sets`, { name: 'Alle', definition: { type: 'members', documentIds: [seeded.docA, seeded.docB] } }))).id;
  const imported = await sendTo(app, admin, 'POST', `/api/projects/${p}/forms/import`, form('beratung'));
  expect(imported.status).toBe(201);
  params['formId'] = 'beratung';
  params['number'] = '1';
  params['proposalId'] = 'no-such-proposal';
  params['runId'] = 'no-such-run';
  for (const [name, value] of Object.entries(params)) expect(value, name).not.toBe('');
  throwawayProject = (await createProject(deps, { name: 'Wegwerf' })).id;
});

/** Valid bodies for the routes that validate before they check the role. */
function bodyFor(key: string): unknown {
  const bodies: Record<string, unknown> = {
    'post /api/auth/login': { login: 'admin', password: ADMIN_PASSWORD },
    'post /api/users': { login: 'newcomer', role: 'lead', password: 'newcomer-password' },
    'patch /api/users/:userId': { displayName: 'Victor', version: 1 },
    'post /api/projects': { name: 'Neu' },
    'post /api/projects/restore': {},
    'put /api/projects/:projectId/pseudonyms/key': { entries: [], version: 0 },
    'post /api/projects/:projectId/pseudonyms/preview': {},
    'post /api/projects/:projectId/pseudonyms/apply': {},
    'patch /api/projects/:projectId/documents/:documentId': { title: 'Neu', version: 1 },
    'post /api/projects/:projectId/codes': { name: 'Neu' },
    'patch /api/projects/:projectId/codes/:codeId': { name: 'Neu', version: 1 },
    'post /api/projects/:projectId/codes/:codeId/move': { parentId: null, version: 1 },
    'post /api/projects/:projectId/codes/:codeId/split': { name: 'Teil', segmentIds: [params['segmentId']], version: 1 },
    'post /api/projects/:projectId/codes/:codeId/delete': { version: 1, segments: { action: 'delete' }, children: 'lift' },
    'post /api/projects/:projectId/codes/merge': { sourceId: params['codeId'], targetId: params['codeId'], sourceVersion: 1, targetVersion: 1 },
    'post /api/projects/:projectId/codebook/import': {},
    'post /api/projects/:projectId/segments': { documentId: params['documentId'], codeId: params['codeId'], start: 0, end: 2 },
    'post /api/projects/:projectId/segments/in-vivo': { documentId: params['documentId'], start: 0, end: 2 },
    'patch /api/projects/:projectId/segments/:segmentId': { memo: 'm', version: 1 },
    'post /api/projects/:projectId/memos': { target: { type: 'project' }, text: 'Noch eine' },
    'patch /api/projects/:projectId/memos/:memoId': { text: 'Geändert', version: 1 },
    'post /api/projects/:projectId/sets': { name: 'Neu', definition: { type: 'members', documentIds: [] } },
    'patch /api/projects/:projectId/sets/:setId': { name: 'Umbenannt', version: 1 },
    'put /api/projects/:projectId/sets/:setId/mode': { independent: false, version: 1 },
    'put /api/projects/:projectId/crosswalk': { rows: [] },
    'post /api/projects/:projectId/agreement/consensus': { take: 'neither', a: null, b: null },
    'post /api/projects/:projectId/autocode/preview': { query: 'Fachkraft', codeId: params['codeId'] },
    'post /api/projects/:projectId/autocode': { query: 'Fachkraft', codeId: params['codeId'] },
    'post /api/projects/:projectId/forms/import': form('zweites'),
    'put /api/projects/:projectId/forms/:formId': { basedOn: 1, form: form('beratung') },
    'patch /api/projects/:projectId/forms/:formId/proposals/:proposalId': { version: 1, title: 'Neu' },
    'post /api/projects/:projectId/forms/:formId/proposals/:proposalId/decision': { version: 1, action: 'reject', reason: 'Nicht nötig' },
    'post /api/projects/:projectId/forms/:formId/proposals/:proposalId/comments': { text: 'Einverstanden' },
  };
  return bodies[key];
}

/** The URL of a route with the seeded ids (and a version query for deletes). */
function urlFor(route: { method: string; path: string }): string {
  let url = route.path.replace(/:([A-Za-z]+)/g, (_, name: string) => params[name] ?? `missing-${name}`);
  // Deleting the project would end every later call; the deleting role gets a project of its own.
  if (route.method === 'delete' && route.path === '/api/projects/:projectId') url = `/api/projects/${throwawayProject}`;
  if (route.method === 'delete') url += '?version=1';
  return url;
}

const keyOf = (r: { method: string; path: string }) => `${r.method} ${r.path}`;
// Signing out ends the session, so those run last and with a session of their own.
const ENDS_SESSION = new Set(['post /api/auth/logout', 'post /api/auth/logout-everywhere']);
const ordered = [...ROUTES.filter((r) => !ENDS_SESSION.has(keyOf(r))), ...ROUTES.filter((r) => ENDS_SESSION.has(keyOf(r)))];

async function call(route: { method: string; path: string }, session: Session | undefined): Promise<number> {
  const res = await sendTo(app, session, route.method.toUpperCase(), urlFor(route), bodyFor(keyOf(route)));
  // The SSE route streams until cancelled.
  await res.body?.cancel();
  return res.status;
}

describe('the role table', () => {
  it('names every route of the app exactly once', () => {
    expect(Object.keys(ROLE_TABLE).sort()).toEqual(ROUTES.map(keyOf).sort());
  });

  it('without a session every route but login, health and openapi answers 401', async () => {
    for (const route of ordered) {
      const status = await call(route, undefined);
      if (ROLE_TABLE[keyOf(route)] === 'public') expect(status, keyOf(route)).not.toBe(401);
      else expect(status, keyOf(route)).toBe(401);
    }
  });

  // Lower roles first: the admin's calls delete things (a 404 afterwards is still "allowed").
  for (const role of ROLES) {
    it(`${role}: allowed routes do not answer 401/403, forbidden ones answer exactly 403`, async () => {
      const outcome: string[] = [];
      const expected: string[] = [];
      for (const route of ordered) {
        const requirement = ROLE_TABLE[keyOf(route)];
        if (requirement === undefined || requirement === 'public') continue;
        const session = ENDS_SESSION.has(keyOf(route)) ? await signInTo(app, LOGINS[role], role === 'admin' ? ADMIN_PASSWORD : `${LOGINS[role]}-password`) : sessions.get(role);
        const status = await call(route, session);
        const allowed = allows(requirement, role);
        expected.push(`${keyOf(route)} → ${allowed ? 'allowed' : '403'}`);
        outcome.push(`${keyOf(route)} → ${allowed ? (status === 401 || status === 403 ? status : 'allowed') : status}`);
      }
      expect(outcome).toEqual(expected);
    });
  }

  // The table's logout-everywhere ended the sessions above, so these sign in again.
  it('a user may change their own display name but not their own role', async () => {
    const lead = await signInTo(app, 'lena', 'lena-password');
    const me = (await (await sendTo(app, lead, 'GET', '/api/auth/me')).json()) as { user: { id: string; version: number } };
    const own = await sendTo(app, lead, 'PATCH', `/api/users/${me.user.id}`, { displayName: 'Lena L.', version: me.user.version });
    expect(own.status).toBe(200);
    const role = await sendTo(app, lead, 'PATCH', `/api/users/${me.user.id}`, { role: 'admin', version: me.user.version + 1 });
    expect(role.status).toBe(403);
  });

  it('coders change their own segments and authors their own memos (the "others-" rules of the table)', async () => {
    const p = params['projectId'] ?? '';
    const researcher = await signInTo(app, 'rita', 'rita-password');
    const lead = await signInTo(app, 'lena', 'lena-password');
    const segment = await sendTo(app, researcher, 'POST', `/api/projects/${p}/segments`, { documentId: params['documentId'], codeId: (await firstCodableCode(p)) ?? '', start: 3, end: 8 });
    expect(segment.status).toBe(201);
    const segmentId = ((await segment.json()) as { id: string }).id;
    expect((await sendTo(app, researcher, 'PATCH', `/api/projects/${p}/segments/${segmentId}`, { memo: 'eigen', version: 1 })).status).toBe(200);
    expect((await sendTo(app, researcher, 'DELETE', `/api/projects/${p}/segments/${segmentId}?version=2`)).status).toBe(200);
    const memo = await sendTo(app, lead, 'POST', `/api/projects/${p}/memos`, { target: { type: 'project' }, text: 'Eigene Notiz' });
    expect(memo.status).toBe(201);
    const memoId = ((await memo.json()) as { id: string }).id;
    expect((await sendTo(app, lead, 'PATCH', `/api/projects/${p}/memos/${memoId}`, { text: 'Geändert', version: 1 })).status).toBe(200);
    expect((await sendTo(app, lead, 'DELETE', `/api/projects/${p}/memos/${memoId}?version=2`)).status).toBe(200);
  });
});

async function firstCodableCode(projectId: string): Promise<string | undefined> {
  return (await deps.store.listCodes(projectId)).find((c) => c.isCodable)?.id;
}
