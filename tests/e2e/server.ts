import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const ADMIN_PASSWORD = 'e2e-admin-passwort';

/** Options of one server process (defaults: a fresh data directory with the demo project). */
export interface ServerOptions {
  /** Extra environment (SICHTBAR_DATABASE_URL for PostgreSQL, say). */
  env?: Record<string, string>;
  /** Create the demo project when the store is empty (default true). */
  demo?: boolean;
}

/** Start `sichtbar serve` on a free port in a fresh data directory. */
export async function startServer(options: ServerOptions = {}): Promise<{ url: string; dataDir: string; stop: () => Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sichtbar-e2e-'));
  const args = ['bin/sichtbar.js', 'serve', '--data', dataDir, '--port', '0', ...(options.demo === false ? [] : ['--demo-if-empty'])];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, SICHTBAR_ADMIN_PASSWORD: ADMIN_PASSWORD, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 60_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const m = /runs at (http:\/\/[^\s]+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${err}`));
    });
  });
  return {
    url,
    dataDir,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Sign in through the login form and wait for the project list. */
export async function signInAs(page: Page, url: string, login = 'admin', password = ADMIN_PASSWORD): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Anmeldename').fill(login);
  await page.getByLabel('Passwort').fill(password);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.getByRole('heading', { name: 'Projekte' }).waitFor();
}

/** Sign in as admin and open the demo project's corpus; returns the project's base URL. */
export async function openDemoProject(page: Page, url: string): Promise<string> {
  await signInAs(page, url);
  await page.getByRole('link', { name: /Demo: Relevanzmarkierungen/ }).click();
  await page.locator('sb-corpus-view table').waitFor();
  return page.url().replace(/\/corpus$/, '');
}
