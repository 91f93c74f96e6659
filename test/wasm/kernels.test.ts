import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { initNodeBackend } from '../../wasm/node';
import { registerWasmKernels } from '../../wasm/kernels/register';
import { createRng } from '../../src/util/random';

const values = (n: number, seed: number, offset = 0): Float32Array => {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal() + offset);
};
const size = (s: number[]): number => s.reduce((a, b) => a * b, 1);

/** Runs `op` on wasm and on cpu over the same data; returns both outputs. */
async function both(op: () => tf.Tensor): Promise<{ wasm: Float32Array; cpu: Float32Array; shape: number[] }> {
  await tf.setBackend('wasm');
  const w = tf.tidy(op);
  const wasm = new Float32Array(w.dataSync());
  const shape = w.shape;
  w.dispose();
  await tf.setBackend('cpu');
  const c = tf.tidy(op);
  const cpu = new Float32Array(c.dataSync());
  c.dispose();
  await tf.setBackend('wasm');
  return { wasm, cpu, shape };
}

const maxDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
const maxAbs = (a: Float32Array): number => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

/** The wasm backend's live data buffers: a composite kernel must free its intermediates. */
const dataIds = (): number => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();

describe('our wasm kernels match the cpu backend', () => {
  beforeAll(async () => {
    await initNodeBackend();
  });

  it('are registered once (idempotent) and the stock MaxPoolGrad is replaced', () => {
    expect(registerWasmKernels()).toEqual([]);
    for (const k of ['Conv2DBackpropFilter', 'UnsortedSegmentSum', 'MaxPoolGrad']) expect(tf.getKernel(k, 'wasm')).toBeDefined();
  });

  const convCases: { x: number[]; f: number[]; strides: number | [number, number]; pad: 'same' | 'valid' | number; format?: 'NHWC' | 'NCHW' }[] = [
    { x: [2, 8, 8, 3], f: [3, 3, 3, 4], strides: 1, pad: 'same' },
    { x: [2, 8, 8, 3], f: [3, 3, 3, 4], strides: 1, pad: 'valid' },
    { x: [1, 9, 7, 2], f: [3, 2, 2, 5], strides: [2, 1], pad: 'same' },
    { x: [3, 10, 10, 1], f: [5, 5, 1, 2], strides: 2, pad: 'valid' },
    { x: [2, 6, 6, 4], f: [1, 1, 4, 3], strides: 1, pad: 'valid' },
    { x: [1, 7, 7, 2], f: [3, 3, 2, 2], strides: 2, pad: 1 },
    { x: [2, 28, 28, 1], f: [3, 3, 1, 8], strides: 1, pad: 'same' },
    { x: [2, 3, 6, 6], f: [3, 3, 3, 2], strides: 1, pad: 'same', format: 'NCHW' },
  ];
  for (const c of convCases) {
    it(`Conv2DBackpropFilter x${JSON.stringify(c.x)} filter${JSON.stringify(c.f)} strides ${JSON.stringify(c.strides)} pad ${c.pad} ${c.format ?? 'NHWC'}`, async () => {
      const format = c.format ?? 'NHWC';
      const xv = values(size(c.x), 1);
      // dy's shape is conv2d's output shape for this configuration.
      const xNhwc = format === 'NCHW' ? [c.x[0]!, c.x[2]!, c.x[3]!, c.x[1]!] : c.x;
      const info = tf.backend_util.computeConv2DInfo(xNhwc as [number, number, number, number], c.f as [number, number, number, number], c.strides, 1, c.pad);
      const dyShape = format === 'NCHW' ? [info.batchSize, info.outChannels, info.outHeight, info.outWidth] : [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
      const dyv = values(size(dyShape), 2);
      const ids = dataIds();
      const before = tf.memory().numTensors;
      const r = await both(() =>
        // The op is not public in tfjs-core; the kernel is what Conv2D's gradient runs.
        tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.tensor(xv, c.x), dy: tf.tensor(dyv, dyShape) }, { strides: c.strides, pad: c.pad, dataFormat: format, filterShape: c.f }) as tf.Tensor,
      );
      expect(r.shape).toEqual(c.f);
      expect(maxDiff(r.wasm, r.cpu)).toBeLessThanOrEqual(1e-5 * Math.max(1, maxAbs(r.cpu)));
      expect(tf.memory().numTensors).toBe(before);
      expect(dataIds()).toBe(ids);
    });
  }

  it('Conv2DBackpropFilter makes tf.grad of conv2d w.r.t. its filter agree with cpu', async () => {
    const xv = values(2 * 6 * 6 * 2, 3);
    const wv = values(3 * 3 * 2 * 3, 4);
    const r = await both(() => {
      const x = tf.tensor4d(xv, [2, 6, 6, 2]);
      return tf.grad((w: tf.Tensor) => tf.sum(tf.square(tf.conv2d(x, w as tf.Tensor4D, 1, 'same'))))(tf.tensor4d(wv, [3, 3, 2, 3]));
    });
    expect(maxDiff(r.wasm, r.cpu)).toBeLessThanOrEqual(1e-5 * maxAbs(r.cpu));
  });

  const poolCases: { x: number[]; size: number; strides: number; pad: 'same' | 'valid'; offset: number }[] = [
    { x: [2, 6, 6, 3], size: 2, strides: 2, pad: 'valid', offset: 0 },
    { x: [2, 6, 6, 3], size: 2, strides: 2, pad: 'valid', offset: -3 },
    { x: [1, 5, 5, 2], size: 3, strides: 2, pad: 'same', offset: -1 },
    { x: [1, 7, 7, 1], size: 3, strides: 1, pad: 'same', offset: 0 },
    { x: [2, 28, 28, 4], size: 2, strides: 2, pad: 'valid', offset: -0.5 },
    { x: [2, 7, 7, 3], size: 2, strides: 2, pad: 'valid', offset: -0.2 },
  ];
  for (const c of poolCases) {
    it(`MaxPoolGrad x${JSON.stringify(c.x)} size ${c.size} strides ${c.strides} ${c.pad}, values around ${c.offset}`, async () => {
      const xv = values(size(c.x), 5, c.offset);
      const ids = dataIds();
      const info = tf.backend_util.computePool2DInfo(c.x as [number, number, number, number], c.size, c.strides, 1, c.pad);
      const outShape = [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
      // A distinct weight per output, so a gradient routed to the wrong input shows.
      const weights = values(size(outShape), 6);
      const pooled = (x: tf.Tensor): tf.Scalar => tf.sum(tf.mul(tf.maxPool(x as tf.Tensor4D, c.size, c.strides, c.pad), tf.tensor(weights, outShape)));
      const r = await both(() => tf.grad(pooled)(tf.tensor(xv, c.x)));
      // Same routing; overlapping windows may sum in another order.
      expect(maxDiff(r.wasm, r.cpu)).toBeLessThanOrEqual(1e-6 * maxAbs(r.cpu));
      expect(r.wasm.map((v) => (v === 0 ? 0 : 1))).toEqual(r.cpu.map((v) => (v === 0 ? 0 : 1)));
      expect(dataIds()).toBe(ids);
    });
  }

  it('MaxPoolGrad breaks ties like cpu (first maximum in the window)', async () => {
    const xv = new Float32Array([1, 1, 1, 1, 0, 2, 2, 0, -1, -1, -1, -1, 5, 0, 0, 5]);
    const r = await both(() => tf.grad((x: tf.Tensor) => tf.sum(tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid')))(tf.tensor4d(xv, [1, 4, 4, 1])));
    expect(r.wasm).toEqual(r.cpu);
  });

  it('UnsortedSegmentSum (matrix and rank-3 data, negative ids dropped, int32) and the gradient of gather', async () => {
    const xv = values(6 * 4, 6);
    const r1 = await both(() => tf.unsortedSegmentSum(tf.tensor2d(xv, [6, 4]), tf.tensor1d([0, 2, 2, -1, 0, 3], 'int32'), 4));
    expect(r1.shape).toEqual([4, 4]);
    expect(maxDiff(r1.wasm, r1.cpu)).toBeLessThanOrEqual(1e-6);
    const r2 = await both(() => tf.unsortedSegmentSum(tf.tensor3d(xv, [6, 2, 2]), tf.tensor1d([1, 0, 1, 2, 2, 0], 'int32'), 3));
    expect(r2.shape).toEqual([3, 2, 2]);
    expect(maxDiff(r2.wasm, r2.cpu)).toBeLessThanOrEqual(1e-6);
    const r3 = await both(() => tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3, 4, 5], 'int32'), tf.tensor1d([1, 1, 0, 1, 0], 'int32'), 2));
    expect(Array.from(r3.wasm)).toEqual([8, 7]);
    expect(r3.wasm).toEqual(r3.cpu);
    const r4 = await both(() => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.gather(x, [0, 2, 2, 1]), tf.tensor2d(xv.slice(0, 16), [4, 4]))))(tf.tensor2d(xv, [6, 4])));
    expect(maxDiff(r4.wasm, r4.cpu)).toBeLessThanOrEqual(1e-6);
  });
});
