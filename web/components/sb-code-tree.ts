import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { classMap } from 'lit/directives/class-map.js';
import { repeat } from 'lit/directives/repeat.js';
import { styleMap } from 'lit/directives/style-map.js';
import type { Code } from '../../server/schemas/code.js';
import { LanguageController, t } from '../i18n/index.js';
import { descendantIds } from '../../server/domain/code-tree.js';
import './sb-code-merge-dialog.js';

export { CodeDeleteEvent } from './sb-code-delete-dialog.js';
export { CodeMergeEvent } from './sb-code-merge-dialog.js';

/** The drag-and-drop type of a dragged code; its data is the code id. The document view accepts drops of it. */
export const CODE_DRAG_TYPE = 'application/x-sichtbar-code';

/** Fired when the user activates a code (click or Enter): the app applies it to the current text selection. */
export class CodeActivateEvent extends Event {
  constructor(readonly codeId: string) {
    super('sb-code-activate', { bubbles: true, composed: true });
  }
}

/** Fired when the user asks for a code's details (F4, the ⓘ button or "Details"): the app opens the definition panel. */
export class CodeSelectEvent extends Event {
  constructor(readonly codeId: string) {
    super('sb-code-select', { bubbles: true, composed: true });
  }
}

/** Fired when the user adds a code to or removes it from the highlight filter; `codeIds` is the whole new filter. */
export class CodeFilterEvent extends Event {
  constructor(readonly codeIds: string[]) {
    super('sb-code-filter', { bubbles: true, composed: true });
  }
}

/** Fired when the user names a new code (`parentId` null = top level). */
export class CodeCreateEvent extends Event {
  constructor(
    readonly parentId: string | null,
    readonly name: string,
  ) {
    super('sb-code-create', { bubbles: true, composed: true });
  }
}

/** Fired when the user renames a code. */
export class CodeRenameEvent extends Event {
  constructor(
    readonly codeId: string,
    readonly version: number,
    readonly name: string,
  ) {
    super('sb-code-rename', { bubbles: true, composed: true });
  }
}

/**
 * Fired when the user moves a code (drag and drop or Alt+arrow keys). `order` is the position among the
 * new siblings not counting the moved code itself, as `MoveCodeSchema` expects.
 */
export class CodeMoveEvent extends Event {
  constructor(
    readonly codeId: string,
    readonly version: number,
    readonly parentId: string | null,
    readonly order: number,
  ) {
    super('sb-code-move', { bubbles: true, composed: true });
  }
}

// An SVG rather than "ⓘ": that character decomposes to the letter "i" and would become part of the item's visible label.
const infoIcon = html`<svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
  <circle cx="8" cy="8" r="7" fill="none" stroke="currentColor" stroke-width="1.5" />
  <path d="M8 7v5" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" />
  <circle cx="8" cy="4.6" r="1" fill="currentColor" />
</svg>`;

type Edit = { kind: 'create'; parentId: string | null } | { kind: 'rename'; codeId: string };
type DropPosition = 'before' | 'after' | 'into' | 'merge' | 'root';
interface Row {
  code: Code;
  level: number;
  pos: number;
  size: number;
  kids: number;
}

/**
 * The code tree: an ARIA tree (flat DOM; `aria-level`, `aria-posinset`, `aria-setsize`) with own and
 * total segment counts, colours, expand/collapse, filter check marks (`aria-checked`), the selected
 * code (`aria-selected`), inline create and rename, drag and drop, and the delete and merge dialogs.
 * Pure: it never calls the API; the app shell listens for the events and updates `codes`.
 *
 * Mouse: click a code = apply it (sb-code-activate); the check box = filter; ⓘ = details;
 * double-click = rename; drag a code onto another code's middle = make it a sub-code, onto its
 * upper or lower edge = put it before or after; with Alt held = merge into it; onto the strip below
 * the tree = top level. A code can never go below itself or its own sub-codes.
 *
 * Keyboard on a focused code (one tab stop, roving focus):
 * - ArrowUp/ArrowDown, Home/End: previous/next/first/last visible code
 * - ArrowRight: expand, or go to the first sub-code; ArrowLeft: collapse, or go to the parent
 * - Enter: sb-code-activate (apply to the text selection)
 * - Space: toggle the code in the filter (sb-code-filter)
 * - F4: sb-code-select (open the definition)
 * - F2: rename inline (Enter saves, Escape cancels) – editable only
 * - Insert or N: new sub-code; Shift+Insert or Shift+N: new top-level code – editable only
 * - Delete: the delete dialog – editable only; M: the merge dialog – editable only
 * - Alt+ArrowUp/ArrowDown: reorder among siblings; Alt+ArrowRight: make it a sub-code of the previous
 *   sibling; Alt+ArrowLeft: one level up, right after its former parent – editable only
 * The buttons above the tree (Neuer Code, Neuer Untercode, Umbenennen, Zusammenführen …, Löschen …,
 * Details, Filter aufheben) act on the focused code and are reachable with Tab.
 *
 * @fires sb-code-activate - `{ codeId }` click or Enter (CodeActivateEvent)
 * @fires sb-code-select - `{ codeId }` F4, ⓘ or Details (CodeSelectEvent)
 * @fires sb-code-filter - `{ codeIds }` the new filter after Space or a check box click (CodeFilterEvent)
 * @fires sb-code-create - `{ parentId, name }` (CodeCreateEvent)
 * @fires sb-code-rename - `{ codeId, version, name }` (CodeRenameEvent)
 * @fires sb-code-move - `{ codeId, version, parentId, order }` (CodeMoveEvent)
 * @fires sb-code-delete - `{ codeId, version, segments, children }` from the delete dialog (CodeDeleteEvent)
 * @fires sb-code-merge - `{ sourceId, targetId, sourceVersion, targetVersion }` from the merge dialog (CodeMergeEvent)
 * @csspart tree - the tree list
 * @csspart actions - the action buttons above the tree
 */
export class SbCodeTree extends LitElement {
  static override properties = {
    codes: { attribute: false },
    counts: { attribute: false },
    selectedCodeId: { attribute: false },
    filterCodeIds: { attribute: false },
    editable: { type: Boolean },
    collapsed: { state: true },
    focusId: { state: true },
    edit: { state: true },
    dragId: { state: true },
    dropHint: { state: true },
    deleting: { state: true },
    merging: { state: true },
  };

  static override styles = css`
    :host {
      display: block;
      font-size: 0.95rem;
    }
    ul {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: 0.3rem;
      margin-bottom: 0.4rem;
    }
    button {
      font: inherit;
      font-size: 0.85rem;
      padding: 0.15rem 0.5rem;
    }
    :focus-visible {
      outline: 2px solid #1d4ed8;
      outline-offset: 1px;
    }
    [role='treeitem'] {
      outline: none;
    }
    [role='treeitem']:focus > .row {
      outline: 2px solid #1d4ed8;
      outline-offset: -2px;
    }
    .row {
      display: flex;
      align-items: center;
      gap: 0.4rem;
      padding: 0.15rem 0.25rem;
      border-radius: 4px;
      cursor: pointer;
    }
    .row:hover {
      background: #f1f5f9;
    }
    .selected > .row {
      background: #dbeafe;
    }
    .dragging > .row {
      opacity: 0.5;
    }
    .drop-before > .row {
      box-shadow: inset 0 3px 0 #1d4ed8;
    }
    .drop-after > .row {
      box-shadow: inset 0 -3px 0 #1d4ed8;
    }
    .drop-into > .row {
      background: #dbeafe;
      box-shadow: inset 0 0 0 2px #1d4ed8;
    }
    .drop-merge > .row {
      background: #fef3c7;
      box-shadow: inset 0 0 0 2px #b45309;
    }
    .toggle {
      width: 1rem;
      text-align: center;
      color: #555;
      flex: none;
    }
    .check {
      width: 0.85rem;
      height: 0.85rem;
      flex: none;
      border: 1px solid #64748b;
      border-radius: 2px;
      font-size: 0.7rem;
      line-height: 0.85rem;
      text-align: center;
    }
    .filtered .check {
      background: #1d4ed8;
      border-color: #1d4ed8;
      color: #fff;
    }
    .swatch {
      width: 0.8rem;
      height: 0.8rem;
      border-radius: 2px;
      flex: none;
    }
    .name {
      overflow-wrap: anywhere;
    }
    .folder {
      font-weight: 600;
    }
    .counts {
      margin-left: auto;
      color: #555;
      font-variant-numeric: tabular-nums;
      white-space: nowrap;
    }
    .row-actions {
      display: flex;
      gap: 0.15rem;
      flex: none;
    }
    .row-actions button {
      border: none;
      background: none;
      padding: 0 0.25rem;
      cursor: pointer;
    }
    .row-actions .edit-only {
      visibility: hidden;
    }
    .row:hover .edit-only,
    [role='treeitem']:focus > .row .edit-only {
      visibility: visible;
    }
    input.edit {
      font: inherit;
      flex: 1;
      min-width: 6rem;
    }
    .create {
      display: flex;
      padding: 0.15rem 0.25rem;
    }
    .root-drop {
      margin-top: 0.3rem;
      padding: 0.3rem;
      border: 1px dashed #94a3b8;
      border-radius: 4px;
      color: #555;
      text-align: center;
      font-size: 0.85rem;
    }
    .root-drop.active {
      border-color: #1d4ed8;
      background: #dbeafe;
    }
    .keys {
      margin-top: 0.6rem;
      font-size: 0.8rem;
      color: #444;
    }
    .keys ul {
      padding-left: 1rem;
      list-style: disc;
    }
  `;

  declare codes: Code[];
  /** Segments per code id (own only); totals are summed over sub-codes here. */
  declare counts: Record<string, number>;
  /** The code shown as selected (its definition is open). */
  declare selectedCodeId: string | null;
  /** Codes activated for filtering the highlights in the document view. */
  declare filterCodeIds: string[];
  /** Offer create, rename, delete, move and merge. */
  declare editable: boolean;
  declare collapsed: Set<string>;
  declare focusId: string | null;
  declare edit: Edit | null;
  declare dragId: string | null;
  declare dropHint: { id: string | null; pos: DropPosition } | null;
  declare deleting: string | null;
  declare merging: { sourceId: string; targetId: string } | null;

  private childMap = new Map<string | null, Code[]>();
  private restoreFocus = false;

  constructor() {
    super();
    new LanguageController(this);
    this.codes = [];
    this.counts = {};
    this.selectedCodeId = null;
    this.filterCodeIds = [];
    this.editable = false;
    this.collapsed = new Set();
    this.focusId = null;
    this.edit = null;
    this.dragId = null;
    this.dropHint = null;
    this.deleting = null;
    this.merging = null;
  }

  // ---- structure -------------------------------------------------------------------------------

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('codes')) {
      const ids = new Set(this.codes.map((c) => c.id));
      const children = new Map<string | null, Code[]>();
      for (const c of this.codes) {
        // A code whose parent is missing is shown at the top level rather than lost.
        const parent = c.parentId !== null && ids.has(c.parentId) ? c.parentId : null;
        children.set(parent, [...(children.get(parent) ?? []), c]);
      }
      for (const list of children.values()) list.sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
      this.childMap = children;
    }
    if (changed.has('selectedCodeId') && this.selectedCodeId !== null) this.expandAncestors(this.selectedCodeId);
    // Re-rendering moves or replaces tree items (e.g. after a move); keep keyboard focus on the same code.
    const active = this.shadowRoot?.activeElement;
    this.restoreFocus = active instanceof HTMLElement && active.getAttribute('role') === 'treeitem';
  }

  protected override updated(): void {
    if (!this.restoreFocus) return;
    this.restoreFocus = false;
    const item = this.focusId !== null ? this.item(this.focusId) : null;
    if (item && this.shadowRoot?.activeElement !== item && (this.shadowRoot?.activeElement ?? null) === null) item.focus();
  }

  private kidsOf(id: string | null): Code[] {
    return this.childMap.get(id) ?? [];
  }

  private byId(id: string | null | undefined): Code | undefined {
    return id === null || id === undefined ? undefined : this.codes.find((c) => c.id === id);
  }

  private expandAncestors(id: string): void {
    const next = new Set(this.collapsed);
    let code = this.byId(this.byId(id)?.parentId);
    const seen = new Set<string>();
    while (code && !seen.has(code.id)) {
      seen.add(code.id);
      next.delete(code.id);
      code = this.byId(code.parentId);
    }
    if (next.size !== this.collapsed.size) this.collapsed = next;
  }

  private rows(): Row[] {
    const out: Row[] = [];
    const seen = new Set<string>();
    const walk = (parentId: string | null, level: number): void => {
      const kids = this.kidsOf(parentId);
      kids.forEach((code, i) => {
        if (seen.has(code.id)) return;
        seen.add(code.id);
        const n = this.kidsOf(code.id).length;
        out.push({ code, level, pos: i + 1, size: kids.length, kids: n });
        if (n > 0 && !this.collapsed.has(code.id)) walk(code.id, level + 1);
      });
    };
    walk(null, 1);
    return out;
  }

  private totals(): Map<string, number> {
    const memo = new Map<string, number>();
    const total = (id: string, depth: number): number => {
      const known = memo.get(id);
      if (known !== undefined) return known;
      const sum = (this.counts[id] ?? 0) + (depth > 100 ? 0 : this.kidsOf(id).reduce((s, c) => s + total(c.id, depth + 1), 0));
      memo.set(id, sum);
      return sum;
    };
    for (const c of this.codes) total(c.id, 0);
    return memo;
  }

  private item(id: string): HTMLElement | null {
    return [...this.renderRoot.querySelectorAll<HTMLElement>('[role="treeitem"]')].find((el) => el.dataset['codeId'] === id) ?? null;
  }

  private focusItem(id: string | null | undefined): void {
    if (id !== null && id !== undefined) this.item(id)?.focus();
  }

  private async focusAfterUpdate(id: string | null | undefined): Promise<void> {
    await this.updateComplete;
    this.focusItem(id);
  }

  private toggle(id: string): void {
    const next = new Set(this.collapsed);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    this.collapsed = next;
  }

  private expand(id: string): void {
    if (!this.collapsed.has(id)) return;
    const next = new Set(this.collapsed);
    next.delete(id);
    this.collapsed = next;
  }

  // ---- actions ---------------------------------------------------------------------------------

  private activate(code: Code): void {
    this.dispatchEvent(new CodeActivateEvent(code.id));
  }

  private select(code: Code): void {
    this.selectedCodeId = code.id;
    this.dispatchEvent(new CodeSelectEvent(code.id));
  }

  private toggleFilter(id: string): void {
    this.setFilter(this.filterCodeIds.includes(id) ? this.filterCodeIds.filter((x) => x !== id) : [...this.filterCodeIds, id]);
  }

  private setFilter(codeIds: string[]): void {
    this.filterCodeIds = codeIds;
    this.dispatchEvent(new CodeFilterEvent([...codeIds]));
  }

  private async startEdit(edit: Edit): Promise<void> {
    if (!this.editable) return;
    if (edit.kind === 'create' && edit.parentId !== null) this.expand(edit.parentId);
    this.edit = edit;
    await this.updateComplete;
    const input = this.renderRoot.querySelector<HTMLInputElement>('input.edit');
    input?.focus();
    input?.select();
  }

  private commitEdit(refocus: boolean): void {
    const edit = this.edit;
    if (!edit) return;
    const name = this.renderRoot.querySelector<HTMLInputElement>('input.edit')?.value.trim() ?? '';
    this.edit = null;
    if (edit.kind === 'create') {
      if (name) this.dispatchEvent(new CodeCreateEvent(edit.parentId, name));
      if (refocus) void this.focusAfterUpdate(edit.parentId ?? this.focusId);
    } else {
      const code = this.byId(edit.codeId);
      if (code && name && name !== code.name) this.dispatchEvent(new CodeRenameEvent(code.id, code.version, name));
      if (refocus) void this.focusAfterUpdate(edit.codeId);
    }
  }

  private cancelEdit(): void {
    const edit = this.edit;
    if (!edit) return;
    this.edit = null;
    void this.focusAfterUpdate(edit.kind === 'rename' ? edit.codeId : (edit.parentId ?? this.focusId));
  }

  private onEditKey(e: KeyboardEvent): void {
    if (e.key === 'Enter') {
      e.preventDefault();
      this.commitEdit(true);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      this.cancelEdit();
    }
  }

  private openDelete(id: string): void {
    if (this.editable) this.deleting = id;
  }

  private openMerge(sourceId: string, targetId: string): void {
    if (this.editable) this.merging = { sourceId, targetId };
  }

  private dialogClosed(): void {
    this.deleting = null;
    this.merging = null;
    void this.focusAfterUpdate(this.focusId);
  }

  private move(code: Code, parentId: string | null, order: number): void {
    const current = this.kidsOf(code.parentId).findIndex((c) => c.id === code.id);
    if (parentId === code.parentId && order === current) return;
    if (parentId !== null) this.expand(parentId);
    this.focusId = code.id;
    this.dispatchEvent(new CodeMoveEvent(code.id, code.version, parentId, order));
  }

  private moveByKey(code: Code, key: string): void {
    const siblings = this.kidsOf(code.parentId);
    const i = siblings.findIndex((c) => c.id === code.id);
    const previous = siblings[i - 1];
    if (key === 'ArrowUp' && i > 0) this.move(code, code.parentId, i - 1);
    else if (key === 'ArrowDown' && i < siblings.length - 1) this.move(code, code.parentId, i + 1);
    else if (key === 'ArrowRight' && previous) this.move(code, previous.id, this.kidsOf(previous.id).length);
    else if (key === 'ArrowLeft' && code.parentId !== null) {
      const parent = this.byId(code.parentId);
      if (!parent) return;
      this.move(code, parent.parentId, this.kidsOf(parent.parentId).findIndex((c) => c.id === parent.id) + 1);
    }
  }

  // ---- mouse and keyboard ----------------------------------------------------------------------

  private onItemClick(e: MouseEvent, code: Code): void {
    // The second click of a double-click starts renaming; it must not apply the code twice.
    if (e.detail > 1) return;
    if ((e.target as Element).closest('input, button')) return;
    this.activate(code);
  }

  private onItemDblClick(e: MouseEvent, code: Code): void {
    if ((e.target as Element).closest('input, button, .toggle, .check')) return;
    void this.startEdit({ kind: 'rename', codeId: code.id });
  }

  private onKey(e: KeyboardEvent, code: Code, row: Row, rows: Row[]): void {
    if (e.altKey && e.key.startsWith('Arrow')) {
      e.preventDefault();
      if (this.editable) this.moveByKey(code, e.key);
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const here = rows.findIndex((r) => r.code.id === code.id);
    const open = !this.collapsed.has(code.id);
    switch (e.key) {
      case 'ArrowDown':
        this.focusItem(rows[here + 1]?.code.id);
        break;
      case 'ArrowUp':
        this.focusItem(rows[here - 1]?.code.id);
        break;
      case 'Home':
        this.focusItem(rows[0]?.code.id);
        break;
      case 'End':
        this.focusItem(rows[rows.length - 1]?.code.id);
        break;
      case 'ArrowRight':
        if (row.kids > 0 && !open) this.toggle(code.id);
        else if (row.kids > 0) this.focusItem(rows[here + 1]?.code.id);
        break;
      case 'ArrowLeft':
        if (row.kids > 0 && open) this.toggle(code.id);
        else this.focusItem(code.parentId);
        break;
      case 'Enter':
        this.activate(code);
        break;
      case ' ':
        this.toggleFilter(code.id);
        break;
      case 'F4':
        this.select(code);
        break;
      case 'F2':
        void this.startEdit({ kind: 'rename', codeId: code.id });
        break;
      case 'Insert':
      case 'n':
      case 'N':
        void this.startEdit({ kind: 'create', parentId: e.shiftKey ? null : code.id });
        break;
      case 'Delete':
        this.openDelete(code.id);
        break;
      case 'm':
      case 'M':
        this.openMerge(code.id, '');
        break;
      default:
        return;
    }
    e.preventDefault();
  }

  // ---- drag and drop ---------------------------------------------------------------------------

  private onDragStart(e: DragEvent, code: Code): void {
    const dt = e.dataTransfer;
    if (!dt || this.edit) return;
    dt.setData(CODE_DRAG_TYPE, code.id);
    dt.setData('text/plain', code.name);
    // copy: the document view applies the code; move: re-parenting here.
    dt.effectAllowed = 'copyMove';
    this.dragId = code.id;
  }

  private onDragEnd(): void {
    this.dragId = null;
    this.dropHint = null;
  }

  /** The dragged code's id, '' when a code of unknown id is dragged (data is hidden until the drop), null for other drags. */
  private dragSource(e: DragEvent): string | null {
    const dt = e.dataTransfer;
    if (!dt || !Array.from(dt.types).includes(CODE_DRAG_TYPE)) return null;
    return this.dragId ?? dt.getData(CODE_DRAG_TYPE);
  }

  private dropPosition(e: DragEvent, item: HTMLElement): 'before' | 'after' | 'into' {
    const rect = (item.querySelector('.row') ?? item).getBoundingClientRect();
    const y = e.clientY - rect.top;
    if (y < rect.height * 0.25) return 'before';
    if (y > rect.height * 0.75) return 'after';
    return 'into';
  }

  /** A code may land on any code except itself and its own sub-codes (directly or as their sibling). */
  private canDrop(sourceId: string, target: Code): boolean {
    return sourceId !== target.id && !descendantIds(this.codes, sourceId).includes(target.id);
  }

  private hint(next: { id: string | null; pos: DropPosition } | null): void {
    if (next?.id !== this.dropHint?.id || next?.pos !== this.dropHint?.pos) this.dropHint = next;
  }

  private onDragOver(e: DragEvent, target: Code): void {
    if (!this.editable) return;
    const source = this.dragSource(e);
    if (source === null) return;
    if (source !== '' && !this.canDrop(source, target)) {
      // No preventDefault: the browser shows "no drop" and will not fire a drop here.
      this.hint(null);
      return;
    }
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'move';
    this.hint({ id: target.id, pos: e.altKey ? 'merge' : this.dropPosition(e, e.currentTarget as HTMLElement) });
  }

  private onDrop(e: DragEvent, target: Code): void {
    if (!this.editable) return;
    const sourceId = e.dataTransfer?.getData(CODE_DRAG_TYPE) || this.dragId;
    const position = this.dropPosition(e, e.currentTarget as HTMLElement);
    this.dragId = null;
    this.dropHint = null;
    if (!sourceId) return;
    e.preventDefault();
    const source = this.byId(sourceId);
    if (!source || !this.canDrop(source.id, target)) return;
    if (e.altKey) {
      this.openMerge(source.id, target.id);
      return;
    }
    if (position === 'into') {
      this.move(source, target.id, this.kidsOf(target.id).filter((c) => c.id !== source.id).length);
      return;
    }
    const siblings = this.kidsOf(target.parentId).filter((c) => c.id !== source.id);
    const at = siblings.findIndex((c) => c.id === target.id);
    this.move(source, target.parentId, position === 'before' ? at : at + 1);
  }

  private onRootDragOver(e: DragEvent): void {
    if (!this.editable || this.dragSource(e) === null) return;
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'move';
    this.hint({ id: null, pos: 'root' });
  }

  private onRootDrop(e: DragEvent): void {
    if (!this.editable) return;
    const source = this.byId(e.dataTransfer?.getData(CODE_DRAG_TYPE) || this.dragId);
    this.dragId = null;
    this.dropHint = null;
    if (!source) return;
    e.preventDefault();
    this.move(source, null, this.kidsOf(null).filter((c) => c.id !== source.id).length);
  }

  private onTreeDragLeave(e: DragEvent): void {
    const to = e.relatedTarget;
    if (!(to instanceof Node) || !this.renderRoot.contains(to)) this.hint(null);
  }

  // ---- rendering -------------------------------------------------------------------------------

  private renderEditInput(label: string, value: string): TemplateResult {
    const edit = this.edit;
    return html`<input
      class="edit"
      type="text"
      maxlength="300"
      aria-label=${label}
      .value=${value}
      @keydown=${this.onEditKey}
      @click=${(e: Event) => e.stopPropagation()}
      @blur=${() => {
        // Leaving the field keeps what was typed (no silent loss); Enter/Escape have already ended the edit.
        if (this.edit === edit) this.commitEdit(false);
      }}
    />`;
  }

  private renderItem(row: Row, rows: Row[], totals: Map<string, number>, tabbable: string | undefined): TemplateResult {
    const { code, level } = row;
    const open = !this.collapsed.has(code.id);
    const own = this.counts[code.id] ?? 0;
    const total = totals.get(code.id) ?? own;
    const filtered = this.filterCodeIds.includes(code.id);
    const renaming = this.edit?.kind === 'rename' && this.edit.codeId === code.id;
    const creatingHere = this.edit?.kind === 'create' && this.edit.parentId === code.id;
    const hint = this.dropHint?.id === code.id ? this.dropHint.pos : null;
    const description = `${t('codes.count', { own, total })}${code.isCodable ? '' : `; ${t('codes.folder')}`}`;
    return html`<li
      role="treeitem"
      tabindex=${code.id === tabbable ? '0' : '-1'}
      aria-level=${level}
      aria-setsize=${row.size}
      aria-posinset=${row.pos}
      aria-expanded=${row.kids > 0 ? String(open) : nothing}
      aria-selected=${String(code.id === this.selectedCodeId)}
      aria-checked=${String(filtered)}
      aria-label=${code.name}
      aria-describedby=${`desc-${code.id}`}
      data-code-id=${code.id}
      draggable=${renaming || creatingHere ? 'false' : 'true'}
      class=${classMap({ selected: code.id === this.selectedCodeId, filtered, dragging: this.dragId === code.id, [`drop-${hint ?? 'none'}`]: hint !== null })}
      @focus=${() => (this.focusId = code.id)}
      @click=${(e: MouseEvent) => this.onItemClick(e, code)}
      @dblclick=${(e: MouseEvent) => this.onItemDblClick(e, code)}
      @keydown=${(e: KeyboardEvent) => {
        // Keys typed into an inline input belong to the input.
        if (e.target === e.currentTarget) this.onKey(e, code, row, rows);
      }}
      @dragstart=${(e: DragEvent) => this.onDragStart(e, code)}
      @dragend=${this.onDragEnd}
      @dragover=${(e: DragEvent) => this.onDragOver(e, code)}
      @drop=${(e: DragEvent) => this.onDrop(e, code)}
    >
      <div class="row" style=${styleMap({ paddingLeft: `${(level - 1) * 1.1 + 0.25}rem` })}>
        <span
          class="toggle"
          aria-hidden="true"
          @click=${(e: Event) => {
            e.stopPropagation();
            if (row.kids > 0) this.toggle(code.id);
          }}
          >${row.kids > 0 ? (open ? '▾' : '▸') : ''}</span
        >
        <span
          class="check"
          aria-hidden="true"
          title=${t('codes.filterOf', { name: code.name })}
          @click=${(e: Event) => {
            e.stopPropagation();
            this.toggleFilter(code.id);
          }}
          >${filtered ? '✓' : ''}</span
        >
        <span class="swatch" style=${styleMap({ background: code.colour })}></span>
        ${renaming
          ? this.renderEditInput(t('codes.renameLabel', { name: code.name }), code.name)
          : html`<span class=${code.isCodable ? 'name' : 'name folder'}>${code.name}</span>`}
        <span class="counts" title=${description}>(<span class="count">${own}${total !== own ? html` / ${total}` : nothing}</span>)</span>
        <span hidden id=${`desc-${code.id}`}>${description}</span>
        <span class="row-actions">
          <button
            type="button"
            tabindex="-1"
            class="details"
            aria-label=${t('codes.detailsOf', { name: code.name })}
            title=${t('codes.detailsOf', { name: code.name })}
            @click=${(e: Event) => {
              e.stopPropagation();
              this.select(code);
            }}
          >
            ${infoIcon}
          </button>
          ${this.editable
            ? html`<button
                  type="button"
                  tabindex="-1"
                  class="add edit-only"
                  aria-label=${t('codes.newChildOf', { name: code.name })}
                  title=${t('codes.newChildOf', { name: code.name })}
                  @click=${(e: Event) => {
                    e.stopPropagation();
                    this.focusId = code.id;
                    void this.startEdit({ kind: 'create', parentId: code.id });
                  }}
                >
                  +
                </button>
                <button
                  type="button"
                  tabindex="-1"
                  class="delete edit-only"
                  aria-label=${t('codes.deleteOf', { name: code.name })}
                  title=${t('codes.deleteOf', { name: code.name })}
                  @click=${(e: Event) => {
                    e.stopPropagation();
                    this.focusId = code.id;
                    this.openDelete(code.id);
                  }}
                >
                  🗑
                </button>`
            : nothing}
        </span>
      </div>
      ${creatingHere ? html`<div class="create" style=${styleMap({ paddingLeft: `${level * 1.1 + 2.5}rem` })}>${this.renderEditInput(t('codes.newChildName', { name: code.name }), '')}</div>` : nothing}
    </li>`;
  }

  private renderActions(current: Code | undefined, hasCodes: boolean): TemplateResult | typeof nothing {
    const filtered = this.filterCodeIds.length;
    if (!this.editable && !hasCodes) return nothing;
    // The buttons stay in place (disabled without a current code) so the layout does not jump on focus.
    const none = current === undefined;
    return html`<div class="actions" part="actions" role="group" aria-label=${current ? t('codes.actionsFor', { name: current.name }) : t('codes.actions')}>
      ${this.editable
        ? html`<button type="button" class="new" @click=${() => void this.startEdit({ kind: 'create', parentId: null })}>${t('codes.new')}</button>
            <button type="button" class="new-child" ?disabled=${none} @click=${() => current && void this.startEdit({ kind: 'create', parentId: current.id })}>
              ${t('codes.newChild')}
            </button>
            <button type="button" class="rename" ?disabled=${none} @click=${() => current && void this.startEdit({ kind: 'rename', codeId: current.id })}>
              ${t('codes.rename')}
            </button>
            <button type="button" class="merge" ?disabled=${none} @click=${() => current && this.openMerge(current.id, '')}>${t('codes.merge')}</button>
            <button type="button" class="delete" ?disabled=${none} @click=${() => current && this.openDelete(current.id)}>${t('codes.delete')}</button>`
        : nothing}
      ${hasCodes ? html`<button type="button" class="details" ?disabled=${none} @click=${() => current && this.select(current)}>${t('codes.details')}</button>` : nothing}
      ${filtered > 0 ? html`<button type="button" class="filter-clear" @click=${() => this.setFilter([])}>${t('codes.filterClear', { n: filtered })}</button>` : nothing}
    </div>`;
  }

  override render(): TemplateResult {
    const rows = this.rows();
    const visible = (id: string | null): id is string => id !== null && rows.some((r) => r.code.id === id);
    const tabbable = visible(this.focusId) ? this.focusId : visible(this.selectedCodeId) ? this.selectedCodeId : rows[0]?.code.id;
    const current = this.byId(this.focusId) ?? this.byId(this.selectedCodeId);
    const totals = this.totals();
    const creatingTop = this.edit?.kind === 'create' && this.edit.parentId === null;
    return html`${this.renderActions(current, rows.length > 0)}
      ${rows.length === 0
        ? html`<p>${t('codes.none')}</p>`
        : html`<ul role="tree" part="tree" aria-label=${t('codes.heading')} aria-describedby="keys" @dragleave=${this.onTreeDragLeave}>
            ${repeat(
              rows,
              (r) => r.code.id,
              (r) => this.renderItem(r, rows, totals, tabbable),
            )}
          </ul>`}
      ${creatingTop ? html`<div class="create">${this.renderEditInput(t('codes.newName'), '')}</div>` : nothing}
      ${this.editable
        ? html`<div
            class=${classMap({ 'root-drop': true, active: this.dropHint?.pos === 'root' })}
            aria-hidden="true"
            ?hidden=${this.dragId === null}
            @dragover=${this.onRootDragOver}
            @drop=${this.onRootDrop}
          >
            ${t('codes.rootDrop')}
          </div>`
        : nothing}
      <details class="keys">
        <summary>${t('codes.keys.heading')}</summary>
        <ul id="keys">
          <li>${t('codes.keys.navigate')}</li>
          <li>${t('codes.keys.apply')}</li>
          <li>${t('codes.keys.filter')}</li>
          <li>${t('codes.keys.details')}</li>
          ${this.editable
            ? html`<li>${t('codes.keys.create')}</li>
                <li>${t('codes.keys.rename')}</li>
                <li>${t('codes.keys.delete')}</li>
                <li>${t('codes.keys.merge')}</li>
                <li>${t('codes.keys.move')}</li>`
            : nothing}
        </ul>
      </details>
      ${this.editable
        ? html`<sb-code-delete-dialog
              .code=${this.byId(this.deleting) ?? null}
              .codes=${this.codes}
              .counts=${this.counts}
              .open=${this.deleting !== null}
              @sb-code-delete=${this.dialogClosed}
              @sb-code-delete-cancel=${this.dialogClosed}
            ></sb-code-delete-dialog>
            <sb-code-merge-dialog
              .source=${this.byId(this.merging?.sourceId) ?? null}
              .codes=${this.codes}
              .counts=${this.counts}
              .targetId=${this.merging?.targetId ?? ''}
              .open=${this.merging !== null}
              @sb-code-merge=${this.dialogClosed}
              @sb-code-merge-cancel=${this.dialogClosed}
            ></sb-code-merge-dialog>`
        : nothing}`;
  }
}

customElements.define('sb-code-tree', SbCodeTree);
declare global {
  interface HTMLElementTagNameMap {
    'sb-code-tree': SbCodeTree;
  }
}
