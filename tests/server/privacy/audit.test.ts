import { describe, expect, it } from 'vitest';
import { ensureAdmin } from '../../../server/bootstrap.js';
import { auditEntries, MemoryAuditLog, withAudit, type AuditedStore } from '../../../server/domain/audit.js';
import { makeDeps } from '../../../server/domain/deps.js';
import { createProject } from '../../../server/domain/projects.js';
import { createApp } from '../../../server/http/app.js';
import { currentActor } from '../../../server/http/request-context.js';
import type { AuditEntry } from '../../../server/schemas/audit.js';
import type { Project } from '../../../server/schemas/project.js';
import { FileAuditLog } from '../../../server/storage/audit-log.js';
import { LowdbStore } from '../../../server/storage/lowdb-store.js';
import { MemoryStore } from '../../../server/storage/memory-store.js';
import { tempDir } from '../helpers.js';
import { sendTo, signInTo, type Session } from '../support.js';

const ADMIN_PASSWORD = 'a-long-password';

type App = ReturnType<typeof createApp>;

async function body<T>(res: Response, status: number): Promise<T> {
  expect(res.status, await res.clone().text()).toBe(status);
  return (await res.json()) as T;
}

/** An app on an audited store, with an admin, a researcher and a product owner signed in. */
async function setUp(store: AuditedStore) {
  const deps = makeDeps(store);
  await ensureAdmin(deps, ADMIN_PASSWORD);
  const app = createApp({ deps });
  const admin = await signInTo(app, 'admin', ADMIN_PASSWORD);
  const ids: Record<string, string> = { admin: (await store.findUserByLogin('admin'))!.id };
  for (const [login, role] of [
    ['rita', 'researcher'],
    ['paul', 'product-owner'],
  ] as const) {
    ids[login] = (await body<{ id: string }>(await sendTo(app, admin, 'POST', '/api/users', { login, role, password: `${login}-password` }), 201)).id;
  }
  const rita = await signInTo(app, 'rita', 'rita-password');
  const paul = await signInTo(app, 'paul', 'paul-password');
  const project = await body<Project>(await sendTo(app, admin, 'POST', '/api/projects', { name: 'Audit' }), 201);
  return { deps, app, admin, rita, paul, ids, projectId: project.id };
}

function upload(app: App, session: Session, path: string, name: string, text: string): Promise<Response> {
  const form = new FormData();
  form.append('files', new File([text], name));
  return Promise.resolve(app.request(path, { method: 'POST', headers: { cookie: session.cookie, 'x-csrf-token': session.csrf }, body: form }));
}

const pick = (e: AuditEntry) => `${e.kind} ${e.action} ${e.userId ?? '-'}`;

describe('audit trail through the HTTP API', () => {
  it('records every kind and action with the user who made it; admins only; JSON and CSV', async () => {
    const store = withAudit(new MemoryStore(), { log: new MemoryAuditLog(), currentActor });
    const { app, admin, rita, paul, ids, projectId } = await setUp(store);
    const P = `/api/projects/${projectId}`;

    const imported = await body<{ imported: { documentId: string }[] }>(await upload(app, rita, `${P}/documents/import`, 'interview.txt', 'I: Wie geht es?\nB: Gut, danke.\n'), 200);
    const docId = imported.imported[0]!.documentId;
    await body(await sendTo(app, rita, 'PATCH', `${P}/documents/${docId}`, { title: 'Interview 1', version: 1 }), 200);

    const code = await body<{ id: string }>(await sendTo(app, rita, 'POST', `${P}/codes`, { name: 'Befinden' }), 201);
    await body(await sendTo(app, rita, 'PATCH', `${P}/codes/${code.id}`, { colour: '#123456', version: 1 }), 200);
    const seg = await body<{ id: string }>(await sendTo(app, rita, 'POST', `${P}/segments`, { documentId: docId, codeId: code.id, start: 0, end: 5 }), 201);
    await body(await sendTo(app, rita, 'PATCH', `${P}/segments/${seg.id}`, { end: 8, version: 1 }), 200);
    await body(await sendTo(app, rita, 'DELETE', `${P}/segments/${seg.id}?version=2`), 200);

    const memo = await body<{ id: string }>(await sendTo(app, rita, 'POST', `${P}/memos`, { target: { type: 'document', id: docId }, text: 'Notiz' }), 201);
    await body(await sendTo(app, rita, 'PATCH', `${P}/memos/${memo.id}`, { text: 'Notiz 2', version: 1 }), 200);
    await body(await sendTo(app, rita, 'DELETE', `${P}/memos/${memo.id}?version=2`), 200);

    const set = await body<{ id: string }>(await sendTo(app, admin, 'POST', `${P}/sets`, { name: 'Alle', definition: { type: 'members', documentIds: [docId] } }), 201);
    await body(await sendTo(app, admin, 'PATCH', `${P}/sets/${set.id}`, { name: 'Alle Interviews', version: 1 }), 200);
    await body(await sendTo(app, admin, 'DELETE', `${P}/sets/${set.id}?version=2`), 200);

    await body(await sendTo(app, paul, 'POST', `${P}/forms/import`, { id: 'neu', title: 'Neu', sections: [{ id: 's', title: 'S', fields: [{ id: 'a', label: 'A', type: 'checkbox', captures: [] }] }] }), 201);

    await body(await sendTo(app, rita, 'POST', `${P}/codes/${code.id}/delete`, { version: 2, segments: { action: 'delete' }, children: 'lift' }), 200);
    await body(await sendTo(app, admin, 'DELETE', `${P}/documents/${docId}?version=2`), 200);

    // Admin only.
    for (const s of [rita, paul]) expect((await sendTo(app, s, 'GET', `${P}/audit`)).status).toBe(403);
    expect((await sendTo(app, undefined, 'GET', `${P}/audit`)).status).toBe(401);

    const { entries } = await body<{ entries: AuditEntry[] }>(await sendTo(app, admin, 'GET', `${P}/audit`), 200);
    const { rita: r, admin: a, paul: p } = { rita: ids['rita'], admin: ids['admin'], paul: ids['paul'] };
    expect(entries.map(pick)).toEqual([
      `document created ${r}`,
      `document changed ${r}`,
      `code created ${r}`,
      `code changed ${r}`,
      `segment created ${r}`,
      `segment changed ${r}`,
      `segment deleted ${r}`,
      `memo created ${r}`,
      `memo changed ${r}`,
      `memo deleted ${r}`,
      `set created ${a}`,
      `set changed ${a}`,
      `set deleted ${a}`,
      `project changed ${p}`,
      `form created ${p}`,
      `code deleted ${r}`,
      `document deleted ${a}`,
    ]);
    expect(entries.find((e) => e.kind === 'project')).toMatchObject({ id: projectId, fields: ['forms'] });
    expect(entries.find((e) => e.kind === 'form')).toMatchObject({ id: 'neu' });
    expect(entries.find((e) => e.kind === 'segment')).toMatchObject({ id: seg.id, version: 1, projectId });
    expect(entries.every((e) => !Number.isNaN(Date.parse(e.at)))).toBe(true);

    // Filters.
    const onlyMemos = await body<{ entries: AuditEntry[] }>(await sendTo(app, admin, 'GET', `${P}/audit?kind=memo`), 200);
    expect(onlyMemos.entries.map((e) => e.action)).toEqual(['created', 'changed', 'deleted']);
    const byAdmin = await body<{ entries: AuditEntry[] }>(await sendTo(app, admin, 'GET', `${P}/audit?userId=${a}&limit=2`), 200);
    expect(byAdmin.entries.map(pick)).toEqual([`set created ${a}`, `set changed ${a}`]);
    const future = await body<{ entries: AuditEntry[] }>(await sendTo(app, admin, 'GET', `${P}/audit?since=2999-01-01`), 200);
    expect(future.entries).toEqual([]);
    expect((await sendTo(app, admin, 'GET', `${P}/audit?kind=bogus`)).status).toBe(400);
    expect((await sendTo(app, admin, 'GET', '/api/projects/nope/audit')).status).toBe(404);

    const csv = await sendTo(app, admin, 'GET', `${P}/audit?format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const text = await csv.text();
    const lines = text.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines[0]).toBe('at,user,kind,id,action,version,fields,restored,name,role,detail,change,step,target');
    expect(lines).toHaveLength(entries.length + 1);
    expect(lines[1]).toBe(`${entries[0]!.at},${r},document,${docId},created,1,,,,,,${entries[0]!.change ?? ''},,`);
    expect(lines.find((l) => l.includes(',project,'))).toContain(',forms,');
  });

  it('concurrent requests of different users each get their own user (the context does not leak)', async () => {
    const store = withAudit(new MemoryStore(), { log: new MemoryAuditLog(), currentActor });
    const { app, admin, rita, ids, projectId } = await setUp(store);
    const made = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const who = i % 2 === 0 ? 'rita' : 'admin';
        const code = await body<{ id: string }>(await sendTo(app, who === 'rita' ? rita : admin, 'POST', `/api/projects/${projectId}/codes`, { name: `Code ${i}` }), 201);
        return [code.id, ids[who]] as const;
      }),
    );
    const entries = await store.listAudit(projectId, { kind: 'code', limit: 100 });
    expect(entries).toHaveLength(20);
    expect(new Map(entries.map((e) => [e.id, e.userId]))).toEqual(new Map(made));
  });

  it('without the decorator the app still works and the audit route answers 404', async () => {
    const deps = makeDeps(new MemoryStore());
    await ensureAdmin(deps, ADMIN_PASSWORD);
    const app = createApp({ deps });
    const admin = await signInTo(app, 'admin', ADMIN_PASSWORD);
    const project = await body<Project>(await sendTo(app, admin, 'POST', '/api/projects', { name: 'Ohne' }), 201);
    await body(await sendTo(app, admin, 'POST', `/api/projects/${project.id}/codes`, { name: 'A' }), 201);
    expect((await sendTo(app, admin, 'GET', `/api/projects/${project.id}/audit`)).status).toBe(404);
  });
});

describe('audit entries from a ChangeSet', () => {
  const base = { at: '2026-01-01T00:00:00.000Z', userId: 'u' };
  const project: Project = { id: 'p', name: 'P', description: '', language: 'de', created: base.at, crosswalk: [], version: 1 };

  it('derives requirement and form changes, the project fields, and restores', () => {
    const req = { id: 'r1', title: 'T' } as unknown as NonNullable<Project['requirements']>[number];
    const before: Project = { ...project, requirements: [req, { ...req, id: 'r2' }] };
    const after: Project = { ...project, version: 2, crosswalk: [], requirements: [{ ...req, title: 'T2' }, { ...req, id: 'r3' }] };
    const entries = auditEntries('p', { project: after }, before, base);
    expect(entries.map((e) => `${e.kind} ${e.id} ${e.action}`)).toEqual(['project p changed', 'requirement r1 changed', 'requirement r3 created', 'requirement r2 deleted']);
    expect(entries[0]!.fields).toEqual(['requirements']);

    const restored = auditEntries('p', { restore: true, codes: { put: [{ id: 'c', version: 7 } as never] } }, undefined, base);
    expect(restored).toEqual([{ ...base, projectId: 'p', kind: 'code', id: 'c', action: 'created', version: 7, restored: true }]);
  });

  it('an actor in the ChangeSet wins over the request context; a failed commit records nothing', async () => {
    const log = new MemoryAuditLog();
    const store = withAudit(new MemoryStore(), { log, currentActor: () => ({ userId: 'context' }) });
    const deps = makeDeps(store);
    const p = await createProject(deps, { name: 'X' });
    await store.commit(p.id, { actor: { userId: 'cli' }, codes: { put: [{ id: 'c1', name: 'A', parentId: null, order: 0, colour: '#000000', definition: {}, isCodable: true, version: 1 } as never] } });
    await store.commit(p.id, { codes: { delete: [{ id: 'c1', version: 1 }] } });
    await expect(store.commit(p.id, { codes: { delete: [{ id: 'c1', version: 1 }] } })).rejects.toThrow();
    expect((await store.listAudit(p.id, { limit: 100 })).map(pick)).toEqual(['code created cli', 'code deleted context']);
  });
});

describe('audit trail on the lowdb store', () => {
  it('is durable: the entries are in audit.jsonl and survive a reopen; a torn last line is skipped', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const open = async () => withAudit(await LowdbStore.open(dir), { log: new FileAuditLog(dir), currentActor });
      let store = await open();
      const { app, rita, ids, projectId } = await setUp(store);
      const code = await body<{ id: string }>(await sendTo(app, rita, 'POST', `/api/projects/${projectId}/codes`, { name: 'Dauerhaft' }), 201);
      await body(await sendTo(app, rita, 'PATCH', `/api/projects/${projectId}/codes/${code.id}`, { name: 'Dauerhaft 2', version: 1 }), 200);
      await store.close();

      const { appendFile } = await import('node:fs/promises');
      const { join } = await import('node:path');
      await appendFile(join(dir, 'projects', projectId, 'audit.jsonl'), '{"at":"2026-01-01T00:00:00.000Z","proj');

      store = await open();
      // A write after the torn line starts on a line of its own.
      await store.commit(projectId, { actor: { userId: 'cli' }, codes: { delete: [{ id: code.id, version: 2 }] } });
      await store.close();
      store = await open();
      const entries = await store.listAudit(projectId, { limit: 100 });
      expect(entries.map(pick)).toEqual([`code created ${ids['rita']}`, `code changed ${ids['rita']}`, 'code deleted cli']);
      expect(entries[0]).toMatchObject({ id: code.id, version: 1 });
      await store.close();
    } finally {
      await cleanup();
    }
  });
});
