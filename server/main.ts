import { serve as serveNode } from '@hono/node-server';
import { ensureAdmin } from './bootstrap.js';
import { readConfig } from './config.js';
import { createDemoProject } from './demo.js';
import { withAudit } from './domain/audit.js';
import { makeDeps } from './domain/deps.js';
import { startSnapshots } from './export/backup.js';
import { createApp } from './http/app.js';
import { currentActor } from './http/request-context.js';
import { FileAuditLog } from './storage/audit-log.js';
import { LowdbStore } from './storage/lowdb-store.js';
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
  const store = withAudit(await LowdbStore.open(options.dataDir), { log: new FileAuditLog(options.dataDir), currentActor });
  const deps = makeDeps(store);
  try {
    const admin = await ensureAdmin(deps, config.SICHTBAR_ADMIN_PASSWORD);
    if (admin.password) options.log(`Created user "admin" with password: ${admin.password}  (shown once; set SICHTBAR_ADMIN_PASSWORD to choose it)`);
    else if (admin.created) options.log('Created user "admin" with the password from SICHTBAR_ADMIN_PASSWORD.');
    if (options.demoIfEmpty && (await store.listProjects()).length === 0) {
      const demo = await createDemoProject(deps);
      options.log(`Created the demo project: ${demo.documents} documents, ${demo.segments} coded segments.`);
    }
  } catch (e) {
    await store.close();
    throw e;
  }
  const web = await buildWeb();
  if (web.built) options.log('Built the web UI bundle.');
  const webRoot = web.dir;
  const app = createApp({ deps, secureCookies: config.SICHTBAR_SECURE_COOKIES, webRoot });
  const snapshots = startSnapshots(deps, options.dataDir, { minutes: config.SICHTBAR_SNAPSHOT_MINUTES, keep: config.SICHTBAR_SNAPSHOTS_KEEP, log: options.log });
  return new Promise((resolve, reject) => {
    const server = serveNode({ fetch: app.fetch, port: options.port, hostname: options.host }, (info) => {
      const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${info.port}`;
      resolve({
        url,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => void snapshots.stop().then(() => store.close()).then(done));
            (server as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      });
    });
    server.on('error', (e) => {
      void snapshots.stop().then(() => store.close());
      reject(e);
    });
  });
}
