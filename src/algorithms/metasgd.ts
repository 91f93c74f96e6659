import { adaptedNames } from '../engine/adapted-params';
import { batchedQueryLoss } from './maml';
import { embedSize, hasConv } from './models';
import { outerGrad } from './outer-grad';
import { protoAdaptedLoss } from './protomaml';
import type { InnerLrs } from '../engine/inner-loop';
import type { ParamMap } from '../engine/params';
import type { AlgoConfig, MetaAlgorithm } from './types';
import type { NamedTensor } from '../spec/model-spec';

/** The `lr/<name>` tensors of a param map, keyed by the param's name. */
function lrMap(p: ParamMap, names: readonly string[]): InnerLrs {
  return Object.fromEntries(names.map((n) => [n, p[`lr/${n}`]!]));
}

/**
 * Meta-SGD (Li et al. 2017): per-parameter inner lrs `lr/<name>` (the param's shape), learned with
 * the init. Dense models adapt everything (batched, second order); conv models adapt the
 * prototype-initialised head (Proto-MAML with learned lrs), stored as `lr/head/out/...` [D, ways].
 */
export function createMetasgd(cfg: AlgoConfig): MetaAlgorithm {
  const conv = hasConv(cfg.spec);
  const names = conv ? adaptedNames(cfg.spec, 'head') : adaptedNames(cfg.spec, 'all');
  return {
    name: 'metasgd',
    secondOrder: true,
    extraInit: (params) => {
      const out: Record<string, NamedTensor> = {};
      for (const n of names) {
        const shape = params[n]?.shape ?? (n.endsWith('/kernel') ? [embedSize(cfg.spec), cfg.ways] : [cfg.ways]);
        out[`lr/${n}`] = { shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(cfg.innerLr) };
      }
      return out;
    },
    trainable: (all) => all.filter((n) => !/\/moving(Mean|Variance)$/.test(n)),
    step: (p, b) => {
      const trainable = Object.keys(p).filter((n) => !/\/moving(Mean|Variance)$/.test(n));
      return outerGrad(p, trainable, (q) => (conv ? protoAdaptedLoss(cfg, q, b, lrMap(q, names)) : batchedQueryLoss(cfg, q, names, b, lrMap(q, names), false)));
    },
  };
}

