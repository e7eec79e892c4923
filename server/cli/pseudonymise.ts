/**
 * `sichtbar pseudonymise` (issue 9, item 1): suggestions, preview and applying the project's
 * pseudonym key, and the explicit export and import of the key. The CLI runs as the operator of the
 * data directory (who can read data/keys/ anyway), so it acts with the admin role.
 *
 *   sichtbar pseudonymise suggest --data DIR [--project P] [--document ID] [--limit N] [--json]
 *   sichtbar pseudonymise preview|apply --data DIR [--project P] [--document ID…] [--ignore-case] [--no-inflections] [--no-memos] [--json]
 *   sichtbar pseudonymise key export --data DIR [--project P] [--out FILE]
 *   sichtbar pseudonymise key import FILE --data DIR [--project P]
 *   sichtbar pseudonymise key add REAL PSEUDONYM [--category person|place|institution] --data DIR [--project P]
 */
import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Deps } from '../domain/deps.js';
import { InvalidInput } from '../domain/errors.js';
import { applyPseudonymisation, getPseudonymKey, OPERATOR, previewPseudonymisation, putPseudonymKey, suggestForProject } from '../domain/pseudonyms.js';
import { PseudonymCategorySchema, PseudonymEntriesSchema, type PseudonymisationResult } from '../schemas/pseudonym.js';
import { pickProject, UsageError, withStore, type CliCommand, type CliIO } from './common.js';

const USAGE = `  pseudonymise suggest|preview|apply|key … --data DIR [--project P] [--json]
      suggest [--document ID] [--limit N]    names to pseudonymise, with category, count and contexts
      preview|apply [--document ID]… [--ignore-case] [--no-inflections] [--no-memos]
                                             what the key changes / replace the names in stored documents
                                             (segments, turns and memos move with the text)
      key export [--out FILE]                the key as JSON (the only export that holds it)
      key import FILE                        replace the key by a file written by key export (or {entries})
      key add REAL PSEUDONYM [--category C]  add one entry (person, place, institution)`;

/** A key file: what `key export` writes, or just `{ entries }`. */
const KeyFileSchema = z.object({ entries: PseudonymEntriesSchema });

function printResult(io: CliIO, result: PseudonymisationResult, json: boolean, applied: boolean): void {
  if (json) {
    io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  for (const d of result.documents) {
    io.stdout(`${d.title}\t${d.replacements} name(s), ${d.segments} segment(s), ${d.memos} memo(s)${d.byEntry.length > 0 ? `\t${d.byEntry.map((e) => `${e.real} → ${e.pseudonym} ×${e.count}`).join(', ')}` : ''}\n`);
  }
  io.stdout(`${result.total} name(s) in ${result.documents.length} document(s) ${applied ? 'replaced' : 'would be replaced'} (key version ${result.keyVersion})\n`);
}

export const pseudonymiseCommand: CliCommand = {
  name: 'pseudonymise',
  usage: USAGE,
  options: {
    document: { type: 'string', multiple: true },
    limit: { type: 'string' },
    out: { type: 'string' },
    category: { type: 'string' },
    'ignore-case': { type: 'boolean', default: false },
    'no-inflections': { type: 'boolean', default: false },
    'no-memos': { type: 'boolean', default: false },
  },
  run: async ({ values, positionals, io, dataDir, projectOption, json }) => {
    const [sub, ...args] = positionals;
    const documents = Array.isArray(values['document']) ? (values['document'] as string[]) : undefined;
    const withDeps = <T>(fn: (deps: Deps, projectId: string) => Promise<T>): Promise<T> =>
      withStore(dataDir, async (store, deps) => fn(deps, await pickProject(store, projectOption)));
    switch (sub) {
      case 'suggest': {
        if (args.length > 0) throw new UsageError('pseudonymise suggest takes no arguments');
        const limitRaw = values['limit'];
        const limit = limitRaw === undefined ? 100 : Number(limitRaw);
        if (!Number.isInteger(limit) || limit < 1 || limit > 5000) throw new UsageError('--limit must be a whole number from 1 to 5000');
        if (documents && documents.length > 1) throw new UsageError('suggest takes at most one --document');
        const suggestions = await withDeps((deps, projectId) => suggestForProject(deps, OPERATOR, projectId, { documentId: documents?.[0], limit }));
        if (json) io.stdout(`${JSON.stringify({ suggestions }, null, 2)}\n`);
        else {
          for (const s of suggestions) io.stdout(`${s.inKey ? '✓' : ' '} ${s.text}\t${s.category}\t${s.reason}\t×${s.count} in ${s.documents} doc(s)\t${s.contexts[0] ?? ''}\n`);
          io.stdout(`${suggestions.length} suggestion(s); ✓ = already in the key\n`);
        }
        return 0;
      }
      case 'preview':
      case 'apply': {
        if (args.length > 0) throw new UsageError(`pseudonymise ${sub} takes no arguments`);
        const input = {
          ...(documents ? { documentIds: documents } : {}),
          caseSensitive: values['ignore-case'] !== true,
          inflections: values['no-inflections'] !== true,
          memos: values['no-memos'] !== true,
        };
        const result = await withDeps((deps, projectId) => (sub === 'apply' ? applyPseudonymisation : previewPseudonymisation)(deps, OPERATOR, projectId, input));
        printResult(io, result, json, sub === 'apply');
        return 0;
      }
      case 'key': {
        const [action, ...rest] = args;
        if (action === 'export') {
          if (rest.length > 0) throw new UsageError('key export takes no arguments (use --out FILE)');
          const key = await withDeps((deps, projectId) => getPseudonymKey(deps, OPERATOR, projectId));
          const text = `${JSON.stringify({ format: 'sichtbar-pseudonym-key', ...key }, null, 2)}\n`;
          const out = values['out'];
          if (typeof out === 'string') {
            // Owner-only: the key re-identifies people.
            await writeFile(out, text, { encoding: 'utf8', mode: 0o600 });
            io.stderr(`Wrote the pseudonym key (${key.entries.length} entries) to ${out}. Keep it apart from the project data.\n`);
          } else io.stdout(text);
          return 0;
        }
        if (action === 'import') {
          const file = rest[0];
          if (file === undefined || rest.length > 1) throw new UsageError('key import takes one FILE');
          let raw: unknown;
          try {
            raw = JSON.parse(await readFile(file, 'utf8'));
          } catch (e) {
            throw new UsageError(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
          }
          const parsed = KeyFileSchema.safeParse(raw);
          if (!parsed.success) throw new InvalidInput(`${file}: not a pseudonym key`, parsed.error.issues.slice(0, 20).map((i) => ({ path: i.path.map(String), message: i.message })));
          const key = await withDeps(async (deps, projectId) => {
            const current = await getPseudonymKey(deps, OPERATOR, projectId);
            return putPseudonymKey(deps, OPERATOR, projectId, { entries: parsed.data.entries, version: current.version });
          });
          if (json) io.stdout(`${JSON.stringify({ version: key.version, entries: key.entries.length }, null, 2)}\n`);
          else io.stdout(`Imported the pseudonym key: ${key.entries.length} entries (version ${key.version}).\n`);
          return 0;
        }
        if (action === 'add') {
          const [real, pseudonym, ...more] = rest;
          if (real === undefined || pseudonym === undefined || more.length > 0) throw new UsageError('key add takes REAL and PSEUDONYM');
          const category = PseudonymCategorySchema.safeParse(values['category'] ?? 'person');
          if (!category.success) throw new UsageError(`--category must be one of ${PseudonymCategorySchema.options.join(', ')}`);
          const key = await withDeps(async (deps, projectId) => {
            const current = await getPseudonymKey(deps, OPERATOR, projectId);
            const entries = [...current.entries.filter((e) => e.real !== real), { real, pseudonym, category: category.data }];
            return putPseudonymKey(deps, OPERATOR, projectId, { entries, version: current.version });
          });
          io.stdout(`Added ${real} → ${pseudonym} (${category.data}); the key has ${key.entries.length} entries (version ${key.version}).\n`);
          return 0;
        }
        throw new UsageError('pseudonymise key export|import FILE|add REAL PSEUDONYM');
      }
      default:
        throw new UsageError('pseudonymise suggest|preview|apply|key …');
    }
  },
};
