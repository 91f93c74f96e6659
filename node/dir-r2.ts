import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { R2Like, R2ObjectLike, R2PutOptionsLike } from '../../../worker/models/r2-like';

const etagOf = (bytes: Uint8Array): string => createHash('md5').update(bytes).digest('hex');

/**
 * The model store in a plain directory (one file per key), for a server running on Node. Writes go
 * through a temp file and a rename, so a reader never sees a half-written object; `onlyIf` is
 * checked against the current file (enough for one operator at a time, not a lock).
 */
export class DirR2 implements R2Like {
  private readonly root: string;
  constructor(root: string) {
    this.root = resolve(root);
  }

  private path(key: string): string {
    const p = resolve(this.root, key);
    if (key.length === 0 || !p.startsWith(this.root + sep)) throw new Error(`object key '${key}' leaves the store directory`);
    return p;
  }

  async get(key: string): Promise<R2ObjectLike | null> {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(this.path(key)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    return {
      key,
      size: bytes.length,
      etag: etagOf(bytes),
      arrayBuffer: async () => bytes.slice().buffer,
      text: async () => new TextDecoder().decode(bytes),
    };
  }

  async put(key: string, value: ArrayBuffer | Uint8Array | string, options: R2PutOptionsLike = {}): Promise<{ key: string; etag: string } | null> {
    const path = this.path(key);
    const bytes = typeof value === 'string' ? new TextEncoder().encode(value) : value instanceof Uint8Array ? value : new Uint8Array(value);
    if (options.onlyIf?.etagMatches !== undefined) {
      const now = await this.get(key);
      if (!now || now.etag !== options.onlyIf.etagMatches) return null;
    }
    if (options.sha256 !== undefined && createHash('sha256').update(bytes).digest('hex') !== options.sha256) {
      throw new Error(`put ${key}: the SHA-256 checksum does not match the bytes`);
    }
    await mkdir(dirname(path), { recursive: true });
    const tmp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await writeFile(tmp, bytes);
      await rename(tmp, path);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
    return { key, etag: etagOf(bytes) };
  }

  async delete(key: string): Promise<void> {
    await unlink(this.path(key)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
  }
}
