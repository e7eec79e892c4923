import { expect } from '@open-wc/testing';
import { parseRoute, routeToUrl, type Route } from '../../web/route.js';

describe('routes', () => {
  const routes: Route[] = [
    { name: 'projects' },
    { name: 'corpus', projectId: 'p-1' },
    { name: 'coding', projectId: 'p-1', documentId: 'd:7', codeId: 'c1', at: { start: 10, end: 42 } },
    { name: 'coding', projectId: 'p-1', documentId: null, codeId: null, at: null },
    { name: 'segments', projectId: 'p-1', codeIds: ['a', 'b'], includeSubcodes: true, setId: 's1' },
    { name: 'memos', projectId: 'p-1' },
  ];

  it('round-trips every route through its URL', () => {
    for (const r of routes) {
      const url = new URL(routeToUrl(r), 'http://x');
      expect(parseRoute(url.pathname, url.search)).to.deep.equal(r);
    }
  });

  it('falls back to the project list or the corpus for unknown paths', () => {
    expect(parseRoute('/nichts', '')).to.deep.equal({ name: 'projects' });
    expect(parseRoute('/projects/p-1', '')).to.deep.equal({ name: 'corpus', projectId: 'p-1' });
    expect(parseRoute('/projects/p-1/coding/d1', '?start=9&end=3')).to.deep.include({ at: null });
  });
});
