import { LitElement, css, html, type TemplateResult } from 'lit';
import type { AttributeValue } from '../../server/schemas/attribute.js';
import type { DocumentKind } from '../../server/schemas/document.js';
import { LanguageController, t } from '../i18n/index.js';

export interface DocumentRow {
  id: string;
  title: string;
  kind: DocumentKind;
  attributes: Record<string, AttributeValue>;
  segmentCount: number;
}

/**
 * The corpus table: documents with kind, attributes and segment counts.
 */
export class SbDocumentTable extends LitElement {
  static override properties = { documents: { attribute: false } };
  static override styles = css`
    :host {
      display: block;
      overflow-x: auto;
    }
    table {
      border-collapse: collapse;
      width: 100%;
    }
    th,
    td {
      text-align: left;
      padding: 0.3rem 0.5rem;
      border-bottom: 1px solid #ddd;
      vertical-align: top;
    }
    td.num {
      text-align: right;
      font-variant-numeric: tabular-nums;
    }
    .attr {
      display: inline-block;
      margin: 0 0.4rem 0.2rem 0;
      padding: 0 0.3rem;
      background: #f1f5f9;
      border-radius: 3px;
      font-size: 0.85rem;
    }
  `;
  declare documents: DocumentRow[];

  constructor() {
    super();
    new LanguageController(this);
    this.documents = [];
  }

  override render(): TemplateResult {
    if (this.documents.length === 0) return html`<p>${t('documents.none')}</p>`;
    return html`<table aria-label=${t('documents.heading')}>
      <thead>
        <tr>
          <th scope="col">${t('documents.title')}</th>
          <th scope="col">${t('documents.kind')}</th>
          <th scope="col">${t('documents.attributes')}</th>
          <th scope="col">${t('documents.segments')}</th>
        </tr>
      </thead>
      <tbody>
        ${this.documents.map(
          (d) => html`<tr data-document-id=${d.id}>
            <td>${d.title}</td>
            <td>${t(`kind.${d.kind}`)}</td>
            <td>${Object.entries(d.attributes).map(([k, v]) => html`<span class="attr">${k}: ${String(v.value)}</span>`)}</td>
            <td class="num">${d.segmentCount}</td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }
}

customElements.define('sb-document-table', SbDocumentTable);
declare global {
  interface HTMLElementTagNameMap {
    'sb-document-table': SbDocumentTable;
  }
}
