import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/** The store is already served by a live process. */
export class StoreLockedError extends Error {}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Stores this process holds: our own pid in a lock file we do not hold is a previous life's (a container's pid 1). */
const held = new Set<string>();

export interface StoreLock {
  release(): Promise<void>;
}

/**
 * One server per store: `<store>/lock` holds the owner's pid. A lock left by a process that is gone
 * (killed) is taken over; that is also what makes it safe to delete every leftover temp file at start.
 */
export async function lockStore(store: string): Promise<StoreLock> {
  await mkdir(store, { recursive: true, mode: 0o700 });
  const path = join(store, 'lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(path, 'wx', 0o600);
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      held.add(path);
      return {
        async release() {
          held.delete(path);
          const owner = await readFile(path, 'utf8').catch(() => '');
          if (owner.trim() === String(process.pid)) await unlink(path).catch(() => undefined);
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(pid) && pid > 0 && (pid === process.pid ? held.has(path) : alive(pid))) throw new StoreLockedError(`store ${store} is in use by process ${pid}`);
    // Stale: its owner is gone. Remove it and try once more (a racing starter may win; then we fail).
    await unlink(path).catch(() => undefined);
  }
  throw new StoreLockedError(`store ${store} is locked by another starting process`);
}
