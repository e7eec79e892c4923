/**
 * `sichtbar refi …` (issue 8): REFI-QDA projects (.qdpx) and codebooks (.qdc).
 *
 *   sichtbar refi export --data DIR [--project P] --out FILE.qdpx [--crlf] [--json]
 *   sichtbar refi export-codebook --data DIR [--project P] --out FILE.qdc [--json]
 *   sichtbar refi import --data DIR FILE.qdpx|FILE.qde [--name NAME] [--json]
 *   sichtbar refi import --data DIR [--project P] FILE.qdc [--json]
 *
 * Warnings go to stderr (or into the JSON on stdout); exit 0 ok, 1 failure, 2 bad usage.
 */
import { readFile, stat } from 'node:fs/promises';
import { exportProject } from '../domain/projects.js';
import { exportQdc, exportQdpx } from '../export/refi-export.js';
import { importQdc, importQdpx } from '../import/refi-import.js';
import { REFI_LIMITS, type RefiWarning } from '../import/refi-model.js';
import { writeFileDurably } from '../storage/durable-file.js';
import { pickProject, UsageError, withStore, type CliCommand, type CliIO } from './common.js';

function printWarnings(io: CliIO, warnings: RefiWarning[]): void {
  for (const w of warnings) io.stderr(`warning: ${w.element}: ${w.message}\n`);
}

export const refiCommand: CliCommand = {
  name: 'refi',
  usage:
    '  refi export --data DIR [--project P] --out FILE.qdpx [--crlf] [--json]   REFI-QDA project (validates against Project.xsd)\n' +
    '  refi export-codebook --data DIR [--project P] --out FILE.qdc [--json]     REFI-QDA codebook\n' +
    '  refi import --data DIR FILE.qdpx|FILE.qdc [--project P] [--name NAME] [--json]\n' +
    '        .qdpx/.qde: a new project; .qdc: codes into --project (or the only project)',
  options: {
    out: { type: 'string' },
    crlf: { type: 'boolean', default: false },
    name: { type: 'string' },
  },
  run: async ({ values, positionals, io, dataDir, projectOption, json }) => {
    const [sub, ...rest] = positionals;
    const out = typeof values['out'] === 'string' ? values['out'] : undefined;
    if (sub === 'export' || sub === 'export-codebook') {
      if (rest.length > 0) throw new UsageError(`refi ${sub} takes no positional arguments (got "${rest[0]}")`);
      if (!out) throw new UsageError(`refi ${sub} needs --out FILE${sub === 'export' ? '.qdpx' : '.qdc'}`);
      const result = await withStore(dataDir, async (store, deps) => {
        const projectId = await pickProject(store, projectOption);
        if (sub === 'export') {
          const r = exportQdpx(await exportProject(deps, projectId), { lineEndings: values['crlf'] === true ? 'crlf' : 'lf' });
          return { data: r.zip, warnings: r.warnings };
        }
        const r = exportQdc(projectId, await store.listCodes(projectId));
        return { data: r.xml, warnings: r.warnings };
      });
      await writeFileDurably(out, result.data);
      const bytes = typeof result.data === 'string' ? Buffer.byteLength(result.data) : result.data.length;
      if (json) io.stdout(`${JSON.stringify({ file: out, bytes, warnings: result.warnings }, null, 2)}\n`);
      else {
        printWarnings(io, result.warnings);
        io.stdout(`wrote ${out} (${bytes} bytes, ${result.warnings.length} warning(s))\n`);
      }
      return 0;
    }
    if (sub === 'import') {
      if (out !== undefined) throw new UsageError('refi import takes no --out');
      if (rest.length !== 1) throw new UsageError('refi import takes exactly one file (.qdpx, .qde or .qdc)');
      const file = rest[0] as string;
      const lower = file.toLowerCase();
      if (!/\.(qdpx|qde|qdc)$/.test(lower)) throw new UsageError(`refi import reads .qdpx, .qde or .qdc files (got "${file}")`);
      const size = (await stat(file)).size;
      if (size > REFI_LIMITS.maxZipBytes) throw new UsageError(`${file} is larger than ${Math.round(REFI_LIMITS.maxZipBytes / 1024 / 1024)} MB`);
      const bytes = new Uint8Array(await readFile(file));
      const name = typeof values['name'] === 'string' ? values['name'] : undefined;
      if (lower.endsWith('.qdc')) {
        const r = await withStore(dataDir, async (store, deps) => {
          const projectId = await pickProject(store, projectOption);
          return { projectId, ...(await importQdc(deps, projectId, bytes, file)) };
        });
        if (json) io.stdout(`${JSON.stringify(r, null, 2)}\n`);
        else {
          printWarnings(io, r.warnings);
          io.stdout(`imported ${r.created} code(s) into project ${r.projectId} (${r.skipped} already there)\n`);
        }
        return 0;
      }
      const r = await withStore(dataDir, (_store, deps) => importQdpx(deps, file, bytes, name ? { name } : {}));
      if (json) io.stdout(`${JSON.stringify(r, null, 2)}\n`);
      else {
        printWarnings(io, r.warnings);
        const c = r.counts;
        io.stdout(`imported project ${r.projectId}: ${c.documents} document(s), ${c.codes} code(s), ${c.segments} segment(s), ${c.memos} memo(s), ${c.sets} set(s), ${c.users} user(s); ${r.warnings.length} warning(s)\n`);
      }
      return 0;
    }
    throw new UsageError(sub === undefined ? 'refi needs a subcommand: export, export-codebook or import' : `unknown refi subcommand "${sub}"`);
  },
};
