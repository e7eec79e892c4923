import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { LowdbStore } from '../../../server/storage/lowdb-store.js';
import { tempDir } from '../helpers.js';

const writer = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url));

/** Run the writer until it has acknowledged `minAcks` writes plus a random delay, then SIGKILL it. */
function runAndKill(dir: string, minAcks: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: string[] = [];
    let buffer = '';
    let stderr = '';
    let killing = false;
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('ack ')) acked.push(line.slice(4));
      if (!killing && acked.length >= minAcks) {
        killing = true;
        setTimeout(() => child.kill('SIGKILL'), Math.random() * 30);
      }
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer ended without being killed: ${stderr}`));
      else resolve(acked);
    });
  });
}

describe('crash safety of the lowdb store', () => {
  let cleanup: () => Promise<void> = async () => undefined;
  afterEach(() => cleanup());

  it('keeps every acknowledged write across repeated SIGKILLs', async () => {
    const t = await tempDir('sichtbar-crash-');
    cleanup = t.cleanup;
    const allAcked: string[] = [];
    for (let round = 0; round < 4; round++) {
      allAcked.push(...(await runAndKill(t.dir, 20 + round * 10)));
      // The dead writer's lock is stale: the next open takes it over, replays any journal and loads.
      const store = await LowdbStore.open(t.dir);
      const project = (await store.listProjects())[0]!;
      const ids = new Set((await store.listSegments(project.id)).map((s) => s.id));
      const missing = allAcked.filter((id) => !ids.has(id));
      await store.close();
      expect(missing).toEqual([]);
      expect(ids.size).toBeGreaterThanOrEqual(allAcked.length);
    }
  }, 120_000);
});
