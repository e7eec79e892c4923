import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { AppEnv, AppOptions } from './context.js';
import { actorOf } from './context.js';
import { ChangeBus, type ChangeNotice } from '../domain/events.js';
import { segmentVisibility } from '../domain/independent.js';
import { requireProject } from '../domain/projects.js';
import type { Segment } from '../schemas/segment.js';

const KEEPALIVE_MS = 25_000;

type Body = Record<string, unknown> | undefined;

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function segmentNotice(action: ChangeNotice['action'], s: Body, base: Pick<ChangeNotice, 'by' | 'at'>): ChangeNotice {
  return { kind: 'segment', action, ...pick(s), ...base };
}

function pick(s: Body): Partial<ChangeNotice> {
  const out: Partial<ChangeNotice> = {};
  const id = str(s?.['id']);
  const version = num(s?.['version']);
  const documentId = str(s?.['documentId']);
  const coder = str(s?.['coder']);
  if (id !== undefined) out.id = id;
  if (version !== undefined) out.version = version;
  if (documentId !== undefined) out.documentId = documentId;
  if (coder !== undefined) out.coder = coder;
  return out;
}

/** What a successful write under /projects/:projectId/… changed, from its method, path and response. */
export function describeChange(method: string, rest: string, body: Body, before: Segment | undefined, version: number | undefined, base: Pick<ChangeNotice, 'by' | 'at'>): ChangeNotice[] {
  const parts = rest.split('/').filter((p) => p.length > 0);
  const [resource, id, sub] = parts;
  if (resource === 'segments') {
    if (method === 'POST' && id === undefined) return [segmentNotice('created', body, base)];
    if (method === 'POST' && id === 'in-vivo') {
      return [{ kind: 'code', action: 'created', ...pick(body?.['code'] as Body), ...base }, segmentNotice('created', body?.['segment'] as Body, base)];
    }
    if (method === 'PATCH' && id !== undefined) return [segmentNotice('changed', body, base)];
    if (method === 'DELETE' && id !== undefined) {
      return [{ kind: 'segment', action: 'deleted', id, ...(version !== undefined ? { version } : {}), ...(before ? { documentId: before.documentId, coder: before.coder } : {}), ...base }];
    }
  }
  if (resource === 'codes' && id !== undefined && id !== 'merge') {
    if (method === 'PATCH' && sub === undefined) return [{ kind: 'code', action: 'changed', ...pick(body), ...base }];
    if (method === 'POST' && sub === 'move') return [{ kind: 'code', action: 'changed', ...pick(body), ...base }];
  }
  if (resource === 'codes' && method === 'POST' && id === undefined) return [{ kind: 'code', action: 'created', ...pick(body), ...base }];
  if (resource === 'agreement' && id === 'consensus') {
    const created = Array.isArray(body?.['created']) ? (body['created'] as Body[]) : [];
    return created.map((s) => segmentNotice('created', s, base));
  }
  // Everything else (documents, memos, sets, code merges, splits and deletions, codebook imports…).
  return [{ kind: 'project', action: 'changed', ...(resource ? { resource } : {}), ...base }];
}

/**
 * Live collaboration: `GET /projects/:projectId/events` streams change notices as Server-Sent Events
 * (`event: change`, data = ChangeNotice JSON; `event: ready` once connected; `event: ping` every 25 s).
 * The middleware publishes after every successful write under /projects/:projectId/ – it must be
 * mounted before the other project routes so that it wraps them. Segment notices of sealed
 * documents (independent mode) reach only those who may see the segment.
 */
export function eventRoutes({ deps }: AppOptions, bus = new ChangeBus()) {
  return new Hono<AppEnv>()
    .use('/:projectId/*', async (c, next) => {
      const method = c.req.method;
      if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return next();
      const projectId = c.req.param('projectId') as string;
      const marker = `/projects/${projectId}/`;
      const rest = c.req.path.slice(c.req.path.indexOf(marker) + marker.length);
      const segmentDelete = method === 'DELETE' ? /^segments\/([^/]+)$/.exec(rest) : null;
      // A deleted segment cannot be read afterwards: remember where it was (for independent mode).
      const before = segmentDelete ? await deps.store.getSegment(projectId, segmentDelete[1] as string) : undefined;
      await next();
      if (c.res.status < 200 || c.res.status >= 300 || !bus.hasAudience(projectId)) return;
      let body: Body;
      try {
        body = (await c.res.clone().json()) as Body;
      } catch {
        body = undefined;
      }
      const version = c.req.query('version');
      bus.publish(projectId, describeChange(method, rest, body, before, version !== undefined && /^\d+$/.test(version) ? Number(version) : undefined, { by: c.get('user').id, at: deps.now() }));
    })
    .get('/:projectId/events', async (c) => {
      const project = await requireProject(deps, c.req.param('projectId'));
      const actor = actorOf(c.get('user'));
      return streamSSE(c, async (stream) => {
        const queue: ChangeNotice[] = [];
        let wake: (() => void) | undefined;
        let open = true;
        const off = bus.subscribe(project.id, (n) => {
          queue.push(n);
          wake?.();
        });
        stream.onAbort(() => {
          open = false;
          off();
          wake?.();
        });
        let seq = 0;
        await stream.writeSSE({ event: 'ready', data: JSON.stringify({ projectId: project.id }) });
        while (open) {
          if (queue.length === 0) {
            let timer: ReturnType<typeof setTimeout> | undefined;
            await new Promise<void>((resolve) => {
              wake = resolve;
              timer = setTimeout(resolve, KEEPALIVE_MS);
            });
            clearTimeout(timer);
            wake = undefined;
            if (!open) break;
            if (queue.length === 0) {
              await stream.writeSSE({ event: 'ping', data: '' });
              continue;
            }
          }
          const n = queue.shift() as ChangeNotice;
          if (n.kind === 'segment' && n.documentId !== undefined && n.coder !== undefined) {
            const visible = await segmentVisibility(deps, project.id, actor);
            if (!visible({ documentId: n.documentId, coder: n.coder })) continue;
          }
          await stream.writeSSE({ event: 'change', id: String(++seq), data: JSON.stringify(n) });
        }
        off();
      });
    });
}
