import { describe, expect, it } from 'vitest';
import { exports } from 'cloudflare:workers';
import * as tf from '@tensorflow/tfjs-core';
import { initWorkerdBackend } from '../../wasm/workerd';
import { trainSyntheticHead } from '../helpers/synthetic-head';
// The smallest valid module, imported precompiled like the real one: it is not tfjs's backend.
import empty from '../fixtures/empty.wasm';

describe('tfjs SIMD wasm backend in workerd', () => {
  it('initialises on wasm with SIMD and no threads', async () => {
    const info = await initWorkerdBackend();
    expect(info).toMatchObject({ backend: 'wasm', simd: true, threads: 1, runtime: 'workerd' });
    expect(tf.getBackend()).toBe('wasm');
  });

  it('trains a softmax head: the loss falls and no tensor leaks', async () => {
    await initWorkerdBackend();
    const before = tf.memory().numTensors;
    const losses = trainSyntheticHead(20);
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.5);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('serves /healthz from the live backend', async () => {
    const res = await exports.default.fetch(new Request('http://x/healthz'));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, backend: 'wasm', simd: true });
  });

  it('rejects a broken wasm module with a clear error instead of hanging', async () => {
    await expect(initWorkerdBackend({ module: empty, file: 'empty.wasm', force: true, timeoutMs: 2000 })).rejects.toThrow(
      /workerd from empty\.wasm: not a tfjs-backend-wasm module/,
    );
    await initWorkerdBackend({ force: true });
    expect(tf.getBackend()).toBe('wasm');
  });
});
