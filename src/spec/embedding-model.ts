import type { AdaptationDefaults, Layer, ModelData } from './model-spec';

/**
 * An embedding-input model: the client sends D-dimensional feature vectors computed elsewhere (a
 * sentence encoder, an image encoder, item embeddings), so there is no trained body and no weights at
 * all. The head is one dense layer sized per support set and initialised from class prototypes, then
 * refined by a few SGD steps (the fused kernel's path). With `normalize: 'l2'` the body is a single
 * `l2Normalize` layer: prototypes become cosine-style (the norm for sentence embeddings) and the
 * defaults below do not depend on how long the client's vectors are.
 */
export interface EmbeddingModelOptions {
  dim: number;
  normalize?: 'l2' | 'none';
  /** Length of the normalised vectors; logits scale with scale² (a softmax temperature of 1/(2·scale²) on cosines). */
  scale?: number;
  steps?: number;
  lr?: number;
  maxClasses?: number;
  maxExamples?: number;
  name?: string;
  /** Recorded in provenance.command. */
  command?: string;
  date?: string;
}

/** D up to 65,536 numbers, the API's limit on one input row. */
export const MAX_EMBEDDING_DIM = 65_536;

/**
 * Defaults, chosen on seeded synthetic clusters (src/tasks/embedding-clusters.ts, D = 384, 5-way,
 * 30 episodes; docs/embeddings.md): L2 beats raw vectors (5-shot prototypes 80% vs 66%); scale 2 then
 * 20 steps at lr 2 reach 93% (prototypes alone 80%; scale 4: 87%, scale 3: 92%). At 1 shot steps
 * change little (51% → 52%), as expected: there is nothing to fit beyond the prototype.
 */
export const EMBEDDING_DEFAULTS = { normalize: 'l2', scale: 2, steps: 20, lr: 2, maxClasses: 50, maxExamples: 500 } as const;

export class EmbeddingModelError extends Error {}

/** The model data of an embedding-input bundle (encode it with `encodeBundle`). */
export function embeddingModel(opts: EmbeddingModelOptions): Omit<ModelData, 'id'> {
  const { dim } = opts;
  const normalize = opts.normalize ?? EMBEDDING_DEFAULTS.normalize;
  const bad = (m: string): never => {
    throw new EmbeddingModelError(m);
  };
  if (!Number.isSafeInteger(dim) || dim < 1 || dim > MAX_EMBEDDING_DIM) bad(`dim must be an integer in [1, ${MAX_EMBEDDING_DIM}], got ${dim}`);
  if (opts.scale !== undefined && normalize !== 'l2') bad("scale only applies with normalize 'l2'");
  const scale = opts.scale ?? EMBEDDING_DEFAULTS.scale;
  if (!(scale > 0 && scale <= 1e4)) bad(`scale must be in (0, 10000], got ${scale}`);
  const steps = opts.steps ?? EMBEDDING_DEFAULTS.steps;
  const lr = opts.lr ?? EMBEDDING_DEFAULTS.lr;
  const maxSteps = Math.max(100, steps);
  if (!Number.isSafeInteger(steps) || steps < 0 || steps > 10_000) bad(`steps must be an integer in [0, 10000], got ${steps}`);
  if (!(lr > 0 && lr <= 100)) bad(`lr must be in (0, 100], got ${lr}`);
  const maxClasses = opts.maxClasses ?? EMBEDDING_DEFAULTS.maxClasses;
  const maxExamples = opts.maxExamples ?? EMBEDDING_DEFAULTS.maxExamples;
  if (!Number.isSafeInteger(maxClasses) || maxClasses < 2 || maxClasses > 1000) bad(`max classes must be an integer in [2, 1000], got ${maxClasses}`);
  if (!Number.isSafeInteger(maxExamples) || maxExamples < 2 || maxExamples > 10_000) bad(`max examples must be an integer in [2, 10000], got ${maxExamples}`);
  const body: Layer[] = normalize === 'l2' ? [scale === 1 ? { kind: 'l2Normalize' } : { kind: 'l2Normalize', scale }] : [];
  const defaults: AdaptationDefaults = {
    scope: 'head',
    steps,
    lr,
    lrMode: 'scalar',
    headInit: 'prototype',
    limits: { minSteps: 0, maxSteps, minLr: 1e-4, maxLr: Math.max(10, lr), maxClasses, maxExamples },
  };
  return {
    name: opts.name ?? `embedding-${dim}`,
    spec: { inputShape: [dim], task: 'classification', body, head: [{ kind: 'dense', name: 'out', units: 'ways' }] },
    defaults,
    provenance: {
      algorithm: 'prototype',
      dataset: 'none (embedding input: no trained weights)',
      inputKind: 'embedding',
      normalize,
      ...(opts.command ? { command: opts.command } : {}),
      ...(opts.date ? { date: opts.date } : {}),
    },
    tensors: {},
  };
}
