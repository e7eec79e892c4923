import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD as PASSWORD, startServer } from '../../e2e/server.js';
import { pgTestSchema, TEST_DATABASE_URL } from '../helpers.js';

type Server = Awaited<ReturnType<typeof startServer>>;

async function call(server: Server, session: { cookie: string; csrf: string } | undefined, method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = {};
  if (session) Object.assign(headers, { cookie: session.cookie, 'x-csrf-token': session.csrf });
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${server.url}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
}

describe.skipIf(!TEST_DATABASE_URL)('two server processes on one PostgreSQL database', () => {
  let a: Server;
  let b: Server;
  let cleanup: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    const { url, schema, cleanup: dropSchema } = await pgTestSchema();
    const databaseUrl = `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    cleanup = [dropSchema];
    // One after the other: the first creates the schema and the admin, the second finds both.
    a = await startServer({ env: { SICHTBAR_DATABASE_URL: databaseUrl }, demo: false });
    b = await startServer({ env: { SICHTBAR_DATABASE_URL: databaseUrl }, demo: false });
  }, 120_000);

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    for (const c of cleanup) await c();
  });

  it('shares sessions, data and live change notices between the processes', async () => {
    const login = await call(a, undefined, 'POST', '/api/auth/login', { login: 'admin', password: PASSWORD });
    expect(login.status).toBe(200);
    const session = { cookie: (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '', csrf: ((await login.json()) as { csrfToken: string }).csrfToken };

    // The session made by A is valid at B: sessions live in the database.
    expect((await call(b, session, 'GET', '/api/auth/me')).status).toBe(200);
    expect(((await (await call(b, undefined, 'GET', '/api/health')).json()) as { store: string }).store).toBe('postgres');

    const created = await call(a, session, 'POST', '/api/projects', { name: 'Zwei Prozesse' });
    expect(created.status).toBe(201);
    const project = (await created.json()) as { id: string };

    // A client of B listens to the project's live events.
    const abort = new AbortController();
    const events = await fetch(`${b.url}/api/projects/${project.id}/events`, { headers: { cookie: session.cookie }, signal: abort.signal });
    expect(events.status).toBe(200);
    const reader = (events.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let received = '';
    const waitFor = async (pattern: RegExp): Promise<RegExpExecArray> => {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const m = pattern.exec(received);
        if (m) return m;
        if (Date.now() > deadline) throw new Error(`no ${pattern} in: ${received}`);
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended: ${received}`);
        received += decoder.decode(value, { stream: true });
      }
    };
    await waitFor(/event: ready/);

    // A change made through A …
    const code = await call(a, session, 'POST', `/api/projects/${project.id}/codes`, { name: 'Begrüßung' });
    expect(code.status).toBe(201);
    const codeId = ((await code.json()) as { id: string }).id;

    // … reaches B's client through LISTEN/NOTIFY, and B reads the same data.
    const change = await waitFor(/event: change\ndata: (\{[^\n]*\})/);
    expect(JSON.parse(change[1] as string)).toMatchObject({ kind: 'code', action: 'created', id: codeId });
    abort.abort();
    const { codes } = (await (await call(b, session, 'GET', `/api/projects/${project.id}/codes`)).json()) as { codes: { id: string; name: string }[] };
    expect(codes.map((c) => c.name)).toContain('Begrüßung');

    // Signing out at B ends the session at A too.
    expect((await call(b, session, 'POST', '/api/auth/logout')).status).toBe(200);
    expect((await call(a, session, 'GET', '/api/auth/me')).status).toBe(401);
  }, 60_000);

  it('counts failed logins across processes', async () => {
    for (let i = 0; i < 5; i++) {
      const server = i % 2 === 0 ? a : b;
      expect((await call(server, undefined, 'POST', '/api/auth/login', { login: 'niemand', password: 'falsch-falsch' })).status).toBe(401);
    }
    expect((await call(b, undefined, 'POST', '/api/auth/login', { login: 'niemand', password: 'falsch-falsch' })).status).toBe(429);
    expect((await call(a, undefined, 'POST', '/api/auth/login', { login: 'niemand', password: 'falsch-falsch' })).status).toBe(429);
  }, 60_000);
});
