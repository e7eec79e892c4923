import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { Code, CodeDefinition } from '../../server/schemas/code.js';
import { SECTIONS, parseSideConditions, type ComparisonResult } from '../../server/schemas/comparison.js';
import type { CrosswalkEntry } from '../../server/schemas/crosswalk.js';
import type { Document } from '../../server/schemas/document.js';
import type { DocumentFilter } from '../../server/schemas/document-set.js';
import type { Memo, MemoTarget } from '../../server/schemas/memo.js';
import type { Project } from '../../server/schemas/project.js';
import type { UndoHistory, UndoPreview, UndoResult } from '../../server/schemas/audit.js';
import type { RetrievedSegment, Segment } from '../../server/schemas/segment.js';
import type { PublicUser } from '../../server/schemas/user.js';
import { can } from '../../server/domain/permissions.js';
import { createClient, uploadWithProgress, type Client, ApiFailure, ok } from '../api.js';
import { listenToChanges } from '../live.js';
import type { ChangeNotice } from '../../server/schemas/events.js';
import { LanguageController, t } from '../i18n/index.js';
import type { MessageKey } from '../i18n/de.js';
import { routeToUrl, type Route } from '../route.js';
import type { CodeDefinitionSaveEvent } from './sb-code-definition.js';
import type { CodeDeleteEvent } from './sb-code-delete-dialog.js';
import type { CodeMergeEvent } from './sb-code-merge-dialog.js';
import { DEFAULT_COMPARISON_QUERY, type ComparisonDrillEvent, type ComparisonQuery, type ComparisonQueryEvent, type ComparisonReportUrls } from './sb-comparison-view.js';
import type { CodeActivateEvent, CodeCreateEvent, CodeFilterEvent, CodeMoveEvent, CodeRenameEvent, CodeSelectEvent } from './sb-code-tree.js';
import { matchesFilter, type DocumentListEntry, type DocumentSetWithMembers } from './sb-corpus-model.js';
import type { CrosswalkSaveEvent } from './sb-crosswalk-editor.js';
import type { DocumentOpenEvent, SetCreateEvent } from './sb-corpus-view.js';
import type { ApplyCodeEvent, InVivoEvent, SegmentRemoveEvent, SegmentUpdateEvent, SelectionChangeEvent, TextRange } from './sb-document-view.js';
import type { MemoDeleteEvent } from './sb-memo-list.js';
import type { MemoSaveEvent } from './sb-memo-editor.js';
import type { SegmentOpenEvent, SegmentQueryEvent } from './sb-segment-list.js';
import type { UploadFn } from './sb-upload.js';
import './sb-code-definition.js';
import './sb-code-tree.js';
import './sb-comparison-view.js';
import './sb-corpus-view.js';
import './sb-crosswalk-editor.js';
import './sb-document-view.js';
import './sb-memo-list.js';
import './sb-segment-list.js';
import './sb-upload.js';
import './sb-agreement-view.js';
import './sb-forms-view.js';
import './sb-search-view.js';
import './sb-exchange-view.js';
import './sb-audit-view.js';
import './sb-pseudonym-view.js';

/** Fired when the user moves to another place in the project (the shell updates the URL). */
export class NavigateEvent extends Event {
  constructor(readonly route: Route) {
    super('sb-navigate', { bubbles: true, composed: true });
  }
}

type ProjectRoute = Exclude<Route, { name: 'projects' }>;
type ComparisonRoute = Extract<Route, { name: 'comparison' }>;

interface Status {
  kind: 'error' | 'conflict' | 'info';
  message: string;
  retry?: () => Promise<void>;
}

/**
 * One project's workbench: corpus, coding (code tree, document, definition, memos), segment
 * retrieval and memos. It owns the data of the project and every call to the API; the components
 * below it are pure. Failed saves stay visible with a Retry; a 409 reloads and explains.
 *
 * @fires sb-navigate - the user went elsewhere in the project (NavigateEvent)
 */
export class SbWorkbench extends LitElement {
  static override properties = {
    route: { attribute: false },
    user: { attribute: false },
    project: { state: true },
    documents: { state: true },
    sets: { state: true },
    codes: { state: true },
    counts: { state: true },
    users: { state: true },
    memos: { state: true },
    doc: { state: true },
    docSegments: { state: true },
    selectedCodeId: { state: true },
    filterCodeIds: { state: true },
    retrieved: { state: true },
    retrievedTotal: { state: true },
    retrievalLoading: { state: true },
    retrievalError: { state: true },
    status: { state: true },
    busy: { state: true },
    definitionSaving: { state: true },
    definitionError: { state: true },
    memoSaving: { state: true },
    memoError: { state: true },
    loadError: { state: true },
    comparison: { state: true },
    comparisonLoading: { state: true },
    comparisonError: { state: true },
    crosswalk: { state: true },
    crosswalkSaving: { state: true },
    crosswalkError: { state: true },
    undoHistory: { state: true },
  };

  static override styles = css`
    :host {
      display: block;
    }
    nav ul {
      display: flex;
      gap: 0.25rem;
      list-style: none;
      padding: 0;
      margin: 0 0 1rem;
      border-bottom: 1px solid #cbd5e1;
    }
    nav a {
      display: inline-block;
      padding: 0.4rem 0.9rem;
      color: #0f3b57;
      text-decoration: none;
      border-radius: 4px 4px 0 0;
    }
    nav a[aria-current='page'] {
      background: #0f3b57;
      color: white;
    }
    nav a:focus-visible {
      outline: 2px solid #1d4ed8;
      outline-offset: 2px;
    }
    .status {
      padding: 0.5rem 0.75rem;
      margin-bottom: 0.75rem;
      border-radius: 4px;
      display: flex;
      gap: 0.75rem;
      align-items: center;
    }
    .status.error,
    .status.conflict {
      background: #fef2f2;
      color: #991b1b;
      border: 1px solid #fecaca;
    }
    .status.info {
      background: #f0f9ff;
      color: #075985;
    }
    .coding {
      display: grid;
      grid-template-columns: minmax(15rem, 22rem) 1fr;
      gap: 1rem;
      align-items: start;
    }
    .coding aside {
      position: sticky;
      top: 0.5rem;
      max-height: calc(100vh - 1rem);
      overflow: auto;
    }
    .doc-picker {
      display: flex;
      gap: 0.5rem;
      align-items: center;
      margin-bottom: 0.5rem;
    }
    select,
    button {
      font: inherit;
    }
    h2,
    h3 {
      margin: 0.5rem 0;
    }
  `;

  /**
   * Its own typed client: an hc client is a Proxy that answers every property, so it must never go
   * through a Lit binding (Lit probes bound values for `_$litDirective$`).
   */
  private readonly api: Client = createClient();
  declare route: ProjectRoute;
  declare user: PublicUser;
  declare project: Project | undefined;
  declare documents: DocumentListEntry[];
  declare sets: DocumentSetWithMembers[];
  declare codes: Code[];
  declare counts: Record<string, number>;
  declare users: Record<string, string>;
  declare memos: Memo[];
  declare doc: Document | undefined;
  declare docSegments: Segment[];
  declare selectedCodeId: string | null;
  declare filterCodeIds: string[];
  declare retrieved: RetrievedSegment[];
  declare retrievedTotal: number;
  declare retrievalLoading: boolean;
  declare retrievalError: string;
  declare status: Status | null;
  declare busy: boolean;
  declare definitionSaving: boolean;
  declare definitionError: string;
  declare memoSaving: boolean;
  declare memoError: string;
  declare loadError: string;
  declare comparison: ComparisonResult | null;
  declare comparisonLoading: boolean;
  declare comparisonError: string;
  declare crosswalk: CrosswalkEntry[];
  declare crosswalkSaving: boolean;
  declare crosswalkError: string;
  /** What the user's next undo and redo in this project would do (issue 9). */
  declare undoHistory: UndoHistory | null;
  /** The text selection in the document view, for codes activated in the tree. */
  private selection: TextRange | null = null;
  private loadedProject = '';
  /** Stops listening to the project's live change notices. */
  private stopLive: (() => void) | undefined;
  private liveTimer: ReturnType<typeof setTimeout> | undefined;
  private livePending = { codes: false, document: false, documents: false, memos: false };
  /** The comparison last shown (the tab returns to it), and the query its result answers. */
  private lastComparison: ComparisonRoute | null = null;
  private comparisonKey = '';
  private comparisonRequest = 0;
  private crosswalkLoaded = false;

  constructor() {
    super();
    new LanguageController(this);
    this.project = undefined;
    this.documents = [];
    this.sets = [];
    this.codes = [];
    this.counts = {};
    this.users = {};
    this.memos = [];
    this.doc = undefined;
    this.docSegments = [];
    this.selectedCodeId = null;
    this.filterCodeIds = [];
    this.retrieved = [];
    this.retrievedTotal = 0;
    this.retrievalLoading = false;
    this.retrievalError = '';
    this.status = null;
    this.busy = false;
    this.definitionSaving = false;
    this.definitionError = '';
    this.memoSaving = false;
    this.memoError = '';
    this.loadError = '';
    this.comparison = null;
    this.comparisonLoading = false;
    this.comparisonError = '';
    this.crosswalk = [];
    this.crosswalkSaving = false;
    this.crosswalkError = '';
    this.undoHistory = null;
  }

  private get pid(): string {
    return this.route.projectId;
  }
  private get param() {
    return { param: { projectId: this.pid } };
  }
  private get mayCode(): boolean {
    return can(this.user.role, 'code');
  }
  /** Memos, and undo/redo of one's own steps (every role may comment). */
  private get mayComment(): boolean {
    return can(this.user.role, 'comment');
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('keydown', this.onUndoKey);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('keydown', this.onUndoKey);
    this.stopLive?.();
    this.stopLive = undefined;
    this.loadedProject = '';
  }

  /**
   * Someone changed the project: reload what the notice touches, at most every 150 ms, so several
   * coders' changes appear within a second without reloading the page. Our own changes are
   * already on screen.
   */
  private onLiveChange(n: ChangeNotice): void {
    if (n.by === this.user.id) return;
    if (n.kind === 'segment') {
      if (n.documentId !== undefined && n.documentId === this.doc?.id) this.livePending.document = true;
      this.livePending.codes = true;
    } else if (n.kind === 'code') this.livePending.codes = true;
    else {
      this.livePending.codes = true;
      this.livePending.documents = true;
      this.livePending.memos = true;
      if (this.doc) this.livePending.document = true;
    }
    if (this.liveTimer !== undefined) return;
    this.liveTimer = setTimeout(() => {
      this.liveTimer = undefined;
      const todo = this.livePending;
      this.livePending = { codes: false, document: false, documents: false, memos: false };
      const jobs: Promise<void>[] = [];
      if (todo.codes) jobs.push(this.reloadCodes());
      if (todo.documents) jobs.push(this.reloadDocuments());
      if (todo.memos) jobs.push(this.reloadMemos());
      if (todo.document && this.doc) jobs.push(this.refreshDocumentSegments(this.doc.id));
      void Promise.all(jobs).catch(() => undefined);
    }, 150);
  }

  /** Reload only the segments of the open document (the text is immutable). */
  private async refreshDocumentSegments(documentId: string): Promise<void> {
    const segs = await ok<{ segments: RetrievedSegment[] }>(
      this.api.api.projects[':projectId'].segments.$get({ ...this.param, query: { documentId, context: '0', limit: '100000' } }),
    );
    if (this.doc?.id === documentId) this.docSegments = segs.segments.map(({ text: _t, before: _b, after: _a, documentTitle: _d, ...s }) => s);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('route')) void this.onRoute(changed.get('route') as ProjectRoute | undefined);
  }

  private async onRoute(previous: ProjectRoute | undefined): Promise<void> {
    try {
      if (this.loadedProject !== this.pid) {
        this.loadedProject = this.pid;
        this.stopLive?.();
        this.stopLive = listenToChanges(this.pid, (n) => this.onLiveChange(n));
        this.comparison = null;
        this.comparisonKey = '';
        this.lastComparison = null;
        this.crosswalkLoaded = false;
        await this.loadProject();
        void this.loadUndoHistory();
      }
      const r = this.route;
      if (r.name === 'coding') {
        if (r.documentId && r.documentId !== this.doc?.id) await this.loadDocument(r.documentId);
        if (!r.documentId) this.doc = undefined;
        if (r.codeId !== null) this.selectedCodeId = r.codeId;
        // Steps may have come from other views (autocoding in the search view).
        if (previous?.name !== 'coding') void this.loadUndoHistory();
      }
      if (r.name === 'segments' && (previous?.name !== 'segments' || routeToUrl(previous) !== routeToUrl(r))) await this.retrieve();
      if (r.name === 'comparison') {
        this.lastComparison = r;
        // Coding elsewhere may have changed the counts: coming back to the tab computes afresh.
        const fresh = previous?.name !== 'comparison' || previous.projectId !== r.projectId;
        await Promise.all([
          this.crosswalkLoaded ? Promise.resolve() : this.loadCrosswalk(),
          fresh || comparisonKeyOf(this.comparisonQuery(r)) !== this.comparisonKey ? this.loadComparison() : Promise.resolve(),
        ]);
      }
      this.loadError = '';
    } catch (e) {
      this.loadError = `${t('error.load')}: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  private async loadProject(): Promise<void> {
    const p = this.api.api.projects[':projectId'];
    const [project, docs, sets, codes, counts, users, memos] = await Promise.all([
      ok<Project>(p.$get(this.param)),
      ok<{ documents: DocumentListEntry[] }>(p.documents.$get(this.param)),
      ok<{ sets: DocumentSetWithMembers[] }>(p.sets.$get(this.param)),
      ok<{ codes: Code[] }>(p.codes.$get(this.param)),
      ok<{ byCode: Record<string, number> }>(p.segments.counts.$get({ ...this.param, query: {} })),
      ok<{ users: PublicUser[] }>(this.api.api.users.$get()),
      ok<{ memos: Memo[] }>(p.memos.$get(this.param)),
    ]);
    this.project = project;
    this.documents = docs.documents;
    this.sets = sets.sets;
    this.codes = codes.codes;
    this.counts = counts.byCode;
    this.users = Object.fromEntries(users.users.map((u) => [u.id, u.displayName]));
    this.memos = memos.memos;
  }

  private async reloadCodes(): Promise<void> {
    const p = this.api.api.projects[':projectId'];
    const [codes, counts] = await Promise.all([
      ok<{ codes: Code[] }>(p.codes.$get(this.param)),
      ok<{ byCode: Record<string, number> }>(p.segments.counts.$get({ ...this.param, query: {} })),
    ]);
    this.codes = codes.codes;
    this.counts = counts.byCode;
  }

  private async reloadDocuments(): Promise<void> {
    const p = this.api.api.projects[':projectId'];
    const [docs, sets] = await Promise.all([ok<{ documents: DocumentListEntry[] }>(p.documents.$get(this.param)), ok<{ sets: DocumentSetWithMembers[] }>(p.sets.$get(this.param))]);
    this.documents = docs.documents;
    this.sets = sets.sets;
  }

  private async reloadMemos(): Promise<void> {
    this.memos = (await ok<{ memos: Memo[] }>(this.api.api.projects[':projectId'].memos.$get(this.param))).memos;
  }

  private async loadDocument(documentId: string): Promise<void> {
    const p = this.api.api.projects[':projectId'];
    const [doc, segs] = await Promise.all([
      ok<Document>(p.documents[':documentId'].$get({ param: { projectId: this.pid, documentId } })),
      ok<{ segments: RetrievedSegment[] }>(p.segments.$get({ ...this.param, query: { documentId, context: '0', limit: '100000' } })),
    ]);
    this.doc = doc;
    this.docSegments = segs.segments.map(({ text: _t, before: _b, after: _a, documentTitle: _d, ...s }) => s);
    this.selection = null;
  }

  /**
   * Run one change against the API: show progress, keep a failure visible with Retry, and on a 409
   * reload the data and explain, never swallow it.
   */
  private async perform(action: MessageKey, run: () => Promise<void>, reloadOnConflict: () => Promise<void>, loadHistory = true): Promise<boolean> {
    this.busy = true;
    try {
      await run();
      if (this.status?.kind !== 'info') this.status = null;
      // Every own change is a new undo step (and clears the redo stack); undo/redo bring their history along.
      if (loadHistory) void this.loadUndoHistory();
      return true;
    } catch (e) {
      if (e instanceof ApiFailure && e.status === 409) {
        await reloadOnConflict().catch(() => undefined);
        const now = this.describeCurrent(e.current);
        this.status = { kind: 'conflict', message: `${t('error.conflict')} (${e.message})${now ? ` ${now}` : ''}` };
      } else {
        this.status = {
          kind: 'error',
          message: t('error.failed', { action: t(action), message: e instanceof Error ? e.message : String(e) }),
          retry: () => this.perform(action, run, reloadOnConflict, loadHistory).then(() => undefined),
        };
      }
      return false;
    } finally {
      this.busy = false;
    }
  }

  /** What the server holds now, in words (segments and codes), so the user sees what changed. */
  private describeCurrent(current: unknown): string {
    if (typeof current !== 'object' || current === null) return '';
    const c = current as { codeId?: unknown; start?: unknown; end?: unknown; memo?: unknown; name?: unknown; coder?: unknown; version?: unknown };
    const version = typeof c.version === 'number' ? c.version : undefined;
    if (typeof c.codeId === 'string' && typeof c.start === 'number' && typeof c.end === 'number') {
      const code = this.codes.find((x) => x.id === c.codeId)?.name ?? String(c.codeId);
      const coder = typeof c.coder === 'string' ? (this.users[c.coder] ?? c.coder) : '';
      const memo = typeof c.memo === 'string' && c.memo !== '' ? c.memo : '–';
      return t('error.currentSegment', { code, start: c.start, end: c.end, coder, memo, version: version ?? '?' });
    }
    if (typeof c.name === 'string') return t('error.currentCode', { name: c.name, version: version ?? '?' });
    return '';
  }

  private navigate(route: Route): void {
    this.dispatchEvent(new NavigateEvent(route));
  }

  // ---- undo and redo (issue 9: the server keeps the steps; one step = one commit) ----

  private async loadUndoHistory(): Promise<void> {
    try {
      this.undoHistory = await ok<UndoHistory>(this.api.api.projects[':projectId'].history.$get(this.param));
    } catch {
      this.undoHistory = null;
    }
  }

  private undoLabel(p: UndoPreview): string {
    return t(`undo.action.${p.action}` as MessageKey, { name: p.name ?? '', count: p.count });
  }

  /** Undo or redo the user's last step, then reload what it may have touched. */
  private async undoRedo(which: 'undo' | 'redo'): Promise<void> {
    if (this.busy || !this.mayComment) return;
    const reloadData = (): Promise<unknown> =>
      Promise.all([this.reloadCodes(), this.reloadMemos(), this.reloadDocuments(), this.doc ? this.refreshDocumentSegments(this.doc.id) : Promise.resolve()]);
    await this.perform(
      which === 'undo' ? 'undo.undo' : 'undo.redo',
      async () => {
        const p = this.api.api.projects[':projectId'];
        const result = await ok<UndoResult>(which === 'undo' ? p.undo.$post(this.param) : p.redo.$post(this.param));
        // The reply carries the new history: no second request for it.
        this.undoHistory = result.history;
        this.status = { kind: 'info', message: t(which === 'undo' ? 'undo.undone' : 'undo.redone', { label: this.undoLabel(result.done) }) };
        await reloadData();
      },
      // A refused step (409) leaves the history stale too, so it is fetched with the data.
      async () => {
        await Promise.all([reloadData(), this.loadUndoHistory()]);
      },
      false,
    );
  }

  /** Ctrl+Z / Cmd+Z undoes, Ctrl+Shift+Z and Ctrl+Y redo – on the coding page, never while typing. */
  private readonly onUndoKey = (e: KeyboardEvent): void => {
    if (this.route?.name !== 'coding' || !(e.ctrlKey || e.metaKey) || e.altKey) return;
    const key = e.key.toLowerCase();
    const which = key === 'z' ? (e.shiftKey ? 'redo' : 'undo') : key === 'y' && !e.shiftKey ? 'redo' : null;
    if (!which) return;
    const target = e.composedPath()[0];
    if (target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return;
    e.preventDefault();
    void this.undoRedo(which);
  };

  private renderUndoButtons(): TemplateResult | typeof nothing {
    if (!this.mayComment) return nothing;
    const h = this.undoHistory;
    const undoName = h?.undo ? t('undo.undoLabel', { label: this.undoLabel(h.undo) }) : t('undo.nothingToUndo');
    const redoName = h?.redo ? t('undo.redoLabel', { label: this.undoLabel(h.redo) }) : t('undo.nothingToRedo');
    return html`<button type="button" class="undo" aria-label=${undoName} title=${undoName} ?disabled=${!h?.undo || this.busy} @click=${() => void this.undoRedo('undo')}>
        ↶ ${t('undo.undo')}
      </button>
      <button type="button" class="redo" aria-label=${redoName} title=${redoName} ?disabled=${!h?.redo || this.busy} @click=${() => void this.undoRedo('redo')}>
        ↷ ${t('undo.redo')}
      </button>`;
  }

  // ---- coding ----

  private async applyCode(codeId: string, range: TextRange): Promise<void> {
    const doc = this.doc;
    if (!doc) return;
    await this.perform(
      'nav.coding',
      async () => {
        const seg = await ok<Segment>(this.api.api.projects[':projectId'].segments.$post({ ...this.param, json: { documentId: doc.id, codeId, start: range.start, end: range.end } }));
        this.docSegments = [...this.docSegments, seg];
        this.counts = { ...this.counts, [codeId]: (this.counts[codeId] ?? 0) + 1 };
        const code = this.codes.find((c) => c.id === codeId);
        this.status = { kind: 'info', message: t('coding.applied', { code: code?.name ?? '' }) };
      },
      () => this.loadDocument(doc.id),
    );
  }

  private onActivate(e: CodeActivateEvent): void {
    if (this.route.name !== 'coding' || !this.doc || !this.mayCode) return;
    if (!this.selection) {
      this.status = { kind: 'info', message: t('coding.selectFirst') };
      return;
    }
    void this.applyCode(e.codeId, this.selection);
  }

  private async inVivo(e: InVivoEvent): Promise<void> {
    await this.perform(
      'nav.coding',
      async () => {
        const r = await ok<{ code: Code; segment: Segment }>(
          this.api.api.projects[':projectId'].segments['in-vivo'].$post({ ...this.param, json: { documentId: e.documentId, start: e.start, end: e.end, parentId: null } }),
        );
        this.codes = [...this.codes, r.code];
        this.docSegments = [...this.docSegments, r.segment];
        this.counts = { ...this.counts, [r.code.id]: 1 };
      },
      () => this.reloadCodes(),
    );
  }

  private async removeSegment(e: SegmentRemoveEvent): Promise<void> {
    const seg = this.docSegments.find((s) => s.id === e.segmentId);
    await this.perform(
      'nav.coding',
      async () => {
        await ok(this.api.api.projects[':projectId'].segments[':segmentId'].$delete({ param: { projectId: this.pid, segmentId: e.segmentId }, query: { version: String(e.version) } }));
        this.docSegments = this.docSegments.filter((s) => s.id !== e.segmentId);
        if (seg) this.counts = { ...this.counts, [seg.codeId]: Math.max(0, (this.counts[seg.codeId] ?? 1) - 1) };
      },
      () => this.loadDocument(this.doc?.id ?? ''),
    );
  }

  private async updateSegment(e: SegmentUpdateEvent): Promise<void> {
    await this.perform(
      'nav.coding',
      async () => {
        const next = await ok<Segment>(
          this.api.api.projects[':projectId'].segments[':segmentId'].$patch({ param: { projectId: this.pid, segmentId: e.segmentId }, json: { ...e.patch, version: e.version } }),
        );
        const before = this.docSegments.find((s) => s.id === next.id);
        this.docSegments = this.docSegments.map((s) => (s.id === next.id ? next : s));
        if (before && before.codeId !== next.codeId) {
          this.counts = { ...this.counts, [before.codeId]: Math.max(0, (this.counts[before.codeId] ?? 1) - 1), [next.codeId]: (this.counts[next.codeId] ?? 0) + 1 };
        }
      },
      () => this.loadDocument(this.doc?.id ?? ''),
    );
  }

  // ---- code system ----

  private codeChange(run: () => Promise<unknown>): Promise<boolean> {
    return this.perform(
      'nav.codes',
      async () => {
        await run();
        await this.reloadCodes();
      },
      () => this.reloadCodes(),
    );
  }

  private onCreate(e: CodeCreateEvent): void {
    void this.codeChange(() => ok(this.api.api.projects[':projectId'].codes.$post({ ...this.param, json: { name: e.name, parentId: e.parentId, isCodable: true } })));
  }
  private onRename(e: CodeRenameEvent): void {
    void this.codeChange(() => ok(this.api.api.projects[':projectId'].codes[':codeId'].$patch({ param: { projectId: this.pid, codeId: e.codeId }, json: { name: e.name, version: e.version } })));
  }
  private onMove(e: CodeMoveEvent): void {
    void this.codeChange(() =>
      ok(this.api.api.projects[':projectId'].codes[':codeId'].move.$post({ param: { projectId: this.pid, codeId: e.codeId }, json: { parentId: e.parentId, order: e.order, version: e.version } })),
    );
  }
  private onDelete(e: CodeDeleteEvent): void {
    void this.codeChange(async () => {
      await ok(
        this.api.api.projects[':projectId'].codes[':codeId'].delete.$post({
          param: { projectId: this.pid, codeId: e.codeId },
          json: { version: e.version, segments: e.segments, children: e.children },
        }),
      );
      if (this.selectedCodeId === e.codeId) this.selectedCodeId = null;
      if (this.doc) await this.loadDocument(this.doc.id);
    });
  }
  private onMerge(e: CodeMergeEvent): void {
    void this.codeChange(async () => {
      await ok(
        this.api.api.projects[':projectId'].codes.merge.$post({
          ...this.param,
          json: { sourceId: e.sourceId, targetId: e.targetId, sourceVersion: e.sourceVersion, targetVersion: e.targetVersion },
        }),
      );
      if (this.doc) await this.loadDocument(this.doc.id);
    });
  }
  private async saveDefinition(e: CodeDefinitionSaveEvent): Promise<void> {
    this.definitionSaving = true;
    this.definitionError = '';
    try {
      await ok(
        this.api.api.projects[':projectId'].codes[':codeId'].$patch({
          param: { projectId: this.pid, codeId: e.codeId },
          json: { definition: e.definition as CodeDefinition, colour: e.colour, version: e.version },
        }),
      );
      await this.reloadCodes();
    } catch (err) {
      if (err instanceof ApiFailure && err.status === 409) {
        await this.reloadCodes().catch(() => undefined);
        this.definitionError = t('error.conflict');
      } else this.definitionError = err instanceof Error ? err.message : String(err);
    } finally {
      this.definitionSaving = false;
    }
  }

  // ---- memos ----

  private async saveMemo(e: MemoSaveEvent): Promise<void> {
    this.memoSaving = true;
    this.memoError = '';
    const p = this.api.api.projects[':projectId'];
    try {
      if (e.memoId !== undefined && e.version !== undefined) {
        await ok(p.memos[':memoId'].$patch({ param: { projectId: this.pid, memoId: e.memoId }, json: { title: e.title, text: e.text, version: e.version } }));
      } else {
        await ok(p.memos.$post({ ...this.param, json: { target: e.memoTarget, title: e.title, text: e.text } }));
      }
      await this.reloadMemos();
    } catch (err) {
      if (err instanceof ApiFailure && err.status === 409) {
        await this.reloadMemos().catch(() => undefined);
        this.memoError = t('error.conflict');
      } else this.memoError = err instanceof Error ? err.message : String(err);
    } finally {
      this.memoSaving = false;
    }
  }

  private deleteMemo(e: MemoDeleteEvent): void {
    void this.perform(
      'nav.memos',
      async () => {
        await ok(this.api.api.projects[':projectId'].memos[':memoId'].$delete({ param: { projectId: this.pid, memoId: e.memoId }, query: { version: String(e.version) } }));
        await this.reloadMemos();
      },
      () => this.reloadMemos(),
    );
  }

  private memosFor(target: MemoTarget): Memo[] {
    return this.memos.filter((m) => m.target.type === target.type && (target.type === 'project' || ('id' in m.target && m.target.id === target.id)));
  }

  private renderMemos(target: MemoTarget, heading: MessageKey): TemplateResult {
    return html`<section aria-label=${t(heading)}>
      <h3>${t(heading)}</h3>
      <sb-memo-list
        .memos=${this.memosFor(target)}
        .users=${this.users}
        .target=${target}
        ?editable=${this.mayComment}
        ?saving=${this.memoSaving}
        .error=${this.memoError}
        @sb-memo-save=${(e: MemoSaveEvent) => void this.saveMemo(e)}
        @sb-memo-delete=${(e: MemoDeleteEvent) => this.deleteMemo(e)}
      ></sb-memo-list>
    </section>`;
  }

  // ---- corpus ----

  private readonly upload: UploadFn = (files, onProgress, kind, options) =>
    uploadWithProgress(this.api.api.projects[':projectId'].documents.import.$url(this.param), files, kind ?? '', onProgress, options) as ReturnType<UploadFn>;

  private createSet(e: SetCreateEvent): void {
    void this.perform(
      'nav.corpus',
      async () => {
        await ok(this.api.api.projects[':projectId'].sets.$post({ ...this.param, json: { name: e.name, definition: e.definition as { type: 'filter'; filter: DocumentFilter } } }));
        await this.reloadDocuments();
      },
      () => this.reloadDocuments(),
    );
  }

  // ---- segments ----

  private async retrieve(): Promise<void> {
    const r = this.route;
    if (r.name !== 'segments') return;
    if (r.codeIds.length === 0) {
      this.retrieved = [];
      this.retrievedTotal = 0;
      return;
    }
    this.retrievalLoading = true;
    this.retrievalError = '';
    try {
      const query: Record<string, string> = { codeId: r.codeIds.join(','), includeSubcodes: r.includeSubcodes ? 'true' : 'false', context: '120', limit: '5000' };
      if (r.setId) query['setId'] = r.setId;
      const res = await ok<{ total: number; segments: RetrievedSegment[] }>(this.api.api.projects[':projectId'].segments.$get({ ...this.param, query }));
      this.retrieved = res.segments;
      this.retrievedTotal = res.total;
    } catch (e) {
      this.retrievalError = e instanceof Error ? e.message : String(e);
    } finally {
      this.retrievalLoading = false;
    }
  }

  // ---- comparison ----

  /** The route's query with the defaults filled in. */
  private comparisonQuery(r: ComparisonRoute): ComparisonQuery {
    return {
      a: r.a ?? DEFAULT_COMPARISON_QUERY.a,
      b: r.b ?? DEFAULT_COMPARISON_QUERY.b,
      by: r.by,
      minDocuments: r.minDocuments ?? DEFAULT_COMPARISON_QUERY.minDocuments,
      sections: r.sections,
    };
  }

  /** The route of a query: defaults are left out of the URL. */
  private comparisonRoute(q: ComparisonQuery): ComparisonRoute {
    return {
      name: 'comparison',
      projectId: this.pid,
      a: q.a === DEFAULT_COMPARISON_QUERY.a ? null : q.a,
      b: q.b === DEFAULT_COMPARISON_QUERY.b ? null : q.b,
      by: q.by,
      minDocuments: q.minDocuments === DEFAULT_COMPARISON_QUERY.minDocuments ? null : q.minDocuments,
      sections: q.sections,
    };
  }

  /** The GET /comparison query of a comparison query (the API's parameter names). */
  private comparisonParams(q: ComparisonQuery) {
    // The default sides are left out, so that the server labels them ("Beratung (Beobachtungsprotokolle)").
    return {
      ...(q.a !== DEFAULT_COMPARISON_QUERY.a ? { a: q.a } : {}),
      ...(q.b !== DEFAULT_COMPARISON_QUERY.b ? { b: q.b } : {}),
      ...(q.by ? { by: q.by } : {}),
      minDocuments: String(q.minDocuments),
    };
  }

  private async loadComparison(): Promise<void> {
    const r = this.route;
    if (r.name !== 'comparison') return;
    const q = this.comparisonQuery(r);
    const request = ++this.comparisonRequest;
    this.comparisonLoading = true;
    this.comparisonError = '';
    try {
      const result = await ok<ComparisonResult>(this.api.api.projects[':projectId'].comparison.$get({ ...this.param, query: this.comparisonParams(q) }));
      if (request !== this.comparisonRequest) return;
      this.comparison = result;
      this.comparisonKey = comparisonKeyOf(q);
    } catch (e) {
      if (request !== this.comparisonRequest) return;
      this.comparison = null;
      this.comparisonKey = '';
      const message = e instanceof Error ? e.message : String(e);
      const status = e instanceof ApiFailure ? e.status : 0;
      // 400: the conditions cannot be compared (shared documents, no coded ones, bad syntax); 404: an unknown set.
      this.comparisonError =
        status === 400 ? t('comparison.error.invalid', { message }) : status === 404 ? t('comparison.error.notFound', { message }) : t('comparison.error.load', { message });
    } finally {
      if (request === this.comparisonRequest) this.comparisonLoading = false;
    }
  }

  private reportUrls(q: ComparisonQuery): ComparisonReportUrls {
    const c = this.api.api.projects[':projectId'].comparison;
    const url = (format: 'md' | 'html' | 'csv'): string => c.$url({ ...this.param, query: { ...this.comparisonParams(q), format } }).toString();
    return { md: url('md'), html: url('html'), csv: url('csv') };
  }

  private onComparisonQuery(e: ComparisonQueryEvent): void {
    const r = this.route as ComparisonRoute;
    const next = this.comparisonRoute(e.query);
    // The same URL again is a Retry: compute afresh. Otherwise the route change decides.
    if (routeToUrl(next) === routeToUrl(r)) void this.loadComparison();
    else this.navigate(next);
  }

  /**
   * The document set that holds exactly the documents of a side (and breakdown group) as far as
   * segments are concerned (documents without segments do not matter for retrieval), or null.
   */
  private setForSide(conditions: string, group: { attribute: string; value: string } | null): DocumentSetWithMembers | null {
    const parsed = parseSideConditions([conditions]);
    if (!parsed.ok) return null;
    const spec = parsed.spec;
    let docs = this.documents.filter((d) => d.segmentCount > 0 && matchesFilter(d, { ...(spec.kinds ? { kinds: spec.kinds } : {}), attributes: spec.attributes }));
    for (const name of spec.sets) {
      const set = this.sets.find((s) => s.id === name) ?? this.sets.find((s) => s.name === name);
      if (!set) return null;
      const members = new Set(set.documentIds);
      docs = docs.filter((d) => members.has(d.id));
    }
    if (group) {
      docs = docs.filter((d) => {
        const v = Object.hasOwn(d.attributes, group.attribute) ? d.attributes[group.attribute] : undefined;
        return (v === undefined ? '' : String(v.value)) === group.value;
      });
    }
    const wanted = new Set(docs.map((d) => d.id));
    const coded = new Set(this.documents.filter((d) => d.segmentCount > 0).map((d) => d.id));
    return (
      this.sets.find((s) => {
        const members = s.documentIds.filter((id) => coded.has(id));
        return members.length === wanted.size && members.every((id) => wanted.has(id));
      }) ?? null
    );
  }

  private onDrill(e: ComparisonDrillEvent): void {
    const r = this.route as ComparisonRoute;
    const q = this.comparisonQuery(r);
    const conditions = e.side === 'a' ? q.a : q.b;
    const set = this.setForSide(conditions, e.group);
    const side = e.side.toUpperCase();
    const definition = e.group ? `${conditions};${e.group.attribute}=${e.group.value}` : conditions;
    this.navigate({ name: 'segments', projectId: this.pid, codeIds: e.codeIds, includeSubcodes: e.includeSubcodes, setId: set?.id ?? null });
    this.status = { kind: 'info', message: set ? t('comparison.drill.set', { side, set: set.name }) : t('comparison.drill.noSet', { side, definition }) };
  }

  private async loadCrosswalk(): Promise<void> {
    const res = await ok<{ rows: CrosswalkEntry[] }>(this.api.api.projects[':projectId'].crosswalk.$get(this.param));
    this.crosswalk = res.rows;
    this.crosswalkLoaded = true;
  }

  private async saveCrosswalk(e: CrosswalkSaveEvent): Promise<void> {
    this.crosswalkSaving = true;
    this.crosswalkError = '';
    try {
      await this.perform(
        'comparison.crosswalk.action',
        async () => {
          try {
            const res = await ok<{ rows: CrosswalkEntry[] }>(this.api.api.projects[':projectId'].crosswalk.$put({ ...this.param, json: { rows: e.crosswalk } }));
            this.crosswalk = res.rows;
          } catch (err) {
            // 400: the rows name codes that are gone: explain it at the editor (a retry would fail the same way).
            if (err instanceof ApiFailure && err.status === 400) {
              this.crosswalkError = t('comparison.crosswalk.invalid', { message: err.message });
              await this.reloadCodes().catch(() => undefined);
              return;
            }
            throw err;
          }
          if (this.route.name === 'comparison') await this.loadComparison();
        },
        async () => {
          await Promise.all([this.loadCrosswalk(), this.reloadCodes()]);
          if (this.route.name === 'comparison') await this.loadComparison();
        },
      );
    } finally {
      this.crosswalkSaving = false;
    }
  }

  // ---- rendering ----

  private renderNav(): TemplateResult {
    const tabs: { name: ProjectRoute['name']; label: MessageKey; route: Route }[] = [
      { name: 'corpus', label: 'nav.corpus', route: { name: 'corpus', projectId: this.pid } },
      { name: 'coding', label: 'nav.coding', route: { name: 'coding', projectId: this.pid, documentId: this.doc?.id ?? null, codeId: null, at: null } },
      { name: 'segments', label: 'nav.segments', route: { name: 'segments', projectId: this.pid, codeIds: this.selectedCodeId ? [this.selectedCodeId] : [], includeSubcodes: false, setId: null } },
      { name: 'memos', label: 'nav.memos', route: { name: 'memos', projectId: this.pid } },
      {
        name: 'comparison',
        label: 'nav.comparison',
        route: this.lastComparison ?? { name: 'comparison', projectId: this.pid, a: null, b: null, by: null, minDocuments: null, sections: [...SECTIONS] },
      },
      { name: 'search', label: 'nav.search', route: { name: 'search', projectId: this.pid } },
      { name: 'agreement', label: 'nav.agreement', route: { name: 'agreement', projectId: this.pid } },
      { name: 'forms', label: 'nav.forms', route: { name: 'forms', projectId: this.pid } },
      { name: 'exchange', label: 'nav.exchange', route: { name: 'exchange', projectId: this.pid } },
      ...(this.user.role === 'admin' ? [{ name: 'audit' as const, label: 'nav.audit' as const, route: { name: 'audit' as const, projectId: this.pid } }] : []),
      ...(this.user.role === 'admin' ? [{ name: 'pseudonyms' as const, label: 'nav.pseudonyms' as const, route: { name: 'pseudonyms' as const, projectId: this.pid } }] : []),
    ];
    return html`<nav aria-label=${t('nav.label')}>
      <ul>
        ${tabs.map(
          (tab) =>
            html`<li>
              <a
                href=${routeToUrl(tab.route)}
                aria-current=${this.route.name === tab.name ? 'page' : nothing}
                @click=${(e: MouseEvent) => {
                  if (e.ctrlKey || e.metaKey || e.shiftKey) return;
                  e.preventDefault();
                  this.navigate(tab.route);
                }}
                >${t(tab.label)}</a
              >
            </li>`,
        )}
      </ul>
    </nav>`;
  }

  private renderStatus(): TemplateResult | typeof nothing {
    const s = this.status;
    if (!s) return nothing;
    return html`<div class="status ${s.kind}" role=${s.kind === 'info' ? 'status' : 'alert'}>
      <span>${s.message}</span>
      ${s.retry ? html`<button @click=${() => void s.retry?.()}>${t('error.retry')}</button>` : nothing}
      <button @click=${() => (this.status = null)}>${t('error.dismiss')}</button>
    </div>`;
  }

  private renderCorpus(): TemplateResult {
    return html`${this.mayCode
        ? html`<sb-upload .upload=${this.upload} @sb-upload-done=${() => void this.reloadDocuments().then(() => this.reloadCodes())}></sb-upload>`
        : nothing}
      <sb-corpus-view
        .documents=${this.documents}
        .sets=${this.sets}
        ?editable=${this.mayCode}
        @sb-document-open=${(e: DocumentOpenEvent) => this.navigate({ name: 'coding', projectId: this.pid, documentId: e.documentId, codeId: null, at: null })}
        @sb-set-create=${(e: SetCreateEvent) => this.createSet(e)}
      ></sb-corpus-view>`;
  }

  private renderTree(): TemplateResult {
    return html`<sb-code-tree
      .codes=${this.codes}
      .counts=${this.counts}
      .selectedCodeId=${this.selectedCodeId}
      .filterCodeIds=${this.filterCodeIds}
      ?editable=${this.mayCode}
      @sb-code-activate=${(e: CodeActivateEvent) => this.onActivate(e)}
      @sb-code-select=${(e: CodeSelectEvent) => (this.selectedCodeId = e.codeId)}
      @sb-code-filter=${(e: CodeFilterEvent) => (this.filterCodeIds = e.codeIds)}
      @sb-code-create=${(e: CodeCreateEvent) => this.onCreate(e)}
      @sb-code-rename=${(e: CodeRenameEvent) => this.onRename(e)}
      @sb-code-move=${(e: CodeMoveEvent) => this.onMove(e)}
      @sb-code-delete=${(e: CodeDeleteEvent) => this.onDelete(e)}
      @sb-code-merge=${(e: CodeMergeEvent) => this.onMerge(e)}
    ></sb-code-tree>`;
  }

  private renderCoding(): TemplateResult {
    const r = this.route as Extract<Route, { name: 'coding' }>;
    const selected = this.codes.find((c) => c.id === this.selectedCodeId) ?? null;
    const docs = [...this.documents].sort((a, b) => a.title.localeCompare(b.title, 'de'));
    return html`<div class="coding">
      <aside aria-label=${t('codes.heading')}>
        <h2>${t('codes.heading')}</h2>
        ${this.renderTree()}
        ${selected
          ? html`<sb-code-definition
                .code=${selected}
                ?editable=${this.mayCode}
                ?saving=${this.definitionSaving}
                .error=${this.definitionError}
                @sb-code-definition-save=${(e: CodeDefinitionSaveEvent) => void this.saveDefinition(e)}
              ></sb-code-definition>
              ${this.renderMemos({ type: 'code', id: selected.id }, 'coding.codeMemos')}`
          : nothing}
      </aside>
      <section aria-label=${t('nav.coding')}>
        <div class="doc-picker">
          ${this.renderUndoButtons()}
          <label
            >${t('coding.chooseDocument')}
            <select
              @change=${(e: Event) => {
                const id = (e.target as HTMLSelectElement).value;
                if (id) this.navigate({ name: 'coding', projectId: this.pid, documentId: id, codeId: null, at: null });
              }}
            >
              <option value="" ?selected=${!this.doc}>–</option>
              ${docs.map((d) => html`<option value=${d.id} ?selected=${d.id === this.doc?.id}>${d.title}</option>`)}
            </select></label
          >
        </div>
        ${this.doc && this.doc.id === r.documentId
          ? html`<sb-document-view
                .doc=${this.doc}
                .segments=${this.docSegments}
                .codes=${this.codes}
                .visibleCodeIds=${this.filterCodeIds.length > 0 ? this.filterCodeIds : null}
                .users=${this.users}
                .focusRange=${r.at}
                ?readonly=${!this.mayCode}
                @sb-selection-change=${(e: SelectionChangeEvent) => (this.selection = e.range)}
                @sb-apply-code=${(e: ApplyCodeEvent) => void this.applyCode(e.codeId, { start: e.start, end: e.end })}
                @sb-in-vivo=${(e: InVivoEvent) => void this.inVivo(e)}
                @sb-segment-remove=${(e: SegmentRemoveEvent) => void this.removeSegment(e)}
                @sb-segment-update=${(e: SegmentUpdateEvent) => void this.updateSegment(e)}
              ></sb-document-view>
              ${this.renderMemos({ type: 'document', id: this.doc.id }, 'coding.documentMemos')}`
          : html`<p>${r.documentId ? t('loading') : t('coding.noDocument')}</p>`}
      </section>
    </div>`;
  }

  private renderSegments(): TemplateResult {
    const r = this.route as Extract<Route, { name: 'segments' }>;
    return html`<sb-segment-list
      .segments=${this.retrieved}
      .total=${this.retrievedTotal}
      .codes=${this.codes}
      .documents=${this.documents}
      .sets=${this.sets}
      .users=${this.users}
      .query=${{ codeIds: r.codeIds, includeSubcodes: r.includeSubcodes, setId: r.setId }}
      ?loading=${this.retrievalLoading}
      .error=${this.retrievalError}
      @sb-segment-query=${(e: SegmentQueryEvent) => {
        const q = e.query;
        const same = q.codeIds.join(',') === r.codeIds.join(',') && q.includeSubcodes === r.includeSubcodes && q.setId === r.setId;
        if (same) void this.retrieve();
        else this.navigate({ name: 'segments', projectId: this.pid, codeIds: q.codeIds, includeSubcodes: q.includeSubcodes, setId: q.setId });
      }}
      @sb-segment-open=${(e: SegmentOpenEvent) =>
        this.navigate({ name: 'coding', projectId: this.pid, documentId: e.documentId, codeId: null, at: { start: e.start, end: e.end } })}
    ></sb-segment-list>`;
  }

  private renderComparison(): TemplateResult {
    const q = this.comparisonQuery(this.route as ComparisonRoute);
    const attributes = [...new Set(this.documents.flatMap((d) => Object.keys(d.attributes)))].sort((x, y) => x.localeCompare(y, 'de'));
    return html`<sb-comparison-view
        .result=${this.comparison}
        .codes=${this.codes}
        ?loading=${this.comparisonLoading}
        .error=${this.comparisonError}
        .query=${q}
        .setNames=${this.sets.map((s) => s.name)}
        .attributeNames=${attributes}
        .reportUrls=${this.reportUrls(q)}
        @sb-comparison-query=${(e: ComparisonQueryEvent) => this.onComparisonQuery(e)}
        @sb-comparison-drill=${(e: ComparisonDrillEvent) => this.onDrill(e)}
      ></sb-comparison-view>
      <section aria-labelledby="crosswalk-heading">
        <h3 id="crosswalk-heading">${t('comparison.crosswalk.heading')}</h3>
        <sb-crosswalk-editor
          .crosswalk=${this.crosswalk}
          .codes=${this.codes}
          ?editable=${this.mayCode}
          ?saving=${this.crosswalkSaving}
          .error=${this.crosswalkError}
          @sb-crosswalk-save=${(e: CrosswalkSaveEvent) => void this.saveCrosswalk(e)}
        ></sb-crosswalk-editor>
      </section>`;
  }

  override render(): TemplateResult {
    if (this.loadError) {
      return html`<p role="alert">
        ${this.loadError}
        <button
          @click=${() => {
            this.loadError = '';
            this.loadedProject = '';
            void this.onRoute(undefined);
          }}
        >
          ${t('error.retry')}
        </button>
      </p>`;
    }
    if (!this.project) return html`<p>${t('loading')}</p>`;
    let body: TemplateResult;
    switch (this.route.name) {
      case 'corpus':
        body = this.renderCorpus();
        break;
      case 'coding':
        body = this.renderCoding();
        break;
      case 'segments':
        body = this.renderSegments();
        break;
      case 'memos':
        body = this.renderMemos({ type: 'project' }, 'memos.projectHeading');
        break;
      case 'comparison':
        body = this.renderComparison();
        break;
      // Self-contained views: each loads its own data through its own typed client.
      case 'search':
        body = html`<sb-search-view .projectId=${this.pid} .user=${this.user}></sb-search-view>`;
        break;
      case 'agreement':
        body = html`<sb-agreement-view .projectId=${this.pid} .user=${this.user}></sb-agreement-view>`;
        break;
      case 'forms':
        body = html`<sb-forms-view .projectId=${this.pid} .user=${this.user}></sb-forms-view>`;
        break;
      case 'audit':
        body = html`<sb-audit-view .projectId=${this.pid} .user=${this.user}></sb-audit-view>`;
        break;
      case 'pseudonyms':
        body = html`<sb-pseudonym-view .projectId=${this.pid} .user=${this.user} @sb-pseudonyms-applied=${() => void Promise.all([this.reloadDocuments(), this.reloadMemos(), ...(this.doc ? [this.loadDocument(this.doc.id)] : [])])}></sb-pseudonym-view>`;
        break;
      case 'exchange':
        body = html`<sb-exchange-view .projectId=${this.pid} .user=${this.user} @sb-codebook-imported=${() => void this.reloadCodes()}></sb-exchange-view>`;
        break;
    }
    return html`<h2>${this.project.name}</h2>
      ${this.renderNav()} ${this.renderStatus()}
      <div aria-busy=${this.busy ? 'true' : 'false'}>${body}</div>`;
  }
}

/** What a comparison result depends on (the shown sections do not count). */
function comparisonKeyOf(q: ComparisonQuery): string {
  return JSON.stringify([q.a, q.b, q.by, q.minDocuments]);
}

customElements.define('sb-workbench', SbWorkbench);
declare global {
  interface HTMLElementTagNameMap {
    'sb-workbench': SbWorkbench;
  }
}
