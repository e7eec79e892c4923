import { parse } from 'csv-parse/sync';
import { readSheet } from 'read-excel-file/node';
import writeExcelFile from 'write-excel-file/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureAdmin } from '../../../server/bootstrap.js';
import { codePathNames } from '../../../server/domain/code-tree.js';
import { makeDeps, type Deps } from '../../../server/domain/deps.js';
import { setIndependentMode } from '../../../server/domain/independent.js';
import { createProject, exportProject } from '../../../server/domain/projects.js';
import { createUser } from '../../../server/domain/users.js';
import { createApp, type App } from '../../../server/http/app.js';
import { MemoryStore } from '../../../server/storage/memory-store.js';
import { buildRichProject } from '../refi/fixture.js';
import { signInTo, type Session } from '../support.js';

let deps: Deps;
let app: App;
let admin: Session;
let researcher: Session;
let lead: Session;
let projectId: string;

function headers(session: Session | undefined): Record<string, string> {
  return session ? { cookie: session.cookie, 'x-csrf-token': session.csrf } : {};
}

async function get(session: Session | undefined, path: string): Promise<Response> {
  return app.request(path, { headers: headers(session) });
}

async function upload(session: Session | undefined, path: string, bytes: Uint8Array, name: string, extra: Record<string, string> = {}): Promise<Response> {
  const form = new FormData();
  form.append('file', new File([bytes as Uint8Array<ArrayBuffer>], name));
  return app.request(path, { method: 'POST', headers: { ...headers(session), ...extra }, body: form });
}

const csvTable = (text: string): string[][] => parse(text, { bom: true }) as string[][];
const bytesOf = async (res: Response): Promise<Buffer> => Buffer.from(await res.arrayBuffer());

beforeAll(async () => {
  deps = makeDeps(new MemoryStore());
  await ensureAdmin(deps, 'admin-password-1');
  await createUser(deps, { login: 'rita', role: 'researcher', password: 'rita-password-1' });
  await createUser(deps, { login: 'lena', role: 'lead', password: 'lena-password-1' });
  projectId = (await buildRichProject(deps)).projectId;
  app = createApp({ deps });
  admin = await signInTo(app, 'admin', 'admin-password-1');
  researcher = await signInTo(app, 'rita', 'rita-password-1');
  lead = await signInTo(app, 'lena', 'lena-password-1');
});

describe('spreadsheet downloads', () => {
  const P = (): string => `/api/projects/${projectId}`;

  it('401 without a session on every spreadsheet route', async () => {
    for (const path of ['export/segments.csv', 'export/segments.xlsx', 'export/matrix.csv', 'export/matrix.xlsx']) expect((await get(undefined, `${P()}/${path}`)).status).toBe(401);
    expect((await upload(undefined, `${P()}/codebook/import/spreadsheet`, new TextEncoder().encode('Code\nA\n'), 'c.csv')).status).toBe(401);
  });

  it('segments as CSV and XLSX for every signed-in role: same rows, attachment names', async () => {
    const d = await exportProject(deps, projectId);
    const csv = await get(lead, `${P()}/export/segments.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename=".*_segments\.csv"; filename\*=UTF-8''/);
    const rows = csvTable(await csv.text());
    expect(rows).toHaveLength(d.segments.length + 1);
    const xlsx = await get(lead, `${P()}/export/segments.xlsx`);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(xlsx.headers.get('content-disposition')).toMatch(/_segments\.xlsx"/);
    const sheet = (await readSheet(await bytesOf(xlsx), { trim: false })) as unknown[][];
    // The same table: the CSV's text cells equal the XLSX cells written as text.
    expect(sheet.map((r) => r.map((v) => (v === null ? '' : String(v))))).toEqual(rows);
  });

  it('matrix as CSV and XLSX, counts and ?values=binary; a bad value is a 400', async () => {
    const d = await exportProject(deps, projectId);
    const paths = codePathNames(d.codes);
    const result = d.codes.find((c) => c.name === 'Ergebnis')!;
    const expected = [...d.documents].sort((a, b) => a.title.localeCompare(b.title)).map((doc) => d.segments.filter((s) => s.codeId === result.id && s.documentId === doc.id).length);
    const counts = (await readSheet(await bytesOf(await get(researcher, `${P()}/export/matrix.xlsx`)))) as unknown[][];
    expect(counts.find((r) => r[0] === paths.get(result.id)!.join(' > '))!.slice(1)).toEqual(expected);
    const binaryCsv = await get(researcher, `${P()}/export/matrix.csv?values=binary`);
    expect(binaryCsv.headers.get('content-disposition')).toMatch(/_matrix-0-1\.csv"/);
    expect(csvTable(await binaryCsv.text()).find((r) => r[0] === 'Ergebnis')!.slice(1)).toEqual(expected.map((n) => String(n > 0 ? 1 : 0)));
    const binaryXlsx = (await readSheet(await bytesOf(await get(researcher, `${P()}/export/matrix.xlsx?values=binary`)))) as unknown[][];
    expect(binaryXlsx.find((r) => r[0] === 'Ergebnis')!.slice(1)).toEqual(expected.map((n) => (n > 0 ? 1 : 0)));
    expect((await get(researcher, `${P()}/export/matrix.csv?values=maybe`)).status).toBe(400);
    expect((await get(researcher, '/api/projects/nope/export/segments.xlsx')).status).toBe(404);
  });

  it('independent mode: a coder downloads only the segments they may see; the admin all', async () => {
    const deps2 = makeDeps(new MemoryStore());
    await ensureAdmin(deps2, 'admin-password-1');
    const pid = (await buildRichProject(deps2)).projectId;
    const set = (await deps2.store.listSets(pid)).find((s) => s.definition.type === 'members')!;
    await setIndependentMode(deps2, pid, set.id, { independent: true, version: set.version });
    const app2 = createApp({ deps: deps2 });
    const a = await signInTo(app2, 'alice', 'alice-password-1');
    const adm = await signInTo(app2, 'admin', 'admin-password-1');
    const d = await exportProject(deps2, pid);
    const aliceId = d.users.find((u) => u.login === 'alice')!.id;
    const sealed = new Set(set.definition.type === 'members' ? set.definition.documentIds : []);
    const visible = d.segments.filter((s) => !sealed.has(s.documentId) || s.coder === aliceId);
    expect(visible.length).toBeLessThan(d.segments.length);
    const mine = csvTable(await (await app2.request(`/api/projects/${pid}/export/segments.csv`, { headers: headers(a) })).text());
    expect(mine).toHaveLength(visible.length + 1);
    const all = (await readSheet(await bytesOf(await app2.request(`/api/projects/${pid}/export/segments.xlsx`, { headers: headers(adm) })))) as unknown[][];
    expect(all).toHaveLength(d.segments.length + 1);
    const matrix = csvTable(await (await app2.request(`/api/projects/${pid}/export/matrix.csv`, { headers: headers(a) })).text());
    expect(matrix.slice(1).flatMap((r) => r.slice(1).map(Number)).reduce((x, y) => x + y, 0)).toBe(visible.length);
  });
});

describe('codebook upload (CSV, XLSX)', () => {
  it('a researcher imports an XLSX codebook: 201 with counts and warnings row by row', async () => {
    const p = await createProject(deps, { name: 'Leer' });
    const buffer = await writeExcelFile([['Code', 'Beschreibung', 'Farbe'], ['Eins > Zwei', 'Beschreibung zwei', 'blau'], ['Eins', 'Beschreibung eins', '#112233']]).toBuffer();
    const res = await upload(researcher, `/api/projects/${p.id}/codebook/import/spreadsheet`, new Uint8Array(buffer), 'codes.xlsx');
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ created: 2, skipped: 0, warnings: [{ element: 'row 2', message: expect.stringContaining('"blau"') as string }] });
    const codes = await deps.store.listCodes(p.id);
    expect(codes.map((c) => [c.name, c.definition.description]).sort()).toEqual([
      ['Eins', 'Beschreibung eins'],
      ['Zwei', 'Beschreibung zwei'],
    ]);
    // CSV through the same route; the admin may too.
    const csv = await upload(admin, `/api/projects/${p.id}/codebook/import/spreadsheet`, new TextEncoder().encode('tag,description\nEins\\Drei,d\n'), 'taguette.csv');
    expect(csv.status).toBe(201);
    expect(((await csv.json()) as { created: number; skipped: number }).created).toBe(1);
  });

  it('a lead may not import (403); without the CSRF token 403; nothing written', async () => {
    const p = await createProject(deps, { name: 'Leer 2' });
    const bytes = new TextEncoder().encode('Code\nA\n');
    const forbidden = await upload(lead, `/api/projects/${p.id}/codebook/import/spreadsheet`, bytes, 'c.csv');
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    const noCsrf = await app.request(`/api/projects/${p.id}/codebook/import/spreadsheet`, { method: 'POST', headers: { cookie: researcher.cookie }, body: (() => { const f = new FormData(); f.append('file', new File([bytes], 'c.csv')); return f; })() });
    expect(noCsrf.status).toBe(403);
    expect(await deps.store.listCodes(p.id)).toEqual([]);
  });

  it('bad files: 400 with the envelope naming the row and column; too large 413; nothing written', async () => {
    const p = await createProject(deps, { name: 'Leer 3' });
    const path = `/api/projects/${p.id}/codebook/import/spreadsheet`;
    const bad = await upload(researcher, path, new TextEncoder().encode(`Code\nGut\n${'x'.repeat(301)}\n`), 'bad.csv');
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('invalid_input');
    expect(body.error.message).toMatch(/^row 3, column A \(Code\): the name/);
    const notZip = await upload(researcher, path, new TextEncoder().encode('hello'), 'fake.xlsx');
    expect(notZip.status).toBe(400);
    expect(((await notZip.json()) as { error: { message: string } }).error.message).toMatch(/not an XLSX file/);
    const missing = await app.request(path, { method: 'POST', headers: headers(researcher), body: new FormData() });
    expect(missing.status).toBe(400);
    const big = await upload(researcher, path, new Uint8Array(6 * 1024 * 1024), 'big.csv');
    expect(big.status).toBe(413);
    expect(await deps.store.listCodes(p.id)).toEqual([]);
    expect((await upload(researcher, '/api/projects/nope/codebook/import/spreadsheet', new TextEncoder().encode('Code\nA\n'), 'c.csv')).status).toBe(404);
  });
});
