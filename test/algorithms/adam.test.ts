import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createAdam } from '../../src/algorithms/adam';
import { useWasm } from '../engine/backends';

describe('Adam (checkpointable)', () => {
  beforeAll(useWasm);

  it('takes the textbook first step (lr·sign(g)) and minimises a quadratic', () => {
    const v = { w: tf.variable(tf.tensor1d([3, -2])) };
    const adam = createAdam(0.1);
    const g = tf.tensor1d([6, -4]);
    adam.apply(v, { w: g });
    // Step 1: m̂ = g, v̂ = g², update = lr·g/(|g| + ε).
    expect(Array.from(v.w.dataSync())).toEqual([expect.closeTo(2.9, 6), expect.closeTo(-1.9, 6)]);
    g.dispose();
    for (let i = 0; i < 300; i++) tf.tidy(() => adam.apply(v, { w: tf.mul(v.w, 2) }));
    expect(Math.max(...Array.from(v.w.dataSync()).map(Math.abs))).toBeLessThan(0.05);
    adam.dispose();
    v.w.dispose();
  });

  it('restored from its state, continues bit for bit like the original, and frees its tensors', () => {
    const before = tf.memory().numTensors;
    const run = (a: ReturnType<typeof createAdam>, w: tf.Variable, steps: number) => {
      for (let i = 0; i < steps; i++) tf.tidy(() => a.apply({ w }, { w: tf.sin(tf.mul(w, 3)) }));
    };
    // tf.variable copies its initial value: create and free it inside a tidy.
    const w1 = tf.tidy(() => tf.variable(tf.tensor1d([0.3, 1.1, -0.7])));
    const a1 = createAdam(0.05);
    run(a1, w1, 5);
    const state = a1.state();
    const w2 = tf.tidy(() => tf.variable(tf.tensor1d(w1.dataSync())));
    const a2 = createAdam(0.05, state);
    run(a1, w1, 5);
    run(a2, w2, 5);
    expect(Array.from(w2.dataSync())).toEqual(Array.from(w1.dataSync()));
    expect(state.step).toBe(5);
    a1.dispose();
    a2.dispose();
    tf.dispose([w1, w2]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
