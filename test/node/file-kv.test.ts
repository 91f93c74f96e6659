import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeEntry, FileKv, KvArgumentError } from '../../node/file-kv';
import { lockStore, StoreLockedError } from '../../node/store-lock';
import { HeadStore } from '../../worker/heads/store';

const root = mkdtempSync(join(tmpdir(), 'fewshot-filekv-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(root, `s${n++}`);
const kvFiles = (store: string) => readdirSync(join(store, 'kv'));

describe('FileKv: Workers KV semantics on disk', () => {
  it('values with metadata, JSON reads, deletes; KV’s own limits', async () => {
    const kv = await FileKv.open(fresh());
    await kv.put('a', new Uint8Array([1, 2, 3]).buffer, { metadata: { steps: 4 } });
    const got = await kv.getWithMetadata<{ steps: number }>('a', { type: 'arrayBuffer' });
    expect([...new Uint8Array(got.value!)]).toEqual([1, 2, 3]);
    expect(got.metadata).toEqual({ steps: 4 });
    await kv.put('p', JSON.stringify({ latest: 'h' }));
    expect(await kv.get('p', { type: 'json' })).toEqual({ latest: 'h' });
    await kv.put('bad', 'not json');
    await expect(kv.get('bad', { type: 'json' })).rejects.toBeInstanceOf(SyntaxError);
    expect(await kv.get('missing', { type: 'json' })).toBeNull();
    await kv.delete('a');
    await kv.delete('a');
    expect((await kv.getWithMetadata('a', { type: 'arrayBuffer' })).value).toBeNull();
    await expect(kv.put('x', 'v', { expirationTtl: 59 })).rejects.toBeInstanceOf(KvArgumentError);
    await expect(kv.put('x', 'v', { metadata: { s: 'm'.repeat(1100) } })).rejects.toBeInstanceOf(KvArgumentError);
    await expect(kv.put('k'.repeat(513), 'v')).rejects.toBeInstanceOf(KvArgumentError);
  });

  it('expirationTtl: gone after it, and swept from disk', async () => {
    let now = 1_000_000;
    const store = fresh();
    const kv = await FileKv.open(store, { now: () => now });
    await kv.put('short', 'x', { expirationTtl: 60 });
    await kv.put('long', 'y', { expirationTtl: 600 });
    now += 59_000;
    expect(await kv.get('short', { type: 'json' }).catch((e) => e)).toBeInstanceOf(SyntaxError); // still there ('x' is not JSON)
    now += 1_000;
    expect(await kv.get('short', { type: 'json' })).toBeNull();
    await kv.put('later', 'z', { expirationTtl: 60 });
    now += 61_000;
    expect(await kv.sweep()).toEqual({ temps: 0, expired: 1, damaged: 0 });
    expect(kvFiles(store)).toHaveLength(1);
  });

  it('a damaged file reads as absent and is swept; temp files are ignored and swept', async () => {
    const store = fresh();
    const kv = await FileKv.open(store);
    await kv.put('a', new Uint8Array(1000).fill(7).buffer);
    await kv.put('b', new Uint8Array(1000).fill(8).buffer);
    truncateSync(kv.fileOf('a'), 500);
    const b = readFileSync(kv.fileOf('b'));
    b[b.length - 1]! ^= 1;
    writeFileSync(kv.fileOf('b'), b);
    writeFileSync(`${kv.fileOf('c')}.abc123.tmp`, 'half a value');
    for (const k of ['a', 'b', 'c']) expect((await kv.getWithMetadata(k, { type: 'arrayBuffer' })).value).toBeNull();
    // The running server's periodic sweep must not delete a temp file: it may be a write in flight.
    expect(await kv.sweep({ temps: false })).toEqual({ temps: 0, expired: 0, damaged: 2 });
    expect(await kv.sweep()).toEqual({ temps: 1, expired: 0, damaged: 0 });
    expect(kvFiles(store)).toEqual([]);
  });

  it('serves the head store the app uses (heads, pointers, TTL, delete)', async () => {
    const heads = new HeadStore(await FileKv.open(fresh()), { ttlSeconds: 3600, cacheTtlSeconds: 60 });
    expect(await heads.putHead('t', 'm', 'h1', new Uint8Array([9, 9]), { steps: 3 })).toBe(true);
    expect(await heads.pointUser('t', 'm', 'u', 'h1')).toBe('written');
    expect(await heads.getPointer('t', 'm', 'u')).toEqual({ status: 'hit', value: { latest: 'h1', heads: ['h1'] } });
    expect(await heads.deleteUser('t', 'm', 'u')).toBe(1);
    expect((await heads.getHead('t', 'm', 'h1')).status).toBe('miss');
  });
});

describe('the store lock', () => {
  it('one live owner per store; a dead owner’s lock is taken over', async () => {
    const store = fresh();
    const lock = await lockStore(store);
    await expect(lockStore(store)).rejects.toBeInstanceOf(StoreLockedError);
    await lock.release();
    writeFileSync(join(store, 'lock'), '999999999\n'); // no such process
    const again = await lockStore(store);
    expect(readFileSync(join(store, 'lock'), 'utf8').trim()).toBe(String(process.pid));
    await again.release();
  });
});

describe('SIGKILL in the middle of a write', () => {
  it('leaves every value whole or absent; the next owner sweeps the temp files', async () => {
    const store = fresh();
    let killedMidWrite = 0;
    for (let round = 0; round < 3; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'kv-writer.ts'), store], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((r) => child.stdout!.once('data', () => r()));
      const exited = new Promise((r) => child.once('exit', r));
      // Kill while a temp file exists, i.e. while a value is being written (bounded wait).
      const deadline = Date.now() + 20_000;
      let mid = false;
      while (!mid && Date.now() < deadline) {
        mid = kvFiles(store).some((f) => f.endsWith('.tmp')) && kvFiles(store).some((f) => f.endsWith('.kv'));
        if (!mid) await new Promise((r) => setTimeout(r, 1));
      }
      child.kill('SIGKILL');
      await exited;
      if (mid) killedMidWrite++;
      for (const f of kvFiles(store).filter((x) => x.endsWith('.kv'))) {
        const e = decodeEntry(readFileSync(join(store, 'kv', f)));
        expect(e, f).not.toBeNull();
        const i = (e!.metadata as { i: number }).i;
        expect(e!.value.length).toBe((1 + (i % 4)) << 20);
        expect(e!.value[4096]).toBe((i + 4096) & 0xff);
      }
    }
    expect(killedMidWrite).toBe(3);
    const lock = await lockStore(store); // the killed writer's lock is stale
    const kv = await FileKv.open(store);
    const swept = await kv.sweep();
    expect(swept.damaged).toBe(0);
    expect(swept.temps).toBeGreaterThanOrEqual(1);
    expect(kvFiles(store).every((f) => f.endsWith('.kv'))).toBe(true);
    expect((await kv.getWithMetadata('v1:head:t:m:key-0', { type: 'arrayBuffer' })).value).not.toBeNull();
    await lock.release();
  });
});
