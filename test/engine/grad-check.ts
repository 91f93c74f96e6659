import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../../src/util/random';

/** Random tensors shaped like `xs`, seeded (directions for a directional-derivative check). */
export function directions(xs: tf.Tensor[], seed: number): tf.Tensor[] {
  const rng = createRng(seed);
  return xs.map((x) => tf.tensor(Float32Array.from({ length: x.size }, () => rng.normal()), x.shape, 'float32'));
}

/**
 * Compares the autodiff directional derivative Σ⟨∂f/∂xᵢ, vᵢ⟩ with the central difference
 * (f(x + εv) − f(x − εv)) / 2ε. Returns both (numbers); tensors are tidied.
 */
export function directionalCheck(f: (...xs: tf.Tensor[]) => tf.Scalar, xs: tf.Tensor[], seed: number, eps: number): { analytic: number; numeric: number } {
  return tf.tidy(() => {
    const v = directions(xs, seed);
    const grads = tf.grads(f)(xs);
    const analytic = grads.reduce((s, g, i) => s + tf.sum(tf.mul(g, v[i]!)).dataSync()[0]!, 0);
    const at = (sign: number): number => f(...xs.map((x, i) => tf.add(x, tf.mul(v[i]!, sign * eps)))).dataSync()[0]!;
    return { analytic, numeric: (at(1) - at(-1)) / (2 * eps) };
  });
}

/** A seeded tensor whose values are distinct and at least `gap` apart (no ties for maxPool, no values near relu's kink). */
export function spacedTensor(shape: number[], seed: number, gap = 0.05): tf.Tensor {
  const rng = createRng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: n }, (_, i) => (i - n / 2 + 0.5) * gap);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [values[i], values[j]] = [values[j]!, values[i]!];
  }
  return tf.tensor(values, shape, 'float32');
}

/** Largest |a − b| over two equally long arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} ≠ ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
