/**
 * Load test on loopback: the real server process, N concurrent coders (each its own user and
 * session) applying codes as fast as they can for a fixed time. Afterwards every acknowledged
 * segment must be in the project exactly once, and no request may have had a 5xx.
 *
 *   node bin/run-ts.js bench/load.ts [--seconds 30] [--coders 20]
 *
 * Writes bench/out/load.json and prints a table. The reference is a raw fsync'd write of a file
 * of the project's size in the same run, so the ratio says how much the HTTP and store layers add.
 * The helpers are exported for tests/server/robustness (server start, sign-in, requests).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, open, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const ADMIN_PASSWORD = 'load-admin-passwort';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** SIGKILL the process and wait until it is gone. */
  kill: () => Promise<void>;
  /** SIGTERM and wait. */
  stop: () => Promise<void>;
}

/** Start `sichtbar serve --data DIR --port 0` and wait for its "runs at" line. */
export async function startServer(dataDir: string): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['bin/sichtbar.js', 'serve', '--data', dataDir, '--port', '0'], {
    cwd: ROOT,
    env: { ...process.env, SICHTBAR_ADMIN_PASSWORD: ADMIN_PASSWORD, NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 30_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const m = /runs at (http:\/\/[^\s]+)/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve((m[1] as string).replace(/\/$/, ''));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${stderr}`));
    });
  });
  const gone = (signal: NodeJS.Signals) => async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  };
  return { url, child, kill: gone('SIGKILL'), stop: gone('SIGTERM') };
}

/** A signed-in HTTP client against the real server. */
export interface Client {
  cookie: string;
  csrf: string;
  url: string;
}

export async function signIn(url: string, login: string, password: string): Promise<Client> {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password }) });
  if (res.status !== 200) throw new Error(`login ${login}: ${res.status} ${await res.text()}`);
  // By name: the response may set other cookies too.
  const session = res.headers.getSetCookie().find((c) => c.startsWith('sichtbar_session='));
  if (!session) throw new Error(`login ${login}: no session cookie`);
  const cookie = session.split(';')[0] ?? '';
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie, csrf: csrfToken, url };
}

/** A request with the session's cookie and CSRF header; a JSON body unless it is FormData. */
export function call(client: Client, method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { cookie: client.cookie, 'x-csrf-token': client.csrf };
  let payload: string | FormData | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  return fetch(`${client.url}${path}`, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
}

/** Call and demand a status; returns the parsed JSON body. */
export async function callOk<T>(client: Client, method: string, path: string, body: unknown, status: number): Promise<T> {
  const res = await call(client, method, path, body);
  const text = await res.text();
  if (res.status !== status) throw new Error(`${method} ${path}: expected ${status}, got ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

export const DOCUMENT_TEXT = `${'I: Wie war das Gespräch mit der Familie?\nFK: Also, ähm, die Atmosphäre war offen, wir haben Kaffee getrunken. '.repeat(20)}\n`;

/** A project with one document and one code, created through the API. */
export async function seedOverApi(admin: Client): Promise<{ projectId: string; documentId: string; codeId: string; length: number }> {
  const project = await callOk<{ id: string }>(admin, 'POST', '/api/projects', { name: 'Lasttest' }, 201);
  const form = new FormData();
  form.append('files', new Blob([DOCUMENT_TEXT], { type: 'text/plain' }), 'interview.txt');
  const imported = await callOk<{ imported: { documentId: string }[] }>(admin, 'POST', `/api/projects/${project.id}/documents/import`, form, 200);
  const documentId = imported.imported[0]?.documentId;
  if (!documentId) throw new Error('document import failed');
  const code = await callOk<{ id: string }>(admin, 'POST', `/api/projects/${project.id}/codes`, { name: 'Atmosphäre' }, 201);
  return { projectId: project.id, documentId, codeId: code.id, length: [...DOCUMENT_TEXT.trimEnd()].length };
}

/** The project's segment ids as the export holds them. */
export async function exportedSegmentIds(client: Client, projectId: string): Promise<string[]> {
  const exported = await callOk<{ segments: { id: string }[] }>(client, 'GET', `/api/projects/${projectId}/export`, undefined, 200);
  return exported.segments.map((s) => s.id);
}

export interface LoadResult {
  coders: number;
  seconds: number;
  acknowledged: number;
  stored: number;
  lost: number;
  duplicated: number;
  serverErrors: number;
  otherStatuses: Record<string, number>;
  writesPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  reference: { what: string; p50: number; p95: number };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Raw reference: write and fsync a file of `bytes` bytes, then rename it (what a durable store write costs at least). */
async function fsyncReference(dir: string, bytes: number, rounds = 50): Promise<{ p50: number; p95: number }> {
  const data = Buffer.alloc(bytes, 'x');
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    const f = await open(join(dir, 'ref.tmp'), 'w');
    await f.writeFile(data);
    await f.sync();
    await f.close();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

/** Run the whole load test in a fresh data directory; the server process is stopped afterwards. */
export async function runLoad(options: { seconds: number; coders: number }): Promise<LoadResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sichtbar-load-'));
  const server = await startServer(dataDir);
  try {
    const admin = await signIn(server.url, 'admin', ADMIN_PASSWORD);
    const seed = await seedOverApi(admin);
    const coders: Client[] = [];
    for (let i = 0; i < options.coders; i++) {
      const login = `coder${i}`;
      await callOk(admin, 'POST', '/api/users', { login, role: 'researcher', password: `passwort-${i}-lang` }, 201);
      coders.push(await signIn(server.url, login, `passwort-${i}-lang`));
    }
    const acknowledged: string[] = [];
    const latencies: number[] = [];
    const statuses: Record<string, number> = {};
    let serverErrors = 0;
    const deadline = Date.now() + options.seconds * 1000;
    const t0 = performance.now();
    await Promise.all(
      coders.map(async (coder, c) => {
        let n = 0;
        while (Date.now() < deadline) {
          // Every write of a coder is a new range: the same code on the same range would be a 409.
          const span = seed.length - 60;
          const start = (c * 7 + n) % span;
          const end = start + 1 + Math.floor(n / span);
          n++;
          const s = performance.now();
          const res = await call(coder, 'POST', `/api/projects/${seed.projectId}/segments`, { documentId: seed.documentId, codeId: seed.codeId, start, end });
          const text = await res.text();
          latencies.push(performance.now() - s);
          if (res.status === 201) acknowledged.push((JSON.parse(text) as { id: string }).id);
          else {
            statuses[res.status] = (statuses[res.status] ?? 0) + 1;
            if (res.status >= 500) serverErrors++;
          }
        }
      }),
    );
    const elapsed = (performance.now() - t0) / 1000;
    const ids = await exportedSegmentIds(admin, seed.projectId);
    const counts = new Map<string, number>();
    for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
    const lost = acknowledged.filter((id) => !counts.has(id)).length;
    const duplicated = [...counts.values()].filter((n) => n > 1).length;
    latencies.sort((a, b) => a - b);
    const projectBytes = (await stat(dataDir)).isDirectory() ? await dataSize(dataDir) : 0;
    const ref = await fsyncReference(dataDir, Math.max(projectBytes, 1024));
    return {
      coders: options.coders,
      seconds: options.seconds,
      acknowledged: acknowledged.length,
      stored: ids.length,
      lost,
      duplicated,
      serverErrors,
      otherStatuses: statuses,
      writesPerSecond: acknowledged.length / elapsed,
      latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), max: latencies.at(-1) ?? 0 },
      reference: { what: `raw write+fsync of ${Math.max(projectBytes, 1024)} bytes (the largest data file)`, ...ref },
    };
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Size of the largest .json file under the data directory (the project file a commit rewrites). */
async function dataSize(dir: string): Promise<number> {
  const { readdir } = await import('node:fs/promises');
  let largest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.json')) largest = Math.max(largest, (await stat(join(entry.parentPath, entry.name))).size);
  }
  return largest;
}

function argument(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

async function main(): Promise<void> {
  const seconds = argument('seconds', 30);
  const coders = argument('coders', 20);
  console.error(`load test: ${coders} coders × ${seconds} s on loopback …`);
  const result = await runLoad({ seconds, coders });
  await mkdir(join(ROOT, 'bench/out'), { recursive: true });
  await writeFile(join(ROOT, 'bench/out/load.json'), `${JSON.stringify({ date: new Date().toISOString(), node: process.version, ...result }, null, 2)}\n`);
  const f = (n: number): string => n.toFixed(1);
  const rows: [string, string][] = [
    ['coders × seconds', `${result.coders} × ${result.seconds}`],
    ['acknowledged writes (201)', String(result.acknowledged)],
    ['segments stored', String(result.stored)],
    ['lost / duplicated', `${result.lost} / ${result.duplicated}`],
    ['5xx answers', String(result.serverErrors)],
    ['other non-201 answers', JSON.stringify(result.otherStatuses)],
    ['writes/s', f(result.writesPerSecond)],
    ['latency p50 / p95 / p99 / max (ms)', `${f(result.latencyMs.p50)} / ${f(result.latencyMs.p95)} / ${f(result.latencyMs.p99)} / ${f(result.latencyMs.max)}`],
    ['reference', result.reference.what],
    ['reference p50 / p95 (ms)', `${f(result.reference.p50)} / ${f(result.reference.p95)}`],
    ['p95 ratio (write / reference)', f(result.latencyMs.p95 / Math.max(result.reference.p95, 0.001))],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  if (result.lost > 0 || result.duplicated > 0 || result.serverErrors > 0) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
