import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { Hono } from 'hono';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** Serves the built web UI; any other path gets index.html so client-side URLs survive a reload. */
export function webRoutes(root: string) {
  const base = normalize(root);
  return new Hono().get('*', async (c) => {
    const rel = decodeURIComponent(c.req.path).replace(/^\/+/, '');
    const full = normalize(join(base, rel));
    const inside = full === base || full.startsWith(base + sep);
    const ext = extname(full);
    if (inside && rel !== '' && TYPES[ext]) {
      try {
        const body = await readFile(full);
        // Bundles carry a content hash in their name (app-XXXX.js): cache them for good.
        const hashed = /-[A-Z0-9]{8,}\.(js|css|js\.map)$/i.test(rel);
        return c.body(body, 200, {
          'content-type': TYPES[ext] as string,
          'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
        });
      } catch {
        if (ext !== '.html') return c.text('not found', 404);
      }
    }
    try {
      return c.html(await readFile(join(base, 'index.html'), 'utf8'), 200, { 'cache-control': 'no-cache' });
    } catch {
      return c.text('The web UI is not built: run npm run build:web', 503);
    }
  });
}
