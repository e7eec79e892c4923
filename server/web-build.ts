import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ROOT } from './demo.js';

/** Newest modification time (ms) of the files under `dir` whose names pass `keep`. */
async function newestMtime(dir: string, keep: (name: string) => boolean): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, await newestMtime(full, keep));
    else if (keep(entry.name)) newest = Math.max(newest, (await stat(full)).mtimeMs);
  }
  return newest;
}

interface Manifest {
  builtFrom: number;
  script: string;
}

/**
 * Bundle the Lit UI (web/main.ts) into web/dist when the bundle is missing or older than its
 * sources (web/ and server/schemas/). The bundle gets a content hash in its name, so the server can
 * let browsers cache it for good; index.html is written to point at it.
 */
export async function buildWeb(root = ROOT, options: { force?: boolean } = {}): Promise<{ dir: string; built: boolean }> {
  const out = join(root, 'web', 'dist');
  const sources = Math.max(
    await newestMtime(join(root, 'web'), (n) => /\.(ts|html|css)$/.test(n)),
    await newestMtime(join(root, 'server', 'schemas'), (n) => n.endsWith('.ts')),
    (await stat(join(root, 'package-lock.json')).catch(() => ({ mtimeMs: 0 }))).mtimeMs,
  );
  if (!options.force) {
    try {
      const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as Manifest;
      await stat(join(out, manifest.script));
      if (manifest.builtFrom >= sources) return { dir: out, built: false };
    } catch {
      // missing or unreadable: build
    }
  }
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const result = await build({
    entryPoints: { app: join(root, 'web', 'main.ts') },
    bundle: true,
    format: 'esm',
    target: 'es2022',
    outdir: out,
    entryNames: '[name]-[hash]',
    sourcemap: true,
    minify: true,
    metafile: true,
    logLevel: 'silent',
    tsconfigRaw: { compilerOptions: { useDefineForClassFields: false, experimentalDecorators: false } },
  });
  const script = Object.keys(result.metafile.outputs)
    .map((p) => p.split('/').pop() as string)
    .find((n) => /^app-[A-Z0-9]+\.js$/i.test(n));
  if (!script) throw new Error('esbuild produced no app bundle');
  const index = (await readFile(join(root, 'web', 'index.html'), 'utf8')).replace('src="/app.js"', `src="/${script}"`);
  await writeFile(join(out, 'index.html'), index);
  const manifest: Manifest = { builtFrom: sources, script };
  await writeFile(join(out, 'manifest.json'), JSON.stringify(manifest));
  return { dir: out, built: true };
}
