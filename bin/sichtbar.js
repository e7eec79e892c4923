#!/usr/bin/env node
// The `sichtbar` command: runs the TypeScript CLI through tsx's loader (no build step).
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../server/cli.ts');
const code = await runCli(process.argv.slice(2));
process.exitCode = code;
