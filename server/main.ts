import { serve as serveNode } from '@hono/node-server';
import { ensureAdmin } from './bootstrap.js';
import { readConfig } from './config.js';
import { createDemoProject } from './demo.js';
import { makeDeps } from './domain/deps.js';
import { createApp } from './http/app.js';
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
  const store = await LowdbStore.open(options.dataDir);
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
  return new Promise((resolve, reject) => {
    const server = serveNode({ fetch: app.fetch, port: options.port, hostname: options.host }, (info) => {
      const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${info.port}`;
      resolve({
        url,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => void store.close().then(done));
            (server as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      });
    });
    server.on('error', (e) => {
      void store.close();
      reject(e);
    });
  });
}
