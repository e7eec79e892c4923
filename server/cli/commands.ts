import { agreementCommand } from './agreement.js';
import { backupCommand, restoreCommand } from './backup.js';
import type { CliCommand } from './common.js';
import { formCommand } from './form.js';
import { pseudonymiseCommand } from './pseudonymise.js';
import { migrateCommand } from './migrate.js';
import { refiCommand } from './refi.js';
import { searchCommand, wordsCommand } from './search.js';

/**
 * Commands with their own options, one module each (server/cli/<name>.ts); add one line per command.
 * `sichtbar <name> …` is dispatched here before the built-in commands.
 */
export const COMMANDS: CliCommand[] = [
  agreementCommand,
  backupCommand,
  restoreCommand,
  formCommand,
  pseudonymiseCommand,
  migrateCommand,
  refiCommand,
  searchCommand,
  wordsCommand,
];
