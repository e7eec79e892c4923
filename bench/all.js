#!/usr/bin/env node
// `npm run bench [-- args]`: the store/API benchmark, then the comparison and the document view,
// each in its own process (arguments go to the first; see bench/RESULTS.md).
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const runs = [
  ['bench/run.ts', ...args],
  ['bench/comparison.ts', ...(args.includes('--quick') ? ['--quick'] : [])],
  ['bench/document-view.ts'],
  ['bench/search.ts', ...(args.includes('--quick') ? ['--quick'] : [])],
];
let failed = 0;
for (const [file, ...rest] of runs) {
  process.stdout.write(`\n=== ${file} ===\n`);
  const r = spawnSync(process.execPath, ['bin/run-ts.js', file, ...rest], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exitCode = failed > 0 ? 1 : 0;
