import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, launchBrowser, signInAs, startServer } from './server.js';

/** Two coders in two browsers on one document (issue 6: live collaboration and conflicts). */
describe('team coding in two browsers', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let projectId = '';
  let documentId = '';
  let codeId = '';
  let lenaId = '';

  async function signIn(login: string, password: string): Promise<Page> {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    await signInAs(page, server.url, login, password);
    return page;
  }

  /** Call the API from a page with its session and CSRF token. */
  function api<T>(page: Page, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    return page.evaluate(
      async ({ method, path, body }) => {
        const me = await (await fetch('/api/auth/me')).json();
        const res = await fetch(path, { method, headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
        return { status: res.status, body: await res.json() };
      },
      { method, path, body },
    ) as Promise<{ status: number; body: T }>;
  }

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const admin = await signIn('admin', ADMIN_PASSWORD);
    const created = await api<{ id: string }>(admin, 'POST', '/api/users', { login: 'lena', displayName: 'Lena Koch', role: 'researcher', password: 'lena-passwort-1' });
    expect(created.status).toBe(201);
    lenaId = created.body.id;
    projectId = (await api<{ projects: { id: string }[] }>(admin, 'GET', '/api/projects')).body.projects[0]!.id;
    const docs = (await api<{ documents: { id: string; title: string }[] }>(admin, 'GET', `/api/projects/${projectId}/documents`)).body.documents;
    documentId = docs.find((d) => d.title.startsWith('Beobachtung 02'))!.id;
    const codes = (await api<{ codes: { id: string; name: string }[] }>(admin, 'GET', `/api/projects/${projectId}/codes`)).body.codes;
    codeId = codes.find((c) => c.name === 'Getränke anbieten')!.id;
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await server?.stop();
  });

  it("shows one coder's new segment in the other's browser within a second, without reloading", async () => {
    const a = await signIn('admin', ADMIN_PASSWORD);
    const b = await signIn('lena', 'lena-passwort-1');
    for (const page of [a, b]) {
      await page.goto(`${server.url}/projects/${projectId}/coding/${documentId}`);
      await page.locator('sb-document-view .stripe').first().waitFor();
    }
    const lenas = 'sb-document-view .stripe[aria-label*="Lena Koch"]';
    expect(await a.locator(lenas).count()).toBe(0);
    const coded = await api<{ id: string }>(b, 'POST', `/api/projects/${projectId}/segments`, { documentId, codeId, start: 0, end: 40 });
    expect(coded.status).toBe(201);
    const started = Date.now();
    await a.locator(lenas).first().waitFor({ timeout: 5000 });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('a stale edit gets a 409 that the UI explains, reloads and then resolves', async () => {
    const b = await signIn('lena', 'lena-passwort-1');
    // This browser hears nothing live, so its copy of the segment goes stale.
    await b.route('**/events', (route) => route.abort());
    await b.goto(`${server.url}/projects/${projectId}/coding/${documentId}`);
    const mine = b.locator('sb-document-view .stripe[aria-label*="Lena Koch"]').first();
    await mine.waitFor();
    // Meanwhile the segment changes elsewhere (version 1 → 2).
    const segments = (await api<{ segments: { id: string; coder: string; version: number }[] }>(b, 'GET', `/api/projects/${projectId}/segments?documentId=${documentId}&context=0`)).body.segments;
    const lenaSegment = segments.find((s) => s.coder === lenaId)!;
    expect(lenaSegment.version).toBe(1);
    const changed = await api(b, 'PATCH', `/api/projects/${projectId}/segments/${lenaSegment.id}`, { memo: 'anderswo geändert', version: 1 });
    expect(changed.status).toBe(200);
    // Removing it from the stale view: the server answers 409, the UI says so and reloads.
    await mine.click();
    await b.getByRole('button', { name: 'Segment entfernen' }).click();
    await expect.poll(() => b.getByRole('alert').first().textContent()).toContain('Jemand anderes hat dies inzwischen geändert');
    // … and shows what the server holds now.
    expect(await b.getByRole('alert').first().textContent()).toContain('Memo: anderswo geändert (Version 2)');
    // After the reload the same action succeeds.
    await b.locator('sb-document-view .stripe[aria-label*="Lena Koch"]').first().click();
    await b.getByRole('button', { name: 'Segment entfernen' }).click();
    await expect.poll(() => b.locator('sb-document-view .stripe[aria-label*="Lena Koch"]').count()).toBe(0);
  });
});
