import { createMaml } from './maml';
import type { AlgoConfig, MetaAlgorithm } from './types';

/** First-order MAML: the inner-loop gradients are constants to the outer differentiation. */
export function createFomaml(cfg: AlgoConfig): MetaAlgorithm {
  return createMaml(cfg, { firstOrder: true, name: 'fomaml' });
}
