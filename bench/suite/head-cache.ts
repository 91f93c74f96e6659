// predict() with the model's head cache (src/engine/head-cache.ts) against the same model without
// it (createModel's `headCache: 0`: the head uploaded and its late block folded on every call, as
// every predict did before the cache): one bundle created twice, the same head and queries, timed in
// alternating batches in the same isolate. Also a cache that misses on every call (more heads in
// turn than it holds), which is what a predict with a head new to the isolate costs.
import * as tf from '@tensorflow/tfjs-core';
import { adapt, createModel, predict } from '../../src/engine/index';
import { DEFAULT_HEAD_CACHE } from '../../src/engine/head-cache';
import { uniqueSupport } from './app-requests';
import { pairOptions, timePair } from './stats';
import type { Head } from '../../src/head/head';
import type { ModelData } from '../../src/spec/model-spec';
import type { CaseBInputs } from './case-b';
import type { Stats } from './stats';

export interface HeadCacheResult {
  /** The same head every call: cached (after the first) / uploaded and folded every call. */
  cached_ms: Stats;
  uncached_ms: Stats;
  /** A different head every call through the cache (always a miss) / no cache, same heads. */
  miss_ms: Stats;
  miss_uncached_ms: Stats;
  /** Head params the timed head carries (names), and whether they override a folded block. */
  head_params: string[];
  /** The cached and uncached predictions of the 5 queries are the same objects, value for value. */
  identical: boolean;
}

/** Times predict() with and without the head cache on one model's data (bring up the backend first). */
export async function benchHeadCache(data: ModelData, inputs: CaseBInputs, opts: { quick: boolean }): Promise<HeadCacheResult> {
  const tensors = tf.memory().numTensors;
  const cached = createModel(data);
  const plain = createModel(data, { headCache: 0 });
  let result: HeadCacheResult;
  try {
    const q = inputs.queries;
    const head = adapt(plain, inputs.supports[0]!).head;
    const [hit, none] = await timePair(() => predict(cached, head, q), () => predict(plain, head, q), pairOptions(opts.quick));
    // One more head than the cache holds, in turn: every call misses (LRU).
    const heads: Head[] = Array.from({ length: DEFAULT_HEAD_CACHE + 1 }, (_, i) => adapt(plain, uniqueSupport(inputs.supports[i % inputs.supports.length]!, 700_000 + i)).head);
    let i = 0;
    let j = 0;
    const [miss, missNone] = await timePair(() => predict(cached, heads[i++ % heads.length]!, q), () => predict(plain, heads[j++ % heads.length]!, q), pairOptions(opts.quick));
    result = {
      cached_ms: hit,
      uncached_ms: none,
      miss_ms: miss,
      miss_uncached_ms: missNone,
      head_params: Object.keys(head.params),
      identical: JSON.stringify(predict(cached, head, q)) === JSON.stringify(predict(plain, head, q)),
    };
  } finally {
    cached.dispose();
    plain.dispose();
  }
  if (tf.memory().numTensors !== tensors) throw new Error('the head cache case leaked tensors');
  return result;
}
