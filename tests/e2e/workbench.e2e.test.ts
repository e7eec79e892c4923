import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openDemoProject, startServer } from './server.js';

/** The coding workbench end to end: real server, real browser, real files. */
describe('the coding workbench', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let browser: Browser;
  let page: Page;
  let projectUrl = '';
  const dialogs: string[] = [];

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const context = await browser.newContext({ acceptDownloads: true });
    page = await context.newPage();
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    projectUrl = await openDemoProject(page, server.url);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('opens a document from the corpus, codes a selection with the keyboard, and keeps it across a reload', async () => {
    await page.locator('sb-corpus-view').getByRole('button', { name: /Beobachtung 01/ }).click();
    await page.locator('sb-document-view').waitFor();
    expect(page.url()).toMatch(/\/coding\/[0-9a-f-]+$/);
    // Select a stretch of the first paragraph with the mouse, as a user would.
    const paragraph = page.locator('sb-document-view').getByText(/Die offene Sprechstunde im SRB Bleckede/).first();
    const box = (await paragraph.boundingBox())!;
    // Along the first line of the paragraph.
    await page.mouse.move(box.x + 2, box.y + 8);
    await page.mouse.down();
    await page.mouse.move(box.x + Math.min(220, box.width - 4), box.y + 8, { steps: 5 });
    await page.mouse.up();
    await page.keyboard.press('c');
    const search = page.getByRole('dialog').getByLabel('Codename');
    await search.fill('Getränke');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Getränke anbieten');
    // The demo coders' segments are there too; ours is the one by "Administration".
    const mine = 'sb-document-view .stripe[aria-label*="Getränke anbieten"][aria-label*="Administration"]';
    await expect.poll(() => page.locator(mine).count()).toBe(1);
    await page.reload();
    await page.locator('sb-document-view').waitFor();
    await expect.poll(() => page.locator(mine).count()).toBe(1);
  });

  it('undoes the coding with Ctrl+Z and redoes it with Ctrl+Shift+Z (issue 9)', async () => {
    const mine = 'sb-document-view .stripe[aria-label*="Getränke anbieten"][aria-label*="Administration"]';
    const undo = page.locator('sb-workbench button.undo');
    await expect.poll(() => undo.getAttribute('aria-label')).toBe('Rückgängig: Kodierung »Getränke anbieten« gesetzt (Strg+Z)');
    await page.locator('sb-document-view').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.locator(mine).count()).toBe(0);
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Rückgängig gemacht: Kodierung »Getränke anbieten« gesetzt');
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => page.locator(mine).count()).toBe(1);
    // Still there after a reload: the redo was written, not only shown.
    await page.reload();
    await page.locator('sb-document-view').waitFor();
    await expect.poll(() => page.locator(mine).count()).toBe(1);
  });

  it('finds the segment in the segment list and exports the list as CSV', async () => {
    await page.getByRole('link', { name: 'Segmente' }).click();
    await page.locator('sb-segment-list').waitFor();
    await page.locator('sb-segment-list').getByRole('checkbox', { name: /Getränke anbieten/ }).check();
    await expect.poll(() => page.url()).toContain('codes=');
    const entry = page.locator('sb-segment-list').getByRole('button').filter({ hasText: 'Kodierer·in: Administration' });
    await expect.poll(() => entry.count()).toBeGreaterThanOrEqual(1);
    const download = page.waitForEvent('download');
    await page.locator('sb-segment-list').getByRole('button', { name: 'Als CSV exportieren' }).click();
    const file = await (await download).path();
    const csv = await readFile(file, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toContain('Getränke anbieten');
    const ours = csv.split('\r\n').filter((l) => l.includes(',Administration,'));
    expect(ours.length).toBe(1);
    expect(ours[0]).toContain(',Getränke anbieten,');
    expect(ours[0]).toMatch(/,Administration,0,\d+,Die offene/);
    // A click jumps to the place in the document.
    await entry.first().click();
    await page.locator('sb-document-view').waitFor();
    expect(page.url()).toMatch(/\/coding\/[0-9a-f-]+\?start=\d+&end=\d+$/);
  });

  it('shows hostile text in a title, a code name and a memo as text, running nothing', async () => {
    const payload = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    const projectId = projectUrl.split('/projects/')[1]!;
    // Create the hostile data through the API with the browser's own session.
    await page.evaluate(
      async ({ projectId, payload }) => {
        const me = await (await fetch('/api/auth/me')).json();
        const headers = { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken };
        const form = new FormData();
        form.append('files', new File([`---\ntitle: '${payload}'\nkind: other\n---\nText mit ${payload} darin.`], 'boese.md'));
        await fetch(`/api/projects/${projectId}/documents/import`, { method: 'POST', body: form, headers: { 'x-csrf-token': me.csrfToken } });
        await fetch(`/api/projects/${projectId}/codes`, { method: 'POST', headers, body: JSON.stringify({ name: `Code ${payload}` }) });
        await fetch(`/api/projects/${projectId}/memos`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ target: { type: 'project' }, title: payload, text: `${payload}\n\n[klick](javascript:window.__pwned=3)` }),
        });
      },
      { projectId, payload },
    );
    await page.goto(`${projectUrl}/corpus`);
    await page.locator('sb-corpus-view').getByText(payload).first().waitFor();
    await page.goto(`${projectUrl}/coding`);
    await page.locator('sb-code-tree').getByText(`Code ${payload}`).waitFor();
    await page.goto(`${projectUrl}/memos`);
    await page.locator('sb-memo-list').getByText(payload).first().waitFor();
    const link = page.locator('sb-memo-list a', { hasText: 'klick' });
    if ((await link.count()) > 0) expect(await link.first().getAttribute('href')).toBeNull();
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('sb-memo-list img, sb-corpus-view img, sb-code-tree img').count()).toBe(0);
    expect(dialogs).toEqual([]);
  });
});
