import { describe, expect, it } from 'vitest';
import { renderTables } from '../../bench/report/markdown';
import { medianOf, missingKeys, REQUIRED_KEYS, summarizeRuntime, SUMMARY_SCHEMA, targetsOf } from '../../bench/report/summary';
import { summarize } from '../../bench/suite/stats';
import type { RuntimeResult } from '../../bench/suite/in-runtime';

const s = (p50: number) => summarize([p50, p50, p50]);
const heap = (growth: number) => ({ adaptations: 1000, tfjs_before_bytes: 0, tfjs_after_bytes: growth, fused_before_bytes: 0, fused_after_bytes: 0, growth_bytes: growth, tensors_before: 0, tensors_after: 0 });

function runtime(naive: number, fast: number, fused: number): RuntimeResult {
  return {
    runtime: 'workerd',
    backend: 'wasm',
    clock_resolution_ms: 1,
    case_a: { naive_ms: s(naive), autodiff_ms: s(naive), fast_ms: s(fast), fused_ms: s(fused), kernel_only_ms: s(fused / 2), max_abs_diff_vs_naive: {} },
    fused_probe: { flops: 1, peak_gflops: 50, achieved_gflops: 10, time_over_flop_bound: 4, ratio_naive_over_fused: 1 },
    case_b: {
      adapt_ms: s(20), adapt_path: 'fused', adapt_fast_ms: s(21), adapt_autodiff_ms: s(30), embed_ms: s(19), predict_ms: s(4),
      kernels: { adapt: 1, adapt_fast: 1, adapt_autodiff: 1, predict: 1 }, embed_dim: 64, body_mflops_per_example: 20, embed_gflops: 25,
    },
    case_c: { adapt_ms: s(5), steps: 10, kernels: 660, kernels_per_step: 65, loss: { before: 1, after: 0.1 } },
    decode: { bytes: 1, decode_ms: s(0.8), header_ms: s(0.5), sha256_ms: s(0.3) },
    app: { adapt_miss_ms: s(9), adapt_hit_ms: s(2), predict_ms: s(2.5), predict_cached_paired_ms: s(2.4), predict_uncached_ms: s(3), body_bytes: 1 },
    app_adapt_miss_autodiff_ms: s(80),
    request_parts: { json_parse_ms: s(1), zod_validate_ms: s(1), head_id_ms: s(1), encode_head_ms: s(1), decode_head_ms: s(1) },
    heap: { case_a: heap(0), glyphs: heap(65536) },
  };
}

const cold = {
  parts: [{ backend_init_ms: 3, fused: true }, { backend_init_ms: 5, fused: true }, { backend_init_ms: 4, fused: true }],
  app: [
    { module_eval_ms: 20, first_request_ms: 100 },
    { module_eval_ms: 30, first_request_ms: 60 },
    { module_eval_ms: 25, first_request_ms: 80 },
  ],
};

describe('bench summary', () => {
  it('derives ratios from p50s and takes medians over cold isolates', () => {
    const r = summarizeRuntime(runtime(6, 0.5, 0.04), cold);
    expect(r.adapt.naive_over_fast).toBeCloseTo(12, 10);
    expect(r.adapt.naive_over_fused).toBeCloseTo(150, 10);
    // per-isolate totals 120, 90, 105 → median 105 (not the sum of the per-field medians, 25 + 80)
    expect(r.cold_first_request_ms).toBe(105);
    expect(r.cold.module_eval_ms).toBe(25);
    expect(r.cold.parts.backend_init_ms).toBe(4);
    expect(r.cold.parts).not.toHaveProperty('fused');
    expect(r.wasm_heap_growth_bytes).toBe(65536);
    expect(r.cold_first_request_prewarmed_ms).toBeNull();
  });

  it('judges each target on its measured value, and null when unmeasured', () => {
    const w = summarizeRuntime(runtime(6, 0.5, 0.04), cold);
    const met = Object.fromEntries(targetsOf({ workerd: w, upload_bytes_gzip: 2 * 1024 * 1024 }).map((t) => [t.name, t.met]));
    expect(Object.values(met)).toContain(null); // prewarmed cold run not measured
    const byStart = (p: string) => Object.entries(met).find(([n]) => n.startsWith(p))![1];
    expect(byStart('case (a) fused vs naive')).toBe(true); // 150× ≥ 20×
    expect(byStart('case (b) whole adapt request')).toBe(true); // 9 ms ≤ 10
    expect(byStart('case (b) adapt request, default model')).toBe(true); // 9 ms ≤ 20
    expect(w.glyphs.request_adapt_miss_autodiff_ms).toBe(80);
    expect(w.glyphs.late_block_fused_ms).toBeNull(); // not measured in this fixture
    expect(byStart('case (b) predict request')).toBe(true); // 2.5 ms ≤ 3
    expect(byStart('cold: isolate start')).toBe(false); // 105 ms > 60
    expect(byStart('worker upload')).toBe(false); // 2 MiB > 1 MiB
    const slow = summarizeRuntime(runtime(6, 0.5, 1), cold);
    expect(targetsOf({ workerd: slow, upload_bytes_gzip: 1 })[0]!.met).toBe(false); // 6× < 20×
  });

  it('reports the fold case as p50s side by side with layer by layer ÷ folded, and as a table row', () => {
    const m = (embed: number, predict: number, adapt: number, zero: number) => ({ embed_ms: s(embed), predict_ms: s(predict), adapt_ms: s(adapt), adapt_steps0_ms: s(zero) });
    const fold = { folded: m(5, 1, 40, 6), layer_by_layer: m(12, 2, 50, 15), speedup: { embed: 0, predict: 0, adapt: 0, adapt_steps0: 0 }, embed_max_abs_diff: 1e-6, embed_max_abs: 3, predict_label_changes: 0 };
    const w = summarizeRuntime({ ...runtime(6, 0.5, 0.04), fold }, cold);
    expect(w.fold!.embed).toEqual({ folded_ms: 5, layer_by_layer_ms: 12, speedup: 2.4 });
    expect(w.fold!.adapt_steps0.speedup).toBeCloseTo(2.5, 10);
    expect(summarizeRuntime(runtime(6, 0.5, 0.04), cold).fold).toBeNull();
    const machine = { cpus: 2, cpu_model: 'x', node: 'v20', load_average_start: [1, 1, 1], load_average_end: [1, 1, 1] };
    const table = renderTables({ schema: SUMMARY_SCHEMA, date: 'd', quick: true, machine, node: null, workerd: w, http: null, upload_bytes_gzip: null, wasm_heap_growth_bytes: null, targets: [] });
    expect(table).toContain('| (b) body forward (25 images), batch norms folded / layer by layer, same run | — | 5.00 / 12.0 ms (2.40×) | — |');
  });

  it('reports predict with and without the head cache side by side, engine call and request, as table rows', () => {
    const head_cache = { cached_ms: s(2), uncached_ms: s(2.5), miss_ms: s(2.6), miss_uncached_ms: s(2.5), head_params: ['body/conv4/kernel'], identical: true };
    const w = summarizeRuntime({ ...runtime(6, 0.5, 0.04), head_cache }, cold);
    expect(w.head_cache!.hit).toEqual({ cached_ms: 2, uncached_ms: 2.5, speedup: 1.25 });
    expect(w.head_cache!.miss.cached_ms).toBe(2.6);
    expect(w.glyphs.request_predict_uncached_ms).toBe(3);
    expect(summarizeRuntime(runtime(6, 0.5, 0.04), cold).head_cache).toBeNull();
    const machine = { cpus: 2, cpu_model: 'x', node: 'v20', load_average_start: [1, 1, 1], load_average_end: [1, 1, 1] };
    const table = renderTables({ schema: SUMMARY_SCHEMA, date: 'd', quick: true, machine, node: null, workerd: w, http: null, upload_bytes_gzip: null, wasm_heap_growth_bytes: null, targets: [] });
    expect(table).toContain('| (b) predict() 5 inputs, head cached / uploaded and folded every call (no head cache), same run | — | 2.00 / 2.50 ms (1.25×) | — |');
    expect(table).toContain('| (b) predict request, head in the head cache / not (one head more than it holds, in turn), same run | — | 2.40 / 3.00 ms (1.25×) | — |');
  });

  it('medianOf ignores runs without the field', () => {
    expect(medianOf([{ a: 3 }, { b: 1 }, { a: 1 }, { a: 2 }], 'a')).toBe(2);
    expect(medianOf([{ b: 1 }], 'a')).toBeNull();
  });

  it('missingKeys names every absent documented key path', () => {
    const w = summarizeRuntime(runtime(6, 0.5, 0.04), cold);
    const full = { schema: 'x', date: 'd', quick: true, machine: { load_average_start: [1, 1, 1] }, upload_bytes_gzip: 1, wasm_heap_growth_bytes: 0, targets: [], node: w, workerd: w };
    expect(missingKeys(full)).toEqual([]);
    const { workerd: _drop, ...noWorkerd } = full;
    expect(missingKeys(noWorkerd)).toEqual(REQUIRED_KEYS.filter((k) => k.startsWith('workerd.')));
  });
});
