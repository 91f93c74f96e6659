import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { applyLayer } from '../../src/engine/layers';
import { directionalCheck, spacedTensor } from './grad-check';
import { onCpu, useWasm } from './backends';
import type { Layer } from '../../src/spec/model-spec';
import type { ForwardOptions } from '../../src/engine/layers';

interface Case {
  name: string;
  layer: Layer;
  input: number[];
  params: Record<string, number[]>;
  opts?: ForwardOptions;
}

const CASES: Case[] = [
  { name: 'dense', layer: { kind: 'dense', name: 'l', units: 3 }, input: [4, 5], params: { kernel: [5, 3], bias: [3] } },
  { name: 'conv2d same', layer: { kind: 'conv2d', name: 'l', filters: 3, kernelSize: 3, padding: 'same' }, input: [2, 6, 6, 2], params: { kernel: [3, 3, 2, 3], bias: [3] } },
  { name: 'conv2d valid stride 2', layer: { kind: 'conv2d', name: 'l', filters: 2, kernelSize: 3, strides: 2, padding: 'valid' }, input: [2, 7, 7, 2], params: { kernel: [3, 3, 2, 2], bias: [2] } },
  { name: 'batchNorm (stored statistics)', layer: { kind: 'batchNorm', name: 'l' }, input: [2, 3, 3, 4], params: { gamma: [4], beta: [4], movingMean: [4], movingVariance: [4] } },
  { name: 'batchNorm (batch statistics)', layer: { kind: 'batchNorm', name: 'l' }, input: [3, 2, 2, 3], params: { gamma: [3], beta: [3] }, opts: { batchNorm: 'batch' } },
  { name: 'relu', layer: { kind: 'relu' }, input: [4, 6], params: {} },
  { name: 'maxPool valid', layer: { kind: 'maxPool', size: 2 }, input: [2, 6, 6, 2], params: {} },
  { name: 'maxPool same stride 2', layer: { kind: 'maxPool', size: 3, strides: 2, padding: 'same' }, input: [1, 5, 5, 2], params: {} },
  { name: 'flatten', layer: { kind: 'flatten' }, input: [2, 3, 3, 2], params: {} },
];

/** sum(layer(x)·R) for a fixed random R: its gradient is the layer's backward pass applied to R. */
function checkLayer(c: Case, seed: number): { analytic: number; numeric: number } {
  const names = Object.keys(c.params);
  return tf.tidy(() => {
    const x = spacedTensor(c.input, seed);
    // Variances stay positive under the ±ε perturbation.
    const ps = names.map((p, i) => (p === 'movingVariance' ? tf.add(tf.abs(spacedTensor(c.params[p]!, seed + i + 1, 0.1)), 0.5) : spacedTensor(c.params[p]!, seed + i + 1, 0.1)));
    const lookup = (pi: tf.Tensor[]) => (full: string): tf.Tensor => pi[names.indexOf(full.split('/')[2]!)]!;
    const probe = applyLayer(c.layer, 'body', lookup(ps), x, c.opts);
    const r = spacedTensor(probe.shape, seed + 99, 0.03);
    const f = (xi: tf.Tensor, ...pi: tf.Tensor[]): tf.Scalar => tf.sum(tf.mul(applyLayer(c.layer, 'body', lookup(pi), xi, c.opts), r));
    // With batch statistics the stored ones are unused (no gradient to check).
    const used = c.opts?.batchNorm === 'batch' ? ps.filter((_, i) => !names[i]!.startsWith('moving')) : ps;
    return directionalCheck(f as (...xs: tf.Tensor[]) => tf.Scalar, [x, ...used], seed + 7, 1e-3);
  });
}

describe('layer gradients vs finite differences', () => {
  beforeAll(useWasm);

  for (const c of CASES) {
    it(`${c.name}: autodiff = central difference on wasm and on cpu`, async () => {
      const before = tf.memory().numTensors;
      const wasm = checkLayer(c, 11);
      const cpu = await onCpu(() => checkLayer(c, 11));
      for (const r of [wasm, cpu]) expect(Math.abs(r.analytic - r.numeric)).toBeLessThanOrEqual(2e-3 * Math.max(1, Math.abs(r.analytic)));
      // Not trivially zero: the check has something to compare.
      expect(Math.abs(wasm.analytic)).toBeGreaterThan(1e-2);
      expect(Math.abs(wasm.analytic - cpu.analytic)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(cpu.analytic)));
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
