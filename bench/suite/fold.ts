// The frozen forward with batch norms folded (one FusedConv2D per block, src/engine/fold.ts) against
// the same model run layer by layer (conv2d, add, batchNorm, relu): one bundle created twice
// (createModel's `fold` option), same inputs, same isolate, timed in alternating batches so a load
// change hits both alike. Body forward of the 25 support images, predict of 5 queries with an adapted
// head, and the whole 5-way 5-shot adapt() (the compute of an adapt request) with its default steps
// and with none (what the frozen forward alone saves).
import * as tf from '@tensorflow/tfjs-core';
import { adapt, createModel, predict } from '../../src/engine/index';
import { timeOptions, timePair } from './stats';
import type { Model, SupportSet } from '../../src/engine/index';
import type { ModelData } from '../../src/spec/model-spec';
import type { CaseBInputs } from './case-b';
import type { Stats } from './stats';

type Measures = { embed_ms: Stats; predict_ms: Stats; adapt_ms: Stats; adapt_steps0_ms: Stats };

export interface FoldResult {
  folded: Measures;
  layer_by_layer: Measures;
  /** Layer by layer p50 ÷ folded p50, per measure. */
  speedup: { embed: number; predict: number; adapt: number; adapt_steps0: number };
  /** max |folded − layer by layer| over the support embeddings, and the largest |embedding|. */
  embed_max_abs_diff: number;
  embed_max_abs: number;
  /** Predicted labels of the 5 queries that differ between the two (same head). */
  predict_label_changes: number;
}

function embedOf(model: Model, x: number[][]): Float32Array {
  return tf.tidy(() => Float32Array.from(model.embed(tf.tensor2d(x), model.frozenForward).dataSync()));
}

/** Times folded vs layer by layer on one model's data (bring up the backend first). */
export async function benchFold(data: ModelData, inputs: CaseBInputs, opts: { quick: boolean }): Promise<FoldResult> {
  const tensors = tf.memory().numTensors;
  const folded = createModel(data);
  const plain = createModel(data, { fold: false });
  let result: FoldResult;
  try {
    const t = timeOptions(opts.quick, true);
    const x = inputs.supports[0]!.inputs;
    let i = 0;
    let j = 0;
    const nextA = (): SupportSet => inputs.supports[i++ % inputs.supports.length]!;
    const nextB = (): SupportSet => inputs.supports[j++ % inputs.supports.length]!;
    const head = adapt(plain, inputs.supports[0]!).head;
    const [embedF, embedP] = await timePair(() => embedOf(folded, x), () => embedOf(plain, x), t);
    const [predictF, predictP] = await timePair(() => predict(folded, head, inputs.queries), () => predict(plain, head, inputs.queries), timeOptions(opts.quick));
    const [adaptF, adaptP] = await timePair(() => adapt(folded, nextA()), () => adapt(plain, nextB()), t);
    const [zeroF, zeroP] = await timePair(() => adapt(folded, nextA(), { steps: 0 }), () => adapt(plain, nextB(), { steps: 0 }), t);
    const ef = embedOf(folded, x);
    const ep = embedOf(plain, x);
    let diff = 0;
    let big = 0;
    ef.forEach((v, k) => {
      diff = Math.max(diff, Math.abs(v - ep[k]!));
      big = Math.max(big, Math.abs(ep[k]!));
    });
    const labels = (m: Model) => predict(m, head, inputs.queries).map((p) => ('label' in p ? p.label : null));
    const lf = labels(folded);
    const lp = labels(plain);
    const ratio = (p: Stats, f: Stats): number => p.p50 / f.p50;
    result = {
      folded: { embed_ms: embedF, predict_ms: predictF, adapt_ms: adaptF, adapt_steps0_ms: zeroF },
      layer_by_layer: { embed_ms: embedP, predict_ms: predictP, adapt_ms: adaptP, adapt_steps0_ms: zeroP },
      speedup: { embed: ratio(embedP, embedF), predict: ratio(predictP, predictF), adapt: ratio(adaptP, adaptF), adapt_steps0: ratio(zeroP, zeroF) },
      embed_max_abs_diff: diff,
      embed_max_abs: big,
      predict_label_changes: lf.filter((l, k) => l !== lp[k]).length,
    };
  } finally {
    folded.dispose();
    plain.dispose();
  }
  if (tf.memory().numTensors !== tensors) throw new Error('the fold case leaked tensors');
  return result;
}
