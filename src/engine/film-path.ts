import * as tf from '@tensorflow/tfjs-core';
import { filmNormalize, filmTail } from './film';
import { filmCut, filmNames } from './adapted-params';
import { innerLoop, readF32 } from './inner-loop';
import { applyLayers } from './layers';
import { resolveLrs } from './lrs';
import { paramName } from './params';
import { uploadSupport } from './prepared';
import { prototypeHead } from './prototype';
import type { ParamLookup } from './layers';
import type { Model } from './model';
import type { ParamMap } from './params';
import type { PathResult, Prepared } from './prepared';

/**
 * Scope 'film' at request time: the body up to the last batch norm runs once over the support set,
 * the one inner loop adapts that norm's γ, β on the cached activations ('centroid-ratio' loss of the
 * support features), and the head is the prototype head of the adapted features.
 */
export function runFilm(model: Model, p: Prepared): PathResult {
  const { spec } = model;
  const names = filmNames(spec);
  const stored: ParamLookup = (n) => model.params[n]!;
  const { z, y } = tf.tidy(() => {
    const up = uploadSupport(p, model.inputSize);
    const x = tf.reshape(up.x, [-1, ...spec.inputShape]);
    const h = applyLayers(spec.body.slice(0, filmCut(spec)), 'body', stored, x);
    return { z: filmNormalize(spec, stored, h), y: up.y };
  });
  const shapes = Object.fromEntries(names.map((n) => [n, model.params[n]!.shape]));
  const lrs = resolveLrs(model, shapes, p.lr);
  const lrTensors = lrs.kind === 'scalar' ? undefined : Object.fromEntries(names.map((n) => [n, tf.tensor(lrs.lrs[n]!, shapes[n])]));
  try {
    const look = (ps: ParamMap): ParamLookup => (n) => ps[n] ?? model.params[n]!;
    const r = innerLoop((ps, zz) => filmTail(spec, look(ps), zz), model.params, names, z, y, p.steps, lrTensors ?? p.lr, 'centroid-ratio');
    const last = spec.head.at(-1)!;
    const head = tf.tidy(() => {
      const adapted: ParamMap = Object.fromEntries(names.map((n) => [n, tf.tensor(r.params[n]!.data, r.params[n]!.shape)]));
      const { kernel, bias } = prototypeHead(filmTail(spec, look(adapted), z), y);
      return { kernel, bias };
    });
    const out: PathResult['params'] = { ...r.params };
    out[paramName('head', last, 'kernel')] = { shape: [...head.kernel.shape], data: readF32(head.kernel) };
    out[paramName('head', last, 'bias')] = { shape: [...head.bias.shape], data: readF32(head.bias) };
    tf.dispose([head.kernel, head.bias]);
    return { params: out, lossBefore: r.lossBefore, lossAfter: r.lossAfter };
  } finally {
    tf.dispose([z, y, ...Object.values(lrTensors ?? {})]);
  }
}
