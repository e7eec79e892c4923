import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { addDocuments, createSet } from './domain/corpus.js';
import type { Deps } from './domain/deps.js';
import { ImportError, InvalidInput } from './domain/errors.js';
import { importCodebook } from './domain/codebook.js';
import { DISABLED_PASSWORD } from './domain/password.js';
import { importForm } from './domain/forms.js';
import { createProject } from './domain/projects.js';
import { CodePointIndex } from './domain/text.js';
import { collectImports } from './import/import-paths.js';
import type { Project } from './schemas/project.js';
import type { Segment } from './schemas/segment.js';
import type { User } from './schemas/user.js';

/** The repository root (corpus/ and codebooks/ live there). */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

const CodingsFileSchema = z.object({
  codebook: z.string(),
  coders: z.array(z.object({ login: z.string(), displayName: z.string() })).min(1),
  codings: z.array(
    z.object({
      document: z.string(),
      code: z.string(),
      quote: z.string().min(1),
      occurrence: z.number().int().min(1).default(1),
      coder: z.string(),
      memo: z.string().optional(),
    }),
  ),
});

/** Find the n-th occurrence of `quote` in `text`; returns code-point offsets. */
export function locateQuote(text: string, quote: string, occurrence: number): { start: number; end: number } | undefined {
  let from = 0;
  let at = -1;
  for (let i = 0; i < occurrence; i++) {
    at = text.indexOf(quote, from);
    if (at < 0) return undefined;
    from = at + 1;
  }
  const index = new CodePointIndex(text);
  return { start: index.toCodePoint(at), end: index.toCodePoint(at + quote.length) };
}

/**
 * Build the demo project from corpus/ and codebooks/: every document, both codebooks, the demo
 * coders' codings (corpus/codings.json) and sets per kind and region.
 */
export async function createDemoProject(deps: Deps, root = ROOT): Promise<{ project: Project; documents: number; segments: number }> {
  const corpus = join(root, 'corpus');
  const collected = await collectImports([join(corpus, 'observations'), join(corpus, 'interviews'), join(corpus, 'documentation')]);
  if (collected.failed.length > 0) {
    throw new InvalidInput('the demo corpus has files that do not import', collected.failed.map((f) => ({ message: f.error, file: f.file })));
  }
  const project = await createProject(deps, {
    name: 'Demo: Relevanzmarkierungen in Beratung und Dokumentation',
    description:
      'Fiktive Beobachtungsprotokolle, Interviews und Dokumentationen aus Sozialraumbüros im Landkreis Lüneburg, vorkodiert mit dem Codebuch „Relevanzmarkierungen“.',
    language: 'de',
  });
  const documents = await addDocuments(deps, project.id, collected.imported.map((i) => i.document));
  const byFile = new Map(collected.imported.map((i, n) => [i.file.slice(corpus.length + 1).split('\\').join('/'), documents[n]!]));

  const rel = await importCodebook(deps, project.id, JSON.parse(await readFile(join(root, 'codebooks', 'relevanzmarkierungen.json'), 'utf8')));
  await importCodebook(deps, project.id, JSON.parse(await readFile(join(root, 'codebooks', 'sozialraumorientierung.json'), 'utf8')));

  const codings = CodingsFileSchema.parse(JSON.parse(await readFile(join(corpus, 'codings.json'), 'utf8')));
  const coderIds = new Map<string, string>();
  for (const coder of codings.coders) {
    const existing = await deps.store.findUserByLogin(coder.login);
    if (existing) {
      coderIds.set(coder.login, existing.id);
      continue;
    }
    const user: User = { id: deps.newId(), login: coder.login, displayName: coder.displayName, role: 'researcher', passwordHash: DISABLED_PASSWORD, created: deps.now(), version: 1 };
    await deps.store.putUser(user);
    coderIds.set(coder.login, user.id);
  }
  const codeByKey = new Map(rel.created.filter((c) => c.key).map((c) => [c.key as string, c]));
  const now = deps.now();
  const segments: Segment[] = codings.codings.map((c, i) => {
    const doc = byFile.get(c.document);
    if (!doc) throw new ImportError('corpus/codings.json', `coding ${i + 1}: unknown document ${c.document}`);
    const code = codeByKey.get(c.code);
    if (!code || !code.isCodable) throw new ImportError('corpus/codings.json', `coding ${i + 1}: unknown or non-codable code ${c.code}`);
    const where = locateQuote(doc.text, c.quote, c.occurrence);
    if (!where) throw new ImportError('corpus/codings.json', `coding ${i + 1}: quote not found in ${c.document}`);
    const coder = coderIds.get(c.coder);
    if (!coder) throw new ImportError('corpus/codings.json', `coding ${i + 1}: unknown coder ${c.coder}`);
    return { id: deps.newId(), documentId: doc.id, codeId: code.id, ...where, coder, memo: c.memo ?? '', created: now, modified: now, version: 1 };
  });
  await deps.store.commit(project.id, { segments: { put: segments } });

  await createSet(deps, project.id, { name: 'Beobachtungsprotokolle', definition: { type: 'filter', filter: { kinds: ['observation'], attributes: [] } } });
  await createSet(deps, project.id, { name: 'Interviews', definition: { type: 'filter', filter: { kinds: ['interview'], attributes: [] } } });
  await createSet(deps, project.id, { name: 'Dokumentationen', definition: { type: 'filter', filter: { kinds: ['documentation'], attributes: [] } } });
  for (const region of ['Region 1', 'Region 2', 'Region 3']) {
    await createSet(deps, project.id, { name: region, definition: { type: 'filter', filter: { attributes: [{ name: 'region', anyOf: [region] }] } } });
  }
  // The sample forms (captures as code keys, resolved to ids on import).
  for (const file of ['beratungsdokumentation.json', 'massnahmenbeschreibung.json']) {
    await importForm(deps, project.id, JSON.parse(await readFile(join(corpus, 'forms', file), 'utf8')), { userId: 'import', role: 'admin' });
  }
  return { project, documents: documents.length, segments: segments.length };
}
