import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { metaTrain } from '../../src/algorithms/meta-train';
import { glyphSpec, initTensors, sineSpec } from '../../src/algorithms/models';
import { getAlgorithm } from '../../src/algorithms/registry';
import { loadGlyphsFromDisk } from '../../cli/glyphs-data';
import { iterationSeed } from '../../cli/train/setup';
import { disposeBatch, toBatch } from '../../src/tasks/batch';
import { getTasks } from '../../src/tasks/registry';
import { initNodeBackend } from '../../wasm/node';
import type { AlgoConfig, AlgoName } from '../../src/algorithms/types';
import type { GlyphDataset } from '../../src/data/glyphs';
import type { NamedTensor } from '../../src/spec/model-spec';
import type { TaskBatch } from '../../src/tasks/batch';

let dataset: GlyphDataset;

/** The algorithm's own post-adaptation loss on a fixed held-out batch (no update). */
function ownLoss(cfg: AlgoConfig, algo: AlgoName, tensors: Record<string, NamedTensor>, batch: TaskBatch, classes: number): number {
  return tf.tidy(() => {
    const p = Object.fromEntries(Object.entries(tensors).map(([n, t]) => [n, tf.tensor(t.data, t.shape, 'float32')]));
    // Transfer has no inner loop of its own: its post-adaptation loss is the deployed one (fine-tuning).
    const measure: AlgoName = algo === 'transfer' ? (cfg.spec.task === 'regression' ? 'maml' : 'protomaml') : algo;
    return getAlgorithm(measure, cfg, classes).step(p, batch).loss.dataSync()[0]!;
  });
}

async function improves(task: 'sinusoid' | 'glyphs', algo: AlgoName, iterations: number): Promise<{ before: number; after: number; leaked: number; perStep: number[] }> {
  const glyphs = task === 'glyphs';
  const spec = glyphs ? glyphSpec(8) : sineSpec(40);
  const ways = glyphs ? 5 : 1;
  const cfg: AlgoConfig = { spec, innerSteps: glyphs ? 2 : 1, innerLr: glyphs ? 0.1 : 0.01, ways };
  const classes = glyphs ? dataset.index.classes.length : 0;
  const algorithm = getAlgorithm(algo, cfg, classes);
  const base = initTensors(spec, 7);
  const init = { ...base, ...algorithm.extraInit(base) };
  const opts = { shots: glyphs ? 1 : 10, queries: glyphs ? 3 : 10, ways, ...(glyphs ? { dataset } : {}) };
  const B = glyphs ? 4 : 25;
  const batch = (it: number): TaskBatch => {
    const src = getTasks(task, { seed: iterationSeed(42, it), ...opts }).train;
    return toBatch(Array.from({ length: B }, () => src.next()), spec.inputShape);
  };
  const held = (() => {
    const src = getTasks(task, { seed: 999, ...opts }).validation;
    // Validation streams of the sinusoid use the 100-point grid; any fixed tasks will do here.
    return toBatch(Array.from({ length: glyphs ? 8 : 50 }, () => src.next()), spec.inputShape);
  })();
  const before = ownLoss(cfg, algo, init, held, classes);
  const start = tf.memory().numTensors;
  const perStep: number[] = [];
  const final = await metaTrain({ algorithm, start: init, iterations, outerLr: glyphs ? 3e-3 : 1e-2, batch, onIteration: () => perStep.push(tf.memory().numTensors) });
  const leaked = tf.memory().numTensors - start;
  const after = ownLoss(cfg, algo, final.tensors, held, classes);
  disposeBatch(held);
  return { before, after, leaked, perStep };
}

describe('every algorithm lowers its own post-adaptation loss on a small seeded budget', () => {
  beforeAll(async () => {
    await initNodeBackend();
    dataset = await loadGlyphsFromDisk();
  });

  for (const algo of ['maml', 'fomaml', 'reptile', 'anil', 'metasgd', 'transfer'] as const) {
    it(`sinusoid: ${algo}`, async () => {
      const r = await improves('sinusoid', algo, 60);
      expect(r.after).toBeLessThan(0.85 * r.before);
      expect(r.leaked).toBe(0);
      // Every iteration is tidied: the live tensor count is flat from the second iteration on.
      expect(new Set(r.perStep.slice(1)).size).toBe(1);
    });
  }

  for (const algo of ['protonet', 'protomaml', 'protofilm', 'anil', 'maml', 'fomaml', 'reptile', 'metasgd', 'transfer'] as const) {
    it(`glyphs (conv-4, 8 filters): ${algo}`, async () => {
      // Pre-training a 1,599-way softmax needs more steps before prototypes of unseen classes improve.
      const r = await improves('glyphs', algo, algo === 'transfer' ? 100 : 25);
      expect(r.after).toBeLessThan(r.before);
      expect(r.leaked).toBe(0);
      expect(new Set(r.perStep.slice(1)).size).toBe(1);
    });
  }
});
