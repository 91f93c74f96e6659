import { createRng } from '../../src/util/random';
import type { Rng } from '../../src/util/random';
import type { AdaptationDefaults, Layer, ModelData, NamedTensor, TaskKind } from '../../src/spec/model-spec';
import type { SupportSet } from '../../src/engine/index';

/** Seeded ModelData for engine tests (Node and workerd: no node:* imports here). */

export const LIMITS = { minSteps: 0, maxSteps: 100, minLr: 0, maxLr: 10, maxClasses: 20, maxExamples: 500 };

export function defaults(over: Partial<AdaptationDefaults> = {}): AdaptationDefaults {
  return { scope: 'head', steps: 10, lr: 0.5, lrMode: 'scalar', headInit: 'prototype', limits: { ...LIMITS }, ...over };
}

/** A tensor of N(0, std²) values. */
export function randn(rng: Rng, shape: number[], std = 1): NamedTensor {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = rng.normal() * std;
  return { shape, data };
}

function model(id: string, inputShape: number[], task: TaskKind, body: Layer[], head: Layer[], d: AdaptationDefaults, tensors: Record<string, NamedTensor>): ModelData {
  return { id, name: id, spec: { inputShape, task, body, head }, defaults: d, provenance: { algorithm: 'test', dataset: 'synthetic' }, tensors };
}

export interface FixtureOptions {
  headInit?: 'prototype' | 'learned';
  /** Fixed labels of a learned head. */
  labels?: (string | number)[];
  lrMode?: 'scalar' | 'per-parameter';
  scope?: 'head' | 'all' | 'film' | 'late';
  task?: TaskKind;
  /** Any other adaptation defaults (lateBlocks, guard, optimizer, …). */
  more?: Partial<AdaptationDefaults>;
}

/** Dense head params (and Meta-SGD lrs when asked) for a learned head with `k` outputs. */
function denseHead(rng: Rng, name: string, d: number, k: number, o: FixtureOptions, t: Record<string, NamedTensor>, weights = true): void {
  if (weights) {
    t[`head/${name}/kernel`] = randn(rng, [d, k], 1 / Math.sqrt(d));
    t[`head/${name}/bias`] = randn(rng, [k], 0.1);
  }
  if (o.lrMode === 'per-parameter') {
    t[`lr/head/${name}/kernel`] = { shape: [d, k], data: Float32Array.from({ length: d * k }, () => 0.2 + 0.6 * rng.next()) };
    t[`lr/head/${name}/bias`] = { shape: [k], data: Float32Array.from({ length: k }, () => 0.2 + 0.6 * rng.next()) };
  }
}

function headDefaults(o: FixtureOptions, task: TaskKind): AdaptationDefaults {
  const headInit = o.headInit ?? (task === 'regression' ? 'learned' : 'prototype');
  return defaults({ headInit, lrMode: o.lrMode ?? 'scalar', scope: o.scope ?? 'head', ...(o.labels ? { labels: o.labels } : {}), ...o.more });
}

/** Identity body over `dim`-d embeddings, one dense head ('ways' with prototype init). */
export function embeddingModel(seed: number, dim = 64, o: FixtureOptions = {}): ModelData {
  const rng = createRng(seed);
  const task = o.task ?? 'classification';
  const d = headDefaults(o, task);
  const t: Record<string, NamedTensor> = {};
  const k = task === 'regression' ? 1 : o.labels?.length;
  if (d.headInit === 'learned') denseHead(rng, 'out', dim, k!, o, t);
  // Meta-SGD lrs trained with 7 ways: the engine averages them per input feature for other class counts.
  else if (o.lrMode === 'per-parameter') denseHead(rng, 'out', dim, 7, o, t, false);
  return model(`emb-${seed}`, [dim], task, [{ kind: 'identity' }], [{ kind: 'dense', name: 'out', units: d.headInit === 'learned' ? k! : 'ways' }], d, t);
}

/** Dense body 16 → 32 (relu), dense head. */
export function denseModel(seed: number, o: FixtureOptions = {}): ModelData {
  const rng = createRng(seed);
  const d = headDefaults(o, 'classification');
  const t: Record<string, NamedTensor> = { 'body/fc/kernel': randn(rng, [16, 32], 0.35), 'body/fc/bias': randn(rng, [32], 0.1) };
  if (d.headInit === 'learned') denseHead(rng, 'out', 32, o.labels!.length, o, t);
  const units = d.headInit === 'learned' ? o.labels!.length : ('ways' as const);
  return model(`dense-${seed}`, [16], 'classification', [{ kind: 'dense', name: 'fc', units: 32 }, { kind: 'relu' }], [{ kind: 'dense', name: 'out', units }], d, t);
}

/** conv2d → batchNorm → relu → maxPool, twice, then flatten, over 28×28×1; dense head. */
export function convModel(seed: number, o: FixtureOptions = {}, filters = 4): ModelData {
  const rng = createRng(seed);
  const d = headDefaults(o, 'classification');
  const t: Record<string, NamedTensor> = {};
  const body: Layer[] = [];
  let cin = 1;
  for (const b of [1, 2]) {
    t[`body/conv${b}/kernel`] = randn(rng, [3, 3, cin, filters], Math.sqrt(2 / (9 * cin)));
    t[`body/conv${b}/bias`] = randn(rng, [filters], 0.05);
    t[`body/bn${b}/gamma`] = { shape: [filters], data: Float32Array.from({ length: filters }, () => 0.8 + 0.4 * rng.next()) };
    t[`body/bn${b}/beta`] = randn(rng, [filters], 0.1);
    t[`body/bn${b}/movingMean`] = randn(rng, [filters], 0.1);
    t[`body/bn${b}/movingVariance`] = { shape: [filters], data: Float32Array.from({ length: filters }, () => 0.5 + rng.next()) };
    body.push({ kind: 'conv2d', name: `conv${b}`, filters, kernelSize: 3, padding: 'same' }, { kind: 'batchNorm', name: `bn${b}` }, { kind: 'relu' }, { kind: 'maxPool', size: 2 });
    cin = filters;
  }
  body.push({ kind: 'flatten' });
  const dim = 7 * 7 * filters;
  if (d.headInit === 'learned') denseHead(rng, 'out', dim, o.labels!.length, o, t);
  const units = d.headInit === 'learned' ? o.labels!.length : ('ways' as const);
  return model(`conv-${seed}`, [28, 28, 1], 'classification', body, [{ kind: 'dense', name: 'out', units }], d, t);
}

/** The sinusoid MLP 1-40-40-1 (relu), regression, MAML-style scope 'all'. */
export function sinusoidModel(seed: number, o: FixtureOptions = {}): ModelData {
  const rng = createRng(seed);
  const t: Record<string, NamedTensor> = {
    'body/fc1/kernel': randn(rng, [1, 40], 1),
    'body/fc1/bias': randn(rng, [40], 0.5),
    'body/fc2/kernel': randn(rng, [40, 40], Math.sqrt(2 / 40)),
    'body/fc2/bias': randn(rng, [40], 0.1),
    'head/out/kernel': randn(rng, [40, 1], Math.sqrt(1 / 40)),
    'head/out/bias': randn(rng, [1], 0.1),
  };
  const d = defaults({ scope: o.scope ?? 'all', headInit: 'learned', lr: 0.01, lrMode: o.lrMode ?? 'scalar' });
  if (o.lrMode === 'per-parameter') {
    for (const [name, v] of Object.entries({ ...t })) t[`lr/${name}`] = { shape: v.shape, data: Float32Array.from(v.data, () => 0.005 + 0.01 * rng.next()) };
  }
  const body: Layer[] = [{ kind: 'dense', name: 'fc1', units: 40 }, { kind: 'relu' }, { kind: 'dense', name: 'fc2', units: 40 }, { kind: 'relu' }];
  return model(`sine-${seed}`, [1], 'regression', body, [{ kind: 'dense', name: 'out', units: 1 }], d, t);
}

/**
 * `ways` clusters of `shots` inputs each, labelled by `labels` (default 'c0', 'c1', ...), interleaved.
 * Centres are N(0, scale²) per value, examples add N(0, (spread·scale)²) noise.
 */
export function classSupport(seed: number, inputSize: number, ways: number, shots: number, labels?: (string | number)[], spread = 0.5, scale = 1): SupportSet {
  const rng = createRng(seed);
  const centres = Array.from({ length: ways }, () => Array.from({ length: inputSize }, () => scale * rng.normal()));
  const inputs: number[][] = [];
  const out: (string | number)[] = [];
  for (let s = 0; s < shots; s++) {
    for (let c = 0; c < ways; c++) {
      inputs.push(centres[c]!.map((v) => v + spread * scale * rng.normal()));
      out.push(labels?.[c] ?? `c${c}`);
    }
  }
  return { inputs, labels: out };
}

/** Clustered images in [0, 1]: each class a random pattern plus noise (`spread` relative to the pattern). */
export function imageSupport(seed: number, ways: number, shots: number, spread = 0.3): SupportSet {
  const rng = createRng(seed);
  const s = classSupport(seed, 784, ways, shots, undefined, spread);
  return { inputs: s.inputs.map((row) => row.map((v) => Math.min(1, Math.max(0, 0.5 + 0.3 * v + 0.01 * rng.next())))), labels: s.labels };
}

/** K points of a seeded sine task: amplitude U[0.1, 5], phase U[0, π], x U[−5, 5]. */
export function sinusoidSupport(seed: number, k: number): SupportSet {
  const rng = createRng(seed);
  const amp = 0.1 + 4.9 * rng.next();
  const phase = Math.PI * rng.next();
  const inputs = Array.from({ length: k }, () => [-5 + 10 * rng.next()]);
  return { inputs, labels: inputs.map(([x]) => amp * Math.sin(x! - phase)) };
}
