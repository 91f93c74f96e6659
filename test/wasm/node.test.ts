import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initNodeBackend } from '../../wasm/node';
import { trainSyntheticHead } from '../helpers/synthetic-head';

describe('tfjs SIMD wasm backend in Node', () => {
  // First in the file: the glue adds its handlers when the backend first starts in this process.
  it("leaves the process's error handlers as they were (the emscripten glue's rethrowing ones are removed)", async () => {
    const before = ['uncaughtException', 'unhandledRejection'].map((e) => process.listenerCount(e));
    await initNodeBackend();
    expect(['uncaughtException', 'unhandledRejection'].map((e) => process.listenerCount(e))).toEqual(before);
  });

  it('initialises on wasm with SIMD and no threads', async () => {
    const info = await initNodeBackend();
    expect(info).toMatchObject({ backend: 'wasm', simd: true, threads: 1, runtime: 'node' });
    expect(info.file).toMatch(/tfjs-backend-wasm-simd\.wasm$/);
  });

  it('trains a softmax head: the loss falls and no tensor leaks', async () => {
    await initNodeBackend();
    const before = tf.memory().numTensors;
    const losses = trainSyntheticHead(20);
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.5);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a corrupt wasm file with an error naming runtime, file and cause', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fewshot-'));
    const bad = join(dir, 'broken.wasm');
    writeFileSync(bad, new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 255]));
    await expect(initNodeBackend({ file: bad, force: true, timeoutMs: 2000 })).rejects.toThrow(/in node from .*broken\.wasm: .*(compile|section|Wasm)/i);
    await expect(initNodeBackend({ file: join(dir, 'missing.wasm'), force: true })).rejects.toThrow(/ENOENT/);
    await initNodeBackend({ force: true });
    expect(tf.getBackend()).toBe('wasm');
  });
});
