import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureAdmin } from '../../../server/bootstrap.js';
import { makeDeps, type Deps } from '../../../server/domain/deps.js';
import type { ChangeNotice } from '../../../server/domain/events.js';
import { createUser } from '../../../server/domain/users.js';
import { createApp } from '../../../server/http/app.js';
import type { DocumentSet } from '../../../server/schemas/document-set.js';
import type { Segment } from '../../../server/schemas/segment.js';
import { MemoryStore } from '../../../server/storage/memory-store.js';
import { makeFixture, type Fixture } from './fixture.js';
import { sendTo, signInTo, type Session } from '../support.js';

type App = ReturnType<typeof createApp>;

let deps: Deps;
let app: App;
let admin: Session;
let ria: Session;
let rob: Session;
let f: Fixture;
const open: ReadableStreamDefaultReader<Uint8Array>[] = [];

const signIn = (name: string, password: string): Promise<Session> => signInTo(app, name, password);

const send = (session: Session | undefined, method: string, path: string, body?: unknown): Promise<Response> => sendTo(app, session, method, path, body);

/** An SSE client: parses events off the response body. */
class Client {
  private buffer = '';
  private readonly decoder = new TextDecoder();
  constructor(private readonly reader: ReadableStreamDefaultReader<Uint8Array>) {}

  static async connect(session: Session): Promise<Client> {
    const res = await send(session, 'GET', `/api/projects/${f.projectId}/events`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    open.push(reader);
    const client = new Client(reader);
    expect((await client.next()).event).toBe('ready');
    return client;
  }

  async next(timeoutMs = 1000): Promise<{ event: string; data: string }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
        const data = [...block.matchAll(/^data: ?(.*)$/gm)].map((m) => m[1]).join('\n');
        return { event, data };
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timeout');
      const chunk = await Promise.race([this.reader.read(), new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), left))]);
      if (chunk === 'timeout') throw new Error('timeout');
      if (chunk.done) throw new Error('closed');
      this.buffer += this.decoder.decode(chunk.value, { stream: true });
    }
  }

  async change(timeoutMs?: number): Promise<ChangeNotice> {
    for (;;) {
      const e = await this.next(timeoutMs);
      if (e.event === 'change') return JSON.parse(e.data) as ChangeNotice;
    }
  }
}

beforeAll(async () => {
  deps = makeDeps(new MemoryStore());
  await ensureAdmin(deps, 'admin-password-1');
  await createUser(deps, { login: 'ria', role: 'researcher', password: 'ria-password-1' });
  await createUser(deps, { login: 'rob', role: 'researcher', password: 'rob-password-1' });
  f = await makeFixture({ deps, docCount: 2, length: 100, codes: ['A'], coders: ['ria', 'rob'] });
  app = createApp({ deps });
  admin = await signIn('admin', 'admin-password-1');
  ria = await signIn('ria', 'ria-password-1');
  rob = await signIn('rob', 'rob-password-1');
});

afterEach(async () => {
  for (const r of open.splice(0)) await r.cancel();
});

describe('GET /events (Server-Sent Events)', () => {
  it('401 without a session, 404 for an unknown project', async () => {
    expect((await send(undefined, 'GET', `/api/projects/${f.projectId}/events`)).status).toBe(401);
    expect((await send(ria, 'GET', `/api/projects/nope/events`)).status).toBe(404);
  });

  it('two clients see each other’s segment changes with versions', async () => {
    const a = await Client.connect(ria);
    const b = await Client.connect(rob);
    const created = await send(ria, 'POST', `/api/projects/${f.projectId}/segments`, { documentId: f.docs[0], codeId: f.codes['A'], start: 1, end: 9 });
    expect(created.status).toBe(201);
    const segment = (await created.json()) as Segment;
    for (const c of [a, b]) {
      expect(await c.change()).toMatchObject({ kind: 'segment', action: 'created', id: segment.id, version: 1, documentId: f.docs[0], coder: segment.coder, by: segment.coder });
    }
    const changed = await send(rob, 'PATCH', `/api/projects/${f.projectId}/segments/${segment.id}`, { memo: 'x', version: 1 });
    // rob may not change ria's segment: 403, and nobody hears of it.
    expect(changed.status).toBe(403);
    const patched = await send(ria, 'PATCH', `/api/projects/${f.projectId}/segments/${segment.id}`, { memo: 'ok', version: 1 });
    expect(patched.status).toBe(200);
    expect(await b.change()).toMatchObject({ kind: 'segment', action: 'changed', id: segment.id, version: 2 });
    expect(await a.change()).toMatchObject({ action: 'changed', version: 2 });
    // A stale version is a 409 for the later writer; no notice.
    expect((await send(ria, 'PATCH', `/api/projects/${f.projectId}/segments/${segment.id}`, { memo: 'late', version: 1 })).status).toBe(409);
    expect((await send(ria, 'DELETE', `/api/projects/${f.projectId}/segments/${segment.id}?version=2`)).status).toBe(200);
    for (const c of [a, b]) expect(await c.change()).toMatchObject({ kind: 'segment', action: 'deleted', id: segment.id, version: 2, documentId: f.docs[0] });
    const code = await send(rob, 'POST', `/api/projects/${f.projectId}/codes`, { name: 'Neu' });
    expect(code.status).toBe(201);
    const codeId = ((await code.json()) as { id: string }).id;
    for (const c of [a, b]) expect(await c.change()).toMatchObject({ kind: 'code', action: 'created', id: codeId, version: 1 });
    // Other writes say "reload this resource".
    expect((await send(rob, 'POST', `/api/projects/${f.projectId}/sets`, { name: 'Neu', definition: { type: 'members', documentIds: [] } })).status).toBe(201);
    for (const c of [a, b]) expect(await c.change()).toMatchObject({ kind: 'project', action: 'changed', resource: 'sets' });
  });

  it('independent mode: other coders do not hear of segments in sealed documents', async () => {
    const created = await send(ria, 'POST', `/api/projects/${f.projectId}/sets`, { name: 'Blind', definition: { type: 'members', documentIds: [f.docs[1]] } });
    const set = (await created.json()) as DocumentSet;
    expect((await send(admin, 'PUT', `/api/projects/${f.projectId}/sets/${set.id}/mode`, { independent: true, version: set.version })).status).toBe(200);
    const a = await Client.connect(ria);
    const b = await Client.connect(rob);
    const hidden = await send(ria, 'POST', `/api/projects/${f.projectId}/segments`, { documentId: f.docs[1], codeId: f.codes['A'], start: 1, end: 9 });
    expect(hidden.status).toBe(201);
    expect(await a.change()).toMatchObject({ kind: 'segment', documentId: f.docs[1] });
    // rob's next notice is about his own segment in the open document, not ria's hidden one.
    await send(rob, 'POST', `/api/projects/${f.projectId}/segments`, { documentId: f.docs[0], codeId: f.codes['A'], start: 20, end: 30 });
    const n = await b.change();
    expect(n).toMatchObject({ kind: 'segment', documentId: f.docs[0] });
    expect(n.by).not.toBe((await deps.store.findUserByLogin('ria'))!.id);
  });
});
