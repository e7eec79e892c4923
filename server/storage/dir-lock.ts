import { hostname } from 'node:os';
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { isCode } from './durable-file.js';

/** Raised when another live process holds the data directory. */
export class DataDirectoryLocked extends Error {
  constructor(dir: string, holder: { pid: number; started?: string }) {
    super(
      `The data directory ${dir} is in use by another Sichtbar process (pid ${holder.pid}` +
        `${holder.started ? `, started ${holder.started}` : ''}). Stop that process or use another --data directory.`,
    );
    this.name = 'DataDirectoryLocked';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return isCode(e, 'EPERM');
  }
}

/**
 * One writer per data directory: an exclusive lock file holding the owner's pid. A lock left by a
 * process that no longer runs (on this host) is taken over; a live owner makes acquisition fail.
 */
export async function acquireDirectoryLock(dir: string, lockPath: string): Promise<() => Promise<void>> {
  const me = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(lockPath, JSON.stringify(me), { flag: 'wx' });
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        await unlink(lockPath).catch(() => undefined);
      };
    } catch (e) {
      if (!isCode(e, 'EEXIST')) throw e;
    }
    let holder: { pid?: unknown; host?: unknown; started?: unknown } = {};
    try {
      holder = JSON.parse(await readFile(lockPath, 'utf8')) as typeof holder;
    } catch {
      // An unreadable lock file (crash while writing it) is stale.
    }
    const pid = typeof holder.pid === 'number' ? holder.pid : undefined;
    const sameHost = holder.host === undefined || holder.host === me.host;
    if (pid !== undefined && (!sameHost || (pid !== process.pid && isAlive(pid)))) {
      throw new DataDirectoryLocked(dir, { pid, ...(typeof holder.started === 'string' ? { started: holder.started } : {}) });
    }
    if (pid === process.pid) throw new DataDirectoryLocked(dir, { pid });
    await unlink(lockPath).catch(() => undefined);
  }
  throw new Error(`could not lock ${dir}`);
}
