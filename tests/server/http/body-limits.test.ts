import { beforeAll, describe, expect, it } from 'vitest';
import { ensureAdmin } from '../../../server/bootstrap.js';
import { makeDeps, type Deps } from '../../../server/domain/deps.js';
import { createProject } from '../../../server/domain/projects.js';
import { createUser } from '../../../server/domain/users.js';
import { createApp, type App } from '../../../server/http/app.js';
import { CODEBOOK_TABLE_LIMITS } from '../../../server/import/codebook-table.js';
import { REFI_LIMITS } from '../../../server/import/refi-model.js';
import type { Store } from '../../../server/domain/store.js';
import { MemoryStore } from '../../../server/storage/memory-store.js';
import { sendTo, signInTo, type Session } from '../support.js';

let deps: Deps;
let app: App;
let admin: Session;
let rita: Session;
let projectId: string;
const reads = { getSegment: 0, listSegments: 0 };

/** A store that counts segment reads. */
function counting(store: Store): Store {
  return new Proxy(store, {
    get(t, prop) {
      if (prop === 'getSegment' || prop === 'listSegments') reads[prop]++;
      const value = Reflect.get(t, prop, t) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(t) : value;
    },
  });
}

const headers = (s: Session): Record<string, string> => ({ cookie: s.cookie, 'x-csrf-token': s.csrf });

/** A POST whose declared length is over the limit (the limit refuses it before reading). */
async function declared(session: Session, path: string, bytes: number): Promise<{ status: number; message: string }> {
  const res = await app.request(path, { method: 'POST', headers: { ...headers(session), 'content-type': 'multipart/form-data; boundary=xyz', 'content-length': String(bytes) }, body: 'x' });
  return { status: res.status, message: ((await res.json()) as { error: { message: string } }).error.message };
}

beforeAll(async () => {
  deps = makeDeps(counting(new MemoryStore()));
  await ensureAdmin(deps, 'admin-password-1');
  await createUser(deps, { login: 'rita', role: 'researcher', password: 'rita-password-1' });
  projectId = (await createProject(deps, { name: 'Grenzen' })).id;
  app = createApp({ deps, maxUploadBytes: 3 * 1024 * 1024 });
  admin = await signInTo(app, 'admin', 'admin-password-1');
  rita = await signInTo(app, 'rita', 'rita-password-1');
});

describe('body limits by route (createApp)', () => {
  it('each upload route has its own limit and message; restore its own; the rest the JSON limit', async () => {
    const P = `/api/projects/${projectId}`;
    expect(await declared(rita, `${P}/documents/import`, 3 * 1024 * 1024 + 1)).toEqual({ status: 413, message: 'the upload is larger than 3 MB' });
    const refi = `the upload is larger than ${Math.round(REFI_LIMITS.maxZipBytes / 1024 / 1024)} MB`;
    expect(await declared(rita, '/api/projects/import/qdpx', REFI_LIMITS.maxZipBytes + 1)).toEqual({ status: 413, message: refi });
    expect(await declared(rita, `${P}/codebook/import/qdc`, REFI_LIMITS.maxZipBytes + 1)).toEqual({ status: 413, message: refi });
    const table = `${P}/codebook/import/spreadsheet`;
    expect(await declared(rita, table, CODEBOOK_TABLE_LIMITS.maxBytes + 64 * 1024 + 1)).toEqual({ status: 413, message: `the upload is larger than ${Math.round(CODEBOOK_TABLE_LIMITS.maxBytes / 1024 / 1024)} MB` });
    // Within the table limit (file plus framing) the body reaches the route: not 413.
    expect((await declared(rita, table, CODEBOOK_TABLE_LIMITS.maxBytes + 1)).status).not.toBe(413);
    expect(await declared(admin, '/api/projects/restore', 500 * 1024 * 1024 + 1)).toEqual({ status: 413, message: 'the project file is too large' });
    expect((await declared(admin, '/api/projects/restore', 3 * 1024 * 1024)).status).not.toBe(413);
    expect(await declared(rita, `${P}/codes`, 2 * 1024 * 1024 + 1)).toEqual({ status: 413, message: `the request body is larger than ${2 * 1024 * 1024} bytes` });
  });
});

describe('GET /memos', () => {
  it('reads no segment when nothing is sealed or the viewer is an admin, and one listSegments otherwise', async () => {
    const P = `/api/projects/${projectId}`;
    const code = (await (await sendTo(app, rita, 'POST', `${P}/codes`, { name: 'A' })).json()) as { id: string };
    const form = new FormData();
    form.append('files', new Blob(['Ein Text, lang genug für zwei Segmente.'], { type: 'text/plain' }), 'a.txt');
    const imported = (await (await app.request(`${P}/documents/import`, { method: 'POST', headers: headers(admin), body: form })).json()) as { imported: { documentId: string }[] };
    const documentId = imported.imported[0]!.documentId;
    const adminSegment = (await (await sendTo(app, admin, 'POST', `${P}/segments`, { documentId, codeId: code.id, start: 0, end: 4 })).json()) as { id: string };
    const ritaSegment = (await (await sendTo(app, rita, 'POST', `${P}/segments`, { documentId, codeId: code.id, start: 5, end: 9 })).json()) as { id: string };
    for (const [session, id, text] of [[admin, adminSegment.id, 'vom Admin'], [rita, ritaSegment.id, 'von Rita']] as const) {
      expect((await sendTo(app, session, 'POST', `${P}/memos`, { target: { type: 'segment', id }, text })).status).toBe(201);
    }
    const texts = async (session: Session): Promise<string[]> => ((await (await sendTo(app, session, 'GET', `${P}/memos`)).json()) as { memos: { text: string }[] }).memos.map((m) => m.text).sort();
    const counted = async <T>(fn: () => Promise<T>): Promise<[T, typeof reads]> => {
      reads.getSegment = 0;
      reads.listSegments = 0;
      const result = await fn();
      return [result, { ...reads }];
    };

    expect(await counted(() => texts(rita))).toEqual([['vom Admin', 'von Rita'], { getSegment: 0, listSegments: 0 }]);
    expect((await sendTo(app, admin, 'POST', `${P}/sets`, { name: 'Unabhängig', definition: { type: 'members', documentIds: [documentId] }, independent: true })).status).toBe(201);
    expect(await counted(() => texts(admin))).toEqual([['vom Admin', 'von Rita'], { getSegment: 0, listSegments: 0 }]);
    expect(await counted(() => texts(rita))).toEqual([['von Rita'], { getSegment: 0, listSegments: 1 }]);
  });
});
