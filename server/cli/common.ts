import { parseArgs, type ParseArgsConfig } from 'node:util';
import { readConfig } from '../config.js';
import { makeDeps, type Deps } from '../domain/deps.js';
import { DomainError } from '../domain/errors.js';
import type { Store } from '../domain/store.js';
import { parseSideConditions, type ParsedSideSpec } from '../schemas/comparison.js';
import { openStore, pseudonymKeysFor } from '../storage/open-store.js';

/** Bad usage: exit code 2. */
export class UsageError extends Error {}

export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  stdin: () => Promise<string>;
}

export const defaultIO: CliIO = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  stdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
};

/** Open the data directory's store – or PostgreSQL when SICHTBAR_DATABASE_URL is set – for one command. */
export async function withStore<T>(dataDir: string, fn: (store: Store, deps: Deps) => Promise<T>): Promise<T> {
  const store = await openStore({ dataDir, databaseUrl: readConfig().SICHTBAR_DATABASE_URL });
  try {
    return await fn(store, makeDeps(store, { pseudonymKeys: pseudonymKeysFor(store, dataDir) }));
  } finally {
    await store.close();
  }
}

export async function pickProject(store: Store, wanted: string | undefined): Promise<string> {
  const projects = await store.listProjects();
  if (wanted) {
    const p = projects.find((x) => x.id === wanted) ?? projects.find((x) => x.name === wanted);
    if (!p) throw new UsageError(`no project "${wanted}"; projects: ${projects.map((x) => `${x.id} (${x.name})`).join(', ') || 'none'}`);
    return p.id;
  }
  if (projects.length === 1) return projects[0]!.id;
  if (projects.length === 0) throw new UsageError('the data directory has no project yet; run "sichtbar init --data DIR" first');
  throw new UsageError(`several projects; choose one with --project: ${projects.map((x) => `${x.id} (${x.name})`).join(', ')}`);
}

/** The conditions of `--a`/`--b` (the comparison's condition syntax); bad ones are a UsageError naming the flag. */
export function sideConditions(flag: string, conditions: string[]): ParsedSideSpec {
  const parsed = parseSideConditions(conditions);
  if (!parsed.ok) throw new UsageError(`--${flag}: ${parsed.message}`);
  return parsed.spec;
}



/** Map an error to the exit code and a message on stderr (2 bad usage, 1 failure). */
export function reportError(e: unknown, io: CliIO, usage: string): number {
  if (e instanceof UsageError) {
    io.stderr(`${e.message}\n\n${usage}\n`);
    return 2;
  }
  if (e instanceof DomainError) {
    io.stderr(`error: ${e.message}\n${(e.issues ?? []).map((i) => `  ${i.file ?? ''}${i.path ? i.path.join('.') : ''} ${i.message}\n`).join('')}`);
    return 1;
  }
  io.stderr(`error: ${e instanceof Error ? e.message : String(e)}\n`);
  return 1;
}

/**
 * A command with its own options: `sichtbar <name> …`. `run` gets the parsed options (always with
 * `data`, `project` and `json`), the positionals after the name, and the IO.
 */
export interface CliCommand<O extends ParseArgsConfig['options'] = ParseArgsConfig['options']> {
  name: string;
  /** Usage lines shown in `sichtbar --help`. */
  usage: string;
  options: O;
  /** False for commands that name their stores otherwise (migrate); --data is required by default. */
  needsData?: boolean;
  run: (ctx: { values: Record<string, string | boolean | string[] | boolean[] | undefined>; positionals: string[]; io: CliIO; dataDir: string; projectOption: string | undefined; json: boolean }) => Promise<number>;
}

/** Parse and run one registered command, with the shared options and error handling. */
export async function runCommand(command: CliCommand, argv: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { data: { type: 'string' }, project: { type: 'string' }, json: { type: 'boolean', default: false }, ...command.options },
    });
  } catch (e) {
    io.stderr(`${e instanceof Error ? e.message : String(e)}\n\n${command.usage}\n`);
    return 2;
  }
  try {
    readConfig();
    const data = parsed.values['data'];
    if (typeof data !== 'string' && command.needsData !== false) throw new UsageError('--data DIR is required');
    const project = parsed.values['project'];
    return await command.run({
      values: parsed.values as Record<string, string | boolean | string[] | boolean[] | undefined>,
      positionals: parsed.positionals,
      io,
      dataDir: typeof data === 'string' ? data : '',
      projectOption: typeof project === 'string' ? project : undefined,
      json: parsed.values['json'] === true,
    });
  } catch (e) {
    return reportError(e, io, command.usage);
  }
}

