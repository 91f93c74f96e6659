import { adapt, createModel } from '../../src/engine/index';
import { encodeHead } from '../../src/head/codec';
import { classSupport, convModel, embeddingModel, sinusoidModel, sinusoidSupport, imageSupport } from './model-fixtures';
import type { AdaptOptions, SupportSet } from '../../src/engine/index';
import type { ModelData } from '../../src/spec/model-spec';

/**
 * Deterministic adaptations checked in every runtime against `golden.json` (written by
 * `npx tsx test/engine/golden-generate.ts` on the wasm backend): the same seeded inputs must give
 * the same head bytes in Node and in workerd. No node:* imports here.
 */
export const GOLDEN_CASES: Record<string, () => { data: ModelData; support: SupportSet; opts: AdaptOptions }> = {
  'prototype-64x5-fast': () => ({ data: embeddingModel(101), support: classSupport(102, 64, 5, 5, undefined, 0.5, 0.15), opts: { path: 'fast' } }),
  'prototype-64x5-autodiff': () => ({ data: embeddingModel(101), support: classSupport(102, 64, 5, 5, undefined, 0.5, 0.15), opts: { path: 'autodiff' } }),
  'sinusoid-all': () => ({ data: sinusoidModel(103), support: sinusoidSupport(104, 10), opts: { steps: 10, lr: 0.01 } }),
  'conv-all': () => {
    const data = convModel(105);
    return { data: { ...data, defaults: { ...data.defaults, scope: 'all', lr: 0.05 } }, support: imageSupport(106, 3, 2, 2), opts: { steps: 2 } };
  },
  // The fused late-block kernel (the default path once it is installed), and the same on tfjs autodiff.
  'conv-late-adam-guard': () => {
    const data = convModel(107);
    return { data: { ...data, defaults: { ...data.defaults, scope: 'late', lateBlocks: 1, optimizer: 'adam', guard: 'split', lr: 0.01 } }, support: imageSupport(108, 3, 4, 0.8), opts: { steps: 5 } };
  },
  'conv-late-adam-guard-autodiff': () => {
    const data = convModel(107);
    return { data: { ...data, defaults: { ...data.defaults, scope: 'late', lateBlocks: 1, optimizer: 'adam', guard: 'split', lr: 0.01 } }, support: imageSupport(108, 3, 4, 0.8), opts: { steps: 5, path: 'autodiff' } };
  },
};

export interface GoldenResult {
  /** Hex SHA-256 of the encoded head. */
  head: string;
  lossBefore: number;
  lossAfter: number;
}

/** Runs every golden case on the current backend. */
export async function goldenResults(): Promise<Record<string, GoldenResult>> {
  const out: Record<string, GoldenResult> = {};
  for (const [name, make] of Object.entries(GOLDEN_CASES)) {
    const { data, support, opts } = make();
    const model = createModel(data);
    try {
      const r = adapt(model, support, opts);
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', (await encodeHead(r.head)) as BufferSource));
      out[name] = { head: Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join(''), lossBefore: r.loss.before, lossAfter: r.loss.after };
    } finally {
      model.dispose();
    }
  }
  return out;
}
