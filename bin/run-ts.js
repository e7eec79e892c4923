#!/usr/bin/env node
// Run one TypeScript file through tsx's loader: `node bin/run-ts.js bench/run.ts --quick`.
// The script sees itself as process.argv[1] and its own arguments from process.argv[2] on.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

const [node = process.execPath, , script, ...rest] = process.argv;
if (!script) {
  console.error('usage: node bin/run-ts.js <file.ts> [arguments…]');
  process.exit(2);
}
register();
const file = resolve(script);
process.argv = [node, file, ...rest];
await import(pathToFileURL(file).href);
