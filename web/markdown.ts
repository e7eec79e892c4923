import DOMPurify from 'dompurify';
import { Marked } from 'marked';
import { html, type TemplateResult } from 'lit';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';

const marked = new Marked({ gfm: true, breaks: true, async: false });

// Links may only go to http(s) and mailto; everything else (javascript:, data:, …) is dropped.
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node instanceof Element && node.hasAttribute('href')) {
    const href = node.getAttribute('href') ?? '';
    if (!/^(https?:|mailto:|#)/i.test(href.trim())) node.removeAttribute('href');
    else {
      node.setAttribute('rel', 'noopener noreferrer');
      node.setAttribute('target', '_blank');
    }
  }
});

/**
 * Markdown → sanitised HTML string: `marked`, then DOMPurify with a small allow-list (no scripts,
 * no event handlers, no styles, no images from elsewhere, no forms).
 */
export function markdownToSafeHtml(markdown: string): string {
  const raw = marked.parse(markdown) as string;
  return DOMPurify.sanitize(raw, {
    ALLOWED_TAGS: ['p', 'br', 'strong', 'em', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'table', 'thead', 'tbody', 'tr', 'th', 'td'],
    ALLOWED_ATTR: ['href', 'title', 'rel', 'target'],
  });
}

/** Sanitised HTML of recently rendered Markdown, so a re-render does not parse and sanitise again. */
const renderCache = new Map<string, string>();
const RENDER_CACHE_LIMIT = 500;

/** Render Markdown in a Lit template – the only sanctioned use of unsafeHTML: its input is sanitised. */
export function renderMarkdown(markdown: string): TemplateResult {
  let safe = renderCache.get(markdown);
  if (safe === undefined) {
    safe = markdownToSafeHtml(markdown);
    if (renderCache.size >= RENDER_CACHE_LIMIT) renderCache.clear();
    renderCache.set(markdown, safe);
  }
  return html`${unsafeHTML(safe)}`;
}
