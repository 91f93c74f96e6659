import { innerLoopTensors } from '../engine/inner-loop';
import { lossTensor } from '../engine/losses';
import { adaptedNames } from '../engine/adapted-params';
import { embedEpisodes, headForward, tileParams } from './batched';
import { lossOf, scaleLrs } from './maml';
import { zeroWaysHead } from './models';
import { outerGrad, weightNames } from './outer-grad';
import type { ForwardFn } from '../engine/inner-loop';
import type { AlgoConfig, MetaAlgorithm } from './types';

/**
 * ANIL (Raghu et al. 2020): only the head adapts. The body runs once over every image of the
 * meta-batch; each task's head copy adapts in one batched inner loop; second order through the
 * head's inner steps (matMul gradients), on conv bodies too.
 */
export function createAnil(cfg: AlgoConfig): MetaAlgorithm {
  const head = adaptedNames(cfg.spec, 'head');
  return {
    name: 'anil',
    secondOrder: true,
    extraInit: (params) => zeroWaysHead(cfg.spec, cfg.ways, params),
    trainable: weightNames,
    step: (p, b) =>
      outerGrad(p, weightNames(Object.keys(p)), (q) => {
        const B = b.xs.shape[0]!;
        const { fs, fq } = embedEpisodes(cfg.spec, q, b.xs, b.xq);
        const fwd: ForwardFn = (ps, f) => headForward(cfg.spec, ps, f);
        const adapted = innerLoopTensors(fwd, { ...q, ...tileParams(q, head, B) }, head, fs, b.ys, cfg.innerSteps, scaleLrs(cfg.innerLr, B), lossOf(b));
        return lossTensor(lossOf(b), fwd(adapted, fq), b.yq);
      }),
  };
}
