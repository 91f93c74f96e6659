import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initWorkerdBackend } from '../../../wasm/workerd';
import { ModelRegistry } from '../../../worker/models/registry';
import { StoreCatalog, StoreUnavailable } from '../../../worker/models/store-catalog';
import { MANIFEST_KEY } from '../../../src/store/manifest';
import { publish, removeModelFromStore } from '../../../src/store/store-ops';
import { TestBucket } from './store-harness';
import tiny from '../../fixtures/tiny.fsb';
import tinyInt8 from '../../fixtures/tiny-int8.fsb';

describe('store catalog', () => {
  it('frees a replaced or removed model only after the grace period, and only once', async () => {
    const registry = new ModelRegistry([], () => initWorkerdBackend());
    const bucket = new TestBucket();
    let now = 1_000;
    const catalog = new StoreCatalog(bucket, (name, v, bytes) => registry.loadBytes(name, bytes, { source: 'store', version: v.version }, v.bundleId), () => now, 60_000);
    const hooks = { refreshMs: 0 };
    await publish(bucket, new Uint8Array(tiny), 'pets');
    await initWorkerdBackend();
    const empty = tf.memory().numTensors;
    const v1 = await catalog.get('pets', hooks);
    expect(v1).toMatchObject({ status: 'ready', version: 1 });
    const before = tf.memory().numTensors;
    await publish(bucket, new Uint8Array(tinyInt8), 'pets');
    // v1 answers while v2 loads.
    expect(await catalog.get('pets', hooks)).toBe(v1);
    let v2;
    for (let i = 0; i < 100 && (v2 = await catalog.get('pets', hooks)) === v1; i++) await new Promise((r) => setTimeout(r, 5));
    expect(v2).toMatchObject({ status: 'ready', version: 2 });
    const loaded = tf.memory().numTensors;
    expect(loaded).toBeGreaterThan(before);
    now += 59_000;
    await catalog.get('pets', hooks);
    expect(tf.memory().numTensors).toBe(loaded); // still inside the grace period: v1 may be in use
    now += 2_000;
    await catalog.get('pets', hooks);
    expect(tf.memory().numTensors).toBe(before); // v1's tensors are gone, v2's remain
    now += 200_000;
    await catalog.get('pets', hooks);
    expect(tf.memory().numTensors).toBe(before);
    // Removed from the store: not served any more, and freed after the same grace period.
    await removeModelFromStore(bucket, 'pets');
    expect(await catalog.get('pets', hooks)).toBeUndefined();
    expect(tf.memory().numTensors).toBe(before);
    now += 61_000;
    await catalog.get('pets', hooks);
    expect(tf.memory().numTensors).toBe(empty);
  });

  it('an unreadable store is retried every few seconds until first read, then every refresh interval', async () => {
    const registry = new ModelRegistry([], () => initWorkerdBackend());
    const bucket = new TestBucket();
    let now = 0;
    const catalog = new StoreCatalog(bucket, (name, v, bytes) => registry.loadBytes(name, bytes, { source: 'store' }, v.bundleId), () => now);
    const hooks = { refreshMs: 30_000 };
    bucket.failReads = true;
    const reads = () => bucket.gets.filter((k) => k === MANIFEST_KEY).length;
    await expect(catalog.get('pets', hooks)).rejects.toThrow(StoreUnavailable);
    await expect(catalog.get('pets', hooks)).rejects.toThrow(/injected R2 outage/);
    expect(reads()).toBe(1); // the second request did not wait on another read
    now += 5_000;
    bucket.failReads = false;
    await publish(bucket, new Uint8Array(tiny), 'pets');
    expect(await catalog.get('pets', hooks)).toMatchObject({ status: 'ready' });
    const after = reads();
    now += 29_000;
    await catalog.get('pets', hooks);
    expect(reads()).toBe(after);
    now += 1_000;
    await catalog.get('pets', hooks);
    expect(reads()).toBe(after + 1);
  });
});
