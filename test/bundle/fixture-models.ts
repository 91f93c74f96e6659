import type { ModelData, ModelSpec, NamedTensor } from '../../src/spec/model-spec';
import { createRng } from '../../src/util/random';
import { specShapes } from '../../src/bundle/spec-shapes';

/**
 * The seeded models behind test/fixtures/*.fsb (written by scripts/make-fixture-bundle.ts). Tests in
 * Node and workerd regenerate them here to compare against what the decoder reads from the files.
 */
export const FIXTURE_DATE = '2026-01-01T00:00:00.000Z';

/** He-style kernels and small biases for every parameter of the spec, drawn in table order from one seed. */
export function seededTensors(spec: ModelSpec, seed: number): Record<string, NamedTensor> {
  const rng = createRng(seed);
  const out: Record<string, NamedTensor> = {};
  for (const p of specShapes(spec).params) {
    const n = p.shape.reduce((a, b) => a * b, 1);
    const fanIn = p.shape.length > 1 ? n / p.shape.at(-1)! : 1;
    const param = p.name.split('/').at(-1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      if (param === 'kernel') data[i] = rng.normal() * Math.sqrt(2 / fanIn);
      else if (param === 'movingVariance') data[i] = 0.5 + rng.next();
      else if (param === 'gamma') data[i] = 1 + 0.1 * rng.normal();
      else data[i] = 0.1 * rng.normal();
    }
    out[p.name] = { shape: p.shape, data };
  }
  return out;
}

/** tiny.fsb: 16 → dense 32 + relu body, prototype head sized per support set. */
export function tinyClassifier(): Omit<ModelData, 'id'> {
  const spec: ModelSpec = {
    inputShape: [16],
    task: 'classification',
    body: [{ kind: 'dense', name: 'fc1', units: 32 }, { kind: 'relu' }],
    head: [{ kind: 'dense', name: 'out', units: 'ways' }],
  };
  return {
    name: 'tiny',
    spec,
    defaults: {
      scope: 'head',
      steps: 10,
      lr: 0.5,
      lrMode: 'scalar',
      headInit: 'prototype',
      limits: { minSteps: 0, maxSteps: 100, minLr: 1e-4, maxLr: 10, maxClasses: 50, maxExamples: 500 },
    },
    provenance: { algorithm: 'fixture', dataset: 'seeded-random', seed: 1, date: FIXTURE_DATE, command: 'npx tsx scripts/make-fixture-bundle.ts' },
    tensors: seededTensors(spec, 1),
  };
}

/** tiny-sine.fsb: 1 → dense 8 + relu → dense 1, MAML-style (all layers) with Meta-SGD lrs. */
export function tinySine(): Omit<ModelData, 'id'> {
  const spec: ModelSpec = {
    inputShape: [1],
    task: 'regression',
    body: [{ kind: 'dense', name: 'fc1', units: 8 }, { kind: 'relu' }],
    head: [{ kind: 'dense', name: 'out', units: 1 }],
  };
  const tensors = seededTensors(spec, 2);
  const rng = createRng(3);
  for (const [name, t] of Object.entries(tensors)) {
    tensors[`lr/${name}`] = { shape: t.shape, data: Float32Array.from(t.data, () => 0.005 + 0.01 * rng.next()) };
  }
  return {
    name: 'tiny-sine',
    spec,
    defaults: {
      scope: 'all',
      steps: 5,
      lr: 0.01,
      lrMode: 'per-parameter',
      headInit: 'learned',
      limits: { minSteps: 0, maxSteps: 100, minLr: 1e-5, maxLr: 1, maxClasses: 1, maxExamples: 500 },
    },
    provenance: { algorithm: 'fixture', dataset: 'seeded-random', seed: 2, date: FIXTURE_DATE, command: 'npx tsx scripts/make-fixture-bundle.ts', metrics: { mse: 0.25 } },
    tensors,
  };
}

/** A ~100k-parameter conv model (4 conv+BN blocks of 32 filters, dense 288→256, 5-way learned head), for tests and the benchmark. */
export function convModel(seed = 4): Omit<ModelData, 'id'> {
  const block = (i: number, pool: boolean) => [
    { kind: 'conv2d' as const, name: `conv${i}`, filters: 32, kernelSize: 3, padding: 'same' as const },
    { kind: 'batchNorm' as const, name: `bn${i}` },
    { kind: 'relu' as const },
    ...(pool ? [{ kind: 'maxPool' as const, size: 2 }] : []),
  ];
  const spec: ModelSpec = {
    inputShape: [28, 28, 1],
    task: 'classification',
    body: [...block(1, true), ...block(2, true), ...block(3, true), ...block(4, false), { kind: 'flatten' }, { kind: 'dense', name: 'fc', units: 256 }, { kind: 'relu' }],
    head: [{ kind: 'dense', name: 'out', units: 5 }],
  };
  return {
    name: 'conv-100k',
    spec,
    defaults: {
      scope: 'head',
      steps: 10,
      lr: 0.1,
      lrMode: 'scalar',
      headInit: 'learned',
      labels: ['a', 'b', 'c', 'd', 'e'],
      limits: { minSteps: 0, maxSteps: 100, minLr: 1e-4, maxLr: 10, maxClasses: 50, maxExamples: 500 },
    },
    provenance: { algorithm: 'fixture', dataset: 'seeded-random', seed, date: FIXTURE_DATE },
    tensors: seededTensors(spec, seed),
  };
}
