// The same steps through the engine's own tfjs autodiff path: `lateTail` (the block as the engine
// runs it, batch norm as x·s + t) inside `innerLoop` with the 'proto-ce' loss and the optimizer of
// src/engine/optimizers.ts. It is the float32 oracle of the late-block kernel's tests and the
// baseline of its benchmark.
import * as tf from '@tensorflow/tfjs-core';
import { innerLoop } from '../../src/engine/inner-loop';
import { lateTail } from '../../src/engine/late';
import { padOf } from './late-synthetic';
import type { Layer, ModelSpec } from '../../src/spec/model-spec';
import type { LateBlockProblem, LateBlockSolution } from '../../src/engine/late-block-kernel';
import type { ParamMap } from '../../src/engine/params';

const NAMES = { kernel: 'body/c/kernel', bias: 'body/c/bias', gamma: 'body/bn/gamma', beta: 'body/bn/beta' } as const;

/** The layer padding that gives the problem's explicit pads (the engine only makes these). */
function layerPadding(p: LateBlockProblem): 'same' | 'valid' | number {
  const same = (['same', 'valid', p.pad.top] as const).find((c) => {
    const q = padOf(c, p.kh, p.kw);
    return q.top === p.pad.top && q.bottom === p.pad.bottom && q.left === p.pad.left && q.right === p.pad.right;
  });
  if (same === undefined) throw new Error(`pads ${JSON.stringify(p.pad)} are not a conv2d layer's padding`);
  return same;
}

/** A one-block spec for the problem: conv2d → batchNorm → relu → maxPool → flatten, prototype head. */
export function lateSpecOf(p: LateBlockProblem): ModelSpec {
  const body: Layer[] = [
    { kind: 'conv2d', name: 'c', filters: p.co, kernelSize: p.kh, padding: layerPadding(p) },
    { kind: 'batchNorm', name: 'bn', epsilon: p.epsilon },
    { kind: 'relu' },
    { kind: 'maxPool', size: p.pool },
    { kind: 'flatten' },
  ];
  return { inputShape: [p.h, p.w, p.cin], task: 'classification', body, head: [{ kind: 'dense', name: 'out', units: 'ways' }] };
}

/** Solves a late-block problem with the engine's tfjs autodiff loop on the current backend; tidies everything. */
export function solveLateBlockTfjs(p: LateBlockProblem): LateBlockSolution {
  if (p.kh !== p.kw) throw new Error('conv2d layers are square');
  const spec = lateSpecOf(p);
  const params: ParamMap = tf.tidy(() => ({
    [NAMES.kernel]: tf.tensor4d(p.kernel, [p.kh, p.kw, p.cin, p.co]),
    [NAMES.bias]: tf.tensor1d(p.bias),
    [NAMES.gamma]: tf.tensor1d(p.gamma),
    [NAMES.beta]: tf.tensor1d(p.beta),
    'body/bn/movingMean': tf.tensor1d(p.movingMean),
    'body/bn/movingVariance': tf.tensor1d(p.movingVariance),
  }));
  const names = Object.values(NAMES);
  const [z, y] = tf.tidy(() => {
    const onehot = new Float32Array(p.n * p.k);
    p.labels.forEach((c, i) => (onehot[i * p.k + c] = 1));
    return [tf.tensor4d(p.z, [p.n, p.h, p.w, p.cin]), tf.tensor2d(onehot, [p.n, p.k])];
  });
  const lrs = typeof p.lr === 'number' ? undefined : tf.tidy(() => {
    const lr = p.lr as Exclude<LateBlockProblem['lr'], number>;
    return { [NAMES.kernel]: tf.tensor4d(lr.kernel, [p.kh, p.kw, p.cin, p.co]), [NAMES.bias]: tf.tensor1d(lr.bias), [NAMES.gamma]: tf.tensor1d(lr.gamma), [NAMES.beta]: tf.tensor1d(lr.beta) };
  });
  try {
    const forward = (ps: ParamMap, zz: tf.Tensor): tf.Tensor => lateTail(spec, 1, (n) => ps[n]!, zz);
    const r = innerLoop(forward, params, names, z, y, p.steps, lrs ?? (p.lr as number), 'proto-ce', { optimizer: p.optimizer });
    const out = { kernel: r.params[NAMES.kernel]!.data, bias: r.params[NAMES.bias]!.data, gamma: r.params[NAMES.gamma]!.data, beta: r.params[NAMES.beta]!.data };
    // tidy returns the tensor, not its data: tidy walks a returned typed array element by element.
    const f = tf.tidy(() => {
      const adapted: ParamMap = { ...params };
      for (const [name, t] of Object.entries(r.params)) adapted[name] = tf.tensor(t.data, t.shape);
      return forward(adapted, z);
    });
    const features = new Float32Array(f.dataSync());
    f.dispose();
    return { ...out, lossBefore: r.lossBefore, lossAfter: r.lossAfter, features };
  } finally {
    tf.dispose([...Object.values(params), z, y, ...Object.values(lrs ?? {})]);
  }
}
