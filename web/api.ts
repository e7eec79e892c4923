import { hc } from 'hono/client';
import type { AppType } from '../server/http/app.js';

let csrfToken = '';

/** Remember the CSRF token from login or /api/auth/me; sent on every state-changing request. */
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

const fetchWithCsrf: typeof fetch = (input, init = {}) => {
  const method = (init.method ?? 'GET').toUpperCase();
  const headers = new Headers(init.headers);
  if (!['GET', 'HEAD', 'OPTIONS'].includes(method) && csrfToken) headers.set('x-csrf-token', csrfToken);
  return fetch(input, { ...init, headers, credentials: 'same-origin' });
};

/** The typed client: every call's path, input and output types come from the server's AppType. */
export function createClient(base = location.origin) {
  return hc<AppType>(base, { fetch: fetchWithCsrf });
}
export type Client = ReturnType<typeof createClient>;

/** The envelope's message of a failed response, or a generic one. */
export async function errorMessage(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: { message?: string } };
    return body.error?.message ?? `HTTP ${res.status}`;
  } catch {
    return `HTTP ${res.status}`;
  }
}
