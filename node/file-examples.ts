import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ExamplesError, bytesOf, isExpired, newRecord, planAck, planAppend, planCommit, planRemove, stateOf } from '../src/examples/ledger';
import { TMP, syncDir, writeAtomic } from './atomic-file';
import { decodeEntry, encodeEntry } from './file-kv';
import type { UserRecord, UserState } from '../src/examples/ledger';
import type { ExamplesSnapshot, ExamplesStore, UserRef } from '../worker/examples/store';

/**
 * `fewshot serve`'s examples store, with the semantics of the worker's Durable Object: one file per
 * user (`<store>/examples/<sha256(tenant)>/<sha256(model, user)>.ex`), replaced atomically (temp
 * file, fsync, rename: node/atomic-file.ts) and checksummed (the FileKv entry framing), so a crash
 * leaves the old examples or the new ones. Every operation of a tenant runs after the previous one
 * finished (a promise chain per tenant) — one process owns the store (node/store-lock.ts) — so
 * concurrent appends are never lost, and the tenant's byte total (scanned from its files on first
 * use) stays exact. The rules themselves are src/examples/ledger.ts, shared with the worker.
 */

interface FileHeader {
  state: UserState;
  examples: { id: string; seq: number; label: string | number; enc: 'u8' | 'f16' | 'f32'; addedAt: number; bytes: number }[];
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** One user's record as file bytes: u32 header length, header JSON, the examples' data back to back. */
function encodeRecord(ref: UserRef, rec: UserRecord): Buffer {
  const header: FileHeader = { state: stateOf(rec), examples: rec.examples.map((e) => ({ id: e.id, seq: e.seq, label: e.label, enc: e.enc, addedAt: e.addedAt, bytes: e.data.byteLength })) };
  const h = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(h.length);
  const value = Buffer.concat([len, h, ...rec.examples.map((e) => Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength))]);
  return encodeEntry(JSON.stringify([ref.tenant, ref.model, ref.user]), value, rec.expiresAt, null);
}

/** The record a file holds, or null when it is not one whole verified record of this user. */
function decodeRecord(ref: UserRef | null, buf: Buffer): { ref: UserRef; rec: UserRecord } | null {
  const entry = decodeEntry(buf);
  if (!entry) return null;
  let key: [string, string, string];
  let header: FileHeader;
  try {
    key = JSON.parse(entry.key) as [string, string, string];
    const n = entry.value.readUInt32LE(0);
    header = JSON.parse(entry.value.subarray(4, 4 + n).toString('utf8')) as FileHeader;
    let at = 4 + n;
    const examples = header.examples.map((e) => {
      const data = new Uint8Array(entry.value.subarray(at, (at += e.bytes)));
      return { id: e.id, seq: e.seq, label: e.label, enc: e.enc, addedAt: e.addedAt, data };
    });
    const owner = { tenant: key[0], model: key[1], user: key[2] };
    if (ref && (owner.tenant !== ref.tenant || owner.model !== ref.model || owner.user !== ref.user)) return null;
    return { ref: owner, rec: { ...header.state, examples } };
  } catch {
    return null;
  }
}

export class FileExamplesStore implements ExamplesStore {
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly tenantBytes = new Map<string, number>();

  private constructor(
    private readonly dir: string,
    private readonly now: () => number,
  ) {}

  /** Opens (creating) `<store>/examples`; the caller holds the store lock. */
  static async open(store: string, opts: { now?: () => number } = {}): Promise<FileExamplesStore> {
    const dir = join(store, 'examples');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return new FileExamplesStore(dir, opts.now ?? Date.now);
  }

  private tenantDir(tenant: string): string {
    return join(this.dir, sha(tenant));
  }

  /** A tenant's operations, the byte total and the sweep are keyed by its directory (sha256 of the tenant). */
  private bucket(tenant: string): string {
    return sha(tenant);
  }

  /** Path of a user's file. */
  fileOf(ref: UserRef): string {
    return join(this.tenantDir(ref.tenant), `${sha(JSON.stringify([ref.model, ref.user]))}.ex`);
  }

  /** Runs `fn` after every earlier operation on the tenant directory `key` has finished (failed ones included). */
  private serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.chains.get(key) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.chains.set(key, tail);
    void tail.then(() => this.chains.get(key) === tail && this.chains.delete(key));
    return run;
  }

  /** The tenant's byte total: scanned from its files once (dropping expired and damaged ones), then kept. */
  private async bytes(tenant: string): Promise<number> {
    return this.bytesIn(this.bucket(tenant));
  }

  private async bytesIn(key: string): Promise<number> {
    const known = this.tenantBytes.get(key);
    if (known !== undefined) return known;
    const dir = join(this.dir, key);
    let total = 0;
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      if (!name.endsWith('.ex')) continue;
      const got = decodeRecord(null, await readFile(join(dir, name)).catch(() => Buffer.alloc(0)));
      if (!got || isExpired(got.rec, this.now())) await unlink(join(dir, name)).catch(() => undefined);
      else total += bytesOf(got.rec.examples);
    }
    this.tenantBytes.set(key, total);
    return total;
  }

  private async load(ref: UserRef): Promise<UserRecord | undefined> {
    let buf: Buffer;
    try {
      buf = await readFile(this.fileOf(ref));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    const got = decodeRecord(ref, buf);
    if (got && !isExpired(got.rec, this.now())) return got.rec;
    // Expired (or damaged, which the checksum makes the same as lost): the user starts over.
    await this.purge(ref, got?.rec);
    return undefined;
  }

  private async save(ref: UserRef, rec: UserRecord, bytesDelta: number): Promise<void> {
    const total = await this.bytes(ref.tenant);
    await mkdir(this.tenantDir(ref.tenant), { recursive: true, mode: 0o700 });
    await writeAtomic(this.fileOf(ref), encodeRecord(ref, rec));
    this.tenantBytes.set(this.bucket(ref.tenant), total + bytesDelta);
  }

  private async purge(ref: UserRef, rec: UserRecord | undefined): Promise<void> {
    const total = await this.bytes(ref.tenant);
    await unlink(this.fileOf(ref)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
    await syncDir(this.tenantDir(ref.tenant)).catch(() => undefined);
    if (rec) this.tenantBytes.set(this.bucket(ref.tenant), Math.max(0, total - bytesOf(rec.examples)));
  }

  private snapshot(rec: UserRecord | undefined, tenantBytes: number): ExamplesSnapshot {
    return rec ? { state: stateOf(rec), examples: rec.examples, userBytes: bytesOf(rec.examples), tenantBytes } : { state: null, examples: [], userBytes: 0, tenantBytes };
  }

  append: ExamplesStore['append'] = (ref, batch, caps) =>
    this.serial(this.bucket(ref.tenant), async () => {
      const rec = (await this.load(ref)) ?? newRecord(randomBytes(4).toString('hex'), this.now());
      const plan = planAppend(rec, batch, caps, await this.bytes(ref.tenant), this.now());
      await this.save(ref, plan.rec, bytesOf(plan.added));
      return { ...this.snapshot(plan.rec, await this.bytes(ref.tenant)), added: plan.added };
    });

  remove: ExamplesStore['remove'] = (ref, sel, caps) =>
    this.serial(this.bucket(ref.tenant), async () => {
      const rec = await this.load(ref);
      if (!rec) throw 'id' in sel ? new ExamplesError('example_not_found', `no example ${sel.id} for this user`) : new ExamplesError('label_not_found', `the user has no examples labelled ${JSON.stringify(sel.label)}`);
      const plan = planRemove(rec, sel, caps, this.now());
      await this.save(ref, plan.rec, -bytesOf(plan.removed));
      return { ...this.snapshot(plan.rec, await this.bytes(ref.tenant)), removed: plan.removed.length };
    });

  read: ExamplesStore['read'] = (ref) => this.serial(this.bucket(ref.tenant), async () => this.snapshot(await this.load(ref), await this.bytes(ref.tenant)));

  commit: ExamplesStore['commit'] = (ref, c) =>
    this.serial(this.bucket(ref.tenant), async () => {
      const rec = await this.load(ref);
      if (!rec) return { accepted: false, latest: null };
      const plan = planCommit(rec, c);
      if (plan.accepted) await this.save(ref, plan.rec, 0);
      return { accepted: plan.accepted, latest: plan.rec.head };
    });

  ack: ExamplesStore['ack'] = (ref, epoch, headId) =>
    this.serial(this.bucket(ref.tenant), async () => {
      const rec = await this.load(ref);
      if (!rec) return { latest: null };
      const plan = planAck(rec, epoch, headId);
      if (plan.rec !== rec) await this.save(ref, plan.rec, 0);
      return { latest: plan.latest };
    });

  deleteUser: ExamplesStore['deleteUser'] = (ref) =>
    this.serial(this.bucket(ref.tenant), async () => {
      const rec = await this.load(ref);
      if (rec) await this.purge(ref, rec);
      return { examples: rec?.examples.length ?? 0 };
    });

  /** Removes expired and damaged users' files and — at start, under the store lock — leftover temp files. */
  async sweep(opts: { temps: boolean } = { temps: true }): Promise<{ temps: number; expired: number; damaged: number }> {
    const out = { temps: 0, expired: 0, damaged: 0 };
    for (const key of await readdir(this.dir)) {
      // Each tenant's sweep waits its turn, so no operation sees a half-swept total.
      await this.serial(key, async () => {
        const dir = join(this.dir, key);
        let freed = 0;
        for (const name of await readdir(dir).catch(() => [] as string[])) {
          const path = join(dir, name);
          if (TMP.test(name)) {
            if (opts.temps) out.temps += await unlink(path).then(() => 1, () => 0);
            continue;
          }
          if (!name.endsWith('.ex')) continue;
          const got = decodeRecord(null, await readFile(path).catch(() => Buffer.alloc(0)));
          const kind = !got ? 'damaged' : isExpired(got.rec, this.now()) ? 'expired' : undefined;
          if (!kind) continue;
          out[kind] += await unlink(path).then(() => 1, () => 0);
          if (got) freed += bytesOf(got.rec.examples);
        }
        const known = this.tenantBytes.get(key);
        // A damaged file's bytes are unknown: rescan the total on next use.
        if (known !== undefined) this.tenantBytes.set(key, Math.max(0, known - freed));
        if (out.damaged > 0) this.tenantBytes.delete(key);
      });
    }
    return out;
  }
}
