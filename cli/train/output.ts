import * as tf from '@tensorflow/tfjs-core';
import { fitBatchNormStats } from '../../src/algorithms/batch-norm-stats';
import { createGlyphSource } from '../../src/tasks/glyph-tasks';
import type { GlyphDataset } from '../../src/data/glyphs';
import type { AdaptationDefaults, ModelData, ModelSpec, NamedTensor, Provenance } from '../../src/spec/model-spec';
import { defaultName } from './options';
import type { TrainOptions } from './options';

/** Images for fitting stored batch-norm statistics (a fixed, seeded sample of meta-train images). */
export function statsSample(dataset: GlyphDataset, seed: number, n = 400): Float32Array {
  const ways = Math.min(100, n);
  const shots = Math.ceil(n / ways);
  const ep = createGlyphSource(dataset, 'train', { ways, shots, queries: 0, seed: seed ^ 0x51ed270b }).next();
  return ep.support.x.subarray(0, n * dataset.pixelsPerImage);
}

const mean = (t: NamedTensor): number => t.data.reduce((a, b) => a + b, 0) / t.data.length;

/** The adaptation defaults a trained bundle ships with. */
export function deployDefaults(o: TrainOptions, tensors: Record<string, NamedTensor>): AdaptationDefaults {
  if (o.task === 'sinusoid') {
    return {
      scope: 'all', steps: o.deploySteps, lr: o.deployLr, lrMode: o.algo === 'metasgd' ? 'per-parameter' : 'scalar', headInit: 'learned',
      limits: { minSteps: 0, maxSteps: 100, minLr: 1e-5, maxLr: 1, maxClasses: 1, maxExamples: 500 },
    };
  }
  // A 'ways' head cannot store per-element lrs (its size is the support set's): Meta-SGD ships their mean.
  const lr = o.algo === 'metasgd' && tensors['lr/head/out/kernel'] ? mean(tensors['lr/head/out/kernel']) : o.deployLr;
  return {
    scope: o.algo === 'protofilm' ? 'film' : 'head', steps: o.deploySteps, lr, lrMode: 'scalar', headInit: 'prototype',
    limits: { minSteps: 0, maxSteps: 100, minLr: 1e-5, maxLr: Math.max(1, 10 * lr), maxClasses: 50, maxExamples: 1000 },
  };
}

/** The deployable model of a training state: spec tensors only (+ Meta-SGD lrs), fitted batch-norm statistics. */
export function toModelData(o: TrainOptions, spec: ModelSpec, raw: Record<string, NamedTensor>, provenance: Provenance, dataset?: GlyphDataset): Omit<ModelData, 'id'> {
  const defaults = deployDefaults(o, raw);
  const keep = (n: string): boolean => {
    if (n.startsWith('lr/')) return defaults.lrMode === 'per-parameter';
    if (n.startsWith('pretrain/')) return false;
    return o.task === 'sinusoid' || n.startsWith('body/');
  };
  const tensors: Record<string, NamedTensor> = Object.fromEntries(Object.entries(raw).filter(([n]) => keep(n)));
  if (dataset) {
    const x = statsSample(dataset, o.seed);
    const input = tf.tensor4d(x, [x.length / dataset.pixelsPerImage, dataset.size, dataset.size, 1]);
    try {
      Object.assign(tensors, fitBatchNormStats(spec, tensors, input));
    } finally {
      input.dispose();
    }
  }
  // Named after the output file, never after a shipped model (`--out my.fsb` → `my`).
  const name = o.name ?? defaultName(o.out);
  return { name, spec, defaults, provenance, tensors };
}
