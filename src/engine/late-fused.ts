import * as tf from '@tensorflow/tfjs-core';
import { lateCut, lateNames } from './late';
import { resolveLrs } from './lrs';
import type { BatchNormLayer, Conv2dLayer, MaxPoolLayer, NamedTensor } from '../spec/model-spec';
import type { InnerLoopResult } from './inner-loop';
import type { LateBlockInput, LateBlockKernel, LateBlockProblem } from './late-block-kernel';
import type { Model } from './model';
import type { Prepared } from './prepared';

/** The late block as the fused kernel takes it: its layers and the conv's explicit zero padding. */
export interface LateBlockShape {
  conv: Conv2dLayer;
  bn: BatchNormLayer;
  pool: number;
  pad: LateBlockProblem['pad'];
}

/** tfjs's padding at stride 1: 'same' puts ⌊(k−1)/2⌋ zeros before and the rest after. */
function padOf(padding: Conv2dLayer['padding'], k: number): LateBlockProblem['pad'] | undefined {
  if (padding === undefined || padding === 'valid') return { top: 0, bottom: 0, left: 0, right: 0 };
  if (typeof padding === 'number') return Number.isInteger(padding) && padding >= 0 ? { top: padding, bottom: padding, left: padding, right: padding } : undefined;
  if (padding !== 'same') return undefined;
  const before = Math.floor((k - 1) / 2);
  return { top: before, bottom: k - 1 - before, left: before, right: k - 1 - before };
}

/**
 * Whether the fused late-block kernel computes exactly this model's steps: scope 'late' over one
 * block conv2d (stride 1) → batchNorm → relu → maxPool (stride = size, 'valid') [→ flatten], with the
 * prototype layer right after it (no head layers to step) on a classification task. Anything else
 * is a string saying why, and the steps stay on tfjs autodiff.
 */
export function lateBlockShape(model: Model): LateBlockShape | string {
  const { spec, defaults } = model;
  if (defaults.scope !== 'late') return `the fused kernel steps scope 'late' only, not '${defaults.scope}'`;
  if (spec.task !== 'classification') return "scope 'late' fused steps need a classification task";
  if (spec.head.length !== 1) return 'head layers before the prototype layer are stepped by tfjs only';
  const block = spec.body.slice(lateCut(spec, defaults.lateBlocks ?? 1));
  const [conv, bn, relu, pool, ...rest] = block;
  const kinds = block.map((l) => l.kind).join(' → ');
  const plain = conv?.kind === 'conv2d' && bn?.kind === 'batchNorm' && relu?.kind === 'relu' && pool?.kind === 'maxPool' && rest.every((l) => l.kind === 'flatten');
  if (!plain || rest.length > 1) return `the late block is ${kinds}, not conv2d → batchNorm → relu → maxPool`;
  const c = conv as Conv2dLayer;
  const m = pool as MaxPoolLayer;
  if ((c.strides ?? 1) !== 1) return `the late conv has stride ${c.strides}, the fused kernel stride 1`;
  if ((m.strides ?? m.size) !== m.size || (m.padding ?? 'valid') !== 'valid') return "the late max pool must have stride = size and 'valid' padding";
  const pad = padOf(c.padding, c.kernelSize);
  if (!pad) return `the late conv's padding ${JSON.stringify(c.padding)} is not one the fused kernel takes`;
  return { conv: c, bn: bn as BatchNormLayer, pool: m.size, pad };
}

/** Class index of each one-hot row of y [n, k]. */
function labelsOf(y: Float32Array, n: number, k: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = y.subarray(i * k, (i + 1) * k).indexOf(1);
  return out;
}

/** The block's adapted param names in kernel order: conv kernel, conv bias, γ, β. */
const blockNames = (model: Model): [string, string, string, string] => lateNames(model.spec, model.defaults.lateBlocks ?? 1) as [string, string, string, string];

/** The block over cached prefix output z, with the stored params or `params` (adapted, read back) over them. */
function lateInput(model: Model, shape: LateBlockShape, z: tf.Tensor, params: Record<string, NamedTensor> = {}): LateBlockInput {
  const [kName, bName, gName, betaName] = blockNames(model);
  const value = (n: string): Float32Array => params[n]?.data ?? model.data.tensors[n]!.data;
  const [n, h, w, cin] = z.shape as [number, number, number, number];
  const [kh, kw, , co] = model.params[kName]!.shape as [number, number, number, number];
  const bn = (param: string): Float32Array => model.data.tensors[`body/${shape.bn.name}/${param}`]!.data;
  return {
    n,
    h,
    w,
    cin,
    z: Float32Array.from(z.dataSync()),
    kh,
    kw,
    co,
    kernel: value(kName),
    bias: value(bName),
    pad: shape.pad,
    gamma: value(gName),
    beta: value(betaName),
    movingMean: bn('movingMean'),
    movingVariance: bn('movingVariance'),
    epsilon: shape.bn.epsilon ?? 1e-3,
    pool: shape.pool,
  };
}

/** The features [n, d] of the block over z (stored params, or `params` over them), from the kernel. */
export function lateFeaturesFused(model: Model, kernel: LateBlockKernel, shape: LateBlockShape, z: tf.Tensor, params?: Record<string, NamedTensor>): Float32Array {
  return kernel.features(lateInput(model, shape, z, params));
}

/**
 * The inner loop of scope 'late' in one call of the fused kernel, on cached prefix output z
 * [n, h, w, cin] with one-hot y: same names, shapes and losses as `stepFeatures`' tfjs loop, plus
 * the adapted features (the prototype head is built from them without another forward).
 */
export function stepLateFused(model: Model, kernel: LateBlockKernel, shape: LateBlockShape, z: tf.Tensor, y: tf.Tensor, p: Prepared, steps: number): InnerLoopResult & { features: Float32Array } {
  const names = blockNames(model);
  const [kName, bName, gName, betaName] = names;
  const n = z.shape[0]!;
  const k = y.shape[1]!;
  const shapes = Object.fromEntries(names.map((nm) => [nm, model.params[nm]!.shape]));
  const lrs = resolveLrs(model, shapes, p.lr);
  const sol = kernel.solve({
    ...lateInput(model, shape, z),
    k,
    labels: labelsOf(y.dataSync() as Float32Array, n, k),
    steps,
    optimizer: p.optimizer,
    lr: lrs.kind === 'scalar' ? lrs.lr : { kernel: lrs.lrs[kName]!, bias: lrs.lrs[bName]!, gamma: lrs.lrs[gName]!, beta: lrs.lrs[betaName]! },
  });
  const out = (nm: string, data: Float32Array): [string, NamedTensor] => [nm, { shape: [...model.params[nm]!.shape], data: Float32Array.from(data) }];
  return {
    params: Object.fromEntries([out(kName, sol.kernel), out(bName, sol.bias), out(gName, sol.gamma), out(betaName, sol.beta)]),
    lossBefore: sol.lossBefore,
    lossAfter: sol.lossAfter,
    features: Float32Array.from(sol.features),
  };
}
