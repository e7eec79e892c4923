import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openDemoProject, startServer } from './server.js';

/** The visibility comparison end to end: real server with the demo project, real browser. */
describe('the comparison view', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const context = await browser.newContext({ acceptDownloads: true });
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    await openDemoProject(page, server.url);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const section = (name: string) => page.locator(`sb-comparison-view section[data-section="${name}"]`);
  const rowIn = (name: string, label: string) => section(name).locator('tbody tr[data-row-id]').filter({ has: page.locator('.label', { hasText: label }) });

  it('opens the Vergleich tab with the four sections, the atmosphere only in A and the crosswalk row in both', async () => {
    await page.getByRole('link', { name: 'Vergleich' }).click();
    expect(page.url()).toMatch(/\/projects\/[0-9a-f-]+\/comparison$/);
    await section('both').locator('tbody tr[data-row-id]').first().waitFor();
    for (const heading of ['Sichtbar in beidem', 'Nur in der Beratung / unsichtbar in der Dokumentation', 'Nur in der Dokumentation', 'Zu selten für eine Aussage']) {
      expect(await page.getByRole('heading', { name: heading, exact: true }).count()).toBe(1);
    }
    expect(await rowIn('only-a', 'Getränke anbieten').count()).toBe(1);
    expect(await rowIn('both', 'Getränke anbieten').count()).toBe(0);
    const summary = rowIn('both', 'Thematische Zusammenfassung');
    expect(await summary.count()).toBe(1);
    expect(await summary.getAttribute('data-row-id')).toMatch(/^crosswalk:/);
    // A-side codes on the left, B-side codes on the right.
    expect(await summary.locator('.side-a').textContent()).toContain('Thematisch zusammenfassen');
    expect(await summary.locator('.side-b').textContent()).toContain('Informationen zusammenfassen');
    expect(await rowIn('only-b', 'Reflexion über die Software').count()).toBe(1);
    // The chart bar of the row has an accessible name with both shares.
    const bar = page.locator('sb-comparison-view g[role="img"]').filter({ hasText: 'Getränke anbieten' }).first();
    expect(await bar.getAttribute('aria-label')).toMatch(/^Getränke anbieten: 100\s%.* 0\s% in B/);
    expect(await page.locator('sb-comparison-view').getByText('kein Beweis').count()).toBe(1);
    // The crosswalk itself is listed below, editable for an admin.
    await page.locator('sb-crosswalk-editor').getByRole('button', { name: 'Zeile hinzufügen' }).waitFor();
  });

  it('downloads the findings table as CSV with those rows', async () => {
    const download = page.waitForEvent('download');
    await page.locator('sb-comparison-view').getByRole('link', { name: 'Tabelle als CSV' }).click();
    const file = await (await download).path();
    const csv = await readFile(file, 'utf8');
    const lines = csv.split(/\r?\n/);
    expect(lines[0]).toContain('section');
    const drinks = lines.find((l) => l.includes(',Getränke anbieten,'));
    expect(drinks).toBeDefined();
    expect(drinks).toContain(',only-a,');
    const summary = lines.find((l) => l.includes('Thematische Zusammenfassung'));
    expect(summary).toBeDefined();
    expect(summary).toContain(',both,crosswalk,');
  });

  it('filters by section and keeps the filter in the URL', async () => {
    await page.locator('sb-comparison-view').getByRole('checkbox', { name: /Zu selten für eine Aussage/ }).uncheck();
    await expect.poll(() => page.url()).toContain('show=both%2Conly-a%2Conly-b');
    expect(await page.getByRole('heading', { name: 'Zu selten für eine Aussage', exact: true }).count()).toBe(0);
    await page.reload();
    await section('both').locator('tbody tr[data-row-id]').first().waitFor();
    expect(await section('rare').count()).toBe(0);
    await page.locator('sb-comparison-view').getByRole('checkbox', { name: /Zu selten für eine Aussage/ }).check();
    await section('rare').waitFor();
  });

  it('clicking a number lands on the segment list of that code, restricted to side A', async () => {
    const button = rowIn('only-a', 'Getränke anbieten').locator('button[data-drill="a-segments"]');
    const n = Number((await button.textContent())!.trim());
    expect(n).toBeGreaterThan(0);
    await button.click();
    await page.locator('sb-segment-list').waitFor();
    expect(page.url()).toMatch(/\/segments\?codes=[0-9a-f-]+&set=[0-9a-f-]+$/);
    // The demo's set "Beobachtungsprotokolle" holds exactly side A.
    expect(await page.getByRole('status').filter({ hasText: 'Beobachtungsprotokolle' }).count()).toBeGreaterThanOrEqual(1);
    await expect.poll(() => page.locator('sb-segment-list button.entry').count()).toBe(n);
    expect(await page.locator('sb-segment-list').getByRole('checkbox', { name: /Getränke anbieten/ }).isChecked()).toBe(true);
    expect(consoleErrors.filter((e) => !e.includes('401'))).toEqual([]);
  });
});
