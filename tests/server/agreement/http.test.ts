import { beforeAll, describe, expect, it } from 'vitest';
import { ensureAdmin } from '../../../server/bootstrap.js';
import { makeDeps, type Deps } from '../../../server/domain/deps.js';
import { createUser } from '../../../server/domain/users.js';
import { createApp } from '../../../server/http/app.js';
import type { AgreementResult, Disagreement } from '../../../server/schemas/agreement.js';
import type { DocumentSet } from '../../../server/schemas/document-set.js';
import type { ProjectExport } from '../../../server/schemas/export.js';
import type { Segment } from '../../../server/schemas/segment.js';
import { MemoryStore } from '../../../server/storage/memory-store.js';
import { makeFixture, type Fixture } from './fixture.js';
import { sendTo, signInTo, type Session } from '../support.js';

type App = ReturnType<typeof createApp>;

let deps: Deps;
let app: App;
let admin: Session;
let ria: Session;
let rob: Session;
let lena: Session;
let f: Fixture;
let ids: Record<string, string>;

const signIn = (name: string, password: string): Promise<Session> => signInTo(app, name, password);

const send = (session: Session | undefined, method: string, path: string, body?: unknown): Promise<Response> => sendTo(app, session, method, path, body);

const P = (): string => `/api/projects/${f.projectId}`;

beforeAll(async () => {
  deps = makeDeps(new MemoryStore());
  await ensureAdmin(deps, 'admin-password-1');
  ids = {
    ria: (await createUser(deps, { login: 'ria', role: 'researcher', password: 'ria-password-1' })).id,
    rob: (await createUser(deps, { login: 'rob', role: 'researcher', password: 'rob-password-1' })).id,
    lena: (await createUser(deps, { login: 'lena', role: 'lead', password: 'lena-password-1' })).id,
  };
  f = await makeFixture({ deps, docCount: 3, length: 200, codes: ['A', 'B'], coders: ['ria', 'rob'] });
  app = createApp({ deps });
  admin = await signIn('admin', 'admin-password-1');
  ria = await signIn('ria', 'ria-password-1');
  rob = await signIn('rob', 'rob-password-1');
  lena = await signIn('lena', 'lena-password-1');
  // Both code documents 1 and 2 through the API; document 3 stays outside the independent set.
  for (const [who, session] of [['ria', ria], ['rob', rob]] as const) {
    for (const doc of [0, 1, 2]) {
      const res = await send(session, 'POST', `${P()}/segments`, { documentId: f.docs[doc], codeId: f.codes['A'], start: 10, end: who === 'ria' ? 50 : 48, memo: `<b>${who}</b>` });
      expect(res.status).toBe(201);
    }
    const res = await send(session, 'POST', `${P()}/segments`, { documentId: f.docs[0], codeId: f.codes['B'], start: who === 'ria' ? 100 : 120, end: 150 });
    expect(res.status).toBe(201);
  }
});

describe('GET /agreement', () => {
  it('401 without a session; 400 for a bad level or threshold', async () => {
    expect((await send(undefined, 'GET', `${P()}/agreement`)).status).toBe(401);
    expect((await send(lena, 'GET', `${P()}/agreement?level=sentence`)).status).toBe(400);
    expect((await send(lena, 'GET', `${P()}/agreement?level=segment&threshold=1.5`)).status).toBe(400);
    expect((await send(lena, 'GET', `/api/projects/nope/agreement`)).status).toBe(404);
  });

  it('every signed-in role reads the table { level, coders, threshold, overall, codes }', async () => {
    const res = await send(lena, 'GET', `${P()}/agreement?level=segment&threshold=0.9&coders=ria,rob`);
    expect(res.status).toBe(200);
    const r = (await res.json()) as AgreementResult;
    expect(Object.keys(r)).toEqual(['level', 'coders', 'threshold', 'overall', 'codes']);
    expect(r.coders.map((c) => c.login)).toEqual(['ria', 'rob']);
    // A: 40 vs 38 characters → 0.95 ≥ 0.9, 6 agreeing segments; B: 50 vs 30 → 0.6, 2 disagreeing.
    expect(r.codes.map((c) => [c.name, c.units, c.agreements])).toEqual([
      ['A', 6, 6],
      ['B', 2, 0],
    ]);
    expect(Object.keys(r.overall)).toEqual(['units', 'agreements', 'percentAgreement', 'cohenKappa', 'fleissKappa', 'brennanPredigerKappa', 'krippendorffAlpha']);
    expect(Object.keys(r.codes[0]!).slice(0, 3)).toEqual(['id', 'name', 'path']);
  });

  it('CSV and Markdown, with user text escaped', async () => {
    const csv = await send(lena, 'GET', `${P()}/agreement?level=document&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).split('\r\n');
    expect(lines[0]).toBe('row,code_id,code,path,units,agreements,percentAgreement,cohenKappa,fleissKappa,brennanPredigerKappa,krippendorffAlpha');
    // A present in all three documents for both, B in document 1 for both: 6 units, 6 agreements.
    expect(lines.at(-2)).toBe('overall,,,,6,6,1,1,,1,1');
    const md = await send(lena, 'GET', `${P()}/agreement?level=unitizing&format=md`);
    expect(md.status).toBe(200);
    const text = await md.text();
    expect(text).toContain('| **Gesamt** |');
    expect(text).toContain('Unitizing');
  });
});

describe('disagreements and consensus over HTTP', () => {
  it('lists the B disagreement with both sides; a lead may read but not decide', async () => {
    const res = await send(lena, 'GET', `${P()}/agreement/disagreements?coders=ria,rob`);
    expect(res.status).toBe(200);
    const { disagreements } = (await res.json()) as { disagreements: Disagreement[] };
    expect(disagreements).toHaveLength(1);
    expect(disagreements[0]).toMatchObject({ documentId: f.docs[0], start: 100, end: 150, kind: 'overlap-below-threshold' });
    const d = disagreements[0]!;
    const body = { take: 'a', a: d.a.segment!.id, b: d.b.segment!.id };
    expect((await send(lena, 'POST', `${P()}/agreement/consensus`, body)).status).toBe(403);
    expect((await send(undefined, 'POST', `${P()}/agreement/consensus`, body)).status).toBe(401);
    expect((await send(ria, 'POST', `${P()}/agreement/consensus`, { take: 'maybe', a: null, b: null })).status).toBe(400);
    const before = await deps.store.listSegments(f.projectId, { coders: [ids['ria']!, ids['rob']!] });
    const ok = await send(ria, 'POST', `${P()}/agreement/consensus`, body);
    expect(ok.status).toBe(201);
    const made = (await ok.json()) as { created: Segment[]; coder: string };
    expect(made.created[0]).toMatchObject({ start: 100, end: 150, coder: made.coder });
    expect(await deps.store.listSegments(f.projectId, { coders: [ids['ria']!, ids['rob']!] })).toEqual(before);
  });
});

describe('independent mode: every segment-reading route hides other coders’ segments', () => {
  let set: DocumentSet;

  it('only an admin switches a set into independent mode (version checked)', async () => {
    const created = await send(ria, 'POST', `${P()}/sets`, { name: 'Runde 1', definition: { type: 'members', documentIds: [f.docs[0], f.docs[1]] } });
    expect(created.status).toBe(201);
    set = (await created.json()) as DocumentSet;
    expect((await send(ria, 'PUT', `${P()}/sets/${set.id}/mode`, { independent: true, version: set.version })).status).toBe(403);
    expect((await send(admin, 'PUT', `${P()}/sets/${set.id}/mode`, { independent: true, version: set.version + 5 })).status).toBe(409);
    const res = await send(admin, 'PUT', `${P()}/sets/${set.id}/mode`, { independent: true, version: set.version });
    expect(res.status).toBe(200);
    set = (await res.json()) as DocumentSet;
    expect(set).toMatchObject({ independent: true });
  });

  const coders = async (session: Session, path: string): Promise<Set<string>> => {
    const res = await send(session, 'GET', path);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { segments: { coder: string; documentId: string }[] };
    return new Set(body.segments.filter((s) => s.documentId !== f.docs[2]).map((s) => s.coder));
  };

  it('GET /segments (also by document and by coder) shows ria only her own segments in the set', async () => {
    expect(await coders(ria, `${P()}/segments`)).toEqual(new Set([ids['ria']]));
    expect(await coders(ria, `${P()}/segments?documentId=${f.docs[0]}`)).toEqual(new Set([ids['ria']]));
    expect(await coders(ria, `${P()}/segments?coder=${ids['rob']}`)).toEqual(new Set());
    expect(await coders(ria, `${P()}/segments?setId=${set.id}`)).toEqual(new Set([ids['ria']]));
    // Outside the set (document 3) rob's segment stays visible.
    const res = (await (await send(ria, 'GET', `${P()}/segments?documentId=${f.docs[2]}`)).json()) as { segments: Segment[] };
    expect(new Set(res.segments.map((s) => s.coder))).toEqual(new Set([ids['ria'], ids['rob']]));
    // Admins see all; a lead (not a coder) sees no coder's segments in the set.
    expect((await coders(admin, `${P()}/segments`)).has(ids['rob']!)).toBe(true);
    expect(await coders(lena, `${P()}/segments`)).toEqual(new Set());
  });

  it('GET /segments/counts and GET /documents count only visible segments', async () => {
    const counts = (await (await send(ria, 'GET', `${P()}/segments/counts`)).json()) as { byDocument: Record<string, number>; total: number };
    // ria: 2 in doc 1, 1 in doc 2; doc 3: ria 1 + rob 1.
    expect(counts.byDocument[f.docs[0]!]).toBe(2);
    expect(counts.byDocument[f.docs[1]!]).toBe(1);
    expect(counts.byDocument[f.docs[2]!]).toBe(2);
    const all = (await (await send(admin, 'GET', `${P()}/segments/counts`)).json()) as { byDocument: Record<string, number> };
    expect(all.byDocument[f.docs[0]!]).toBeGreaterThan(2);
    const docs = (await (await send(ria, 'GET', `${P()}/documents`)).json()) as { documents: { id: string; segmentCount: number }[] };
    expect(docs.documents.find((d) => d.id === f.docs[0])!.segmentCount).toBe(2);
    expect(docs.documents.find((d) => d.id === f.docs[2])!.segmentCount).toBe(2);
  });

  it('GET /export holds only visible segments for non-admins', async () => {
    const mine = (await (await send(ria, 'GET', `${P()}/export`)).json()) as ProjectExport;
    expect(mine.segments.filter((s) => s.documentId !== f.docs[2]).every((s) => s.coder === ids['ria'])).toBe(true);
    const full = (await (await send(admin, 'GET', `${P()}/export`)).json()) as ProjectExport;
    expect(full.segments.some((s) => s.coder === ids['rob'] && s.documentId === f.docs[0])).toBe(true);
  });

  it('GET /memos hides memos on segments the viewer may not see', async () => {
    const robs = (await (await send(rob, 'GET', `${P()}/segments?documentId=${f.docs[0]}&coder=${ids['rob']}`)).json()) as { segments: Segment[] };
    const target = robs.segments[0]!;
    const written = await send(rob, 'POST', `${P()}/memos`, { target: { type: 'segment', id: target.id }, text: 'Robs Gedanke' });
    expect(written.status).toBe(201);
    const texts = async (session: Session): Promise<string[]> =>
      ((await (await send(session, 'GET', `${P()}/memos`)).json()) as { memos: { text: string }[] }).memos.map((m) => m.text);
    expect(await texts(ria)).not.toContain('Robs Gedanke');
    expect(await texts(rob)).toContain('Robs Gedanke');
    expect(await texts(admin)).toContain('Robs Gedanke');
  });

  it('agreement, disagreements and consensus see only what the viewer may see', async () => {
    const r = (await (await send(ria, 'GET', `${P()}/agreement?level=segment`)).json()) as AgreementResult;
    // Sealed documents are left out for non-admins: only document 3, where ria and rob agree on A.
    expect(r.overall.units).toBe(2);
    const list = (await (await send(ria, 'GET', `${P()}/agreement/disagreements?coders=ria,rob`)).json()) as { disagreements: Disagreement[] };
    // Without independent mode ria would see the B disagreement in document 1 (see above); sealed, nothing.
    expect(list.disagreements).toEqual([]);
    const robs = await deps.store.listSegments(f.projectId, { coders: [ids['rob']!], documentIds: [f.docs[0]!] });
    const res = await send(ria, 'POST', `${P()}/agreement/consensus`, { take: 'b', a: null, b: robs[0]!.id });
    expect(res.status).toBe(404);
  });

  it('GET /comparison counts only visible segments for non-admins', async () => {
    expect((await send(admin, 'POST', `${P()}/sets`, { name: 'Rest', definition: { type: 'members', documentIds: [f.docs[2]] } })).status).toBe(201);
    const q = `?a=${encodeURIComponent('set=Runde 1')}&b=${encodeURIComponent('set=Rest')}`;
    const res = await send(ria, 'GET', `${P()}/comparison${q}`);
    expect(res.status, await res.clone().text()).toBe(200);
    const mine = (await res.json()) as { a: { segments: number; coders: { id: string }[] } };
    const all = (await (await send(admin, 'GET', `${P()}/comparison${q}`)).json()) as { a: { segments: number; coders: { id: string }[] } };
    expect(mine.a.segments).toBeLessThan(all.a.segments);
    // ria's view of the set: her own 3 segments (documents 1 and 2).
    expect(mine.a.segments).toBe(3);
    expect(all.a.coders.some((c) => c.id === ids['rob'])).toBe(true);
  });

  it('opening the set for comparison shows everything again', async () => {
    const res = await send(admin, 'PUT', `${P()}/sets/${set.id}/mode`, { openForComparison: true, version: set.version });
    expect(res.status).toBe(200);
    expect(await coders(ria, `${P()}/segments?documentId=${f.docs[0]}`)).toEqual(new Set([ids['ria'], ids['rob'], (await deps.store.findUserByLogin('konsens'))!.id]));
  });
});
