import * as tf from '@tensorflow/tfjs-core';
import { runFeatures } from './feature-path';
import { innerLoop } from './inner-loop';
import { applyLayers } from './layers';
import { resolveLrs } from './lrs';
import { paramName } from './params';
import { adaptedNames } from './adapted-params';
import { uploadSupport } from './prepared';
import { prototypeHead } from './prototype';
import type { ForwardFn } from './inner-loop';
import type { Model } from './model';
import type { ParamMap } from './params';
import type { PathResult, Prepared } from './prepared';

/** Prototype-initialised last head layer: features = body + the head layers before it. */
function prototypeInit(model: Model, emb: tf.Tensor, y: tf.Tensor2D): ParamMap {
  const head = model.spec.head;
  const last = head.at(-1)!;
  const features = applyLayers(head.slice(0, -1), 'head', (n) => model.params[n]!, emb, model.frozenForward);
  const { kernel, bias } = prototypeHead(tf.reshape(features, [features.shape[0]!, -1]) as tf.Tensor2D, y);
  return { [paramName('head', last, 'kernel')]: kernel, [paramName('head', last, 'bias')]: bias };
}

/**
 * The general path: the one inner loop (`innerLoop`, tfjs autodiff) over the adapted names. For scope
 * 'head' the frozen body runs once and the loop sees only the head; for 'all' it runs the full forward.
 */
export function runAutodiff(model: Model, p: Prepared): PathResult {
  const scope = model.defaults.scope;
  if (scope === 'film' || scope === 'late') return runFeatures(model, p);
  const names = adaptedNames(model.spec, scope);
  const setup = tf.tidy(() => {
    const { x, y } = uploadSupport(p, model.inputSize);
    // Not differentiated: the loop of scope 'head' starts from these embeddings, that of 'all' from x.
    const emb = model.embed(x, model.frozenForward);
    const init: ParamMap = model.defaults.headInit === 'prototype' ? prototypeInit(model, emb, y) : {};
    return { input: scope === 'head' ? emb : x, y, init };
  });
  const params: ParamMap = { ...model.params, ...setup.init };
  const shapes = Object.fromEntries(names.map((n) => [n, params[n]!.shape]));
  const lrs = resolveLrs(model, shapes, p.lr);
  const lrTensors = lrs.kind === 'scalar' ? undefined : Object.fromEntries(names.map((n) => [n, tf.tensor(lrs.lrs[n]!, shapes[n])]));
  const forward: ForwardFn = scope === 'head' ? (ps, e) => model.forwardHead(ps, e) : (ps, x) => model.forward(ps, x);
  try {
    const r = innerLoop(forward, params, names, setup.input, setup.y, p.steps, lrTensors ?? p.lr, p.loss, { optimizer: p.optimizer });
    return { params: r.params, lossBefore: r.lossBefore, lossAfter: r.lossAfter };
  } finally {
    tf.dispose([setup.input, setup.y, ...Object.values(setup.init), ...Object.values(lrTensors ?? {})]);
  }
}
