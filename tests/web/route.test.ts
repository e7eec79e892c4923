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
    { name: 'forms', projectId: 'p-1' },
    { name: 'agreement', projectId: 'p-1' },
    { name: 'search', projectId: 'p-1' },
    { name: 'exchange', projectId: 'p-1' },
    { name: 'audit', projectId: 'p-1' },
    { name: 'comparison', projectId: 'p-1', a: null, b: null, by: null, minDocuments: null, sections: ['both', 'only-a', 'only-b', 'rare'] },
    { name: 'comparison', projectId: 'p-1', a: 'kind=observation;region=Region 1', b: 'set=A\\,B & C', by: 'region', minDocuments: 4, sections: ['only-a', 'rare'] },
    { name: 'comparison', projectId: 'p-1', a: '', b: 'kind=interview', by: null, minDocuments: null, sections: [] },
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

  it('reads the comparison query: sides, breakdown, minimum documents and the shown sections', () => {
    expect(parseRoute('/projects/p-1/comparison', '?a=kind%3Dobservation&by=sozialraumbuero&min=0&show=rare,nonsense,both')).to.deep.equal({
      name: 'comparison',
      projectId: 'p-1',
      a: 'kind=observation',
      b: null,
      by: 'sozialraumbuero',
      minDocuments: null,
      sections: ['both', 'rare'],
    });
    expect(routeToUrl({ name: 'comparison', projectId: 'p 1', a: 'kind=observation', b: null, by: null, minDocuments: 2, sections: ['both', 'only-a', 'only-b', 'rare'] })).to.equal(
      '/projects/p%201/comparison?a=kind%3Dobservation&min=2',
    );
  });
});
