import { ModelError } from './errors';
import { paramName, partTrainableNames, trainableParams } from './params';
import type { AdaptScope, ModelSpec } from '../spec/model-spec';

// Which params each adaptation scope steps: its own file, so film.ts and params.ts both sit below it.

/**
 * Scope 'film': feature adaptation at the last block. The body's last batch norm is split into its
 * normalisation (frozen, run once over the support set) and its affine γ·ẑ + β, which the inner loop
 * adapts per user — FiLM: one scale and one shift per channel. γ and β start at the meta-trained
 * values, so step 0 is exactly the unadapted model and its prototype head the nearest-centroid
 * classifier. The steps lower the support set's 'centroid-ratio' loss (src/engine/losses.ts): its
 * classes drawn tighter and further apart in the user's own style. The head is the prototype head of
 * the adapted support features (not stepped).
 */
export function filmCut(spec: ModelSpec): number {
  let i = spec.body.length - 1;
  while (i >= 0 && spec.body[i]!.kind !== 'batchNorm') i--;
  if (i < 0) throw new ModelError("scope 'film' needs a batchNorm layer in the body");
  return i;
}

/** The params scope 'film' steps: the last batch norm's γ and β, and the head layers' before the prototype layer. */
export function filmNames(spec: ModelSpec): string[] {
  const bn = spec.body[filmCut(spec)]!;
  return [paramName('body', bn, 'gamma'), paramName('body', bn, 'beta'), ...spec.head.slice(0, -1).flatMap((l) => trainableParams(l).map((p) => paramName('head', l, p)))];
}

/**
 * The params a head may carry: the head's (ANIL), all trainable ones (MAML; also the bound for
 * 'late', whose heads carry the last blocks' — src/engine/late.ts), or FiLM's γ, β and the head's.
 */
export function adaptedNames(spec: ModelSpec, scope: AdaptScope): string[] {
  const head = partTrainableNames(spec, 'head');
  if (scope === 'film') return [...new Set([...filmNames(spec), ...head])];
  return scope === 'head' ? head : [...partTrainableNames(spec, 'body'), ...head];
}
