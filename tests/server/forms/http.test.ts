import { beforeAll, describe, expect, it } from 'vitest';
import { ensureAdmin } from '../../../server/bootstrap.js';
import { createDemoProject } from '../../../server/demo.js';
import { makeDeps, type Deps } from '../../../server/domain/deps.js';
import { createUser } from '../../../server/domain/users.js';
import { createApp } from '../../../server/http/app.js';
import { ROUTES } from '../../../server/http/openapi.js';
import type { CoverageResult, FormVersion, Requirement, StoredForm } from '../../../server/schemas/form.js';
import { MemoryStore } from '../../../server/storage/memory-store.js';
import { sendTo, signInTo, type Session } from '../support.js';

type App = ReturnType<typeof createApp>;
type Role = 'admin' | 'product-owner' | 'lead' | 'researcher';

let deps: Deps;
let app: App;
const sessions = {} as Record<Role, Session>;
let projectId: string;
const FORM = 'beratungsdokumentation';

const signIn = (name: string, password: string): Promise<Session> => signInTo(app, name, password);

const send = (session: Session | undefined, method: string, path: string, body?: unknown): Promise<Response> => sendTo(app, session, method, path, body);

const P = (rest = ''): string => `/api/projects/${projectId}/forms${rest}`;

beforeAll(async () => {
  deps = makeDeps(new MemoryStore());
  await ensureAdmin(deps, 'admin-password-1');
  await createUser(deps, { login: 'paula', role: 'product-owner', password: 'paula-password-1' });
  await createUser(deps, { login: 'lena', role: 'lead', password: 'lena-password-1' });
  await createUser(deps, { login: 'rita', role: 'researcher', password: 'rita-password-1' });
  app = createApp({ deps });
  sessions.admin = await signIn('admin', 'admin-password-1');
  sessions['product-owner'] = await signIn('paula', 'paula-password-1');
  sessions.lead = await signIn('lena', 'lena-password-1');
  sessions.researcher = await signIn('rita', 'rita-password-1');
  projectId = (await createDemoProject(deps)).project.id;
});

async function currentForm(): Promise<StoredForm> {
  return (await (await send(sessions.researcher, 'GET', P(`/${FORM}`))).json()) as StoredForm;
}

async function proposals(): Promise<Requirement[]> {
  return ((await (await send(sessions.researcher, 'GET', P(`/${FORM}/proposals`))).json()) as { proposals: Requirement[] }).proposals;
}

describe('form routes: reading (every role)', () => {
  it('lists forms, versions, coverage, exports and the backlog for a researcher', async () => {
    const s = sessions.researcher;
    const list = (await (await send(s, 'GET', P())).json()) as { forms: { id: string; version: number }[] };
    expect(list.forms.map((f) => f.id)).toEqual(['beratungsdokumentation', 'massnahmenbeschreibung']);
    expect((await currentForm()).versions).toHaveLength(1);
    const v1 = await send(s, 'GET', P(`/${FORM}/versions/1`));
    expect(v1.status).toBe(200);
    expect(((await v1.json()) as FormVersion).number).toBe(1);
    expect((await send(s, 'GET', P(`/${FORM}/versions/9`))).status).toBe(404);
    expect((await send(s, 'GET', P('/gibt-es-nicht'))).status).toBe(404);
    const cov = await send(s, 'GET', P(`/${FORM}/coverage?minFillRate=0.9`));
    expect(cov.status).toBe(200);
    const body = (await cov.json()) as CoverageResult;
    expect(body.thresholds.minFillRate).toBe(0.9);
    expect(body.uncovered.some((u) => u.name === 'Getränke anbieten')).toBe(true);
    expect((await send(s, 'GET', P(`/${FORM}/coverage?minFillRate=2`))).status).toBe(400);
    const schema = await send(s, 'GET', P(`/${FORM}/export?format=json-schema`));
    expect(schema.status).toBe(200);
    expect(((await schema.json()) as { $schema: string }).$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const json = (await (await send(s, 'GET', P(`/${FORM}/export`))).json()) as { sections: { fields: { id: string; captures: string[] }[] }[] };
    expect(json.sections[0]!.fields[0]!.captures).toEqual(['anliegen-klaeren']);
    expect((await send(s, 'GET', P(`/${FORM}/proposals`))).status).toBe(200);
    const recs = (await (await send(s, 'GET', P(`/${FORM}/records`))).json()) as { version: number; records: { title: string; values: { fieldId: string; start: number; end: number }[]; record: Record<string, unknown> }[] };
    expect(recs.records).toHaveLength(8);
    expect(recs.records[0]!.record['dauer']).toEqual(expect.any(Number));
    const md = await send(s, 'GET', P(`/${FORM}/backlog`));
    expect(md.headers.get('content-type')).toMatch(/^text\/markdown/);
    const csv = await send(s, 'GET', P(`/${FORM}/backlog?format=csv`));
    expect((await csv.text()).startsWith('id,title,change')).toBe(true);
    const html = await send(s, 'GET', P(`/${FORM}/backlog?format=html`));
    expect((await html.text()).startsWith('<!doctype html>')).toBe(true);
  });
});

describe('form routes: roles', () => {
  it('researchers and leads may not change forms or decide; leads comment, researchers do not', async () => {
    const form = await currentForm();
    const cur = form.versions[form.versions.length - 1]!;
    const gen = await send(sessions['product-owner'], 'POST', P(`/${FORM}/proposals/generate`));
    expect(gen.status).toBe(200);
    const first = ((await gen.json()) as { created: Requirement[] }).created[0]!;
    const writes: [string, string, unknown][] = [
      ['POST', P('/import'), cur.form],
      ['PUT', P(`/${FORM}`), { basedOn: cur.number, form: cur.form }],
      ['POST', P(`/${FORM}/proposals/generate`), undefined],
      ['PATCH', P(`/${FORM}/proposals/${first.id}`), { version: first.version, title: 'Neu' }],
      ['POST', P(`/${FORM}/proposals/${first.id}/decision`), { version: first.version, action: 'reject', reason: 'Nein' }],
    ];
    for (const role of ['researcher', 'lead'] as const) {
      for (const [method, path, body] of writes) {
        const res = await send(sessions[role], method, path, body);
        expect(res.status, `${role} ${method} ${path}`).toBe(403);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden');
      }
    }
    expect((await send(sessions.researcher, 'POST', P(`/${FORM}/proposals/${first.id}/comments`), { text: 'Hallo' })).status).toBe(403);
    const commented = await send(sessions.lead, 'POST', P(`/${FORM}/proposals/${first.id}/comments`), { text: '<img src=x onerror=alert(1)>' });
    expect(commented.status).toBe(201);
    expect(((await commented.json()) as Requirement).comments[0]!.text).toBe('<img src=x onerror=alert(1)>');
    expect((await send(sessions['product-owner'], 'POST', P(`/${FORM}/proposals/${first.id}/comments`), { text: 'Danke' })).status).toBe(201);
    // the form is untouched by the refused writes
    expect((await currentForm()).versions).toHaveLength(1);
  });

  it('every form route answers 401 without a session', async () => {
    const formRoutes = ROUTES.filter((r) => r.path.includes('/forms'));
    expect(formRoutes).toHaveLength(14);
    for (const r of formRoutes) {
      const path = r.path.replace(':projectId', projectId).replace(':formId', FORM).replace(':number', '1').replace(':proposalId', 'x');
      const res = await send(undefined, r.method.toUpperCase(), path, r.method === 'get' ? undefined : {});
      expect(res.status, `${r.method} ${r.path}`).toBe(401);
    }
  });
});

describe('form routes: product owner workflow', () => {
  it('edits, accepts (new version) and rejects proposals; stale versions are 409', async () => {
    const po = sessions['product-owner'];
    const open = (await proposals()).filter((p) => p.status === 'open');
    const atmo = open.find((p) => p.field?.type === 'multiple-choice' && p.field.options.some((o) => o.label === 'Getränke anbieten'))!;
    const edited = await send(po, 'PATCH', P(`/${FORM}/proposals/${atmo.id}`), { version: atmo.version, title: 'Gesprächsatmosphäre erfassen' });
    expect(edited.status).toBe(200);
    const e = (await edited.json()) as Requirement;
    const stale = await send(po, 'POST', P(`/${FORM}/proposals/${atmo.id}/decision`), { version: atmo.version, action: 'accept', reason: 'ja' });
    expect(stale.status).toBe(409);
    const noReason = await send(po, 'POST', P(`/${FORM}/proposals/${atmo.id}/decision`), { version: e.version, action: 'accept', reason: '  ' });
    expect(noReason.status).toBe(400);
    expect(((await noReason.json()) as { error: { issues: { path: (string | number)[] }[] } }).error.issues[0]!.path).toEqual(['reason']);
    const ok = await send(po, 'POST', P(`/${FORM}/proposals/${atmo.id}/decision`), { version: e.version, action: 'accept', reason: 'Beziehungsarbeit sichtbar machen' });
    expect(ok.status).toBe(200);
    const result = (await ok.json()) as { requirement: Requirement; version: FormVersion };
    expect(result.version.number).toBe(2);
    expect(result.version.diff?.added).toHaveLength(1);
    const other = open.find((p) => p.id !== atmo.id)!;
    const rejected = await send(sessions.admin, 'POST', P(`/${FORM}/proposals/${other.id}/decision`), { version: other.version, action: 'reject', reason: 'Später' });
    expect(rejected.status).toBe(200);
    expect(((await rejected.json()) as { requirement: Requirement }).requirement.status).toBe('rejected');
  });

  it('a malformed form is 400 with issues naming the field; a stale PUT is 409', async () => {
    const po = sessions['product-owner'];
    const form = await currentForm();
    const cur = form.versions[form.versions.length - 1]!;
    const bad = { ...cur.form, sections: [{ ...cur.form.sections[0]!, fields: [{ id: 'x', label: 'X', type: 'single-choice', options: [] }] }] };
    const res = await send(po, 'PUT', P(`/${FORM}`), { basedOn: cur.number, form: bad });
    expect(res.status).toBe(400);
    const err = (await res.json()) as { error: { code: string; issues: { path: (string | number)[]; message: string }[] } };
    expect(err.error.code).toBe('invalid_input');
    expect(err.error.issues[0]!.path).toEqual(['form', 'sections', 0, 'fields', 0, 'options']);
    expect((await send(po, 'PUT', P(`/${FORM}`), { basedOn: 1, form: cur.form })).status).toBe(409);
    const put = await send(po, 'PUT', P(`/${FORM}`), { basedOn: cur.number, note: 'gleich', form: cur.form });
    expect(put.status).toBe(201);
    const imported = await send(sessions.admin, 'POST', P('/import'), { id: 'neu', title: 'Neu', sections: [{ id: 's', title: 'S', fields: [{ id: 'a', label: 'A', type: 'checkbox', captures: ['getraenke-anbieten'] }] }] });
    expect(imported.status).toBe(201);
    const unknown = await send(sessions.admin, 'POST', P('/import'), { id: 'neu2', title: 'Neu', sections: [{ id: 's', title: 'S', fields: [{ id: 'a', label: 'A', type: 'checkbox', captures: ['nope'] }] }] });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { issues: { path: (string | number)[] }[] } }).error.issues[0]!.path).toEqual(['sections', 0, 'fields', 0, 'captures', 0]);
  });
});
