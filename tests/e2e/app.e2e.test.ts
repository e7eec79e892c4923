import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, launchBrowser, startServer } from './server.js';

describe('the app in a real browser against a real server', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    page = await browser.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('rejects a wrong password, then signs in and lists the demo project', async () => {
    await page.goto(server.url);
    await page.getByLabel('Anmeldename').fill('admin');
    await page.getByLabel('Passwort').fill('falsch-falsch');
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('wrong login name or password');
    await page.getByLabel('Passwort').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.getByRole('heading', { name: 'Projekte' }).waitFor();
    expect(await page.getByRole('link', { name: /Demo: Relevanzmarkierungen/ }).count()).toBe(1);
  });

  it('opens the project: the corpus table with segment counts, then the code tree', async () => {
    await page.getByRole('link', { name: /Demo: Relevanzmarkierungen/ }).click();
    await page.locator('sb-corpus-view table').waitFor();
    expect(page.url()).toMatch(/\/projects\/[0-9a-f-]+\/corpus$/);
    expect(await page.locator('sb-corpus-view tbody tr').count()).toBe(27);
    await page.getByRole('link', { name: 'Kodieren' }).click();
    await page.getByRole('tree').waitFor();
    expect(await page.getByRole('treeitem', { name: 'Relevanzmarkierungen in der Beratung' }).count()).toBe(1);
  });

  it('keeps the view across a reload and back/forward, and switches to English', async () => {
    await page.reload();
    await page.getByRole('tree').waitFor();
    await page.goBack();
    await page.locator('sb-corpus-view table').waitFor();
    await page.goForward();
    await page.getByRole('tree').waitFor();
    await page.getByLabel('Sprache').selectOption('en');
    await page.getByRole('heading', { name: 'Code system' }).waitFor();
    expect(await page.getByRole('link', { name: 'Segments' }).count()).toBe(1);
  });

  it('stored everything in the lowdb files of the data directory, with no console errors', async () => {
    const projects = await readdir(join(server.dataDir, 'projects'));
    expect(projects.length).toBe(1);
    const segmentFiles = await readdir(join(server.dataDir, 'projects', projects[0]!, 'segments'));
    expect(segmentFiles.length).toBeGreaterThanOrEqual(4);
    expect(consoleErrors.filter((e) => !e.includes('401'))).toEqual([]);
  });
});
