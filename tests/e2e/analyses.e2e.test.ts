import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openDemoProject, startServer } from './server.js';

/** The analysis tabs on the demo project in a real browser: agreement, forms, search. */
describe('analysis tabs', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let browser: Browser;
  let page: Page;
  let base = '';
  const errors: string[] = [];

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    page = await browser.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    base = await openDemoProject(page, server.url);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('agreement: the two demo coders and their agreement table', async () => {
    await page.getByRole('link', { name: 'Übereinstimmung' }).click();
    expect(page.url()).toBe(`${base}/agreement`);
    const view = page.locator('sb-agreement-view');
    await view.getByRole('heading', { name: 'Intercoder-Übereinstimmung' }).waitFor();
    await view.locator('table').getByText('Getränke anbieten').first().waitFor({ timeout: 15_000 });
    await view.getByText(/Mara Lindqvist/).first().waitFor();
  });

  it('forms: coverage of the counselling form shows the atmosphere work as uncovered', async () => {
    await page.goto(`${base}/forms`);
    const view = page.locator('sb-forms-view');
    await view.getByRole('heading', { name: 'Dokumentationsformulare' }).waitFor();
    await view.getByRole('tab', { name: 'Abdeckung' }).click();
    await view.getByText('Freundlich bzw. herzlich begrüßen').first().waitFor({ timeout: 15_000 });
  });

  it('search: a stemmed query finds hits with keyword in context', async () => {
    await page.goto(`${base}/search`);
    const view = page.locator('sb-search-view');
    await view.getByLabel('Suchanfrage').fill('Jugendamt');
    await view.getByRole('button', { name: 'Suchen' }).click();
    const hits = view.locator('ol.kwic a.hit');
    await hits.first().waitFor({ timeout: 15_000 });
    // Stemming: the plural "Jugendämtern" is found by the singular query.
    const matches = (await view.locator('ol.kwic mark, ol.kwic strong, ol.kwic .match').allTextContents()).map((m) => m.trim());
    expect(matches.some((m) => m === 'Jugendamt')).toBe(true);
    expect(matches.some((m) => /^Jugendämter/.test(m))).toBe(true);
    // A hit leads to its place in the document.
    await hits.first().click();
    await page.locator('sb-document-view').waitFor();
    expect(page.url()).toMatch(/\/coding\/[0-9a-f-]+\?start=\d+&end=\d+$/);
    expect(errors).toEqual([]);
  });
});
