import { expect } from 'vitest';
import { runCli, type CliIO } from '../../server/cli.js';
import type { App } from '../../server/http/app.js';

/** A signed-in client: the session cookie and the CSRF token. */
export interface Session {
  cookie: string;
  csrf: string;
}

/** Sign in through the real login route (from 127.0.0.1, as the rate limit keys by address). */
export async function signInTo(app: App, login: string, password: string): Promise<Session> {
  const res = await app.request(
    '/api/auth/login',
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password }) },
    { incoming: { socket: { remoteAddress: '127.0.0.1' } } },
  );
  expect(res.status).toBe(200);
  return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '', csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

/** A request with the session's cookie and CSRF header and an optional JSON body. */
export function sendTo(app: App, session: Session | undefined, method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = {};
  if (session) {
    headers['cookie'] = session.cookie;
    headers['x-csrf-token'] = session.csrf;
  }
  if (body !== undefined) headers['content-type'] = 'application/json';
  return Promise.resolve(app.request(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) }));
}

/** Run the CLI with captured stdout and stderr (and a given stdin). */
export async function runCliCaptured(args: string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), stdin: async () => stdin };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

/** stdout must be exactly one pretty-printed JSON value and a newline, nothing else. */
export function onlyJson<T>(stdout: string): T {
  const value = JSON.parse(stdout) as T;
  expect(stdout).toBe(`${JSON.stringify(value, null, 2)}\n`);
  return value;
}
