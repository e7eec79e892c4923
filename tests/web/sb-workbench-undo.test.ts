import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { UndoHistory, UndoPreview } from '../../server/schemas/audit.js';
import type { Code } from '../../server/schemas/code.js';
import type { Document } from '../../server/schemas/document.js';
import type { Project } from '../../server/schemas/project.js';
import type { Segment } from '../../server/schemas/segment.js';
import type { PublicUser } from '../../server/schemas/user.js';
import '../../web/components/sb-workbench.js';
import type { SbWorkbench } from '../../web/components/sb-workbench.js';
import { setLanguage } from '../../web/i18n/index.js';
import type { Route } from '../../web/route.js';
import { FakeApi } from './fake-api.js';

const T = '2024-01-01T00:00:00.000Z';
const rita: PublicUser = { id: 'u2', login: 'rita', displayName: 'Rita', role: 'researcher', created: T, version: 1 };
const admin: PublicUser = { ...rita, id: 'u1', login: 'admin', displayName: 'Administration', role: 'admin' };
const project: Project = { id: 'p1', name: 'Undo', description: '', language: 'de', created: T, crosswalk: [], version: 1 };
const text = 'Die Fachkraft begrüßt Frau K. herzlich.';
const doc: Document = { id: 'd1', title: 'Protokoll', kind: 'observation', text, attributes: {}, turns: [], created: T, version: 1 };
const code: Code = { id: 'k1', parentId: null, name: 'Begrüßung', order: 0, colour: '#336699', isCodable: true, definition: { description: '', inclusion: '', exclusion: '', anchors: [], rules: '' }, created: T, modified: T, version: 1 };
const segment: Segment = { id: 's1', documentId: 'd1', codeId: 'k1', start: 4, end: 13, coder: 'u2', memo: '', created: T, modified: T, version: 1 };
const removed: UndoPreview = { change: 'c2', at: T, action: 'uncode-segment', name: 'Begrüßung', count: 1, label: 'Kodierung »Begrüßung« entfernt' };

let fake: FakeApi;
let segments: Segment[];
let history: UndoHistory;

const route: Route = { name: 'coding', projectId: 'p1', documentId: 'd1', codeId: null, at: null };
const retrieved = () => ({ total: segments.length, segments: segments.map((s) => ({ ...s, text: '', before: '', after: '', documentTitle: 'Protokoll' })) });

async function workbench(user: PublicUser = rita): Promise<SbWorkbench> {
  const el = await fixture<SbWorkbench>(html`<sb-workbench .route=${route} .user=${user}></sb-workbench>`);
  await waitUntil(() => el.shadowRoot!.querySelector('sb-document-view'), 'the document did not load');
  await waitUntil(() => !el.shadowRoot!.querySelector<HTMLButtonElement>('button.undo')?.disabled, 'the undo history did not load');
  return el;
}
const press = (key: string, init: KeyboardEventInit = {}, target: EventTarget = window) =>
  target.dispatchEvent(new KeyboardEvent('keydown', { key, ctrlKey: true, bubbles: true, composed: true, cancelable: true, ...init }));

describe('sb-workbench undo and redo', () => {
  beforeEach(() => {
    setLanguage('de');
    segments = [];
    history = { undo: removed, redo: null, undoDepth: 2, redoDepth: 0 };
    fake = new FakeApi()
      .on('GET', '/api/projects/p1', project)
      .on('GET', '/api/projects/p1/documents', { documents: [{ ...doc, text: undefined, turns: undefined, length: text.length, segmentCount: 0 }] })
      .on('GET', '/api/projects/p1/documents/d1', doc)
      .on('GET', '/api/projects/p1/sets', { sets: [] })
      .on('GET', '/api/projects/p1/codes', { codes: [code] })
      .on('GET', '/api/projects/p1/segments/counts', { byCode: {} })
      .on('GET', '/api/users', { users: [rita, admin] })
      .on('GET', '/api/projects/p1/memos', { memos: [] })
      .on('GET', '/api/projects/p1/segments', () => ({ status: 200, body: retrieved() }))
      .on('GET', '/api/projects/p1/history', () => ({ status: 200, body: history }))
      .on('POST', '/api/projects/p1/undo', () => {
        segments = [segment];
        history = { undo: { ...removed, change: 'c1', action: 'code-segment', label: 'Kodierung »Begrüßung« gesetzt' }, redo: removed, undoDepth: 1, redoDepth: 1 };
        return { status: 200, body: { change: 'c3', done: removed, history } };
      })
      .on('POST', '/api/projects/p1/redo', () => {
        segments = [];
        history = { undo: removed, redo: null, undoDepth: 2, redoDepth: 0 };
        return { status: 200, body: { change: 'c4', done: removed, history } };
      });
    fake.install();
  });
  afterEach(() => fake.restore());

  it('names the next step on the buttons; Ctrl+Z undoes and reloads, Ctrl+Shift+Z and Ctrl+Y redo', async () => {
    const el = await workbench();
    const root = el.shadowRoot!;
    const undoButton = root.querySelector<HTMLButtonElement>('button.undo')!;
    expect(undoButton.getAttribute('aria-label')).to.equal('Rückgängig: Kodierung »Begrüßung« entfernt (Strg+Z)');
    expect(undoButton.title).to.equal(undoButton.getAttribute('aria-label'));
    expect(root.querySelector<HTMLButtonElement>('button.redo')!.disabled).to.equal(true);
    expect(root.querySelector<HTMLButtonElement>('button.redo')!.getAttribute('aria-label')).to.equal('Nichts zu wiederholen');

    const view = () => root.querySelector('sb-document-view')!;
    expect(view().segments).to.have.length(0);
    expect(press('z')).to.equal(false); // the browser's own undo is prevented
    await waitUntil(() => view().segments.length === 1, 'the undone removal did not come back');
    expect(fake.count('POST', '/api/projects/p1/undo')).to.equal(1);
    await waitUntil(() => root.querySelector('.status.info')?.textContent?.includes('Rückgängig gemacht: Kodierung »Begrüßung« entfernt'), 'no message');
    await el.updateComplete;
    expect(root.querySelector<HTMLButtonElement>('button.redo')!.getAttribute('aria-label')).to.equal('Wiederholen: Kodierung »Begrüßung« entfernt (Strg+Umschalt+Z)');

    press('Z', { shiftKey: true });
    await waitUntil(() => view().segments.length === 0, 'the redo did not remove it again');
    expect(fake.count('POST', '/api/projects/p1/redo')).to.equal(1);
    press('z');
    await waitUntil(() => view().segments.length === 1, 'second undo');
    press('y');
    await waitUntil(() => fake.count('POST', '/api/projects/p1/redo') === 2, 'Ctrl+Y did not redo');

    // The buttons do the same.
    await waitUntil(() => !undoButton.disabled, 'undo button disabled');
    undoButton.click();
    await waitUntil(() => fake.count('POST', '/api/projects/p1/undo') === 3, 'the button did not undo');
    await expect(el).to.be.accessible();
  });

  it('does not fire while typing in an input, a textarea or a select, nor without Ctrl, nor on other pages', async () => {
    const el = await workbench();
    const root = el.shadowRoot!;
    const select = root.querySelector('.doc-picker select')!;
    press('z', {}, select);
    const input = document.createElement('input');
    document.body.append(input);
    press('z', {}, input);
    const area = document.createElement('textarea');
    document.body.append(area);
    press('y', {}, area);
    press('z', { ctrlKey: false });
    input.remove();
    area.remove();
    el.route = { name: 'corpus', projectId: 'p1' };
    await el.updateComplete;
    press('z');
    await new Promise((r) => setTimeout(r, 100));
    expect(fake.count('POST', '/api/projects/p1/undo')).to.equal(0);
    expect(fake.count('POST', '/api/projects/p1/redo')).to.equal(0);
  });

  it('takes the new history from the undo reply instead of fetching it again', async () => {
    const el = await workbench();
    const root = el.shadowRoot!;
    const historyBefore = fake.count('GET', '/api/projects/p1/history');
    press('z');
    await waitUntil(() => root.querySelector('sb-document-view')!.segments.length === 1, 'the undo did not reload the data');
    await el.updateComplete;
    expect(root.querySelector<HTMLButtonElement>('button.redo')!.disabled).to.equal(false);
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.count('GET', '/api/projects/p1/history')).to.equal(historyBefore);
  });

  it('fetches the history again when an undo is refused (409)', async () => {
    fake.on('POST', '/api/projects/p1/undo', () => ({ status: 409, body: { error: { code: 'conflict', message: 'cannot undo' } } }));
    const el = await workbench();
    const historyBefore = fake.count('GET', '/api/projects/p1/history');
    press('z');
    await waitUntil(() => el.shadowRoot!.querySelector('.status.conflict'), 'no conflict shown');
    expect(fake.count('GET', '/api/projects/p1/history')).to.be.greaterThan(historyBefore);
  });

  it('shows a refused undo (409) as a conflict naming the entity and reloads', async () => {
    fake.on('POST', '/api/projects/p1/undo', () => ({ status: 409, body: { error: { code: 'conflict', message: 'cannot undo or redo: the coding "Begrüßung" (s1) was changed by someone since; nothing was changed' } } }));
    const el = await workbench();
    const codesBefore = fake.count('GET', '/api/projects/p1/codes');
    press('z');
    await waitUntil(() => el.shadowRoot!.querySelector('.status.conflict'), 'no conflict shown');
    expect(el.shadowRoot!.querySelector('.status.conflict')!.textContent).to.contain('coding "Begrüßung" (s1) was changed by someone since');
    expect(fake.count('GET', '/api/projects/p1/codes')).to.be.greaterThan(codesBefore);
  });
});
