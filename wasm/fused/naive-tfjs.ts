// The same inner loop written (functional ops only: tfjs-core alone has no chained ops) the obvious tfjs way: autodiff (tf.variableGrads) and an SGD update
// per step. It is the "naive" baseline of the benchmark and the float32 tfjs oracle of the tests.
import * as tf from '@tensorflow/tfjs-core';
import type { LinearHeadProblem, LinearHeadSolution } from '../../src/engine/linear-head-kernel';

// tf.oneHot refuses depth 1; a single-class head is legal (its CE loss is identically 0).
function oneHot(p: LinearHeadProblem): tf.Tensor2D {
  const m = new Float32Array(p.n * p.k);
  p.labels!.forEach((y, i) => (m[i * p.k + y] = 1));
  return tf.tensor2d(m, [p.n, p.k]);
}

function initialHead(p: LinearHeadProblem, x: tf.Tensor2D): [tf.Tensor2D, tf.Tensor1D] {
  if (p.init === 'learned') return [tf.tensor2d(p.w0!, [p.d, p.k]), tf.tensor1d(p.b0!)];
  return tf.tidy(() => {
    const onehot = oneHot(p);
    const protos = tf.div(tf.matMul(onehot, x, true, false), tf.expandDims(tf.sum(onehot, 0), 1)); // [k,d]
    return [tf.transpose(tf.mul(protos, 2)) as tf.Tensor2D, tf.neg(tf.sum(tf.square(protos), 1)) as tf.Tensor1D];
  });
}

/** Solves a linear-head problem with tfjs autodiff + SGD on the current backend; tidies everything. */
export function solveLinearHeadTfjs(p: LinearHeadProblem): LinearHeadSolution {
  const x = tf.tensor2d(p.x, [p.n, p.d]);
  const target = p.loss === 'mse' ? tf.tensor2d(p.targets!, [p.n, p.k]) : oneHot(p);
  const [w0, b0] = initialHead(p, x);
  // tf.variable copies its initial value.
  const w = tf.variable(w0);
  const b = tf.variable(b0);
  tf.dispose([w0, b0]);
  const lrW = typeof p.lr === 'number' ? tf.scalar(p.lr) : tf.tensor2d(p.lr.w, [p.d, p.k]);
  const lrB = typeof p.lr === 'number' ? tf.scalar(p.lr) : tf.tensor1d(p.lr.b);
  const loss = (): tf.Scalar => {
    const z = tf.add(tf.matMul(x, w), b);
    return p.loss === 'mse' ? tf.losses.meanSquaredError(target, z) : tf.losses.softmaxCrossEntropy(target, z);
  };
  let lossBefore = Number.NaN;
  for (let s = 0; s < p.steps; s++) {
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(loss, [w, b]);
      if (s === 0) lossBefore = value.dataSync()[0]!;
      w.assign(tf.sub(w, tf.mul(lrW, grads[w.name]!)));
      b.assign(tf.sub(b, tf.mul(lrB, grads[b.name]!)));
    });
  }
  const after = tf.tidy(loss);
  const lossAfter = after.dataSync()[0]!;
  const out = {
    w: Float32Array.from(w.dataSync()),
    b: Float32Array.from(b.dataSync()),
    lossBefore: p.steps === 0 ? lossAfter : lossBefore,
    lossAfter,
  };
  tf.dispose([x, target, w, b, lrW, lrB, after]);
  return out;
}
