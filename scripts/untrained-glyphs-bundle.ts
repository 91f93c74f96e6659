/**
 * A stand-in for bundles/glyphs.fsb while no trained one exists: the same shape (conv-4 body for
 * 28×28×1 inputs, prototype-initialised 'ways' head, ANIL scope) with seeded He-normal weights and
 * identity batch norm. Untrained: it tells a circle from a bar, not one alphabet's letters from another's.
 * Usage: tsx scripts/untrained-glyphs-bundle.ts OUT.fsb
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeBundle } from '../src/bundle/index';
import { createRng } from '../src/util/random';
import type { Layer, ModelData, NamedTensor } from '../src/spec/model-spec';

const FILTERS = 64;
const SEED = 20240607;

/** Encodes the untrained conv-4 + prototype-head glyphs bundle. */
export async function untrainedGlyphsBundle(): Promise<Uint8Array> {
  const rng = createRng(SEED);
  const body: Layer[] = [];
  const tensors: Record<string, NamedTensor> = {};
  let channels = 1;
  for (let i = 1; i <= 4; i++) {
    body.push({ kind: 'conv2d', name: `conv${i}`, filters: FILTERS, kernelSize: 3, padding: 'same' }, { kind: 'batchNorm', name: `bn${i}` }, { kind: 'relu' }, { kind: 'maxPool', size: 2 });
    const fanIn = 9 * channels;
    const kernel = new Float32Array(fanIn * FILTERS).map(() => rng.normal() * Math.sqrt(2 / fanIn));
    tensors[`body/conv${i}/kernel`] = { shape: [3, 3, channels, FILTERS], data: kernel };
    tensors[`body/conv${i}/bias`] = { shape: [FILTERS], data: new Float32Array(FILTERS) };
    tensors[`body/bn${i}/gamma`] = { shape: [FILTERS], data: new Float32Array(FILTERS).fill(1) };
    tensors[`body/bn${i}/beta`] = { shape: [FILTERS], data: new Float32Array(FILTERS) };
    tensors[`body/bn${i}/movingMean`] = { shape: [FILTERS], data: new Float32Array(FILTERS) };
    tensors[`body/bn${i}/movingVariance`] = { shape: [FILTERS], data: new Float32Array(FILTERS).fill(1) };
    channels = FILTERS;
  }
  body.push({ kind: 'flatten' });
  const model: Omit<ModelData, 'id'> = {
    name: 'glyphs-untrained',
    spec: { inputShape: [28, 28, 1], task: 'classification', body, head: [{ kind: 'dense', name: 'out', units: 'ways' }] },
    defaults: {
      scope: 'head',
      steps: 10,
      lr: 0.01,
      lrMode: 'scalar',
      headInit: 'prototype',
      limits: { minSteps: 0, maxSteps: 100, minLr: 1e-5, maxLr: 1, maxClasses: 20, maxExamples: 500 },
    },
    provenance: { algorithm: 'none (untrained stand-in)', dataset: 'none', seed: SEED, command: 'tsx scripts/untrained-glyphs-bundle.ts' },
    tensors,
  };
  return encodeBundle(model);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2];
  if (!out) throw new Error('usage: tsx scripts/untrained-glyphs-bundle.ts OUT.fsb');
  const bytes = await untrainedGlyphsBundle();
  writeFileSync(out, bytes);
  console.log(`${out}: ${bytes.length} bytes (untrained stand-in)`);
}
