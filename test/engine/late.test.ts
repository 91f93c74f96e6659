import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { adapt, createModel, predict } from '../../src/engine/index';
import { lateCut, lateNames, lateTail } from '../../src/engine/late';
import { applyLayers } from '../../src/engine/layers';
import { lossTensor, protoCe } from '../../src/engine/losses';
import { encodeHead } from '../../src/head/codec';
import { onCpu, useWasm } from './backends';
import { directionalCheck, maxAbsDiff } from './grad-check';
import { convModel, imageSupport } from './model-fixtures';
import type { ClassPrediction } from '../../src/engine/index';
import type { Model } from '../../src/engine/model';

const late = (seed: number, more: Record<string, unknown> = {}): Model =>
  createModel(convModel(seed, { scope: 'late', more: { lateBlocks: 1, optimizer: 'adam', lr: 0.01, steps: 10, ...more } }));
const labelsOf = (preds: unknown[]) => (preds as ClassPrediction[]).map((p) => p.label);

describe("scope 'late' (fine-tune the body's last blocks on the support set's nearest-centroid cross-entropy)", () => {
  beforeAll(useWasm);

  it('cuts at the k-th conv block from the end and adapts every weight from there on', () => {
    const m = late(1);
    expect(lateCut(m.spec, 1)).toBe(4);
    expect(lateNames(m.spec, 1)).toEqual(['body/conv2/kernel', 'body/conv2/bias', 'body/bn2/gamma', 'body/bn2/beta']);
    expect(lateNames(m.spec, 2)).toHaveLength(8);
    expect(() => lateCut(m.spec, 3)).toThrow(/needs 3 conv2d\/dense layers/);
    m.dispose();
  });

  it('its tail (batch norm as x·s + t) computes the stored forward exactly, on wasm and cpu', async () => {
    const m = late(2);
    const s = imageSupport(3, 3, 2);
    const diff = () =>
      tf.tidy(() => {
        const x = tf.reshape(tf.tensor2d(s.inputs), [-1, 28, 28, 1]);
        const get = (n: string) => m.params[n]!;
        const h = applyLayers(m.spec.body.slice(0, lateCut(m.spec, 1)), 'body', get, x);
        return maxAbsDiff(lateTail(m.spec, 1, get, h).dataSync(), m.embed(x).dataSync());
      });
    expect(diff()).toBeLessThan(1e-5);
    expect(await onCpu(diff)).toBeLessThan(1e-5);
    m.dispose();
  });

  it("its loss ('proto-ce') has gradients that match central differences", () => {
    const m = late(4);
    const s = imageSupport(5, 3, 3, 0.6);
    const names = lateNames(m.spec, 1);
    const r = tf.tidy(() => {
      const x = tf.reshape(tf.tensor2d(s.inputs), [-1, 28, 28, 1]);
      const y = tf.oneHot(tf.tensor1d(s.labels.map((l) => Number(String(l).slice(1))), 'int32'), 3).toFloat();
      const h = applyLayers(m.spec.body.slice(0, lateCut(m.spec, 1)), 'body', (n) => m.params[n]!, x);
      const f = (...v: tf.Tensor[]): tf.Scalar => lossTensor('proto-ce', lateTail(m.spec, 1, (n) => v[names.indexOf(n)] ?? m.params[n]!, h), y);
      return directionalCheck(f, names.map((n) => m.params[n]!), 6, 1e-3);
    });
    expect(Math.abs(r.analytic - r.numeric)).toBeLessThan(2e-2 * Math.abs(r.numeric) + 1e-4);
    m.dispose();
  });

  it('protoCe of a set against itself is the proto-ce loss, and is lower for separated classes', () => {
    const v = tf.tidy(() => {
      const y = tf.oneHot(tf.tensor1d([0, 0, 1, 1], 'int32'), 2).toFloat() as tf.Tensor2D;
      const near = tf.tensor2d([[0, 0], [0.1, 0], [0.2, 0], [0.3, 0]]);
      const far = tf.tensor2d([[0, 0], [0.1, 0], [3, 0], [3.1, 0]]);
      return [protoCe(near, y, near, y), lossTensor('proto-ce', near, y), protoCe(far, y, far, y)].map((t) => t.dataSync()[0]!);
    });
    expect(v[0]).toBeCloseTo(v[1]!, 6);
    expect(v[2]).toBeLessThan(v[0]!);
  });

  it('at 0 steps predicts as the nearest-centroid (head-scope) model; steps lower the support loss and change the late weights', () => {
    const m = late(7);
    const head = createModel(convModel(7, { scope: 'head' }));
    const s = imageSupport(8, 3, 3, 0.6);
    const q = imageSupport(9, 3, 4, 0.6).inputs;
    const l0 = adapt(m, s, { steps: 0 });
    expect(labelsOf(predict(m, l0.head, q))).toEqual(labelsOf(predict(head, adapt(head, s, { steps: 0 }).head, q)));
    const l10 = adapt(m, s);
    expect(l10.optimizer).toBe('adam');
    expect(l10.loss.after).toBeLessThan(l10.loss.before);
    expect(Object.keys(l10.head.params).sort()).toEqual([...lateNames(m.spec, 1), 'head/out/bias', 'head/out/kernel'].sort());
    expect(Array.from(l10.head.params['body/conv2/kernel']!.data)).not.toEqual(Array.from(m.data.tensors['body/conv2/kernel']!.data));
    expect((predict(m, l10.head, q) as ClassPrediction[]).map((p) => p.distance)).not.toEqual((predict(m, l0.head, q) as ClassPrediction[]).map((p) => p.distance));
    m.dispose();
    head.dispose();
  });

  it('gives bit-identical head bytes for the same request, and leaves no tensor behind', async () => {
    const m = late(10, { lateBlocks: 2, guard: 'split' });
    const s = imageSupport(11, 3, 4);
    const before = tf.memory().numTensors;
    const a = await encodeHead(adapt(m, s).head);
    const b = await encodeHead(adapt(m, s).head);
    predict(m, adapt(m, s).head, s.inputs);
    // Only what the model's head cache keeps of the head predict used (disposed with the model).
    expect(tf.memory().numTensors).toBe(before + m.heads.tensors);
    expect(m.heads.size).toBe(1);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    m.dispose();
  });
});

describe('the guard (split-support validation)', () => {
  beforeAll(useWasm);

  it('keeps the model at 1 shot: steps 0, only the prototype layer in the head', () => {
    const m = late(12, { guard: 'split' });
    const r = adapt(m, imageSupport(13, 3, 1));
    expect(r.guard?.verdict).toBe('kept');
    expect(r.stepsUsed).toBe(0);
    expect(Object.keys(r.head.params).sort()).toEqual(['head/out/bias', 'head/out/kernel']);
    m.dispose();
  });

  it('adapts when the steps keep the held-out accuracy, and keeps the model when they lower it', () => {
    const m = late(14, { guard: 'split' });
    const s = imageSupport(15, 3, 4, 0.8);
    const good = adapt(m, s, { lr: 0.01 });
    expect(good.guard?.verdict).toBe('adapted');
    expect(good.guard!.heldOut!.accuracyAfter).toBeGreaterThanOrEqual(good.guard!.heldOut!.accuracyBefore);
    expect(good.stepsUsed).toBe(10);
    // A wild lr: the held-out accuracy falls (first model) or holds while the loss explodes (second).
    const m30 = late(30, { guard: 'split' });
    const noisy = imageSupport(15, 3, 4, 1.5);
    const bad = adapt(m30, noisy, { lr: 1 });
    expect(bad.guard?.verdict).toBe('kept');
    expect(bad.guard!.heldOut!.accuracyAfter).toBeLessThan(bad.guard!.heldOut!.accuracyBefore);
    expect(bad.stepsUsed).toBe(0);
    const m20 = late(20, { guard: 'split' });
    const blown = adapt(m20, noisy, { lr: 1 });
    expect(blown.guard?.verdict).toBe('kept');
    expect(blown.guard!.heldOut!.accuracyAfter).toBe(blown.guard!.heldOut!.accuracyBefore);
    expect(blown.guard!.heldOut!.after).toBeGreaterThan(blown.guard!.heldOut!.before + 1);
    // A kept model predicts exactly as steps 0 does.
    const zero = adapt(m30, noisy, { steps: 0 });
    expect(labelsOf(predict(m30, bad.head, noisy.inputs))).toEqual(labelsOf(predict(m30, zero.head, noisy.inputs)));
    const off = adapt(late(30, { guard: 'off' }), noisy, { lr: 1 });
    expect(off.guard?.verdict).toBe('unchecked');
    expect(off.stepsUsed).toBe(10);
    [m, m20, m30].forEach((x) => x.dispose());
  });

  it("the bundle's allowance: a drop of up to guardTolerance held-out examples, and a loss rise up to guardLossSlack, keep the steps", async () => {
    const s = imageSupport(17, 3, 4, 1.2);
    const strict = late(20, { guard: 'split' });
    const one = adapt(strict, s, { lr: 0.1 });
    const h = one.guard!.heldOut!;
    // 6 held-out examples (2 per class): these steps cost exactly one of them.
    expect(Math.round((h.accuracyBefore - h.accuracyAfter) * 6)).toBe(1);
    expect([one.guard!.verdict, one.stepsUsed]).toEqual(['kept', 0]);
    const tolerant = late(20, { guard: 'split', guardTolerance: 1, guardLossSlack: 1e6 });
    const kept = adapt(tolerant, s, { lr: 0.1 });
    expect([kept.guard!.verdict, kept.stepsUsed]).toEqual(['adapted', 10]);
    expect(kept.guard!.reason).toMatch(/cost 1 held-out example, within the allowance of 1/);
    expect(kept.guard!.heldOut).toEqual(h);
    // The same steps with no guard give the same head: the guard only decides.
    const off = adapt(late(20, { guard: 'off' }), s, { lr: 0.1 });
    expect(Object.keys(kept.head.params)).toContain('body/conv2/kernel');
    expect(Buffer.from(await encodeHead(off.head)).equals(Buffer.from(await encodeHead(kept.head)))).toBe(true);
    // The loss brake: steps that keep the accuracy but raise the loss by > 1 nat pass a slack of 10⁶.
    const noisy = imageSupport(15, 3, 4, 1.5);
    const braked = adapt(late(20, { guard: 'split' }), noisy, { lr: 1 });
    expect(braked.guard!.reason).toMatch(/loss by more than 1 nat/);
    const loose = adapt(late(20, { guard: 'split', guardLossSlack: 1e6 }), noisy, { lr: 1 });
    expect(loose.guard!.verdict).toBe('adapted');
    [strict, tolerant].forEach((x) => x.dispose());
  });
});
