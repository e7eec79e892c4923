import { expect, fixture, html } from '@open-wc/testing';
import { markdownToSafeHtml, renderMarkdown } from '../../web/markdown.js';

describe('markdown rendering', () => {
  it('renders Markdown', () => {
    expect(markdownToSafeHtml('**fett** und _kursiv_')).to.equal('<p><strong>fett</strong> und <em>kursiv</em></p>\n');
  });

  it('strips scripts, event handlers and javascript: links', async () => {
    const hostile = '<script>window.__pwned = 1</script>\n\n<img src=x onerror="window.__pwned=2">\n\n[klick](javascript:window.__pwned=3) <a href="https://example.org" onclick="x()">ok</a>';
    const out = markdownToSafeHtml(hostile);
    expect(out).not.to.contain('<script');
    expect(out).not.to.contain('onerror');
    expect(out).not.to.contain('javascript:');
    expect(out).not.to.contain('onclick');
    const el = await fixture(html`<div>${renderMarkdown(hostile)}</div>`);
    expect(el.querySelector('a[href="https://example.org"]')?.getAttribute('rel')).to.equal('noopener noreferrer');
    await new Promise((r) => setTimeout(r, 50));
    expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
  });

  it('renders the same sanitised HTML when the same text is rendered again (cached)', async () => {
    const md = '# Titel\n\n[Link](https://example.org) <img src=x onerror="x()">';
    const first = await fixture(html`<div>${renderMarkdown(md)}</div>`);
    const second = await fixture(html`<div>${renderMarkdown(md)}</div>`);
    const expected = await fixture(html`<div></div>`);
    expected.append(document.createRange().createContextualFragment(markdownToSafeHtml(md)));
    expect(second.innerHTML.replace(/<!--[^>]*-->/g, '')).to.equal(first.innerHTML.replace(/<!--[^>]*-->/g, ''));
    expect(first.innerHTML.replace(/<!--[^>]*-->/g, '')).to.equal(expected.innerHTML);
    for (let i = 0; i < 600; i++) renderMarkdown(`Text ${i}`);
    const third = await fixture(html`<div>${renderMarkdown(md)}</div>`);
    expect(third.innerHTML.replace(/<!--[^>]*-->/g, '')).to.equal(expected.innerHTML);
  });
});
