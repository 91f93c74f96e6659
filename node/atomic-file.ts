import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Temp files of a writer killed mid-write end like this (swept at start, under the store lock). */
export const TMP = /\.tmp$/;

/** The rename (or unlink) in `dir` is durable once the directory is synced. */
export async function syncDir(dir: string): Promise<void> {
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

/**
 * Replaces `path` with `data` so that a reader — or a process restarted after SIGKILL — sees the old
 * bytes or the new ones, never a mix: temp file, fsync, rename, directory fsync.
 */
export async function writeAtomic(path: string, data: Uint8Array): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await syncDir(dirname(path));
}
