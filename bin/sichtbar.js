#!/usr/bin/env node
// The `sichtbar` command: runs the TypeScript CLI through tsx's loader (no build step).
import { register } from 'tsx/esm/api';

register();
// A reader that goes away early (`sichtbar export … | head`) is not an error of ours.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
const { runCli } = await import('../server/cli.ts');
const code = await runCli(process.argv.slice(2));
process.exitCode = code;
