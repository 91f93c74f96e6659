import { innerLoopTensors } from '../engine/inner-loop';
import { lossTensor } from '../engine/losses';
import { batchedPrototypes, embedEpisodes, headForward } from './batched';
import { scaleLrs } from './maml';
import { outerGrad, weightNames } from './outer-grad';
import type * as tf from '@tensorflow/tfjs-core';
import type { ForwardFn, InnerLrs } from '../engine/inner-loop';
import type { ParamMap } from '../engine/params';
import type { TaskBatch } from '../tasks/batch';
import type { AlgoConfig, MetaAlgorithm } from './types';

/** Query loss after prototype init + the engine's inner loop on each task's head (batched, second order). */
export function protoAdaptedLoss(cfg: AlgoConfig, q: ParamMap, b: TaskBatch, lrs: InnerLrs): tf.Scalar {
  const B = b.xs.shape[0]!;
  const { fs, fq } = embedEpisodes(cfg.spec, q, b.xs, b.xq);
  const { kernel, bias } = batchedPrototypes(fs, b.ys as tf.Tensor3D);
  const last = cfg.spec.head.at(-1) as { name: string };
  const names = [`head/${last.name}/kernel`, `head/${last.name}/bias`];
  const fwd: ForwardFn = (ps, f) => headForward(cfg.spec, ps, f);
  const init: ParamMap = { ...q, [names[0]!]: kernel, [names[1]!]: bias };
  const adapted = innerLoopTensors(fwd, init, names, fs, b.ys, cfg.innerSteps, scaleLrs(lrs, B), 'softmax-ce');
  return lossTensor('softmax-ce', fwd(adapted, fq), b.yq);
}

/** Proto-MAML (Triantafillou et al. 2020): prototype-initialised head, then inner steps; exactly what the edge runs. */
export function createProtomaml(cfg: AlgoConfig): MetaAlgorithm {
  return {
    name: 'protomaml',
    secondOrder: true,
    extraInit: () => ({}),
    trainable: weightNames,
    step: (p, b) => outerGrad(p, weightNames(Object.keys(p)), (q) => protoAdaptedLoss(cfg, q, b, cfg.innerLr)),
  };
}
