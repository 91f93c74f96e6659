import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { adapt, createModel, frozenFeatures } from '../../src/engine/index';
import { withShiftViews } from '../../src/engine/views';
import { encodeHead } from '../../src/head/codec';
import { useWasm } from './backends';
import { convModel, imageSupport } from './model-fixtures';
import type { ResolvedSupport } from '../../src/engine/validate';

/** A 3×3×1 support set: class 0 has one example (a dot at (row 1, col 2)), class 1 two. */
function tiny(): ResolvedSupport {
  const dot = new Float32Array(9);
  dot[1 * 3 + 2] = 1;
  const a = Float32Array.from({ length: 9 }, (_, i) => i / 10);
  const b = Float32Array.from({ length: 9 }, (_, i) => 1 - i / 10);
  const x = new Float32Array(27);
  [a, dot, b].forEach((img, i) => x.set(img, i * 9));
  return { n: 3, x, headLabels: ['b', 'a'], labelIdx: Int32Array.from([0, 1, 0]) };
}

const image = (x: Float32Array, row: number) => Array.from(x.subarray(row * 9, (row + 1) * 9));

describe('shifted views of one-example classes (defaults.shiftViews)', () => {
  beforeAll(useWasm);

  it('appends four shifts of each single example, edges repeated, labelled as it; other classes untouched', () => {
    const v = withShiftViews(tiny(), [3, 3, 1], 1)!;
    expect(v.n).toBe(7);
    expect(v.examples).toBe(3);
    expect(Array.from(v.labelIdx!)).toEqual([0, 1, 0, 1, 1, 1, 1]);
    expect(image(v.x, 0)).toEqual(image(tiny().x, 0));
    // The dot at (1, 2) moved down, up, right (off the image: the left edge repeats an empty column)
    // and left (the right edge column repeats, so the dot stays there too).
    const at = (...cells: [number, number][]) => Array.from({ length: 9 }, (_, i) => (cells.some(([r, c]) => i === r * 3 + c) ? 1 : 0));
    expect(image(v.x, 3)).toEqual(at([2, 2]));
    expect(image(v.x, 4)).toEqual(at([0, 2]));
    expect(image(v.x, 5)).toEqual(at());
    expect(image(v.x, 6)).toEqual(at([1, 1], [1, 2]));
  });

  it('adds nothing when every class has two examples, the shift is 0, or the inputs are no images', () => {
    expect(withShiftViews({ ...tiny(), n: 2, x: tiny().x.subarray(0, 18), labelIdx: Int32Array.from([0, 0]) }, [3, 3, 1], 1)).toBeUndefined();
    expect(withShiftViews(tiny(), [3, 3, 1], 0)).toBeUndefined();
    expect(withShiftViews(tiny(), [9], 1)).toBeUndefined();
  });

  it('a 1-shot head is the head of the user examples plus their views given as examples; the guard keeps it (a view is no held-out example); no tensor left', async () => {
    const data = convModel(5, { scope: 'late', more: { lateBlocks: 1, optimizer: 'adam', lr: 0.01, steps: 5, guard: 'split', shiftViews: 2, unknownDistances: [{ shots: 1, distance: 50 }] } });
    const m = createModel(data);
    const plain = createModel({ ...data, defaults: { ...data.defaults, shiftViews: undefined } });
    const s = imageSupport(7, 3, 1);
    const before = tf.memory().numTensors;
    const r = adapt(m, s);
    expect(r.guard).toMatchObject({ verdict: 'kept', reason: expect.stringMatching(/shifted copies/) });
    expect(r.stepsUsed).toBe(0);
    expect(r.head.shots).toBe(1);
    const resolved = withShiftViews({ n: 3, x: Float32Array.from(s.inputs.flat()), headLabels: s.labels, labelIdx: Int32Array.from([0, 1, 2]) }, [28, 28, 1], 2)!;
    const spelled = { inputs: Array.from({ length: resolved.n }, (_, i) => Array.from(resolved.x.subarray(i * 784, (i + 1) * 784))), labels: Array.from(resolved.labelIdx!, (c) => s.labels[c]!) };
    const by = adapt(plain, spelled, { steps: 0 });
    // Steps 0 asked for carries the (unchanged) late weights; the guard's 'kept' carries only the prototypes.
    for (const name of ['head/out/kernel', 'head/out/bias']) expect(r.head.params[name]).toEqual(by.head.params[name]);
    expect(await encodeHead(r.head)).not.toEqual(await encodeHead(adapt(plain, s).head));
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
    plain.dispose();
  });

  it('with frozen rows of the user examples only: the same head bytes; one single class among larger ones still has the guard keep the model', async () => {
    const m = createModel(convModel(6, { scope: 'late', more: { lateBlocks: 1, optimizer: 'adam', lr: 0.01, steps: 5, guard: 'split', shiftViews: 1 } }));
    const s = imageSupport(8, 3, 2);
    // Class c0 keeps one example; c1 and c2 two.
    const mixed = { inputs: s.inputs.slice(1), labels: s.labels.slice(1) };
    const before = tf.memory().numTensors;
    const whole = adapt(m, mixed);
    expect(whole.guard?.reason).toMatch(/one example \(its prototype averages the example and shifted copies of it\)/);
    expect(adapt(m, s, { steps: 3 }).guard?.reason).not.toMatch(/shifted/);
    const cached = adapt(m, mixed, { frozen: frozenFeatures(m, mixed.inputs)! });
    expect(await encodeHead(cached.head)).toEqual(await encodeHead(whole.head));
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });
});
