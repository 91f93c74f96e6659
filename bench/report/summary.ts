// The one JSON object `npm run bench -- --json` prints: per runtime the headline numbers (p50, ms),
// top-level sizes, and each target with its measured value. Pure (no I/O), so it is unit-tested.
import { percentile } from '../suite/stats';
import type { FoldResult } from '../suite/fold';
import type { HeadCacheResult } from '../suite/head-cache';
import type { RuntimeResult } from '../suite/in-runtime';

/** First two requests to an isolate started ahead of them (bench/node/workerd-runs.ts). */
export interface StartedRuns {
  preload: { first: { server_total_ms: number }; second: { server_total_ms: number } }[];
  no_preload: { first: { server_total_ms: number }; second: { server_total_ms: number } }[];
}

export const SUMMARY_SCHEMA = 'fewshot-edge-bench/1';
const MiB = 1024 * 1024;

/** Cold runs of one runtime: stage timings from fresh isolates/processes, and the app's first requests. */
export interface ColdRuns {
  parts: Record<string, number | boolean>[];
  app: Record<string, unknown>[];
}

export interface RuntimeSummary {
  adapt: {
    naive_ms: number;
    autodiff_ms: number;
    fast_ms: number;
    fused_ms: number | null;
    fused_kernel_only_ms: number | null;
    naive_over_fast: number;
    naive_over_fused: number | null;
    peak_gflops: number | null;
    fused_time_over_flop_bound: number | null;
  };
  /** Case (b): predict of 5 glyphs with an adapted head, engine call. */
  predict_ms: number;
  /** Median over fresh isolates: module evaluation + the first adapt request arriving at once (isolate start on the request path). */
  cold_first_request_ms: number | null;
  /** Median in-isolate time (Server-Timing total) of the first adapt request to an isolate started ahead of it (workerd only). */
  cold_first_request_prewarmed_ms: number | null;
  bundle_decode_ms: number;
  glyphs: Record<string, number | string | null>;
  /** The previous default glyphs model in the same run (bundles/glyphs-v2.fsb, scope film), and current ÷ previous. */
  glyphs_previous: { adapt_ms: number; predict_ms: number; adapt_ratio: number; predict_ratio: number } | null;
  sine: { adapt_ms: number; kernels_per_step: number };
  /** The glyphs model's frozen forward with batch norms folded vs layer by layer, same run (p50 ms; speedup = layer by layer ÷ folded). */
  fold: Record<'embed' | 'predict' | 'adapt' | 'adapt_steps0', { folded_ms: number; layer_by_layer_ms: number; speedup: number }> | null;
  /**
   * predict() of the glyphs model with its head cache vs without (the head uploaded and folded every
   * call), same run: the same head every call (`hit`), and a new head every call (`miss`: through the
   * cache, which then only adds its bookkeeping). speedup = without ÷ with.
   */
  head_cache: Record<'hit' | 'miss', { cached_ms: number; uncached_ms: number; speedup: number }> | null;
  cold: {
    runs: number;
    module_eval_ms: number | null;
    first_request_ms: number | null;
    parts: Record<string, number>;
    /** First request to an isolate started ahead: with the start-up preload (worker/index.ts) and without it. */
    prewarmed: { preload_ms: number | null; no_preload_ms: number | null; preload_second_ms: number | null; no_preload_second_ms: number | null } | null;
  };
  /** Max growth of (tfjs heap + fused memory) over the heap runs (see RuntimeResult.heap). */
  wasm_heap_growth_bytes: number;
}

export interface HttpSummary {
  requests_per_kind: number;
  cold_first_request_ms: number;
  adapt_miss: { p50: number; p90: number; p99: number; server_adapt_mean_ms: number | null };
  adapt_hit: { p50: number; p90: number; p99: number };
  predict: { p50: number; p90: number; p99: number };
}

export interface Target {
  name: string;
  target: string;
  measured: number | null;
  unit: string;
  met: boolean | null;
}

export interface Summary {
  schema: string;
  date: string;
  quick: boolean;
  machine: { cpus: number; cpu_model: string; node: string; load_average_start: number[]; load_average_end: number[] };
  node: RuntimeSummary | null;
  workerd: RuntimeSummary | null;
  http: HttpSummary | null;
  upload_bytes_gzip: number | null;
  wasm_heap_growth_bytes: number | null;
  targets: Target[];
}

/** Median of a numeric field over runs (null when no run has it). */
export function medianOf(runs: readonly Record<string, unknown>[], key: string): number | null {
  const xs = runs.map((r) => r[key]).filter((v): v is number => typeof v === 'number').sort((a, b) => a - b);
  return xs.length === 0 ? null : percentile(xs, 0.5);
}

const ratio = (a: number, b: number | undefined): number | null => (b === undefined || b <= 0 ? null : a / b);

function headCacheSummary(h: HeadCacheResult): NonNullable<RuntimeSummary['head_cache']> {
  const one = (a: HeadCacheResult['cached_ms'], b: HeadCacheResult['cached_ms']) => ({ cached_ms: a.p50, uncached_ms: b.p50, speedup: b.p50 / a.p50 });
  return { hit: one(h.cached_ms, h.uncached_ms), miss: one(h.miss_ms, h.miss_uncached_ms) };
}

function foldSummary(f: FoldResult): NonNullable<RuntimeSummary['fold']> {
  const one = (k: keyof FoldResult['folded']) => ({ folded_ms: f.folded[k].p50, layer_by_layer_ms: f.layer_by_layer[k].p50, speedup: f.layer_by_layer[k].p50 / f.folded[k].p50 });
  return { embed: one('embed_ms'), predict: one('predict_ms'), adapt: one('adapt_ms'), adapt_steps0: one('adapt_steps0_ms') };
}

/** The per-runtime headline numbers from a warm suite result and that runtime's cold runs. */
export function summarizeRuntime(r: RuntimeResult, cold: ColdRuns, started?: StartedRuns): RuntimeSummary {
  const a = r.case_a;
  const moduleEval = medianOf(cold.app, 'module_eval_ms');
  const firstRequest = medianOf(cold.app, 'first_request_ms');
  const firstTotals = cold.app.map((x) => ({ t: (x.module_eval_ms as number) + (x.first_request_ms as number) }));
  const partKeys = Object.keys(cold.parts[0] ?? {}).filter((k) => typeof cold.parts[0]![k] === 'number');
  const st = (runs: StartedRuns['preload'], which: 'first' | 'second') => medianOf(runs.map((x) => ({ t: x[which].server_total_ms })), 't');
  const prewarmed = started
    ? { preload_ms: st(started.preload, 'first'), no_preload_ms: st(started.no_preload, 'first'), preload_second_ms: st(started.preload, 'second'), no_preload_second_ms: st(started.no_preload, 'second') }
    : null;
  return {
    adapt: {
      naive_ms: a.naive_ms.p50,
      autodiff_ms: a.autodiff_ms.p50,
      fast_ms: a.fast_ms.p50,
      fused_ms: a.fused_ms?.p50 ?? null,
      fused_kernel_only_ms: a.kernel_only_ms?.p50 ?? null,
      naive_over_fast: a.naive_ms.p50 / a.fast_ms.p50,
      naive_over_fused: ratio(a.naive_ms.p50, a.fused_ms?.p50),
      peak_gflops: r.fused_probe?.peak_gflops ?? null,
      fused_time_over_flop_bound: r.fused_probe?.time_over_flop_bound ?? null,
    },
    predict_ms: r.case_b.predict_ms.p50,
    cold_first_request_ms: medianOf(firstTotals, 't'),
    cold_first_request_prewarmed_ms: prewarmed?.preload_ms ?? null,
    bundle_decode_ms: r.decode.decode_ms.p50,
    glyphs: {
      adapt_path: r.case_b.adapt_path,
      adapt_ms: r.case_b.adapt_ms.p50,
      adapt_fast_ms: r.case_b.adapt_fast_ms?.p50 ?? null,
      adapt_autodiff_ms: r.case_b.adapt_autodiff_ms.p50,
      embed_ms: r.case_b.embed_ms.p50,
      body_mflops_per_image: r.case_b.body_mflops_per_example,
      embed_gflops: r.case_b.embed_gflops,
      request_adapt_miss_ms: r.app.adapt_miss_ms.p50,
      request_adapt_miss_autodiff_ms: r.app_adapt_miss_autodiff_ms?.p50 ?? null,
      late_block_fused_ms: r.late_block?.fused_ms.p50 ?? null,
      late_block_autodiff_ms: r.late_block?.tfjs_autodiff_ms.p50 ?? null,
      late_block_autodiff_over_fused: r.late_block?.ratio_tfjs_over_fused ?? null,
      request_adapt_hit_ms: r.app.adapt_hit_ms.p50,
      request_predict_ms: r.app.predict_ms.p50,
      request_predict_cached_paired_ms: r.app.predict_cached_paired_ms.p50,
      request_predict_uncached_ms: r.app.predict_uncached_ms.p50,
      request_append_example_ms: r.examples_append?.append_ms.p50 ?? null,
      request_append_full_adapt_ms: r.examples_append?.adapt_ms.p50 ?? null,
    },
    glyphs_previous: r.case_b_previous
      ? { adapt_ms: r.case_b_previous.adapt_ms.p50, predict_ms: r.case_b_previous.predict_ms.p50, adapt_ratio: r.case_b.adapt_ms.p50 / r.case_b_previous.adapt_ms.p50, predict_ratio: r.case_b.predict_ms.p50 / r.case_b_previous.predict_ms.p50 }
      : null,
    sine: { adapt_ms: r.case_c.adapt_ms.p50, kernels_per_step: r.case_c.kernels_per_step },
    fold: r.fold ? foldSummary(r.fold) : null,
    head_cache: r.head_cache ? headCacheSummary(r.head_cache) : null,
    cold: { runs: cold.app.length, module_eval_ms: moduleEval, first_request_ms: firstRequest, parts: Object.fromEntries(partKeys.map((k) => [k, medianOf(cold.parts, k)!])), prewarmed },
    wasm_heap_growth_bytes: Math.max(r.heap.case_a.growth_bytes, r.heap.glyphs.growth_bytes),
  };
}

const at = (v: number | null | undefined, ok: (x: number) => boolean): boolean | null => (v === null || v === undefined ? null : ok(v));

/** Each target of issue 9 with the measured value it is judged on (workerd unless stated). */
export function targetsOf(s: Pick<Summary, 'workerd' | 'upload_bytes_gzip'>): Target[] {
  const w = s.workerd;
  const t = (name: string, target: string, measured: number | null | undefined, unit: string, ok: (x: number) => boolean): Target => ({ name, target, measured: measured ?? null, unit, met: at(measured, ok) });
  return [
    t('case (a) fused vs naive autodiff, workerd', '≥ 20×', w?.adapt.naive_over_fused, '×', (x) => x >= 20),
    t('case (a) fused time / SIMD FLOP bound, workerd', '≤ 10×', w?.adapt.fused_time_over_flop_bound, '×', (x) => x <= 10),
    t('case (b) whole adapt request, warm, workerd (in-isolate, no KV I/O)', '≤ 10 ms', w?.glyphs.request_adapt_miss_ms as number | undefined, 'ms', (x) => x <= 10),
    t('case (b) adapt request, default model (scope late, fused steps), warm, workerd', '≤ 20 ms', w?.glyphs.request_adapt_miss_ms as number | undefined, 'ms', (x) => x <= 20),
    t('case (b) predict request (5 inputs), warm, workerd', '≤ 3 ms', w?.glyphs.request_predict_ms as number | undefined, 'ms', (x) => x <= 3),
    t('cold: isolate start on the request path (module eval + first adapt request), workerd', '≤ 60 ms', w?.cold_first_request_ms, 'ms', (x) => x <= 60),
    t('cold: first adapt request to a fresh isolate started ahead (pre-warmed, preload), workerd', '≤ 60 ms', w?.cold_first_request_prewarmed_ms, 'ms', (x) => x <= 60),
    t('worker upload with the default bundle, gzip', '≤ 1 MiB', s.upload_bytes_gzip, 'B', (x) => x <= MiB),
  ];
}

/** Every key path the --json object must have (tests and the runner check against this). */
export const REQUIRED_KEYS: readonly string[] = [
  'schema', 'date', 'quick', 'machine.load_average_start', 'upload_bytes_gzip', 'wasm_heap_growth_bytes', 'targets',
  ...['node', 'workerd'].flatMap((r) =>
    ['adapt.naive_ms', 'adapt.fast_ms', 'adapt.fused_ms', 'adapt.naive_over_fast', 'adapt.naive_over_fused', 'predict_ms', 'cold_first_request_ms', 'bundle_decode_ms'].map((k) => `${r}.${k}`),
  ),
];

/** Key paths of REQUIRED_KEYS that are missing or not a number/boolean/string/array where one is due. */
export function missingKeys(o: unknown, keys: readonly string[] = REQUIRED_KEYS): string[] {
  return keys.filter((path) => {
    let v: unknown = o;
    for (const part of path.split('.')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
    return v === undefined;
  });
}
