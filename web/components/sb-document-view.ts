import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import { styleMap } from 'lit/directives/style-map.js';
import { cpLength } from '../../server/domain/text.js';
import type { Code } from '../../server/schemas/code.js';
import type { Document } from '../../server/schemas/document.js';
import type { Segment } from '../../server/schemas/segment.js';
import { getLanguage, LanguageController, t, type Language } from '../i18n/index.js';
import {
  buildDocumentModel,
  codePaths,
  layoutSegments,
  nextWordEnd,
  paragraphAt,
  previousWordStart,
  shrinkEnd,
  shrinkStart,
  type Decoration,
  type DocumentModel,
  type Paragraph,
  type PlacedSegment,
  type SegmentLayout,
} from './sb-document-layout.js';
import { visuallyHidden } from './shared-styles.js';

/** A stretch of the document in code points, zero-based, end exclusive. */
export interface TextRange {
  start: number;
  end: number;
}

/** The dataTransfer type a code dragged from the code tree carries; the data is the code id. */
export const CODE_DRAG_TYPE = 'application/x-sichtbar-code';

/** The user's text selection in the view changed (null: no selection). */
export class SelectionChangeEvent extends Event {
  constructor(readonly range: TextRange | null) {
    super('sb-selection-change', { bubbles: true, composed: true });
  }
}

/** The user applied a code to a stretch of text (type-ahead, drag and drop). */
export class ApplyCodeEvent extends Event {
  readonly documentId: string;
  readonly codeId: string;
  readonly start: number;
  readonly end: number;
  constructor(detail: { documentId: string; codeId: string; start: number; end: number }) {
    super('sb-apply-code', { bubbles: true, composed: true });
    this.documentId = detail.documentId;
    this.codeId = detail.codeId;
    this.start = detail.start;
    this.end = detail.end;
  }
}

/** The user asked for in-vivo coding of a stretch of text (a new code named after it). */
export class InVivoEvent extends Event {
  readonly documentId: string;
  readonly start: number;
  readonly end: number;
  constructor(detail: { documentId: string; start: number; end: number }) {
    super('sb-in-vivo', { bubbles: true, composed: true });
    this.documentId = detail.documentId;
    this.start = detail.start;
    this.end = detail.end;
  }
}

/** The user removed a segment; `version` is the version the user saw (optimistic concurrency). */
export class SegmentRemoveEvent extends Event {
  constructor(
    readonly segmentId: string,
    readonly version: number,
  ) {
    super('sb-segment-remove', { bubbles: true, composed: true });
  }
}

/** What a segment update changes. */
export interface SegmentUpdatePatch {
  codeId?: string;
  start?: number;
  end?: number;
  memo?: string;
}

/** The user re-coded, resized or wrote a memo on a segment. */
export class SegmentUpdateEvent extends Event {
  constructor(
    readonly segmentId: string,
    readonly version: number,
    readonly patch: SegmentUpdatePatch,
  ) {
    super('sb-segment-update', { bubbles: true, composed: true });
  }
}

interface TypeaheadState {
  mode: 'apply' | 'recode';
  /** The text to code (mode apply). */
  range: TextRange | null;
  /** The segment to re-code (mode recode). */
  segmentId: string | null;
  query: string;
  active: number;
}

interface OpenSegment {
  segmentId: string;
  /** The stripe (or stripe piece) the popover is attached to. */
  anchor: HTMLElement;
}

interface Hover {
  ids: string[];
  anchor: HTMLElement;
}

const HEX_COLOUR = /^#[0-9a-fA-F]{6}$/;
const FALLBACK_COLOUR = '#888888';
/** Alpha (hex) of one highlight layer; overlapping layers add up to a darker mix. */
const HIGHLIGHT_ALPHA = '47';
/** At most this many underline bands per highlight (one per code). */
const MAX_BANDS = 4;
const FOCUS_HIGHLIGHT = 'sb-doc-focus';
const SELECTION_HIGHLIGHT = 'sb-doc-selection';
const FLASH_MS = 2000;
/** Rows per chunk: chunks carry `content-visibility: auto` (on every row it costs more than it saves). */
const CHUNK = 64;
/** Rough characters per line, for the height estimate of chunks not yet rendered. */
const CHARS_PER_LINE = 95;

/** The segments a fully built row was built from, and their keys at the time. */
interface RowState {
  placed: readonly PlacedSegment[];
  keys: string[];
}

type ComposedSelection = Selection & { getComposedRanges?: (options: { shadowRoots: ShadowRoot[] }) => StaticRange[] };

function sameRange(a: TextRange | null, b: TextRange | null): boolean {
  return a === b || (a !== null && b !== null && a.start === b.start && a.end === b.end);
}

/**
 * The document view of the coding workbench: the text with paragraph numbers and speaker turns,
 * coded segments as highlights in code colours plus stripes in a margin (one lane per overlapping
 * segment), and the coding interactions. Pure: properties in, events out; the app shell talks to
 * the API.
 *
 * Rendering is built for long transcripts (500 KB, 5,000 segments; see bench/document-view.ts):
 * Lit renders the chrome (toolbar, popover, type-ahead dialog) while the paragraphs are plain DOM
 * rows that this element builds and patches itself, in chunks of 64 rows with
 * `content-visibility: auto` (per row, that property costs more than it saves). A new document
 * first gets cheap placeholder rows (one text run per paragraph: selectable, searchable, correct
 * offsets); chunks are then built fully with highlights and stripes when they come near the
 * viewport (`contentvisibilityautostatechange`), when something needs them (keyboard navigation,
 * `focusRange`) and otherwise in idle time. Each built row remembers the segments it was built
 * from; when `segments` changes, only rows whose segments changed are rebuilt. (A Lit `repeat`
 * over thousands of nested run templates costs several times as much.) User text only ever
 * reaches the DOM as text nodes and attribute values.
 *
 * Keyboard: the text region is focusable; Shift+arrow keys select text (Ctrl for words), C opens
 * the type-ahead, V codes in vivo, Escape clears. Stripes are buttons with a roving tab stop:
 * ↑/↓ move between segments, Enter opens the segment popover, Shift+←/→ move the end by a word,
 * Alt+Shift+←/→ the start.
 *
 * @fires sb-selection-change - the selection changed (SelectionChangeEvent: range {start, end} | null)
 * @fires sb-apply-code - apply a code to text (ApplyCodeEvent: documentId, codeId, start, end)
 * @fires sb-in-vivo - code the text in vivo (InVivoEvent: documentId, start, end)
 * @fires sb-segment-remove - remove a segment (SegmentRemoveEvent: segmentId, version)
 * @fires sb-segment-update - change a segment (SegmentUpdateEvent: segmentId, version, patch)
 * @csspart toolbar - the selection toolbar
 * @csspart text - the scrolling text region
 */
export class SbDocumentView extends LitElement {
  static override properties = {
    doc: { attribute: false },
    segments: { attribute: false },
    codes: { attribute: false },
    visibleCodeIds: { attribute: false },
    users: { attribute: false },
    focusRange: { attribute: false },
    readonly: { type: Boolean, reflect: true },
    selection: { state: true },
    typeahead: { state: true },
    openSegment: { state: true },
    hover: { state: true },
  };

  static override styles = [
    visuallyHidden,
    css`
    :host {
      display: block;
      position: relative;
      overflow: auto;
      line-height: 1.6;
      color: #1f2937;
      background: #fff;
    }
    button {
      font: inherit;
    }
    .toolbar {
      position: sticky;
      top: 0;
      z-index: 3;
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.5rem;
      padding: 0.35rem 0.6rem;
      background: #f8fafc;
      border-bottom: 1px solid #e2e8f0;
      font-size: 0.9rem;
    }
    .toolbar .sel {
      margin-right: auto;
      color: #374151;
    }
    .message {
      margin: 1rem;
      color: #4b5563;
    }
    .paras {
      --lane-w: 6px;
      --gutter: 3.2rem;
      padding: 0.5rem 0.75rem 0.5rem 0;
    }
    .paras:focus {
      outline: none;
    }
    .paras:focus-visible {
      outline: 2px solid #1d4ed8;
      outline-offset: -2px;
    }
    .chunk {
      content-visibility: auto;
    }
    .p {
      position: relative;
      min-height: 1.6em;
      padding-left: calc(var(--gutter) + var(--lanes, 1) * var(--lane-w) + 6px);
      white-space: pre-wrap;
      overflow-wrap: anywhere;
    }
    /* Paragraph numbers as generated content: not selected, not copied, not read out ("/ ''"). */
    .p::before {
      content: attr(data-n) / '';
      position: absolute;
      top: 0;
      left: 0;
      width: calc(var(--gutter) - 0.45rem);
      text-align: right;
      color: #6b7280;
      font-size: 0.75em;
      line-height: 2.1333;
      font-variant-numeric: tabular-nums;
      user-select: none;
    }
    .stripe,
    .piece {
      position: absolute;
      top: 0;
      bottom: 0;
      left: calc(var(--gutter) + var(--lane) * var(--lane-w) + 2px);
      width: calc(var(--lane-w) - 2px);
      margin: 0;
      padding: 0;
      border: 0;
      border-radius: 0;
      cursor: pointer;
      user-select: none;
    }
    .first {
      top: 0.35em;
      border-top-left-radius: 2px;
      border-top-right-radius: 2px;
    }
    .last {
      bottom: 0.35em;
      border-bottom-left-radius: 2px;
      border-bottom-right-radius: 2px;
    }
    .stripe:hover,
    .piece:hover {
      filter: brightness(0.8);
    }
    .stripe:focus {
      outline: none;
    }
    .stripe:focus-visible {
      outline: 2px solid #1d4ed8;
      outline-offset: 1px;
      z-index: 1;
    }
    .p [data-segs] {
      border-radius: 2px;
    }
    .spk {
      font-weight: 700;
    }
    .ts {
      font-size: 0.75em;
      color: #4b5563;
      font-variant-numeric: tabular-nums;
    }
    .flash::before {
      background: rgb(250 204 21 / 0.6);
      color: #111827;
    }
    ::highlight(sb-doc-focus) {
      background-color: rgb(250 204 21 / 0.55);
    }
    ::highlight(sb-doc-selection) {
      background-color: rgb(37 99 235 / 0.25);
    }
    .popover,
    .tooltip {
      position: fixed;
      z-index: 20;
      max-width: 22rem;
      padding: 0.5rem 0.65rem;
      background: #fff;
      color: #111827;
      border: 1px solid #cbd5e1;
      border-radius: 6px;
      box-shadow: 0 4px 16px rgb(0 0 0 / 0.15);
      font-size: 0.9rem;
      line-height: 1.4;
    }
    .tooltip {
      pointer-events: none;
    }
    .popover:focus {
      outline: none;
    }
    .popover p,
    .tooltip p {
      margin: 0 0 0.35rem;
    }
    .code-name {
      font-weight: 600;
    }
    .swatch {
      display: inline-block;
      width: 0.75rem;
      height: 0.75rem;
      margin-right: 0.35rem;
      border-radius: 2px;
      vertical-align: -0.05rem;
    }
    .meta,
    .hint {
      color: #4b5563;
      font-size: 0.85rem;
    }
    .memo {
      white-space: pre-wrap;
      overflow-wrap: anywhere;
    }
    .tooltip .entry + .entry {
      border-top: 1px solid #e5e7eb;
      padding-top: 0.35rem;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: 0.35rem;
      margin-bottom: 0.5rem;
    }
    textarea {
      display: block;
      box-sizing: border-box;
      width: 100%;
      min-height: 4rem;
      margin: 0.2rem 0 0.35rem;
      font: inherit;
    }
    dialog {
      width: min(30rem, 90vw);
      padding: 0.75rem 1rem;
      border: 1px solid #cbd5e1;
      border-radius: 8px;
    }
    dialog h2 {
      margin: 0 0 0.5rem;
      font-size: 1.05rem;
    }
    dialog input {
      display: block;
      box-sizing: border-box;
      width: 100%;
      font: inherit;
      padding: 0.3rem 0.4rem;
    }
    [role='listbox'] {
      list-style: none;
      margin: 0.4rem 0;
      padding: 0;
      max-height: 16rem;
      overflow: auto;
    }
    [role='option'] {
      padding: 0.2rem 0.4rem;
      border-radius: 4px;
      cursor: pointer;
    }
    [role='option'][aria-selected='true'] {
      background: #dbeafe;
      outline: 2px solid #1d4ed8;
    }
    [role='option'] .path {
      display: block;
      color: #4b5563;
      font-size: 0.8rem;
    }
  `,
  ];

  /** The document shown (null: none). */
  declare doc: Document | null;
  /** Segments of this document. */
  declare segments: Segment[];
  /** The project's codes (names, colours, hierarchy). */
  declare codes: Code[];
  /** Only segments of these codes are shown; null shows all. */
  declare visibleCodeIds: string[] | null;
  /** User id → display name, for coders. */
  declare users: Record<string, string>;
  /** Scrolled into view and marked briefly whenever it is set (e.g. a jump from the segment list). */
  declare focusRange: TextRange | null;
  /** No coding actions; highlights, stripes and popovers still show. */
  declare readonly: boolean;
  declare protected selection: TextRange | null;
  declare protected typeahead: TypeaheadState | null;
  declare protected openSegment: OpenSegment | null;
  declare protected hover: Hover | null;

  /** How many paragraph rows have been built since the element was created (for tests and benchmarks). */
  paragraphRenders = 0;

  private model: DocumentModel | null = null;
  private layout: SegmentLayout | null = null;
  private codeById = new Map<string, Code>();
  private paths = new Map<string, string>();
  private orderedCodes: Code[] = [];
  /** Per segment object: what its stripe and highlight show (reset when codes or users change). */
  private segmentKeys = new WeakMap<Segment, string>();
  /** Row elements by paragraph index, grouped in the DOM into chunks of CHUNK rows. */
  private rows: HTMLElement[] = [];
  /** What each fully built row was built from; undefined while the row is a placeholder. */
  private rowStates: (RowState | undefined)[] = [];
  private chunks: HTMLElement[] = [];
  private chunkBuilt: boolean[] = [];
  private lanesShown = 0;
  private language: Language | null = null;
  private rebuildRows = true;
  private layoutDirty = true;
  private idleHandle: number | undefined;
  private tabStripeId: string | null = null;
  private tabStripe: HTMLElement | null = null;
  private memoDrafts = new Map<string, string>();
  private returnFocus: { stripeId: string | null; element: HTMLElement | null } | null = null;
  private focusAfterUpdate: HTMLElement | null = null;
  private flashTimer: ReturnType<typeof setTimeout> | undefined;
  private flashedRows: HTMLElement[] = [];
  private flashRange: TextRange | null = null;
  private selectionPainted = false;
  /** Set while focus returns to a stripe after its popover was closed, so it does not reopen. */
  private quietFocus = false;
  private readonly styleCache = new Map<string, { image: string; shadow: string }>();

  constructor() {
    super();
    new LanguageController(this);
    this.doc = null;
    this.segments = [];
    this.codes = [];
    this.visibleCodeIds = null;
    this.users = {};
    this.focusRange = null;
    this.readonly = false;
    this.selection = null;
    this.typeahead = null;
    this.openSegment = null;
    this.hover = null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Rows not built yet (reconnected element): continue in idle time.
    if (this.chunkBuilt.includes(false)) this.scheduleIdle();
    document.addEventListener('selectionchange', this.onSelectionChange);
    window.addEventListener('scroll', this.onScroll, true);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('selectionchange', this.onSelectionChange);
    window.removeEventListener('scroll', this.onScroll, true);
    clearTimeout(this.flashTimer);
    this.cancelIdle();
    this.paint(FOCUS_HIGHLIGHT, null);
    this.paint(SELECTION_HIGHLIGHT, null);
  }

  // ---------------------------------------------------------------------------------------------
  // Public API

  /** The current selection in code points (kept while focus is elsewhere, e.g. in the code tree). */
  getSelectionRange(): TextRange | null {
    return this.selection ? { ...this.selection } : null;
  }

  /**
   * Map a DOM range inside the text to code-point offsets (leading and trailing line breaks
   * trimmed); null if it is empty or not inside the text.
   */
  offsetsFromRange(range: AbstractRange): TextRange | null {
    const paras = this.parasElement;
    if (!this.model || !paras) return null;
    const inStart = paras.contains(range.startContainer);
    const inEnd = paras.contains(range.endContainer);
    if (!inStart && !inEnd) return null;
    let start = inStart ? this.pointToOffset(range.startContainer, range.startOffset) : 0;
    let end = inEnd ? this.pointToOffset(range.endContainer, range.endOffset) : this.model.length;
    if (end < start) [start, end] = [end, start];
    const { text, index } = this.model;
    while (start < end && text[index.toUtf16(start)] === '\n') start++;
    while (end > start && text[index.toUtf16(end - 1)] === '\n') end--;
    return end > start ? { start, end } : null;
  }

  /** Rows currently in the DOM, by paragraph index (for tests). */
  get paragraphElements(): readonly HTMLElement[] {
    return this.rows;
  }

  // ---------------------------------------------------------------------------------------------
  // Update cycle

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('doc')) {
      this.model = this.doc ? buildDocumentModel(this.doc) : null;
      this.rebuildRows = true;
      this.layoutDirty = true;
      this.selection = null;
      this.openSegment = null;
      this.hover = null;
      this.typeahead = null;
      this.paint(SELECTION_HIGHLIGHT, null);
      this.selectionPainted = false;
    }
    if (changed.has('codes')) {
      this.codeById = new Map(this.codes.map((c) => [c.id, c]));
      const { paths, ordered } = codePaths(this.codes);
      this.paths = paths;
      this.orderedCodes = ordered;
    }
    // Stripe labels depend on code paths, coder names and the language.
    const language = getLanguage();
    const relabel = changed.has('codes') || changed.has('users') || language !== this.language;
    this.language = language;
    if (relabel) this.segmentKeys = new WeakMap();
    if (relabel || changed.has('segments') || changed.has('visibleCodeIds')) this.layoutDirty = true;
    if (this.layoutDirty) this.computeLayout();
    if (this.openSegment && !this.layout?.byId.has(this.openSegment.segmentId)) this.openSegment = null;
    if (this.hover && this.layout) {
      const ids = this.hover.ids.filter((id) => this.layout?.byId.has(id));
      this.hover = ids.length > 0 ? { ...this.hover, ids } : null;
    }
  }

  private computeLayout(): void {
    if (!this.model || !this.doc) {
      this.layout = null;
      return;
    }
    const docId = this.doc.id;
    const visible = this.visibleCodeIds === null ? null : new Set(this.visibleCodeIds);
    const shown = this.segments.filter((s) => s.documentId === docId && (visible === null || visible.has(s.codeId)));
    this.layout = layoutSegments(this.model, shown);
  }

  override updated(changed: PropertyValues<this>): void {
    if (changed.has('doc')) this.scrollTop = 0;
    if (this.layoutDirty) {
      this.patchRows();
      this.layoutDirty = false;
    }
    if (changed.has('focusRange') && this.focusRange) this.showFocusRange(this.focusRange);
    this.syncDialog();
    if (this.openSegment || this.hover) this.positionFloating();
    if (this.focusAfterUpdate) {
      const el = this.focusAfterUpdate;
      this.focusAfterUpdate = null;
      el.focus();
    }
    this.quietFocus = false;
  }

  private get parasElement(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('.paras');
  }

  /**
   * Bring the rows up to date. A new document gets a skeleton of cheap placeholder rows (the text
   * as one run per paragraph) in chunks; chunks are built fully when they come near the viewport
   * (contentvisibilityautostatechange) or when the browser is idle. Otherwise only built rows whose
   * segments changed are rebuilt.
   */
  private patchRows(): void {
    const paras = this.parasElement;
    if (!paras) return;
    if (!this.model) {
      this.cancelIdle();
      paras.replaceChildren();
      this.rows = [];
      this.rowStates = [];
      this.chunks = [];
      this.chunkBuilt = [];
      this.rebuildRows = false;
      return;
    }
    const layout = this.layout as SegmentLayout;
    if (layout.lanes !== this.lanesShown) {
      paras.style.setProperty('--lanes', String(layout.lanes));
      this.lanesShown = layout.lanes;
    }
    const active = this.shadowRoot?.activeElement as HTMLElement | null | undefined;
    const focusedStripe = active?.classList.contains('stripe') ? (active.dataset['seg'] ?? null) : null;
    if (this.rebuildRows) {
      this.rebuildRows = false;
      this.buildSkeleton(paras);
      this.buildChunk(0);
      this.scheduleIdle();
    } else {
      for (let i = 0; i < this.rows.length; i++) {
        const state = this.rowStates[i];
        if (state && !this.sameSegments(state, layout.byParagraph[i] ?? [])) this.replaceRow(i);
      }
    }
    this.updateTabStop();
    if (focusedStripe !== null && !active?.isConnected) this.stripeButton(focusedStripe)?.focus({ preventScroll: true });
    this.repaint();
  }

  private buildSkeleton(paras: HTMLElement): void {
    const model = this.model as DocumentModel;
    const n = model.paragraphs.length;
    const fragment = document.createDocumentFragment();
    this.cancelIdle();
    this.rows = new Array<HTMLElement>(n);
    this.rowStates = new Array<RowState | undefined>(n).fill(undefined);
    this.chunks = [];
    this.chunkBuilt = [];
    for (let c = 0; c * CHUNK < n; c++) {
      const chunk = document.createElement('div');
      chunk.className = 'chunk';
      chunk.dataset['c'] = String(c);
      let lines = 0;
      for (let i = c * CHUNK; i < Math.min(n, (c + 1) * CHUNK); i++) {
        const para = model.paragraphs[i] as Paragraph;
        lines += Math.max(1, Math.ceil((para.end - para.start) / CHARS_PER_LINE));
        const row = this.buildPlaceholder(i);
        this.rows[i] = row;
        chunk.append(row);
      }
      // Height estimate while the chunk is skipped; `auto` remembers the real one once rendered.
      chunk.style.containIntrinsicBlockSize = `auto ${(lines * 1.6).toFixed(1)}em`;
      this.chunks.push(chunk);
      this.chunkBuilt.push(false);
      fragment.append(chunk);
    }
    paras.replaceChildren(fragment);
  }

  /** A row with the paragraph's text as one run: selectable and searchable, without highlights. */
  private buildPlaceholder(i: number): HTMLElement {
    const model = this.model as DocumentModel;
    const para = model.paragraphs[i] as Paragraph;
    const row = document.createElement('div');
    if (para.number !== null) row.dataset['n'] = String(para.number);
    if (para.end === para.start) {
      row.className = 'p empty';
      return row;
    }
    row.className = 'p';
    const run = document.createElement('span');
    run.dataset['o'] = String(para.start);
    run.textContent = model.text.slice(model.index.toUtf16(para.start), model.index.toUtf16(para.end));
    row.append(run);
    return row;
  }

  /** Build every row of chunk `c` fully (once; later changes go through patchRows). */
  private buildChunk(c: number): void {
    if (this.chunkBuilt[c] !== false) return;
    this.chunkBuilt[c] = true;
    const end = Math.min(this.rows.length, (c + 1) * CHUNK);
    for (let i = c * CHUNK; i < end; i++) if (!this.rowStates[i]) this.replaceRow(i);
  }

  private replaceRow(i: number): void {
    const row = this.buildRow(i);
    (this.rows[i] as HTMLElement).replaceWith(row);
    this.rows[i] = row;
  }

  private readonly onChunkVisibility = (e: Event): void => {
    const chunk = e.target as HTMLElement;
    if ((e as ContentVisibilityAutoStateChangeEvent).skipped || !chunk.classList.contains('chunk')) return;
    const c = Number(chunk.dataset['c']);
    if (this.chunkBuilt[c] === false) {
      this.buildChunk(c);
      this.repaint();
    }
  };

  private scheduleIdle(): void {
    if (this.idleHandle !== undefined || typeof requestIdleCallback !== 'function') return;
    this.idleHandle = requestIdleCallback(
      (deadline) => {
        this.idleHandle = undefined;
        let next = this.chunkBuilt.indexOf(false);
        while (next !== -1) {
          this.buildChunk(next);
          next = this.chunkBuilt.indexOf(false, next);
          if (deadline.didTimeout || deadline.timeRemaining() < 5) break;
        }
        this.repaint();
        if (next !== -1) this.scheduleIdle();
      },
      { timeout: 1000 },
    );
  }

  private cancelIdle(): void {
    if (this.idleHandle !== undefined) cancelIdleCallback(this.idleHandle);
    this.idleHandle = undefined;
  }

  /** What a segment's stripe and highlight show besides offsets and lane; cached per segment object. */
  private keyOf(s: Segment): string {
    let key = this.segmentKeys.get(s);
    if (key === undefined) {
      key = `${s.id}\u0001${this.colourOf(s.codeId)}\u0001${this.stripeLabel(s)}`;
      this.segmentKeys.set(s, key);
    }
    return key;
  }

  /** Would a row built now from `placed` look like the one built from `state`? */
  private sameSegments(state: RowState, placed: readonly PlacedSegment[]): boolean {
    const old = state.placed;
    if (old === placed) return true;
    if (old.length !== placed.length) return false;
    for (let k = 0; k < old.length; k++) {
      const a = old[k] as PlacedSegment;
      const b = placed[k] as PlacedSegment;
      if (a.lane !== b.lane || a.start !== b.start || a.end !== b.end || state.keys[k] !== this.keyOf(b.segment)) return false;
    }
    return true;
  }

  private colourOf(codeId: string): string {
    const colour = this.codeById.get(codeId)?.colour;
    return colour !== undefined && HEX_COLOUR.test(colour) ? colour : FALLBACK_COLOUR;
  }

  private codeLabel(codeId: string): string {
    return this.paths.get(codeId) ?? t('document.segment.unknownCode');
  }

  private coderName(userId: string): string {
    return this.users[userId] ?? userId;
  }

  private stripeLabel(s: Segment): string {
    return t('document.stripe', { code: this.codeLabel(s.codeId), coder: this.coderName(s.coder) });
  }

  /** Background layers and underline bands for text covered by these segments (lane order). */
  private highlightStyle(list: PlacedSegment[]): { image: string; shadow: string } {
    const colours = list.map((p) => this.colourOf(p.segment.codeId));
    const key = colours.join();
    let style = this.styleCache.get(key);
    if (!style) {
      style = {
        image: colours.map((c) => `linear-gradient(${c}${HIGHLIGHT_ALPHA}, ${c}${HIGHLIGHT_ALPHA})`).join(', '),
        shadow: colours
          .slice(0, MAX_BANDS)
          .map((c, k) => `inset 0 -${2 * (k + 1)}px 0 ${c}`)
          .join(', '),
      };
      this.styleCache.set(key, style);
    }
    return style;
  }

  /**
   * Build one paragraph row fully: stripe pieces (absolutely placed in the margin), then the text
   * as runs split at segment and decoration boundaries. Text only ever as text nodes.
   */
  private buildRow(i: number): HTMLElement {
    this.paragraphRenders++;
    const model = this.model as DocumentModel;
    const para = model.paragraphs[i] as Paragraph;
    const here = this.layout?.byParagraph[i] ?? [];
    this.rowStates[i] = { placed: here, keys: here.map((p) => this.keyOf(p.segment)) };
    const row = document.createElement('div');
    row.className = para.end > para.start ? 'p' : 'p empty';
    if (para.number !== null) row.dataset['n'] = String(para.number);

    for (const p of here) {
      const s = p.segment;
      let piece: HTMLElement;
      if (p.first === i) {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'stripe first';
        button.tabIndex = -1;
        button.setAttribute('aria-label', this.stripeLabel(s));
        button.setAttribute('aria-haspopup', 'dialog');
        piece = button;
      } else {
        piece = document.createElement('span');
        piece.className = 'piece';
        piece.setAttribute('aria-hidden', 'true');
      }
      if (p.last === i) piece.classList.add('last');
      piece.dataset['seg'] = s.id;
      piece.style.setProperty('--lane', String(p.lane));
      piece.style.backgroundColor = this.colourOf(s.codeId);
      row.append(piece);
    }

    if (para.end === para.start) return row;
    // Run boundaries: paragraph ends, segment ends inside it, decoration ends.
    const decorations = model.decorations[i] ?? [];
    const cuts = [para.start, para.end];
    const covering: PlacedSegment[] = [];
    for (const p of here) {
      if (p.end <= para.start || p.start >= para.end) continue;
      covering.push(p);
      if (p.start > para.start) cuts.push(p.start);
      if (p.end < para.end) cuts.push(p.end);
    }
    for (const d of decorations) cuts.push(d.start, d.end);
    cuts.sort((a, b) => a - b);
    const { text, index } = model;
    let d = 0;
    let prev = -1;
    for (let k = 0; k < cuts.length - 1; k++) {
      const a = cuts[k] as number;
      const b = cuts[k + 1] as number;
      if (a === prev || b <= a) continue;
      prev = a;
      const run = document.createElement('span');
      run.dataset['o'] = String(a);
      run.textContent = text.slice(index.toUtf16(a), index.toUtf16(b));
      while (d < decorations.length && (decorations[d] as Decoration).end <= a) d++;
      const deco = decorations[d];
      if (deco && deco.start <= a && deco.end >= b) run.className = deco.kind === 'speaker' ? 'spk' : 'ts';
      if (covering.length > 0) {
        const on = covering.filter((p) => p.start <= a && p.end >= b);
        if (on.length > 0) {
          run.dataset['segs'] = on.map((p) => p.segment.id).join(' ');
          const style = this.highlightStyle(on);
          run.style.backgroundImage = style.image;
          run.style.boxShadow = style.shadow;
        }
      }
      row.append(run);
    }
    return row;
  }

  /** The stripe button of a segment (building its chunk if needed). */
  private stripeButton(segmentId: string): HTMLButtonElement | null {
    const p = this.layout?.byId.get(segmentId);
    if (!p) return null;
    this.buildChunk(Math.floor(p.first / CHUNK));
    return this.rows[p.first]?.querySelector<HTMLButtonElement>(`button.stripe[data-seg="${CSS.escape(segmentId)}"]`) ?? null;
  }

  /** Exactly one stripe is in the tab order (roving tab stop). */
  private updateTabStop(): void {
    const layout = this.layout;
    if (!layout) return;
    if (this.tabStripeId === null || !layout.byId.has(this.tabStripeId)) this.tabStripeId = layout.placed[0]?.segment.id ?? null;
    const button = this.tabStripeId === null ? null : this.stripeButton(this.tabStripeId);
    if (this.tabStripe && this.tabStripe !== button) this.tabStripe.tabIndex = -1;
    if (button) button.tabIndex = 0;
    this.tabStripe = button;
  }

  // ---------------------------------------------------------------------------------------------
  // Offsets ↔ DOM

  private pointToOffset(node: Node, offset: number): number {
    if (node.nodeType === Node.TEXT_NODE) {
      const run = node.parentElement;
      const o = run?.dataset['o'];
      if (o !== undefined) return Number(o) + cpLength((node as Text).data.slice(0, offset));
      return offset === 0 ? this.runOffsetFrom(node) : this.runOffsetAfter(node);
    }
    const child = node.childNodes[offset];
    return child ? this.runOffsetFrom(child) : this.runOffsetAfter(node);
  }

  /** Start of the first run at or after `node` in document order (the end of the text if none). */
  private runOffsetFrom(node: Node): number {
    if (node instanceof HTMLElement && node.dataset['o'] !== undefined) return Number(node.dataset['o']);
    const walker = document.createTreeWalker(this.parasElement as HTMLElement, NodeFilter.SHOW_ELEMENT, {
      acceptNode: (n) => ((n as HTMLElement).dataset['o'] !== undefined ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP),
    });
    walker.currentNode = node;
    const run = walker.nextNode() as HTMLElement | null;
    return run ? Number(run.dataset['o']) : (this.model as DocumentModel).length;
  }

  /** Start of the first run after `node` and everything inside it. */
  private runOffsetAfter(node: Node): number {
    const paras = this.parasElement as HTMLElement;
    let n: Node | null = node;
    while (n && n !== paras && !n.nextSibling) n = n.parentNode;
    if (!n || n === paras || !n.nextSibling) return (this.model as DocumentModel).length;
    return this.runOffsetFrom(n.nextSibling);
  }

  /** The DOM point of code point `cp`, for ranges (custom highlights, keyboard selection). */
  private domPoint(cp: number): { node: Node; offset: number } | null {
    const model = this.model;
    if (!model) return null;
    const row = this.rows[paragraphAt(model, cp)];
    if (!row) return null;
    let run: HTMLElement | null = null;
    for (const child of row.children) {
      const o = (child as HTMLElement).dataset['o'];
      if (o === undefined) continue;
      if (Number(o) <= cp) run = child as HTMLElement;
      else break;
    }
    const textNode = run?.firstChild;
    if (!run || !textNode) return { node: row, offset: row.childNodes.length };
    const u = model.index.toUtf16(cp) - model.index.toUtf16(Number(run.dataset['o']));
    return { node: textNode, offset: Math.min(u, (textNode as Text).length) };
  }

  private domRange(range: TextRange): Range | null {
    const a = this.domPoint(range.start);
    const b = this.domPoint(range.end);
    if (!a || !b) return null;
    const r = document.createRange();
    r.setStart(a.node, a.offset);
    r.setEnd(b.node, b.offset);
    return r;
  }

  /** Show a range with a CSS custom highlight (the focus mark, the kept selection). */
  private paint(name: string, range: TextRange | null): void {
    if (typeof CSS === 'undefined' || !('highlights' in CSS)) return;
    const r = range ? this.domRange(range) : null;
    if (r) CSS.highlights.set(name, new Highlight(r));
    else CSS.highlights.delete(name);
  }

  /** Re-anchor painted ranges after rows were replaced. */
  private repaint(): void {
    if (this.selectionPainted) this.paint(SELECTION_HIGHLIGHT, this.selection);
    if (this.flashRange) this.paint(FOCUS_HIGHLIGHT, this.flashRange);
  }

  // ---------------------------------------------------------------------------------------------
  // Selection

  /** The live selection as a range, or 'outside' when no end of it lies in the text. */
  private liveRange(): AbstractRange | 'outside' {
    const paras = this.parasElement;
    const sel = document.getSelection() as ComposedSelection | null;
    if (!paras || !sel || sel.rangeCount === 0) return 'outside';
    let range: AbstractRange | undefined;
    const root = this.shadowRoot;
    if (root && typeof sel.getComposedRanges === 'function') {
      try {
        range = sel.getComposedRanges({ shadowRoots: [root] })[0];
      } catch {
        range = undefined;
      }
    }
    range ??= sel.getRangeAt(0);
    if (!paras.contains(range.startContainer) && !paras.contains(range.endContainer)) return 'outside';
    return range;
  }

  private readonly onSelectionChange = (): void => {
    if (!this.model) return;
    const live = this.liveRange();
    if (live === 'outside') {
      // Focus moved elsewhere (the code tree, a toolbar button): keep the selection and show it.
      if (this.selection && !this.selectionPainted) {
        this.paint(SELECTION_HIGHLIGHT, this.selection);
        this.selectionPainted = true;
      }
      return;
    }
    if (this.selectionPainted) {
      this.paint(SELECTION_HIGHLIGHT, null);
      this.selectionPainted = false;
    }
    this.setSelection(live.collapsed ? null : this.offsetsFromRange(live));
  };

  private setSelection(next: TextRange | null): void {
    if (sameRange(next, this.selection)) return;
    this.selection = next;
    this.dispatchEvent(new SelectionChangeEvent(next ? { ...next } : null));
  }

  private clearSelection(): void {
    if (this.liveRange() !== 'outside') document.getSelection()?.removeAllRanges();
    this.paint(SELECTION_HIGHLIGHT, null);
    this.selectionPainted = false;
    this.setSelection(null);
  }

  /** Keyboard selection: Shift+arrows extend from the kept selection or the top of the visible text. */
  private extendSelection(e: KeyboardEvent): void {
    const sel = document.getSelection();
    const model = this.model;
    if (!sel || !model) return;
    if (this.liveRange() === 'outside') {
      const anchor = this.selection ? this.selection.start : this.firstVisibleOffset();
      const focus = this.selection ? this.selection.end : anchor;
      const a = this.domPoint(anchor);
      const f = this.domPoint(focus);
      if (!a || !f) return;
      sel.setBaseAndExtent(a.node, a.offset, f.node, f.offset);
    }
    const forward = e.key === 'ArrowRight' || e.key === 'ArrowDown' || e.key === 'End';
    const granularity = e.key === 'ArrowUp' || e.key === 'ArrowDown' ? 'line' : e.key === 'Home' || e.key === 'End' ? 'lineboundary' : e.ctrlKey ? 'word' : 'character';
    sel.modify('extend', forward ? 'forward' : 'backward', granularity);
  }

  private firstVisibleOffset(): number {
    const model = this.model as DocumentModel;
    const top = Math.max(0, this.getBoundingClientRect().top);
    const firstBelow = (els: HTMLElement[]): number => {
      let lo = 0;
      let hi = els.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((els[mid] as HTMLElement).getBoundingClientRect().bottom <= top) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    const c = firstBelow(this.chunks);
    const i = c * CHUNK + firstBelow(this.rows.slice(c * CHUNK, (c + 1) * CHUNK));
    return model.paragraphs[i]?.start ?? 0;
  }

  // ---------------------------------------------------------------------------------------------
  // Coding actions

  private openTypeahead(mode: 'apply' | 'recode', segmentId: string | null = null): void {
    if (this.readonly || !this.doc) return;
    if (mode === 'apply' && !this.selection) return;
    const active = this.shadowRoot?.activeElement as HTMLElement | null | undefined;
    this.returnFocus = { stripeId: segmentId, element: active ?? this.parasElement };
    this.typeahead = { mode, range: mode === 'apply' ? this.selection : null, segmentId, query: '', active: 0 };
  }

  private closeTypeahead(): void {
    if (!this.typeahead) return;
    this.typeahead = null;
    const back = this.returnFocus;
    this.returnFocus = null;
    const target = (back?.stripeId ? this.stripeButton(back.stripeId) : null) ?? (back?.element?.isConnected ? back.element : null) ?? this.parasElement;
    this.focusAfterUpdate = target;
  }

  private matchingCodes(query: string): Code[] {
    const q = query.trim().toLocaleLowerCase();
    return this.orderedCodes.filter((c) => c.isCodable && (q === '' || c.name.toLocaleLowerCase().includes(q)));
  }

  private chooseCode(code: Code): void {
    const ta = this.typeahead;
    const doc = this.doc;
    if (!ta || !doc) return;
    if (ta.mode === 'apply' && ta.range) {
      this.dispatchEvent(new ApplyCodeEvent({ documentId: doc.id, codeId: code.id, start: ta.range.start, end: ta.range.end }));
    } else if (ta.mode === 'recode' && ta.segmentId) {
      const seg = this.layout?.byId.get(ta.segmentId)?.segment;
      if (seg && seg.codeId !== code.id) this.dispatchEvent(new SegmentUpdateEvent(seg.id, seg.version, { codeId: code.id }));
    }
    this.closeTypeahead();
  }

  private inVivo(): void {
    if (this.readonly || !this.doc || !this.selection) return;
    this.dispatchEvent(new InVivoEvent({ documentId: this.doc.id, start: this.selection.start, end: this.selection.end }));
  }

  private segmentOf(id: string): Segment | undefined {
    return this.layout?.byId.get(id)?.segment;
  }

  private resizeSegment(id: string, e: KeyboardEvent): void {
    const seg = this.segmentOf(id);
    const model = this.model;
    if (!seg || !model) return;
    const right = e.key === 'ArrowRight';
    let { start, end } = seg;
    if (e.altKey) start = right ? shrinkStart(model, start) : previousWordStart(model, start);
    else end = right ? nextWordEnd(model, end) : shrinkEnd(model, end);
    if (end <= start || (start === seg.start && end === seg.end)) return;
    this.dispatchEvent(new SegmentUpdateEvent(seg.id, seg.version, { start, end }));
  }

  private removeSegment(id: string): void {
    const seg = this.segmentOf(id);
    if (!seg || this.readonly) return;
    this.dispatchEvent(new SegmentRemoveEvent(seg.id, seg.version));
    this.openSegment = null;
    this.focusAfterUpdate = this.parasElement;
  }

  private setSegmentToSelection(id: string): void {
    const seg = this.segmentOf(id);
    const sel = this.selection;
    if (!seg || !sel || this.readonly || (sel.start === seg.start && sel.end === seg.end)) return;
    this.dispatchEvent(new SegmentUpdateEvent(seg.id, seg.version, { start: sel.start, end: sel.end }));
  }

  private saveMemo(id: string): void {
    const seg = this.segmentOf(id);
    if (!seg || this.readonly) return;
    const memo = this.memoDrafts.get(id) ?? seg.memo;
    if (memo === seg.memo) return;
    this.dispatchEvent(new SegmentUpdateEvent(seg.id, seg.version, { memo }));
  }

  // ---------------------------------------------------------------------------------------------
  // Events on the text

  private onTextKeyDown(e: KeyboardEvent): void {
    const target = e.target as HTMLElement;
    if (target.classList.contains('stripe')) {
      this.onStripeKeyDown(e, target);
      return;
    }
    if (target !== e.currentTarget) return;
    const plain = !e.ctrlKey && !e.metaKey && !e.altKey;
    if (e.key === 'Escape') {
      if (this.hover) this.hover = null;
      else if (this.selection) this.clearSelection();
      return;
    }
    if (e.shiftKey && !e.altKey && !e.metaKey && ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End'].includes(e.key)) {
      e.preventDefault();
      this.extendSelection(e);
      return;
    }
    if (this.readonly || !plain || !this.selection) return;
    if (e.key === 'c' || e.key === 'C') {
      e.preventDefault();
      this.openTypeahead('apply');
    } else if (e.key === 'v' || e.key === 'V') {
      e.preventDefault();
      this.inVivo();
    }
  }

  private onStripeKeyDown(e: KeyboardEvent, stripe: HTMLElement): void {
    const id = stripe.dataset['seg'];
    const layout = this.layout;
    if (!id || !layout) return;
    if (e.key === 'Escape') {
      if (this.openSegment || this.hover) {
        e.preventDefault();
        this.openSegment = null;
        this.hover = null;
      }
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      this.openSegment = { segmentId: id, anchor: stripe };
      void this.updateComplete.then(() => {
        const popover = this.renderRoot.querySelector<HTMLElement>('.popover');
        (popover?.querySelector<HTMLElement>('button, textarea') ?? popover)?.focus();
      });
    } else if (e.shiftKey && (e.key === 'ArrowLeft' || e.key === 'ArrowRight')) {
      e.preventDefault();
      if (!this.readonly) this.resizeSegment(id, e);
    } else if (!e.shiftKey && !e.altKey && ['ArrowUp', 'ArrowDown', 'Home', 'End'].includes(e.key)) {
      e.preventDefault();
      const here = layout.byId.get(id)?.order ?? 0;
      const next = e.key === 'Home' ? 0 : e.key === 'End' ? layout.placed.length - 1 : here + (e.key === 'ArrowDown' ? 1 : -1);
      const target = layout.placed[next];
      if (target) this.stripeButton(target.segment.id)?.focus();
    }
  }

  private onTextFocusIn(e: FocusEvent): void {
    const stripe = e.target as HTMLElement;
    if (!stripe.classList.contains('stripe')) return;
    const id = stripe.dataset['seg'] as string;
    if (this.tabStripeId !== id) {
      this.tabStripeId = id;
      this.updateTabStop();
    }
    // Focus returned to the stripe after Escape: leave the popover closed.
    if (this.quietFocus) return;
    // A re-rendered stripe of the open segment keeps the popover (positionFloating finds the new stripe).
    if (this.openSegment?.segmentId !== id) this.openSegment = { segmentId: id, anchor: stripe };
  }

  private readonly onFocusOut = (): void => {
    // Wait until focus has landed: a re-rendered stripe is re-focused synchronously after patching.
    setTimeout(() => {
      const open = this.openSegment;
      if (!open || this.typeahead) return;
      const active = this.shadowRoot?.activeElement as HTMLElement | null | undefined;
      if (active && (active.closest('.popover') || (active.classList.contains('stripe') && active.dataset['seg'] === open.segmentId))) return;
      this.openSegment = null;
    });
  };

  private onTextClick(e: MouseEvent): void {
    const piece = (e.target as HTMLElement).closest<HTMLElement>('.piece');
    const id = piece?.dataset['seg'];
    if (!piece || !id) return;
    this.openSegment = { segmentId: id, anchor: piece };
    this.stripeButton(id)?.focus({ preventScroll: true });
  }

  private onTextPointerOver(e: PointerEvent): void {
    const el = (e.target as HTMLElement).closest<HTMLElement>('[data-segs], .stripe, .piece');
    if (!el) {
      if (this.hover) this.hover = null;
      return;
    }
    if (this.hover?.anchor === el) return;
    const ids = (el.dataset['segs'] ?? el.dataset['seg'] ?? '').split(' ').filter((id) => id !== '');
    this.hover = ids.length > 0 ? { ids, anchor: el } : null;
  }

  private onTextPointerLeave(): void {
    if (this.hover) this.hover = null;
  }

  private onDragOver(e: DragEvent): void {
    if (this.readonly || !this.selection || !e.dataTransfer?.types.includes(CODE_DRAG_TYPE)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  }

  private onDrop(e: DragEvent): void {
    const id = e.dataTransfer?.getData(CODE_DRAG_TYPE);
    const sel = this.selection;
    if (this.readonly || !sel || !id || !this.doc) return;
    e.preventDefault();
    const code = this.codeById.get(id);
    if (!code?.isCodable) return;
    this.dispatchEvent(new ApplyCodeEvent({ documentId: this.doc.id, codeId: id, start: sel.start, end: sel.end }));
  }

  private readonly onScroll = (): void => {
    if (this.hover) this.hover = null;
    if (this.openSegment) this.positionFloating();
  };

  // ---------------------------------------------------------------------------------------------
  // Floating parts

  private syncDialog(): void {
    const dialog = this.renderRoot.querySelector<HTMLDialogElement>('dialog');
    if (!dialog) return;
    if (this.typeahead && !dialog.open) {
      dialog.showModal();
      this.renderRoot.querySelector<HTMLInputElement>('#ta-input')?.focus();
    } else if (!this.typeahead && dialog.open) {
      dialog.close();
    }
  }

  private positionFloating(): void {
    const place = (el: HTMLElement | null, anchor: HTMLElement | undefined, below: boolean): void => {
      if (!el) return;
      // The anchor's row may have been rebuilt meanwhile: hide rather than float somewhere.
      el.style.display = anchor?.isConnected ? '' : 'none';
      if (!anchor?.isConnected) return;
      const r = anchor.getBoundingClientRect();
      const w = el.offsetWidth;
      const h = el.offsetHeight;
      let left = below ? r.left : r.right + 8;
      let top = below ? r.bottom + 4 : r.top;
      if (left + w > window.innerWidth - 8) left = Math.max(8, below ? window.innerWidth - w - 8 : r.left - w - 8);
      if (top + h > window.innerHeight - 8) top = Math.max(8, below ? r.top - h - 4 : window.innerHeight - h - 8);
      el.style.left = `${left}px`;
      el.style.top = `${top}px`;
    };
    const open = this.openSegment;
    if (open) {
      const anchor = open.anchor.isConnected ? open.anchor : (this.stripeButton(open.segmentId) ?? undefined);
      place(this.renderRoot.querySelector<HTMLElement>('.popover'), anchor, false);
    }
    if (this.hover) place(this.renderRoot.querySelector<HTMLElement>('.tooltip'), this.hover.anchor, true);
  }

  private showFocusRange(range: TextRange): void {
    const model = this.model;
    if (!model) return;
    const first = paragraphAt(model, range.start);
    const last = Math.max(first, paragraphAt(model, Math.max(range.start, range.end - 1)));
    for (let c = Math.floor(first / CHUNK); c <= Math.floor(last / CHUNK); c++) this.buildChunk(c);
    const row = this.rows[first];
    if (!row) return;
    clearTimeout(this.flashTimer);
    for (const r of this.flashedRows) r.classList.remove('flash');
    this.flashedRows = this.rows.slice(first, last + 1);
    for (const r of this.flashedRows) r.classList.add('flash');
    this.flashRange = { ...range };
    this.paint(FOCUS_HIGHLIGHT, this.flashRange);
    row.scrollIntoView({ block: 'center' });
    // Chunks above may change height once rendered (content-visibility); settle, then aim again.
    requestAnimationFrame(() => requestAnimationFrame(() => this.rows[first]?.scrollIntoView({ block: 'center' })));
    this.flashTimer = setTimeout(() => {
      for (const r of this.flashedRows) r.classList.remove('flash');
      this.flashedRows = [];
      this.flashRange = null;
      this.paint(FOCUS_HIGHLIGHT, null);
    }, FLASH_MS);
  }

  // ---------------------------------------------------------------------------------------------
  // Rendering

  private renderToolbar(): TemplateResult {
    const sel = this.selection;
    return html`<div class="toolbar" part="toolbar" role="toolbar" aria-label=${t('document.toolbar')}>
      <span class="sel" aria-live="polite"
        >${sel ? t('document.selection', { start: sel.start + 1, end: sel.end, length: sel.end - sel.start }) : t('document.noSelection')}</span
      >
      <button type="button" class="apply" aria-keyshortcuts="C" ?disabled=${!sel} @click=${() => this.openTypeahead('apply')}>${t('document.applyCode')}</button>
      <button type="button" class="in-vivo" aria-keyshortcuts="V" ?disabled=${!sel} @click=${() => this.inVivo()}>${t('document.inVivo')}</button>
    </div>`;
  }

  private renderSegmentInfo(seg: Segment, withMemo: boolean): TemplateResult {
    return html`<p class="code-name">
        <span class="swatch" style=${styleMap({ background: this.colourOf(seg.codeId) })}></span>${this.codeLabel(seg.codeId)}
      </p>
      <p class="meta">${t('document.segment.coder', { coder: this.coderName(seg.coder) })} · ${t('document.segment.range', { start: seg.start + 1, end: seg.end })}</p>
      ${withMemo ? html`<p class="memo">${seg.memo !== '' ? seg.memo : t('document.segment.noMemo')}</p>` : nothing}`;
  }

  private renderPopover(): TemplateResult | typeof nothing {
    const open = this.openSegment;
    const seg = open ? this.segmentOf(open.segmentId) : undefined;
    if (!seg) return nothing;
    const id = seg.id;
    let draft = this.memoDrafts.get(id);
    if (draft === seg.memo) {
      this.memoDrafts.delete(id);
      draft = undefined;
    }
    return html`<div
      class="popover"
      role="dialog"
      tabindex="-1"
      aria-label=${t('document.segment.title', { code: this.codeLabel(seg.codeId) })}
      @keydown=${(e: KeyboardEvent) => {
        if (e.key !== 'Escape') return;
        e.preventDefault();
        e.stopPropagation();
        this.openSegment = null;
        this.quietFocus = true;
        this.focusAfterUpdate = this.stripeButton(id) ?? this.parasElement;
      }}
      @focusout=${this.onFocusOut}
    >
      ${this.renderSegmentInfo(seg, this.readonly)}
      ${this.readonly
        ? nothing
        : html`<div class="actions">
              <button type="button" class="recode" @click=${() => this.openTypeahead('recode', id)}>${t('document.segment.recode')}</button>
              <button type="button" class="set-range" ?disabled=${!this.selection} @click=${() => this.setSegmentToSelection(id)}>
                ${t('document.segment.setToSelection')}
              </button>
              <button type="button" class="remove" @click=${() => this.removeSegment(id)}>${t('document.segment.remove')}</button>
            </div>
            <label for="memo-input">${t('document.segment.memo')}</label>
            <textarea
              id="memo-input"
              .value=${live(draft ?? seg.memo)}
              @input=${(e: Event) => this.memoDrafts.set(id, (e.target as HTMLTextAreaElement).value)}
            ></textarea>
            <button type="button" class="save-memo" @click=${() => this.saveMemo(id)}>${t('document.segment.saveMemo')}</button>
            <p class="hint">${t('document.segment.resizeHint')}</p>`}
    </div>`;
  }

  private renderTooltip(): TemplateResult | typeof nothing {
    const hover = this.hover;
    if (!hover) return nothing;
    const segs = hover.ids.map((id) => this.segmentOf(id)).filter((s): s is Segment => s !== undefined);
    if (segs.length === 0) return nothing;
    return html`<div class="tooltip" aria-hidden="true">${segs.map((s) => html`<div class="entry">${this.renderSegmentInfo(s, true)}</div>`)}</div>`;
  }

  private renderTypeahead(): TemplateResult | typeof nothing {
    const ta = this.typeahead;
    if (!ta) return nothing;
    const matches = this.matchingCodes(ta.query);
    const active = Math.min(ta.active, Math.max(0, matches.length - 1));
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        if (matches.length === 0) return;
        const next = (active + (e.key === 'ArrowDown' ? 1 : -1) + matches.length) % matches.length;
        this.typeahead = { ...ta, active: next };
      } else if (e.key === 'Enter') {
        e.preventDefault();
        const code = matches[active];
        if (code) this.chooseCode(code);
      } else if (e.key === 'Escape') {
        e.preventDefault();
        this.closeTypeahead();
      }
    };
    return html`<h2 id="ta-title">${t(ta.mode === 'apply' ? 'document.typeahead.apply' : 'document.typeahead.recode')}</h2>
      <label id="ta-label" for="ta-input">${t('document.typeahead.input')}</label>
      <input
        id="ta-input"
        type="text"
        role="combobox"
        aria-labelledby="ta-label"
        autocomplete="off"
        aria-autocomplete="list"
        aria-expanded=${matches.length > 0 ? 'true' : 'false'}
        aria-controls=${matches.length > 0 ? 'ta-list' : nothing}
        aria-activedescendant=${matches.length > 0 ? `ta-opt-${active}` : nothing}
        aria-describedby="ta-hint"
        .value=${live(ta.query)}
        @input=${(e: Event) => (this.typeahead = { ...ta, query: (e.target as HTMLInputElement).value, active: 0 })}
        @keydown=${onKey}
      />
      ${matches.length > 0
        ? html`<ul id="ta-list" role="listbox" aria-label=${t('document.typeahead.list')}>
            ${matches.map((c, i) => {
              const path = this.paths.get(c.id) ?? c.name;
              return html`<li
                id="ta-opt-${i}"
                role="option"
                aria-selected=${i === active ? 'true' : 'false'}
                data-code-id=${c.id}
                @mousedown=${(e: Event) => e.preventDefault()}
                @click=${() => this.chooseCode(c)}
                @keydown=${onKey}
              >
                <span class="swatch" style=${styleMap({ background: this.colourOf(c.id) })}></span>${c.name}
                ${path !== c.name ? html`<span class="path">${path}</span>` : nothing}
              </li>`;
            })}
          </ul>`
        : html`<p class="none">${t('document.typeahead.none')}</p>`}
      <p id="ta-hint" class="hint">${t('document.typeahead.hint')}</p>
      <button type="button" class="cancel" @click=${() => this.closeTypeahead()}>${t('document.typeahead.cancel')}</button>`;
  }

  override render(): TemplateResult {
    const doc = this.doc;
    return html`${this.readonly || !doc ? nothing : this.renderToolbar()}
      <p id="text-help" class="vh">${t(this.readonly ? 'document.textHelpReadonly' : 'document.textHelp')}</p>
      ${!doc ? html`<p class="message">${t('document.none')}</p>` : doc.text === '' ? html`<p class="message">${t('document.empty')}</p>` : nothing}
      <div
        class="paras"
        part="text"
        role="region"
        tabindex="0"
        aria-label=${t('document.text', { title: doc?.title ?? '' })}
        aria-describedby="text-help"
        @keydown=${this.onTextKeyDown}
        @focusin=${this.onTextFocusIn}
        @focusout=${this.onFocusOut}
        @click=${this.onTextClick}
        @pointerover=${this.onTextPointerOver}
        @pointerleave=${this.onTextPointerLeave}
        @dragover=${this.onDragOver}
        @drop=${this.onDrop}
        @contentvisibilityautostatechange=${{ handleEvent: this.onChunkVisibility, capture: true }}
      ></div>
      ${this.renderPopover()} ${this.renderTooltip()}
      <dialog
        aria-labelledby="ta-title"
        @cancel=${(e: Event) => {
          e.preventDefault();
          this.closeTypeahead();
        }}
        @close=${() => this.closeTypeahead()}
      >
        ${this.renderTypeahead()}
      </dialog>`;
  }
}

customElements.define('sb-document-view', SbDocumentView);
declare global {
  interface HTMLElementTagNameMap {
    'sb-document-view': SbDocumentView;
  }
  interface HTMLElementEventMap {
    'sb-selection-change': SelectionChangeEvent;
    'sb-apply-code': ApplyCodeEvent;
    'sb-in-vivo': InVivoEvent;
    'sb-segment-remove': SegmentRemoveEvent;
    'sb-segment-update': SegmentUpdateEvent;
  }
}
