import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { styleMap } from 'lit/directives/style-map.js';
import type { Code } from '../../server/schemas/code.js';
import { LanguageController, t } from '../i18n/index.js';

/** Fired when the user activates a code (click, Enter or Space). */
export class CodeActivateEvent extends Event {
  constructor(readonly codeId: string) {
    super('sb-code-activate', { bubbles: true, composed: true });
  }
}

/**
 * The code tree: hierarchy with own and total segment counts, colours, expand/collapse; an ARIA
 * tree navigable with the arrow keys.
 *
 * @fires sb-code-activate - a code was chosen (CodeActivateEvent)
 * @csspart tree - the tree list
 */
export class SbCodeTree extends LitElement {
  static override properties = {
    codes: { attribute: false },
    counts: { attribute: false },
    collapsed: { state: true },
  };

  static override styles = css`
    :host {
      display: block;
      font-size: 0.95rem;
    }
    ul {
      list-style: none;
      margin: 0;
      padding-left: 1.1rem;
    }
    ul[role='tree'] {
      padding-left: 0;
    }
    .row {
      display: flex;
      align-items: center;
      gap: 0.4rem;
      padding: 0.15rem 0.25rem;
      border-radius: 4px;
      cursor: pointer;
    }
    [role='treeitem']:focus > .row {
      outline: 2px solid #1d4ed8;
    }
    .swatch {
      width: 0.8rem;
      height: 0.8rem;
      border-radius: 2px;
      flex: none;
    }
    .folder {
      font-weight: 600;
    }
    .count {
      margin-left: auto;
      color: #555;
      font-variant-numeric: tabular-nums;
    }
    .toggle {
      width: 1rem;
      text-align: center;
      color: #555;
    }
  `;

  declare codes: Code[];
  /** Segments per code id (own only); totals are summed over sub-codes here. */
  declare counts: Record<string, number>;
  declare collapsed: Set<string>;

  constructor() {
    super();
    new LanguageController(this);
    this.codes = [];
    this.counts = {};
    this.collapsed = new Set();
  }

  private childCodes(parentId: string | null): Code[] {
    return this.codes.filter((c) => c.parentId === parentId).sort((a, b) => a.order - b.order);
  }

  private total(id: string): number {
    return (this.counts[id] ?? 0) + this.childCodes(id).reduce((sum, c) => sum + this.total(c.id), 0);
  }

  private toggle(id: string): void {
    const next = new Set(this.collapsed);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    this.collapsed = next;
  }

  private onKey(e: KeyboardEvent, code: Code): void {
    const kids = this.childCodes(code.id);
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      this.dispatchEvent(new CodeActivateEvent(code.id));
    } else if (e.key === 'ArrowRight' && kids.length > 0 && this.collapsed.has(code.id)) {
      e.preventDefault();
      this.toggle(code.id);
    } else if (e.key === 'ArrowLeft' && kids.length > 0 && !this.collapsed.has(code.id)) {
      e.preventDefault();
      this.toggle(code.id);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const items = [...this.renderRoot.querySelectorAll<HTMLElement>('[role="treeitem"]')];
      const here = items.indexOf(e.currentTarget as HTMLElement);
      items[here + (e.key === 'ArrowDown' ? 1 : -1)]?.focus();
    }
  }

  private renderCode(code: Code, level: number): TemplateResult {
    const kids = this.childCodes(code.id);
    const open = !this.collapsed.has(code.id);
    const own = this.counts[code.id] ?? 0;
    const total = this.total(code.id);
    return html`<li
      role="treeitem"
      tabindex="0"
      aria-level=${level}
      aria-expanded=${kids.length > 0 ? String(open) : nothing}
      aria-label=${code.name}
      aria-selected="false"
      data-code-id=${code.id}
      @click=${(e: Event) => {
        // Only the innermost tree item under the pointer reacts.
        if ((e.target as Element).closest('[role="treeitem"]') === e.currentTarget) this.dispatchEvent(new CodeActivateEvent(code.id));
      }}
      @keydown=${(e: KeyboardEvent) => {
        if (e.currentTarget === e.target) this.onKey(e, code);
      }}
    >
      <div class="row">
        <span
          class="toggle"
          aria-hidden="true"
          @click=${(e: Event) => {
            e.stopPropagation();
            if (kids.length > 0) this.toggle(code.id);
          }}
          >${kids.length > 0 ? (open ? '▾' : '▸') : ''}</span
        >
        <span class="swatch" style=${styleMap({ background: code.colour })}></span>
        <span class=${code.isCodable ? 'name' : 'name folder'}>${code.name}</span>
        <span class="count" title=${t('codes.count', { own, total })}>${own}${total !== own ? html` / ${total}` : nothing}</span>
      </div>
      ${kids.length > 0 && open ? html`<ul role="group">${kids.map((k) => this.renderCode(k, level + 1))}</ul>` : nothing}
    </li>`;
  }

  override render(): TemplateResult {
    const roots = this.childCodes(null);
    if (roots.length === 0) return html`<p>${t('codes.none')}</p>`;
    return html`<ul role="tree" part="tree" aria-label=${t('codes.heading')}>${roots.map((c) => this.renderCode(c, 1))}</ul>`;
  }
}

customElements.define('sb-code-tree', SbCodeTree);
declare global {
  interface HTMLElementTagNameMap {
    'sb-code-tree': SbCodeTree;
  }
}
