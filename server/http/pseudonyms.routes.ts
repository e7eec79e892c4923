import { Hono } from 'hono';
import { applyPseudonymisation, getPseudonymKey, previewPseudonymisation, putPseudonymKey, suggestForProject } from '../domain/pseudonyms.js';
import { PseudonymApplySchema, PseudonymKeyUpdateSchema, SuggestionQuerySchema } from '../schemas/pseudonym.js';
import { actorOf, type AppEnv, type AppOptions } from './context.js';
import { valid } from './validate.js';

/**
 * Pseudonymisation (issue 9, item 1), admins only: the key (read, replace, explicit download),
 * suggestions, a preview and applying the key to stored documents. Without `deps.pseudonymKeys`
 * every route answers 404.
 */
export function pseudonymRoutes({ deps }: AppOptions) {
  return new Hono<AppEnv>()
    .get('/:projectId/pseudonyms/key', async (c) => {
      return c.json(await getPseudonymKey(deps, actorOf(c.get('user')), c.req.param('projectId')), 200);
    })
    .put('/:projectId/pseudonyms/key', valid('json', PseudonymKeyUpdateSchema), async (c) => {
      return c.json(await putPseudonymKey(deps, actorOf(c.get('user')), c.req.param('projectId'), c.req.valid('json')), 200);
    })
    /** The explicit export of the key: a download, never part of any other export. */
    .get('/:projectId/pseudonyms/key/export', async (c) => {
      const key = await getPseudonymKey(deps, actorOf(c.get('user')), c.req.param('projectId'));
      const name = `pseudonym-key-${key.projectId.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`;
      return c.body(`${JSON.stringify({ format: 'sichtbar-pseudonym-key', ...key }, null, 2)}\n`, 200, {
        'content-type': 'application/json; charset=utf-8',
        'content-disposition': `attachment; filename="${name}"`,
        'cache-control': 'no-store',
      });
    })
    .get('/:projectId/pseudonyms/suggestions', valid('query', SuggestionQuerySchema), async (c) => {
      const q = c.req.valid('query');
      return c.json({ suggestions: await suggestForProject(deps, actorOf(c.get('user')), c.req.param('projectId'), q) }, 200);
    })
    .post('/:projectId/pseudonyms/preview', valid('json', PseudonymApplySchema), async (c) => {
      return c.json(await previewPseudonymisation(deps, actorOf(c.get('user')), c.req.param('projectId'), c.req.valid('json')), 200);
    })
    .post('/:projectId/pseudonyms/apply', valid('json', PseudonymApplySchema), async (c) => {
      return c.json(await applyPseudonymisation(deps, actorOf(c.get('user')), c.req.param('projectId'), c.req.valid('json')), 200);
    });
}
