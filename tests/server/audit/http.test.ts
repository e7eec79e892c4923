import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureAdmin } from '../../../server/bootstrap.js';
import { MemoryAuditLog, withAudit, type AuditedStore } from '../../../server/domain/audit.js';
import { makeDeps } from '../../../server/domain/deps.js';
import { addDocuments } from '../../../server/domain/corpus.js';
import { createApp } from '../../../server/http/app.js';
import { ROUTES } from '../../../server/http/openapi.js';
import { currentActor } from '../../../server/http/request-context.js';
import type { AuditEntry, UndoHistory, UndoResult } from '../../../server/schemas/audit.js';
import type { Project } from '../../../server/schemas/project.js';
import { FileAuditLog } from '../../../server/storage/audit-log.js';
import { LowdbStore } from '../../../server/storage/lowdb-store.js';
import { MemoryStore } from '../../../server/storage/memory-store.js';
import { tempDir } from '../helpers.js';
import { sendTo, signInTo, type Session } from '../support.js';

const ADMIN_PASSWORD = 'a-long-admin-password';

async function body<T>(res: Response, status: number): Promise<T> {
  expect(res.status, await res.clone().text()).toBe(status);
  return (await res.json()) as T;
}

function login(app: ReturnType<typeof createApp>, name: string, password: string): Promise<Response> {
  return Promise.resolve(
    app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: name, password }) }, { incoming: { socket: { remoteAddress: '127.0.0.9' } } }),
  );
}

async function setUp(store: AuditedStore) {
  const deps = makeDeps(store);
  await ensureAdmin(deps, ADMIN_PASSWORD);
  const app = createApp({ deps });
  const admin = await signInTo(app, 'admin', ADMIN_PASSWORD);
  const users: Record<string, { id: string; version: number }> = {};
  const sessions: Record<string, Session> = { admin };
  for (const [name, role] of [
    ['rita', 'researcher'],
    ['otto', 'researcher'],
    ['lena', 'lead'],
    ['paul', 'product-owner'],
  ] as const) {
    users[name] = await body(await sendTo(app, admin, 'POST', '/api/users', { login: name, role, password: `${name}-password-1` }), 201);
    sessions[name] = await signInTo(app, name, `${name}-password-1`);
  }
  return { deps, app, sessions, users, adminId: (await store.findUserByLogin('admin'))!.id };
}

describe('the server-wide audit trail', () => {
  it('records sign-ins, sign-outs, user management and projects; admins only; no secrets', async () => {
    const { dir, cleanup } = await tempDir();
    const store = withAudit(await LowdbStore.open(dir), { log: new FileAuditLog(dir), currentActor });
    try {
      const { app, sessions, users, adminId } = await setUp(store);
      const admin = sessions['admin']!;
      // A failed sign-in (wrong password, unknown name), and a lockout after five failures from one address.
      expect((await login(app, 'rita', 'wrong-password-123')).status).toBe(401);
      expect((await login(app, 'nobody', 'wrong-password-123')).status).toBe(401);
      for (let i = 0; i < 3; i++) expect((await login(app, 'otto', 'wrong-password-otto')).status).toBe(401);
      expect((await login(app, 'otto', 'otto-password-1')).status).toBe(429);
      // Hammering while locked is noted once, not once per attempt.
      for (let i = 0; i < 5; i++) expect((await login(app, 'otto', 'otto-password-1')).status).toBe(429);
      // Role change, password change (signs out everywhere), logout, logout everywhere, deletion.
      const rita = await body<{ version: number }>(await sendTo(app, admin, 'PATCH', `/api/users/${users['rita']!.id}`, { role: 'lead', version: 1 }), 200);
      await body(await sendTo(app, admin, 'PATCH', `/api/users/${users['rita']!.id}`, { password: 'a-new-secret-password', version: rita.version }), 200);
      await body(await sendTo(app, sessions['paul']!, 'POST', '/api/auth/logout'), 200);
      await body(await sendTo(app, sessions['lena']!, 'POST', '/api/auth/logout-everywhere'), 200);
      expect((await sendTo(app, sessions['lena']!, 'GET', '/api/auth/me')).status).toBe(401);
      await body(await sendTo(app, admin, 'DELETE', `/api/users/${users['paul']!.id}?version=1`), 200);
      const project = await body<Project>(await sendTo(app, admin, 'POST', '/api/projects', { name: 'Familienzentrum' }), 201);
      await body(await sendTo(app, admin, 'DELETE', `/api/projects/${project.id}`), 200);

      for (const who of ['rita', 'otto', 'lena']) {
        const s = sessions[who]!;
        const res = await sendTo(app, s, 'GET', '/api/audit');
        expect([401, 403], who).toContain(res.status);
      }
      const { entries, more } = await body<{ entries: AuditEntry[]; more: boolean }>(await sendTo(app, admin, 'GET', '/api/audit'), 200);
      expect(more).toBe(false);
      const line = (e: AuditEntry) => `${e.kind} ${e.action} ${e.name ?? ''} ${e.userId === adminId ? 'by admin' : e.userId === null ? 'by nobody' : ''}`.trim();
      expect(entries.map(line)).toEqual([
        'user created admin by nobody',
        'session signed-in admin by admin',
        'user created rita by admin',
        'session signed-in rita',
        'user created otto by admin',
        'session signed-in otto',
        'user created lena by admin',
        'session signed-in lena',
        'user created paul by admin',
        'session signed-in paul',
        'session sign-in-failed rita',
        'session sign-in-failed nobody by nobody',
        'session sign-in-failed otto',
        'session sign-in-failed otto',
        'session sign-in-failed otto',
        'session sign-in-failed otto',
        'user changed rita by admin',
        'user changed rita by admin',
        'session signed-out paul',
        'session signed-out-everywhere lena',
        'user deleted paul by admin',
        'project created Familienzentrum by admin',
        'project deleted Familienzentrum by admin',
      ]);
      expect(entries.filter((e) => e.action === 'sign-in-failed').map((e) => e.detail)).toEqual(['wrong-credentials', 'wrong-credentials', 'wrong-credentials', 'wrong-credentials', 'wrong-credentials', 'locked']);
      const changes = entries.filter((e) => e.kind === 'user' && e.action === 'changed');
      expect(changes.map((e) => [e.fields, e.role])).toEqual([
        [['role'], 'lead'],
        [['password'], 'lead'],
      ]);
      // The log file is outside projects/ and holds no password, hash or token.
      const raw = await readFile(join(dir, 'audit.jsonl'), 'utf8');
      for (const secret of [ADMIN_PASSWORD, 'rita-password-1', 'a-new-secret-password', 'wrong-password-123', 'scrypt$', admin.csrf, admin.cookie.split('=')[1]!, 'passwordHash']) expect(raw).not.toContain(secret);
      expect(raw.trim().split('\n')).toHaveLength(entries.length);

      // Filters, paging, newest first, CSV.
      const failed = await body<{ entries: AuditEntry[] }>(await sendTo(app, admin, 'GET', '/api/audit?kind=session&order=desc&limit=2&offset=1'), 200);
      expect(failed.entries.map(line)).toEqual(['session signed-out paul', 'session sign-in-failed otto']);
      const csv = await sendTo(app, admin, 'GET', '/api/audit?format=csv&kind=user');
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-disposition')).toContain('server-audit.csv');
      expect((await csv.text()).trim().split('\r\n')).toHaveLength(1 + entries.filter((e) => e.kind === 'user').length);
    } finally {
      await store.close();
      await cleanup();
    }
  });
});

describe('undo and redo over HTTP', () => {
  it('history, undo, redo with labels; 409 after someone else changed it; roles; routes documented', async () => {
    const store = withAudit(new MemoryStore(), { log: new MemoryAuditLog(), currentActor });
    const { deps, app, sessions } = await setUp(store);
    const admin = sessions['admin']!;
    const rita = sessions['rita']!;
    const project = await body<Project>(await sendTo(app, admin, 'POST', '/api/projects', { name: 'Undo' }), 201);
    const P = `/api/projects/${project.id}`;
    const [doc] = await addDocuments(deps, project.id, [{ title: 'Protokoll', kind: 'observation', text: 'Die Fachkraft begrüßt Frau K. herzlich.' }]);
    const code = await body<{ id: string }>(await sendTo(app, rita, 'POST', `${P}/codes`, { name: 'Begrüßung' }), 201);
    const seg = await body<{ id: string; version: number }>(await sendTo(app, rita, 'POST', `${P}/segments`, { documentId: doc!.id, codeId: code.id, start: 4, end: 13 }), 201);
    await body(await sendTo(app, rita, 'DELETE', `${P}/segments/${seg.id}?version=1`), 200);

    const h = await body<UndoHistory>(await sendTo(app, rita, 'GET', `${P}/history`), 200);
    expect(h).toMatchObject({ undo: { label: 'Kodierung »Begrüßung« entfernt', action: 'uncode-segment', name: 'Begrüßung' }, redo: null, undoDepth: 3 });
    const u = await body<UndoResult>(await sendTo(app, rita, 'POST', `${P}/undo`), 200);
    expect(u.done.label).toBe('Kodierung »Begrüßung« entfernt');
    expect(u.history.redo?.label).toBe('Kodierung »Begrüßung« entfernt');
    expect(await store.getSegment(project.id, seg.id)).toMatchObject({ start: 4, end: 13 });
    const r = await body<UndoResult>(await sendTo(app, rita, 'POST', `${P}/redo`), 200);
    expect(r.history.undo?.label).toBe('Kodierung »Begrüßung« entfernt');
    expect(await store.getSegment(project.id, seg.id)).toBeUndefined();
    await body(await sendTo(app, rita, 'POST', `${P}/undo`), 200);

    // The admin changes the restored segment: Rita's redo is refused and says which.
    const restored = (await store.getSegment(project.id, seg.id))!;
    await body(await sendTo(app, admin, 'PATCH', `${P}/segments/${seg.id}`, { end: 21, version: restored.version }), 200);
    const refused = await sendTo(app, rita, 'POST', `${P}/redo`);
    const err = await body<{ error: { code: string; message: string } }>(refused, 409);
    expect(err.error.code).toBe('conflict');
    expect(err.error.message).toContain('coding "Begrüßung"');
    expect((await store.getSegment(project.id, seg.id))!.end).toBe(21);

    // Roles: every signed-in role may read its history; lead/product owner have nothing to undo (409);
    // without a session 401; an unknown project 404.
    for (const who of ['admin', 'rita', 'otto', 'lena', 'paul']) expect((await sendTo(app, sessions[who], 'GET', `${P}/history`)).status, who).toBe(200);
    for (const who of ['otto', 'lena', 'paul']) expect((await sendTo(app, sessions[who], 'POST', `${P}/undo`)).status, who).toBe(409);
    for (const path of ['history', 'undo', 'redo']) {
      expect((await sendTo(app, undefined, path === 'history' ? 'GET' : 'POST', `${P}/${path}`)).status).toBe(401);
      expect((await sendTo(app, admin, path === 'history' ? 'GET' : 'POST', `/api/projects/nope/${path}`)).status).toBe(404);
    }
    // Writes need the CSRF header like every write.
    expect((await sendTo(app, { cookie: rita.cookie, csrf: 'wrong' }, 'POST', `${P}/undo`)).status).toBe(403);

    const documented = ROUTES.map((x) => `${x.method} ${x.path}`);
    for (const route of ['get /api/projects/:projectId/history', 'post /api/projects/:projectId/undo', 'post /api/projects/:projectId/redo', 'get /api/audit', 'post /api/auth/logout-everywhere']) expect(documented).toContain(route);
  });

  it('without the audit decorator undo answers 404', async () => {
    const store = new MemoryStore();
    const deps = makeDeps(store);
    await ensureAdmin(deps, ADMIN_PASSWORD);
    const app = createApp({ deps });
    const admin = await signInTo(app, 'admin', ADMIN_PASSWORD);
    const project = await body<Project>(await sendTo(app, admin, 'POST', '/api/projects', { name: 'X' }), 201);
    expect((await sendTo(app, admin, 'POST', `/api/projects/${project.id}/undo`)).status).toBe(404);
    expect((await sendTo(app, admin, 'GET', '/api/audit')).status).toBe(404);
  });
});
