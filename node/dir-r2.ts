import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { MANIFEST_KEY, parseManifest } from '../src/store/manifest';
import type { R2Like, R2ObjectLike, R2PutOptionsLike } from '../src/store/r2-like';

const etagOf = (bytes: Uint8Array): string => createHash('md5').update(bytes).digest('hex');

/**
 * The model store in a plain directory (one file per key): `fewshot models ... --dir DIR` writes it,
 * `fewshot serve --models DIR` serves it. Writes go through a temp file and a rename, so a reader
 * (a running server) never sees a half-written object; `onlyIf` is checked against the current file
 * (enough for one operator at a time, not a lock). Etags are the MD5 of the bytes, as R2's are for
 * single-part uploads.
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

/** `fewshot serve --models DIR` names no usable store: the server does not start. */
export class ModelsDirError extends Error {}

/**
 * The store `fewshot serve --models DIR` serves. DIR must be an existing directory (an empty one is a
 * store with nothing published yet); a manifest that is there must parse, so a wrong directory is
 * one line at start-up rather than a 503 on every request. Returns the names published so far.
 */
export async function openModelsDir(dir: string): Promise<{ r2: DirR2; names: string[] }> {
  const root = resolve(dir);
  const fail = (why: string) => new ModelsDirError(`--models ${dir}: ${why} (it is the DIR of 'fewshot models publish FILE --name NAME --dir DIR')`);
  try {
    if (!(await stat(root)).isDirectory()) throw fail('not a directory');
  } catch (e) {
    if (e instanceof ModelsDirError) throw e;
    throw fail((e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : (e as Error).message);
  }
  const r2 = new DirR2(root);
  let names: string[] = [];
  try {
    const obj = await r2.get(MANIFEST_KEY);
    if (obj) names = Object.keys(parseManifest(await obj.text()).models);
  } catch (e) {
    throw fail(`${MANIFEST_KEY} is unreadable: ${(e as Error).message}`);
  }
  return { r2, names };
}
