import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBundle } from '../../src/bundle/index';
import { adapt, createModel, frozenFeatures } from '../../src/engine/index';
import { encodeHead } from '../../src/head/codec';
import { useWasm } from './backends';
import { convModel, imageSupport } from './model-fixtures';
import type { Model } from '../../src/engine/model';

/** Frozen rows computed one input at a time and in another order: what a cache filled by earlier requests holds. */
function rowsOneByOne(m: Model, inputs: number[][]) {
  const rows: Float32Array[] = inputs.map(() => new Float32Array(0));
  let shape: number[] = [];
  for (const i of inputs.map((_, j) => j).reverse()) {
    const f = frozenFeatures(m, [inputs[i]!])!;
    rows[i] = f.rows[0]!;
    shape = f.shape;
  }
  return { shape, rows };
}

describe('adapt with the frozen prefix computed earlier (feature scopes)', () => {
  beforeAll(useWasm);

  it("scope 'film' (the glyphs bundle) and 'late': the same head bytes as computing the prefix in the adaptation; no tensor left", async () => {
    const glyphs = createModel(await decodeBundle(readFileSync('bundles/glyphs.fsb')));
    const late = createModel(convModel(3, { scope: 'late', more: { lateBlocks: 1, optimizer: 'adam', lr: 0.01, steps: 5 } }));
    for (const m of [glyphs, late]) {
      const s = imageSupport(4, 3, 9);
      const before = tf.memory().numTensors;
      const plain = adapt(m, s);
      const cached = adapt(m, s, { frozen: rowsOneByOne(m, s.inputs) });
      expect(await encodeHead(cached.head), m.defaults.scope).toEqual(await encodeHead(plain.head));
      expect(cached.loss).toEqual(plain.loss);
      expect(tf.memory().numTensors).toBe(before);
      expect(() => adapt(m, s, { frozen: { shape: [1], rows: [] } })).toThrow(/frozen feature rows/);
      m.dispose();
    }
  });

  it('models without a frozen prefix have none', () => {
    const head = createModel(convModel(4, { scope: 'head' }));
    expect(frozenFeatures(head, imageSupport(2, 1, 1).inputs)).toBeNull();
    head.dispose();
  });
});
