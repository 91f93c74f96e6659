import * as tf from '@tensorflow/tfjs-core';
import { fastLinearLoop } from './fast-path';
import { readF32 } from './inner-loop';
import { lossFromOutputs } from './losses';
import { resolveLrs } from './lrs';
import { paramName } from './params';
import { uploadSupport } from './prepared';
import { prototypeHead } from './prototype';
import type { LinearHeadKernel } from './linear-head-kernel';
import type { Model } from './model';
import type { PathResult, Prepared } from './prepared';

/** Whether the head is one dense layer over flat embeddings, adapted alone: the fast/fused paths apply. */
export function isLinearHead(model: Model): boolean {
  const [only, ...rest] = model.spec.head;
  return rest.length === 0 && only?.kind === 'dense' && model.defaults.scope === 'head' && model.embedShape.length === 1;
}

function names(model: Model): { kernel: string; bias: string } {
  const layer = model.spec.head[0]!;
  return { kernel: paramName('head', layer, 'kernel'), bias: paramName('head', layer, 'bias') };
}

function shapes(model: Model, p: Prepared): Record<string, number[]> {
  const { kernel, bias } = names(model);
  return { [kernel]: [model.embedShape[0]!, p.k], [bias]: [p.k] };
}

function result(model: Model, p: Prepared, w: Float32Array, b: Float32Array, lossBefore: number, lossAfter: number): PathResult {
  const { kernel, bias } = names(model);
  return { params: { [kernel]: { shape: [model.embedShape[0]!, p.k], data: w }, [bias]: { shape: [p.k], data: b } }, lossBefore, lossAfter };
}

const yArg = (p: Prepared) => (p.support.labelIdx ? { labels: p.support.labelIdx } : { targets: p.y });

/** The tfjs fast path: embeddings once, then `fastLinearLoop` (analytic gradients, one tidy). */
export function runFast(model: Model, p: Prepared): PathResult {
  const { kernel, bias } = names(model);
  const lrs = resolveLrs(model, shapes(model, p), p.lr);
  const r = tf.tidy(() => {
    const { x, y } = uploadSupport(p, model.inputSize);
    const emb = model.embed(x, model.frozenForward) as tf.Tensor2D;
    const init = model.defaults.headInit === 'prototype' ? prototypeHead(emb, y) : { kernel: model.params[kernel] as tf.Tensor2D, bias: model.params[bias] as tf.Tensor1D };
    const lr = lrs.kind === 'scalar' ? lrs.lr : { w: tf.tensor2d(lrs.lrs[kernel]!, [model.embedShape[0]!, p.k]), b: tf.tensor1d(lrs.lrs[bias]!) };
    // fastLinearLoop reads back and frees its own tensors; this tidy frees the inputs.
    return fastLinearLoop({ loss: p.loss, x: emb, y, w0: init.kernel, b0: init.bias, steps: p.steps, lr });
  });
  const n = p.support.n;
  return result(model, p, r.w, r.b, lossFromOutputs(p.loss, r.outBefore, n, p.k, yArg(p)), lossFromOutputs(p.loss, r.outAfter, n, p.k, yArg(p)));
}

/** The fused path: embeddings read once, then the registered kernel solves the whole loop. */
export function runFused(model: Model, p: Prepared, kernel: LinearHeadKernel): PathResult {
  const nm = names(model);
  const lrs = resolveLrs(model, shapes(model, p), p.lr);
  const emb = tf.tidy(() => model.embed(uploadSupport(p, model.inputSize).x, model.frozenForward));
  const x = readF32(emb);
  emb.dispose();
  const learned = model.defaults.headInit === 'learned';
  const sol = kernel.solve({
    loss: p.loss,
    n: p.support.n,
    d: model.embedShape[0]!,
    k: p.k,
    x,
    ...yArg(p),
    ...(learned ? { w0: model.data.tensors[nm.kernel]!.data, b0: model.data.tensors[nm.bias]!.data } : {}),
    init: learned ? 'learned' : 'prototype',
    steps: p.steps,
    lr: lrs.kind === 'scalar' ? lrs.lr : { w: lrs.lrs[nm.kernel]!, b: lrs.lrs[nm.bias]! },
  });
  return result(model, p, Float32Array.from(sol.w), Float32Array.from(sol.b), sol.lossBefore, sol.lossAfter);
}
