import { SECTIONS, type Section } from '../server/schemas/comparison.js';

/**
 * The comparison's query as the URL carries it: the side conditions (`a`, `b`, in the syntax of
 * `parseSideConditions`; null = the server's default), the breakdown attribute, the minimum number
 * of documents, and which sections the table shows (a view filter, not part of the computation).
 */
interface ComparisonRouteQuery {
  a: string | null;
  b: string | null;
  by: string | null;
  minDocuments: number | null;
  sections: Section[];
}

/** Where the user is; the URL is the single source of it (reload and back/forward work). */
export type Route =
  | { name: 'projects' }
  | { name: 'corpus'; projectId: string }
  | { name: 'coding'; projectId: string; documentId: string | null; codeId: string | null; at: { start: number; end: number } | null }
  | { name: 'segments'; projectId: string; codeIds: string[]; includeSubcodes: boolean; setId: string | null }
  | { name: 'memos'; projectId: string }
  | { name: 'forms' | 'agreement' | 'search' | 'exchange' | 'audit' | 'pseudonyms'; projectId: string }
  | ({ name: 'comparison'; projectId: string } & ComparisonRouteQuery);

const ID = '[A-Za-z0-9_.:%-]+';

function int(v: string | null): number | null {
  return v !== null && /^\d+$/.test(v) ? Number(v) : null;
}

/** Parse a path and query string into a Route; anything unknown is the project list. */
export function parseRoute(pathname: string, search: string): Route {
  const q = new URLSearchParams(search);
  const m = new RegExp(`^/projects/(${ID})(?:/(corpus|coding|segments|memos|comparison|forms|agreement|search|exchange|audit|pseudonyms))?(?:/(${ID}))?/?$`).exec(pathname);
  if (!m) return { name: 'projects' };
  const projectId = decodeURIComponent(m[1] as string);
  switch (m[2]) {
    case 'coding': {
      const start = int(q.get('start'));
      const end = int(q.get('end'));
      return {
        name: 'coding',
        projectId,
        documentId: m[3] ? decodeURIComponent(m[3]) : null,
        codeId: q.get('code'),
        at: start !== null && end !== null && end > start ? { start, end } : null,
      };
    }
    case 'segments':
      return {
        name: 'segments',
        projectId,
        codeIds: (q.get('codes') ?? '').split(',').filter((s) => s.length > 0),
        includeSubcodes: q.get('sub') === '1',
        setId: q.get('set'),
      };
    case 'memos':
      return { name: 'memos', projectId };
    case 'forms':
    case 'agreement':
    case 'search':
    case 'exchange':
    case 'audit':
    case 'pseudonyms':
      return { name: m[2], projectId };
    case 'comparison': {
      // `show` lists the shown sections; absent = all of them, empty = none.
      const show = q.get('show');
      const min = int(q.get('min'));
      return {
        name: 'comparison',
        projectId,
        a: q.get('a'),
        b: q.get('b'),
        by: q.get('by') || null,
        minDocuments: min !== null && min >= 1 ? min : null,
        sections: show === null ? [...SECTIONS] : SECTIONS.filter((s) => show.split(',').includes(s)),
      };
    }
    default:
      return { name: 'corpus', projectId };
  }
}

/** The URL (path + query) of a Route. */
export function routeToUrl(route: Route): string {
  if (route.name === 'projects') return '/';
  const base = `/projects/${encodeURIComponent(route.projectId)}`;
  switch (route.name) {
    case 'corpus':
      return `${base}/corpus`;
    case 'memos':
    case 'forms':
    case 'agreement':
    case 'search':
    case 'exchange':
    case 'audit':
    case 'pseudonyms':
      return `${base}/${route.name}`;
    case 'coding': {
      const q = new URLSearchParams();
      if (route.codeId) q.set('code', route.codeId);
      if (route.at) {
        q.set('start', String(route.at.start));
        q.set('end', String(route.at.end));
      }
      const qs = q.toString();
      return `${base}/coding${route.documentId ? `/${encodeURIComponent(route.documentId)}` : ''}${qs ? `?${qs}` : ''}`;
    }
    case 'segments': {
      const q = new URLSearchParams();
      if (route.codeIds.length > 0) q.set('codes', route.codeIds.join(','));
      if (route.includeSubcodes) q.set('sub', '1');
      if (route.setId) q.set('set', route.setId);
      const qs = q.toString();
      return `${base}/segments${qs ? `?${qs}` : ''}`;
    }
    case 'comparison': {
      const q = new URLSearchParams();
      if (route.a !== null) q.set('a', route.a);
      if (route.b !== null) q.set('b', route.b);
      if (route.by) q.set('by', route.by);
      if (route.minDocuments !== null) q.set('min', String(route.minDocuments));
      if (SECTIONS.some((s) => !route.sections.includes(s))) q.set('show', SECTIONS.filter((s) => route.sections.includes(s)).join(','));
      const qs = q.toString();
      return `${base}/comparison${qs ? `?${qs}` : ''}`;
    }
  }
}
