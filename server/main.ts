import { serve as serveNode } from '@hono/node-server';
import { ensureAdmin } from './bootstrap.js';
import { readConfig } from './config.js';
import { createDemoProject } from './demo.js';
import { makeDeps } from './domain/deps.js';
import { startSnapshots } from './export/backup.js';
import { createApp } from './http/app.js';
import { currentActor } from './http/request-context.js';
import { openBackend } from './storage/open-store.js';
import { buildWeb } from './web-build.js';

export interface ServeOptions {
  dataDir: string;
  port: number;
  host: string;
  /** Create the demo project when the data directory has no project yet (npm start). */
  demoIfEmpty: boolean;
  log: (line: string) => void;
}

/** Wiring only: open the store, make sure an admin exists, build the app, listen. */
export async function serve(options: ServeOptions): Promise<{ url: string; close: () => Promise<void> }> {
  const config = readConfig();
  // The audit trail wraps the store: every commit is recorded with the request's user (issue 9).
  // With SICHTBAR_DATABASE_URL the data, sessions and live notices live in PostgreSQL (issue 10).
  const backend = await openBackend({ dataDir: options.dataDir, databaseUrl: config.SICHTBAR_DATABASE_URL }, currentActor);
  const { store } = backend;
  // The pseudonym keys live apart from the project data: data/keys/<projectId>.json, or their own
  // table in PostgreSQL (issue 9, item 1).
  const deps = makeDeps(store, { pseudonymKeys: backend.pseudonymKeys });
  try {
    const admin = await ensureAdmin(deps, config.SICHTBAR_ADMIN_PASSWORD);
    if (admin.password) options.log(`Created user "admin" with password: ${admin.password}  (shown once; set SICHTBAR_ADMIN_PASSWORD to choose it)`);
    else if (admin.created) options.log('Created user "admin" with the password from SICHTBAR_ADMIN_PASSWORD.');
    if (options.demoIfEmpty && (await store.listProjects()).length === 0) {
      const demo = await createDemoProject(deps);
      options.log(`Created the demo project: ${demo.documents} documents, ${demo.segments} coded segments.`);
    }
  } catch (e) {
    await backend.close();
    throw e;
  }
  const web = await buildWeb();
  if (web.built) options.log('Built the web UI bundle.');
  const webRoot = web.dir;
  const app = createApp({
    deps,
    secureCookies: config.SICHTBAR_SECURE_COOKIES,
    webRoot,
    ...(backend.sessions ? { sessions: backend.sessions } : {}),
    ...(backend.loginLimits ? { loginLimits: backend.loginLimits } : {}),
    ...(backend.bus ? { bus: backend.bus } : {}),
  });
  // Snapshots are for the embedded store; PostgreSQL is backed up with its own tools (pg_dump).
  const snapshots = startSnapshots(deps, options.dataDir, { minutes: backend.embedded ? config.SICHTBAR_SNAPSHOT_MINUTES : 0, keep: config.SICHTBAR_SNAPSHOTS_KEEP, log: options.log });
  return new Promise((resolve, reject) => {
    const server = serveNode({ fetch: app.fetch, port: options.port, hostname: options.host }, (info) => {
      const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${info.port}`;
      resolve({
        url,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => void snapshots.stop().then(() => backend.close()).then(done));
            (server as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      });
    });
    server.on('error', (e) => {
      void snapshots.stop().then(() => backend.close());
      reject(e);
    });
  });
}
