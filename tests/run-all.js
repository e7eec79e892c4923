#!/usr/bin/env node
// `npm test`: type-check, lint, server tests (Vitest), component tests (@web/test-runner in
// Chromium) and end-to-end tests (Playwright + Chromium against a real server), in that order.
// Every runner's output streams through; the last line sums them: "N passed, N failed".
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const tmp = mkdtempSync(join(tmpdir(), 'sichtbar-test-run-'));
const bin = (name) => join('node_modules', '.bin', name);

/** Run a command, streaming its output; resolves with exit code and captured text. */
function run(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } });
    let out = '';
    const keep = (chunk, stream) => {
      out += chunk.toString();
      stream.write(chunk);
    };
    child.stdout.on('data', (c) => keep(c, process.stdout));
    child.stderr.on('data', (c) => keep(c, process.stderr));
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

function vitestCounts(file, code) {
  try {
    const report = JSON.parse(readFileSync(file, 'utf8'));
    const failed = report.numFailedTests + (code !== 0 && report.numFailedTests === 0 ? 1 : 0);
    return { passed: report.numPassedTests, failed };
  } catch {
    return { passed: 0, failed: 1 };
  }
}

const steps = [
  { name: 'type-check', run: async () => ((await run(bin('tsc'), ['-p', 'tsconfig.json', '--noEmit'])).code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 }) },
  { name: 'lint', run: async () => ((await run(bin('eslint'), ['.', '--max-warnings', '0'])).code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 }) },
  {
    name: 'server tests (vitest)',
    run: async () => {
      const file = join(tmp, 'server.json');
      const { code } = await run(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${file}`]);
      return vitestCounts(file, code);
    },
  },
  {
    name: 'component tests (web-test-runner, Chromium)',
    run: async () => {
      const { code, out } = await run(bin('web-test-runner'), []);
      // eslint-disable-next-line no-control-regex
      const plain = out.replace(/\u001b\[[0-9;]*m/g, '');
      const all = [...plain.matchAll(/(\d+) passed, (\d+) failed/g)];
      const last = all[all.length - 1];
      if (!last) return { passed: 0, failed: 1 };
      const failed = Number(last[2]) + (code !== 0 && Number(last[2]) === 0 ? 1 : 0);
      return { passed: Number(last[1]), failed };
    },
  },
  {
    name: 'end-to-end tests (Playwright, Chromium)',
    run: async () => {
      const file = join(tmp, 'e2e.json');
      const { code } = await run(bin('vitest'), ['run', '--config', 'vitest.e2e.config.ts', '--reporter=default', '--reporter=json', `--outputFile.json=${file}`]);
      return vitestCounts(file, code);
    },
  },
];

let passed = 0;
let failed = 0;
const summary = [];
for (const step of steps) {
  process.stdout.write(`\n=== ${step.name} ===\n`);
  const started = Date.now();
  const r = await step.run();
  passed += r.passed;
  failed += r.failed;
  summary.push(`${step.name}: ${r.passed} passed, ${r.failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
rmSync(tmp, { recursive: true, force: true });
process.stdout.write(`\n${summary.join('\n')}\n${passed} passed, ${failed} failed\n`);
process.exitCode = failed > 0 ? 1 : 0;
