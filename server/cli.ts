import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ensureAdmin } from './bootstrap.js';
import { readConfig } from './config.js';
import { createDemoProject } from './demo.js';
import { addDocuments } from './domain/corpus.js';
import { codebookToMarkdown, exportCodebook, importCodebook } from './domain/codebook.js';
import { InvalidInput } from './domain/errors.js';
import { randomPassword } from './domain/password.js';
import { createProject, exportProject, restoreProject } from './domain/projects.js';
import { createUser } from './domain/users.js';
import { compareSets } from './domain/comparison.js';
import { comparisonToCsv, comparisonToHtml, comparisonToMarkdown } from './export/comparison-report.js';
import { codebookToDocx } from './export/codebook-docx.js';
import { ComparisonOptionsSchema, type ComparisonOptions, type ParsedSideSpec } from './schemas/comparison.js';
import { collectImports } from './import/import-paths.js';
import { serve } from './main.js';
import { DocumentKindSchema } from './schemas/document.js';
import { RoleSchema } from './schemas/user.js';
import { COMMANDS } from './cli/commands.js';
import { pseudonymiseImports } from './domain/pseudonyms.js';
import { refiCommand } from './cli/refi.js';
import { buildSpreadsheet, isCodebookTableFile, readCodebookTableFile, reportCodebookImport, spreadsheetOptions } from './cli/spreadsheet.js';
import { importCodebookTable } from './import/codebook-table.js';
import { writeFileDurably } from './storage/durable-file.js';
import { defaultIO, pickProject, reportError, runCommand, sideConditions, UsageError, withStore, type CliIO } from './cli/common.js';

export type { CliIO };

const BUILTIN_USAGE = `Usage: sichtbar <command> --data DIR [options]

Commands:
  init [--demo] [--name NAME]           create a project (with --demo: the demo project)
  serve [--port N] [--host H]           start the web app (default 127.0.0.1:3000)
  import <paths…> [--kind K] [--pseudonymise]
                                        import .txt/.md/.docx/.odt/.rtf/.srt/.vtt files and folders; a project export (.json) is restored;
                                        --pseudonymise replaces the names of the project's pseudonym key first;
                                        a REFI-QDA project (.qdpx) becomes a new project, a codebook (.qdc) joins the code tree
  codebook import FILE                  import a codebook into the project: JSON, or a table (.csv/.xlsx) with a
                                        path column ("Parent > Child" or "Parent\\Child") and descriptions
  codebook export [--format json|markdown|docx] [--out FILE]   (docx needs --out)
  user add --login L --role R [--name N] [--password-stdin]
  export --format json|csv|xlsx|qdpx|qdc [--out FILE]
                                        the project as JSON, a spreadsheet (CSV, XLSX: needs --out), or REFI-QDA;
                                        spreadsheets: --table segments (one row per coded segment, default)
                                        or --table matrix (code × document counts; --binary for 0/1)
  compare [--a COND] [--b COND] [--by ATTR] [--json|--md|--html|--csv] [--out FILE]
                                        the visibility comparison of sets A and B (default --md);
                                        COND: kind=observation | kind=interview,documentation |
                                        ATTR=VALUE[,VALUE…] | set=NAME, joined with ";" or repeated;
                                        defaults A kind=observation, B kind=interview,documentation.
                                        More: --min-documents N (rare below, 3) --present-documents N (1)
                                        --k N (suppress breakdown cells under N documents, 3)
                                        --evidence N (quotes per side, 2) --base coded|all
                                        --coder ID (repeatable) --pair-by ATTR (case) --include-unused
                                        --a-label TEXT --b-label TEXT

Options:
  --data DIR        the data directory (required)
  --project ID      the project (id or name; may be left out when there is only one)
  --json            machine-readable output on stdout, messages on stderr
Exit codes: 0 success, 1 failure (including a partly failed import), 2 bad usage.`;

const USAGE = COMMANDS.length > 0 ? `${BUILTIN_USAGE}\n\nMore commands:\n${COMMANDS.map((c) => c.usage).join('\n')}` : BUILTIN_USAGE;

/** The compare command's options from its arguments, parsed with the same rules as the HTTP query; bad ones are usage errors. */
function compareOptionsFromArgs(o: {
  a?: string[] | undefined;
  b?: string[] | undefined;
  'a-label'?: string | undefined;
  'b-label'?: string | undefined;
  by?: string | undefined;
  'min-documents'?: string | undefined;
  'present-documents'?: string | undefined;
  k?: string | undefined;
  evidence?: string | undefined;
  base?: string | undefined;
  coder?: string[] | undefined;
  'pair-by'?: string | undefined;
  'include-unused'?: boolean | undefined;
}): ComparisonOptions {
  const side = (name: 'a' | 'b'): ParsedSideSpec | undefined => {
    const conditions = o[name];
    if (!conditions || conditions.length === 0) return undefined;
    const spec = sideConditions(name, conditions);
    const label = o[`${name}-label`];
    return label !== undefined ? { ...spec, label } : spec;
  };
  const int = (flag: string, value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    if (!/^\d+$/.test(value)) throw new UsageError(`--${flag} must be a whole number, not "${value}"`);
    return Number(value);
  };
  const a = side('a');
  const b = side('b');
  const raw = {
    ...(a ? { a } : {}),
    ...(b ? { b } : {}),
    ...(o.by !== undefined ? { by: o.by } : {}),
    ...(o['min-documents'] !== undefined ? { minDocuments: int('min-documents', o['min-documents']) } : {}),
    ...(o['present-documents'] !== undefined ? { presentDocuments: int('present-documents', o['present-documents']) } : {}),
    ...(o.k !== undefined ? { minCellDocuments: int('k', o.k) } : {}),
    ...(o.evidence !== undefined ? { evidence: int('evidence', o.evidence) } : {}),
    ...(o.base !== undefined ? { base: o.base } : {}),
    ...(o.coder ? { coders: o.coder } : {}),
    ...(o['pair-by'] !== undefined ? { pairBy: o['pair-by'] } : {}),
    includeUnused: o['include-unused'] === true,
  };
  const parsed = ComparisonOptionsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`compare: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid options'}`.trim());
  }
  return parsed.data;
}

/** Runs the CLI; returns the exit code. */
export async function runCli(argv: string[], io: CliIO = defaultIO): Promise<number> {
  const registered = COMMANDS.find((c) => c.name === argv[0]);
  if (registered) return runCommand(registered, argv.slice(1), io);
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        data: { type: 'string' },
        project: { type: 'string' },
        json: { type: 'boolean', default: false },
        demo: { type: 'boolean', default: false },
        'demo-if-empty': { type: 'boolean', default: false },
        name: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        kind: { type: 'string' },
        pseudonymise: { type: 'boolean', default: false },
        format: { type: 'string' },
        out: { type: 'string' },
        login: { type: 'string' },
        role: { type: 'string' },
        'password-stdin': { type: 'boolean', default: false },
        a: { type: 'string', multiple: true },
        b: { type: 'string', multiple: true },
        'a-label': { type: 'string' },
        'b-label': { type: 'string' },
        by: { type: 'string' },
        md: { type: 'boolean', default: false },
        html: { type: 'boolean', default: false },
        csv: { type: 'boolean', default: false },
        'min-documents': { type: 'string' },
        'present-documents': { type: 'string' },
        k: { type: 'string' },
        evidence: { type: 'string' },
        base: { type: 'string' },
        coder: { type: 'string', multiple: true },
        'pair-by': { type: 'string' },
        'include-unused': { type: 'boolean', default: false },
        table: { type: 'string' },
        binary: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    io.stderr(`${e instanceof Error ? e.message : String(e)}\n\n${USAGE}\n`);
    return 2;
  }
  const { values: o, positionals } = parsed;
  const [command, ...rest] = positionals;
  const json = o.json === true;
  const say = (s: string): void => io.stderr(`${s}\n`);
  const print = (value: unknown): void => io.stdout(`${JSON.stringify(value, null, 2)}\n`);
  /** Text to the --out file (and a note on stderr), or to stdout. */
  const emitText = async (text: string, out: string | undefined): Promise<void> => {
    if (out) {
      await writeFile(out, text);
      say(`Wrote ${out}.`);
    } else io.stdout(text);
  };
  if (o.help || !command) {
    (o.help ? io.stdout : io.stderr)(`${USAGE}\n`);
    return o.help ? 0 : 2;
  }
  try {
    const config = readConfig();
    const data = o.data ?? (command === 'serve' ? config.SICHTBAR_DATA : undefined);
    if (!data) throw new UsageError('--data DIR is required');
    switch (command) {
      case 'init': {
        return await withStore(data, async (store, deps) => {
          const admin = await ensureAdmin(deps, config.SICHTBAR_ADMIN_PASSWORD);
          if (admin.password) say(`Created user "admin" with password: ${admin.password}  (shown once)`);
          if (o.demo) {
            const demo = await createDemoProject(deps);
            if (json) print({ projectId: demo.project.id, name: demo.project.name, documents: demo.documents, segments: demo.segments });
            else say(`Created the demo project ${demo.project.id}: ${demo.documents} documents, ${demo.segments} segments.`);
          } else {
            const project = await createProject(deps, { name: o.name ?? 'Neues Projekt' });
            if (json) print({ projectId: project.id, name: project.name });
            else say(`Created project ${project.id} (${project.name}).`);
          }
          void store;
          return 0;
        });
      }
      case 'serve': {
        const port = o.port !== undefined ? Number(o.port) : config.SICHTBAR_PORT;
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0–65535, not ${o.port}`);
        const server = await serve({ dataDir: data, port, host: o.host ?? config.SICHTBAR_HOST, demoIfEmpty: o['demo-if-empty'] === true, log: say });
        say(`Sichtbar runs at ${server.url}  (data: ${config.SICHTBAR_DATABASE_URL ? 'PostgreSQL' : data}; stop with Ctrl+C)`);
        if (json) print({ url: server.url });
        await new Promise<void>((resolve) => {
          const stop = (): void => void server.close().then(resolve);
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        return 0;
      }
      case 'import': {
        if (rest.length === 0) throw new UsageError('import needs at least one path');
        // A project export or REFI-QDA project is restored as it is: refuse rather than silently keep real names.
        if (o.pseudonymise && rest.length === 1 && /\.(json|qdpx|qdc|qde)$/i.test(rest[0]!)) throw new UsageError('--pseudonymise applies to text files; import the project, then run "sichtbar pseudonymise apply"');
        // REFI-QDA files (MAXQDA, ATLAS.ti, NVivo, QualCoder): the refi command does the work.
        if (rest.length === 1 && /\.(qdpx|qdc|qde)$/i.test(rest[0]!)) {
          return runCommand(refiCommand, ['import', rest[0]!, '--data', data, ...(o.project ? ['--project', o.project] : []), ...(json ? ['--json'] : [])], io);
        }
        const kind = o.kind !== undefined ? DocumentKindSchema.safeParse(o.kind) : undefined;
        if (kind && !kind.success) throw new UsageError(`--kind must be one of ${DocumentKindSchema.options.join(', ')}`);
        return await withStore(data, async (store, deps) => {
          // A project export (.json) is restored as a whole.
          if (rest.length === 1 && rest[0]!.toLowerCase().endsWith('.json')) {
            let raw: unknown;
            try {
              raw = JSON.parse(await readFile(rest[0]!, 'utf8'));
            } catch (e) {
              throw new InvalidInput(`${rest[0]}: not readable JSON (${e instanceof Error ? e.message : String(e)})`);
            }
            const restored = await restoreProject(deps, raw);
            if (json) print({ restored: { projectId: restored.project.id, name: restored.project.name, createdUsers: restored.createdUsers } });
            else say(`Restored project ${restored.project.id} (${restored.project.name}).`);
            return 0;
          }
          const projectId = await pickProject(store, o.project);
          const collected = await collectImports(rest);
          if (kind?.success) for (const item of collected.imported) item.document.kind = kind.data;
          // --pseudonymise: the project's key (data/keys/, or its table in PostgreSQL) replaces real names before anything is stored.
          const incoming = collected.imported.map((i) => i.document);
          const toStore = o.pseudonymise && incoming.length > 0 ? await pseudonymiseImports(deps, projectId, incoming) : incoming;
          const docs = collected.imported.length > 0 ? await addDocuments(deps, projectId, toStore) : [];
          const imported = docs.map((d, i) => ({ file: collected.imported[i]!.file, documentId: d.id, title: d.title, kind: d.kind }));
          if (json) print({ imported, failed: collected.failed });
          else {
            for (const i of imported) say(`imported ${i.file} → ${i.title} (${i.kind})`);
            for (const f of collected.failed) say(`FAILED   ${f.file}: ${f.error}`);
            say(`${imported.length} imported, ${collected.failed.length} failed.`);
          }
          return collected.failed.length > 0 ? 1 : 0;
        });
      }
      case 'codebook': {
        const [sub, file] = rest;
        if (sub === 'import') {
          if (!file) throw new UsageError('codebook import needs a FILE');
          if (isCodebookTableFile(file)) {
            // Read and checked in full before the store is opened: a bad file writes nothing.
            const table = await readCodebookTableFile(file);
            return await withStore(data, async (store, deps) => {
              const projectId = await pickProject(store, o.project);
              reportCodebookImport(io, json, { projectId, ...(await importCodebookTable(deps, projectId, table)) });
              return 0;
            });
          }
          return await withStore(data, async (store, deps) => {
            const projectId = await pickProject(store, o.project);
            let raw: unknown;
            try {
              raw = JSON.parse(await readFile(file, 'utf8'));
            } catch (e) {
              throw new InvalidInput(`${file}: not readable JSON (${e instanceof Error ? e.message : String(e)})`);
            }
            const result = await importCodebook(deps, projectId, raw);
            if (json) print({ created: result.created.length, skipped: result.skipped });
            else say(`${result.created.length} codes created, ${result.skipped} already there.`);
            return 0;
          });
        }
        if (sub === 'export') {
          const format = o.format ?? 'json';
          if (format !== 'json' && format !== 'markdown' && format !== 'docx') throw new UsageError('--format must be json, markdown or docx');
          if (format === 'docx' && !o.out) throw new UsageError('codebook export --format docx needs --out FILE.docx');
          return await withStore(data, async (store) => {
            const projectId = await pickProject(store, o.project);
            const project = (await store.getProject(projectId))!;
            const book = exportCodebook(await store.listCodes(projectId), { name: 'codebook', title: `Codebuch: ${project.name}`, language: project.language }, project.crosswalk);
            if (format === 'docx') {
              await writeFile(o.out!, await codebookToDocx(book));
              say(`Wrote ${o.out}.`);
              return 0;
            }
            const text = format === 'json' ? `${JSON.stringify(book, null, 2)}\n` : codebookToMarkdown(book);
            await emitText(text, o.out);
            return 0;
          });
        }
        throw new UsageError('codebook import FILE | codebook export');
      }
      case 'user': {
        if (rest[0] !== 'add') throw new UsageError('user add --login L --role R');
        if (!o.login) throw new UsageError('user add needs --login');
        const role = RoleSchema.safeParse(o.role);
        if (!role.success) throw new UsageError(`--role must be one of ${RoleSchema.options.join(', ')}`);
        const password = o['password-stdin'] ? (await io.stdin()).replace(/\r?\n$/, '') : randomPassword();
        return await withStore(data, async (_store, deps) => {
          const user = await createUser(deps, { login: o.login!, role: role.data, password, ...(o.name ? { displayName: o.name } : {}) });
          if (json) print({ id: user.id, login: user.login, role: user.role, ...(o['password-stdin'] ? {} : { password }) });
          else say(`Created user ${user.login} (${user.role})${o['password-stdin'] ? '' : ` with password: ${password}`}.`);
          return 0;
        });
      }
      case 'export': {
        const format = o.format ?? 'json';
        if (format === 'qdpx' || format === 'qdc') {
          if (!o.out) throw new UsageError(`export --format ${format} needs --out FILE.${format}`);
          const sub = format === 'qdpx' ? 'export' : 'export-codebook';
          return runCommand(refiCommand, [sub, '--data', data, '--out', o.out, ...(o.project ? ['--project', o.project] : []), ...(json ? ['--json'] : [])], io);
        }
        if (format !== 'json' && format !== 'csv' && format !== 'xlsx') throw new UsageError('export supports --format json, csv, xlsx, qdpx or qdc');
        const sheet = spreadsheetOptions(format, o.table, o.binary === true);
        if (format === 'csv' || format === 'xlsx') {
          const out = o.out;
          if (format === 'xlsx' && !out) throw new UsageError('export --format xlsx needs --out FILE.xlsx');
          return await withStore(data, async (store, deps) => {
            const projectId = await pickProject(store, o.project);
            const content = await buildSpreadsheet(deps, projectId, format, sheet.table, sheet.binary);
            if (!out) {
              io.stdout(String(content));
              return 0;
            }
            await writeFileDurably(out, content);
            const bytes = typeof content === 'string' ? Buffer.byteLength(content) : content.length;
            if (json) print({ file: out, bytes, format, table: sheet.table, ...(sheet.table === 'matrix' ? { values: sheet.binary ? 'binary' : 'counts' } : {}) });
            else say(`Wrote ${out} (${bytes} bytes).`);
            return 0;
          });
        }
        return await withStore(data, async (store, deps) => {
          const projectId = await pickProject(store, o.project);
          const exported = await exportProject(deps, projectId);
          const text = `${JSON.stringify(exported, null, 2)}\n`;
          await emitText(text, o.out);
          return 0;
        });
      }
      case 'compare': {
        if (rest.length > 0) throw new UsageError(`compare takes no positional arguments (got "${rest[0]}")`);
        const formats = (['json', 'md', 'html', 'csv'] as const).filter((f) => o[f] === true);
        if (formats.length > 1) throw new UsageError('choose one of --json, --md, --html, --csv');
        const format = formats[0] ?? 'md';
        const options = compareOptionsFromArgs(o);
        return await withStore(data, async (store, deps) => {
          const projectId = await pickProject(store, o.project);
          const project = (await store.getProject(projectId))!;
          const result = await compareSets(deps, projectId, options);
          const meta = { project: project.name, generated: deps.now() };
          const text =
            format === 'json'
              ? `${JSON.stringify(result, null, 2)}\n`
              : format === 'md'
                ? comparisonToMarkdown(result, meta)
                : format === 'html'
                  ? comparisonToHtml(result, meta)
                  : comparisonToCsv(result);
          await emitText(text, o.out);
          return 0;
        });
      }
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    return reportError(e, io, USAGE);
  }
}
