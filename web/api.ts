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

export interface UploadResult {
  imported: { file: string; documentId: string; title: string; kind: string }[];
  failed: { file: string; error: string }[];
}

/**
 * Upload files with progress. fetch() cannot report upload progress, so this one call uses
 * XMLHttpRequest; its URL still comes from the typed client (`$url()`), so the route is checked.
 */
export function uploadWithProgress(url: URL | string, files: File[], kind: string, onProgress: (loaded: number, total: number) => void, options: { pseudonymise?: boolean } = {}): Promise<UploadResult> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const f of files) form.append('files', f, f.name);
    if (kind) form.append('kind', kind);
    // Replace the names of the project's pseudonym key before anything is stored (issue 9).
    if (options.pseudonymise) form.append('pseudonymise', 'true');
    const xhr = new XMLHttpRequest();
    xhr.open('POST', String(url));
    xhr.withCredentials = true;
    if (csrfToken) xhr.setRequestHeader('x-csrf-token', csrfToken);
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : files.reduce((n, f) => n + f.size, 0));
    xhr.onerror = () => reject(new Error('network error'));
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        reject(new Error(`HTTP ${xhr.status}`));
        return;
      }
      if (xhr.status === 200) resolve(body as UploadResult);
      else reject(new Error((body as { error?: { message?: string } }).error?.message ?? `HTTP ${xhr.status}`));
    };
    xhr.send(form);
  });
}

/** The HTTP failure of one API call, with the server's envelope message. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** On a 409: the entity as it is now on the server (the envelope's `current`). */
    readonly current?: unknown,
  ) {
    super(message);
  }
}

/** The body of a successful response, or an ApiFailure with the envelope's message. */
export async function ok<T>(res: Response | Promise<Response>): Promise<T> {
  const r = await res;
  if (r.ok) return (await r.json()) as T;
  let message = `HTTP ${r.status}`;
  let current: unknown;
  try {
    const error = ((await r.json()) as { error?: { message?: string; current?: unknown; issues?: { path?: (string | number)[]; message: string }[] } }).error;
    current = error?.current;
    message = error?.message ?? message;
    // Name the field a validation error is about (e.g. sections.0.fields.2.options).
    const issue = error?.issues?.[0];
    if (issue) message = `${message} (${(issue.path ?? []).join('.')}: ${issue.message})`;
  } catch {
    // not JSON: keep the status
  }
  throw new ApiFailure(r.status, message, current);
}
