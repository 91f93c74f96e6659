import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { TMP, syncDir, writeAtomic } from './atomic-file';
import type { KvLike } from '../worker/heads/kv-like';

/**
 * Workers KV semantics on a local directory, for `fewshot serve`: one file per key (named by the
 * key's SHA-256, so any key is a safe file name), values with metadata and an expiry. Every write is
 * a temp file, fsync, rename and a directory fsync: a reader — or a server restarted after SIGKILL —
 * sees the old value or the new one, never a torn one. Files also carry their value's SHA-256, so a
 * file damaged on disk reads as absent rather than as a wrong head.
 * The limits are KV's (docs/api.md), so what works here works on Workers.
 */

const MAGIC = Buffer.from('FKV1');
const MAX_KEY_BYTES = 512;
const MAX_METADATA_BYTES = 1024;
const MAX_VALUE_BYTES = 25 * 1024 * 1024;
const MIN_TTL_SECONDS = 60;

interface Header {
  key: string;
  /** ms since the epoch; null = never. */
  expiresAt: number | null;
  metadata: unknown;
  bytes: number;
  sha256: string;
}

export interface Entry extends Header {
  value: Buffer;
}

/** A KV argument KV itself would refuse (the same message shape as workerd's). */
export class KvArgumentError extends Error {}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Encodes one entry: magic, u32 header length, header JSON, value. */
export function encodeEntry(key: string, value: Uint8Array, expiresAt: number | null, metadata: unknown): Buffer {
  const header = Buffer.from(JSON.stringify({ key, expiresAt, metadata: metadata ?? null, bytes: value.byteLength, sha256: sha(value) } satisfies Header));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length);
  return Buffer.concat([MAGIC, len, header, value]);
}

/** Decodes a file's bytes; null when they are not one whole, verified entry. */
export function decodeEntry(buf: Buffer): Entry | null {
  if (buf.length < 8 || !buf.subarray(0, 4).equals(MAGIC)) return null;
  const n = buf.readUInt32LE(4);
  if (8 + n > buf.length) return null;
  let h: Header;
  try {
    h = JSON.parse(buf.subarray(8, 8 + n).toString('utf8')) as Header;
  } catch {
    return null;
  }
  const value = buf.subarray(8 + n);
  if (typeof h.key !== 'string' || value.length !== h.bytes || sha(value) !== h.sha256) return null;
  return { ...h, value };
}

function checkKey(key: string): void {
  const n = Buffer.byteLength(key);
  if (n === 0 || key === '.' || key === '..') throw new KvArgumentError(`Invalid key: "${key}"`);
  if (n > MAX_KEY_BYTES) throw new KvArgumentError(`KV GET/PUT failed: key length ${n} exceeds ${MAX_KEY_BYTES} bytes`);
}

export class FileKv implements KvLike {
  private constructor(
    private readonly dir: string,
    private readonly now: () => number,
  ) {}

  /** Opens (creating) the value directory `<store>/kv`; the caller holds the store lock (node/store-lock.ts). */
  static async open(store: string, opts: { now?: () => number } = {}): Promise<FileKv> {
    const dir = join(store, 'kv');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return new FileKv(dir, opts.now ?? Date.now);
  }

  /** Path of the file holding `key`. */
  fileOf(key: string): string {
    return join(this.dir, `${sha(Buffer.from(key))}.kv`);
  }

  private async read(key: string): Promise<Entry | null> {
    checkKey(key);
    let buf: Buffer;
    try {
      buf = await readFile(this.fileOf(key));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    const entry = decodeEntry(buf);
    // A hash collision is out of reach, but the key check costs nothing.
    if (!entry || entry.key !== key) return null;
    if (entry.expiresAt !== null && entry.expiresAt <= this.now()) {
      await unlink(this.fileOf(key)).catch(() => undefined);
      return null;
    }
    return entry;
  }

  async getWithMetadata<M = unknown>(key: string, _options: { type: 'arrayBuffer'; cacheTtl?: number }): Promise<{ value: ArrayBuffer | null; metadata: M | null }> {
    const e = await this.read(key);
    if (!e) return { value: null, metadata: null };
    const value = e.value.buffer.slice(e.value.byteOffset, e.value.byteOffset + e.value.byteLength) as ArrayBuffer;
    return { value, metadata: (e.metadata ?? null) as M | null };
  }

  async get(key: string, _options: { type: 'json'; cacheTtl?: number }): Promise<unknown> {
    const e = await this.read(key);
    // Like KV: a value that is not JSON throws SyntaxError (the head store reads that as damaged).
    return e ? (JSON.parse(e.value.toString('utf8')) as unknown) : null;
  }

  async put(key: string, value: ArrayBuffer | string, options: { expirationTtl?: number; metadata?: unknown } = {}): Promise<void> {
    checkKey(key);
    const bytes = typeof value === 'string' ? Buffer.from(value) : Buffer.from(new Uint8Array(value));
    if (bytes.length > MAX_VALUE_BYTES) throw new KvArgumentError(`KV PUT failed: value length ${bytes.length} exceeds ${MAX_VALUE_BYTES}`);
    const ttl = options.expirationTtl;
    if (ttl !== undefined && !(Number.isFinite(ttl) && ttl >= MIN_TTL_SECONDS)) throw new KvArgumentError(`Invalid expiration_ttl of ${ttl}. Expiration TTL must be at least ${MIN_TTL_SECONDS}.`);
    if (options.metadata !== undefined && Buffer.byteLength(JSON.stringify(options.metadata)) > MAX_METADATA_BYTES) {
      throw new KvArgumentError(`KV PUT failed: metadata over ${MAX_METADATA_BYTES} bytes`);
    }
    const expiresAt = ttl === undefined ? null : this.now() + Math.floor(ttl) * 1000;
    await writeAtomic(this.fileOf(key), encodeEntry(key, bytes, expiresAt, options.metadata));
  }

  async delete(key: string): Promise<void> {
    checkKey(key);
    await unlink(this.fileOf(key)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
    await syncDir(this.dir);
  }

  /**
   * Removes expired and damaged entries and — at start, while no write can be in flight — leftover
   * temp files of a writer killed mid-write. Returns what it removed.
   */
  async sweep(opts: { temps: boolean } = { temps: true }): Promise<{ temps: number; expired: number; damaged: number }> {
    const out = { temps: 0, expired: 0, damaged: 0 };
    for (const name of await readdir(this.dir)) {
      const path = join(this.dir, name);
      if (TMP.test(name)) {
        if (!opts.temps) continue;
        await unlink(path).catch(() => undefined);
        out.temps++;
        continue;
      }
      if (!name.endsWith('.kv')) continue;
      const e = decodeEntry(await readFile(path).catch(() => Buffer.alloc(0)));
      const kind = !e ? 'damaged' : e.expiresAt !== null && e.expiresAt <= this.now() ? 'expired' : undefined;
      if (kind) {
        await unlink(path).catch(() => undefined);
        out[kind]++;
      }
    }
    return out;
  }
}
