// Markdown tables of a run, and their splice into docs/benchmarks.md between markers (the prose
// around them is written by hand and never touched). Pure, so it is unit-tested.
import type { MetaProfile } from '../node/meta-profile';
import type { TileExperiment } from '../node/tile-experiment';
import type { TrainSpeed } from '../node/train-speed';
import { trainSpeedTable } from '../node/train-speed';
import type { UploadSize } from '../node/build';
import type { RuntimeSummary, Summary } from './summary';

export const TABLE_START = '<!-- bench:generated:start (npm run bench rewrites this section) -->';
export const TABLE_END = '<!-- bench:generated:end -->';

export interface ReportExtras {
  upload?: UploadSize | null;
  meta?: MetaProfile[] | null;
  tile?: TileExperiment | null;
  train?: TrainSpeed | null;
}

/** A number for a table: ms with 3 significant-ish digits, ratios with one decimal. */
export function fmt(v: unknown, unit = ''): string {
  if (v === null || v === undefined) return '—';
  if (typeof v !== 'number') return String(v);
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  const s = abs >= 100 ? v.toFixed(0) : abs >= 10 ? v.toFixed(1) : abs >= 1 ? v.toFixed(2) : abs >= 0.1 ? v.toFixed(3) : v.toPrecision(2);
  return `${s}${unit}`;
}

const row = (cells: string[]): string => `| ${cells.join(' | ')} |`;

function table(head: string[], rows: string[][]): string {
  return [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');
}

type Pick = (r: RuntimeSummary) => unknown;

const FOLD_ROWS: [string, keyof NonNullable<RuntimeSummary['fold']>][] = [
  ['(b) body forward (25 images), batch norms folded / layer by layer, same run', 'embed'],
  ['(b) predict() 5 inputs, folded / layer by layer', 'predict'],
  ['(b) adapt() 5-way 5-shot (default steps), folded / layer by layer', 'adapt'],
  ['(b) adapt() 5-way 5-shot, steps 0, folded / layer by layer', 'adapt_steps0'],
];

function mainRows(s: Summary): string[][] {
  const both = (label: string, pick: Pick, unit: string, http = '—'): string[] => [label, fmt(s.node ? pick(s.node) : null, unit), fmt(s.workerd ? pick(s.workerd) : null, unit), http];
  const h = s.http;
  const hp = (k: { p50: number; p99: number } | undefined): string => (k ? `${fmt(k.p50, ' ms')} (p99 ${fmt(k.p99, ' ms')})` : '—');
  return [
    both('(a) naive tfjs autodiff (variables + SGD)', (r) => r.adapt.naive_ms, ' ms'),
    both('(a) engine autodiff path', (r) => r.adapt.autodiff_ms, ' ms'),
    both('(a) engine fast path (analytic, tfjs)', (r) => r.adapt.fast_ms, ' ms'),
    both('(a) engine fused path (whole adapt())', (r) => r.adapt.fused_ms, ' ms'),
    both('(a) fused kernel solve() alone', (r) => r.adapt.fused_kernel_only_ms, ' ms'),
    both('(a) naive / fast', (r) => r.adapt.naive_over_fast, '×'),
    both('(a) naive / fused', (r) => r.adapt.naive_over_fused, '×'),
    both('(a) fused time / SIMD FLOP bound', (r) => r.adapt.fused_time_over_flop_bound, '×'),
    both('SIMD peak (f32x4 mul+add, one core)', (r) => r.adapt.peak_gflops, ' GFLOP/s'),
    both('(b) glyphs adapt() 5-way 5-shot, default path', (r) => r.glyphs.adapt_ms, ' ms'),
    both('(b) previous default (v2, scope film) adapt() / predict(), same run', (r) => (r.glyphs_previous ? `${fmt(r.glyphs_previous.adapt_ms)} / ${fmt(r.glyphs_previous.predict_ms)} ms` : null), ''),
    both('(b) default ÷ previous: adapt() / predict()', (r) => (r.glyphs_previous ? `${fmt(r.glyphs_previous.adapt_ratio)} / ${fmt(r.glyphs_previous.predict_ratio)}×` : null), ''),
    both('(b) … of which body forward (25 images)', (r) => r.glyphs.embed_ms, ' ms'),
    both('(b) body forward throughput', (r) => r.glyphs.embed_gflops, ' GFLOP/s'),
    both('(b) adapt() fast path / autodiff path', (r) => `${fmt(r.glyphs.adapt_fast_ms)} / ${fmt(r.glyphs.adapt_autodiff_ms)} ms`, ''),
    both('(b) predict(), 5 inputs', (r) => r.predict_ms, ' ms'),
    both('(b) predict() 5 inputs, head cached / uploaded and folded every call (no head cache), same run', (r) => (r.head_cache ? `${fmt(r.head_cache.hit.cached_ms)} / ${fmt(r.head_cache.hit.uncached_ms)} ms (${fmt(r.head_cache.hit.speedup)}×)` : null), ''),
    both('(b) predict() 5 inputs, a new head every call: through the head cache (a miss) / no head cache', (r) => (r.head_cache ? `${fmt(r.head_cache.miss.cached_ms)} / ${fmt(r.head_cache.miss.uncached_ms)} ms` : null), ''),
    ...FOLD_ROWS.map(([label, k]) => both(label, (r) => (r.fold ? `${fmt(r.fold[k].folded_ms)} / ${fmt(r.fold[k].layer_by_layer_ms)} ms (${fmt(r.fold[k].speedup)}×)` : null), '')),
    both('(b) adapt request, cache miss (whole app, KV in memory)', (r) => r.glyphs.request_adapt_miss_ms, ' ms', hp(h?.adapt_miss)),
    both('(b) … the same with the late steps on tfjs autodiff (kernel unregistered), same run', (r) => r.glyphs.request_adapt_miss_autodiff_ms, ' ms'),
    both("late block steps (glyphs' conv4 block, 25 shots, 10 Adam steps): fused / tfjs autodiff", (r) => (r.glyphs.late_block_fused_ms == null ? null : `${fmt(r.glyphs.late_block_fused_ms)} / ${fmt(r.glyphs.late_block_autodiff_ms)} ms (${fmt(r.glyphs.late_block_autodiff_over_fused)}×)`), ''),
    both('(b) adapt request, cache hit', (r) => r.glyphs.request_adapt_hit_ms, ' ms', hp(h?.adapt_hit)),
    both('(b) predict request, 5 inputs', (r) => r.glyphs.request_predict_ms, ' ms', hp(h?.predict)),
    both('(b) predict request, head in the head cache / not (one head more than it holds, in turn), same run', (r) => (r.glyphs.request_predict_uncached_ms == null ? null : `${fmt(r.glyphs.request_predict_cached_paired_ms)} / ${fmt(r.glyphs.request_predict_uncached_ms)} ms (${fmt((r.glyphs.request_predict_uncached_ms as number) / (r.glyphs.request_predict_cached_paired_ms as number))}×)`), ''),
    both('(b) append 1 example to a 24-example user (examples API) / full adapt of the 25, same run', (r) => (r.glyphs.request_append_example_ms == null ? '—' : `${fmt(r.glyphs.request_append_example_ms)} / ${fmt(r.glyphs.request_append_full_adapt_ms)} ms`), ''),
    both('(c) sinusoid MLP, scope all, K=10, 10 steps', (r) => r.sine.adapt_ms, ' ms'),
    both('(c) tfjs kernels per inner step', (r) => r.sine.kernels_per_step, ''),
    both('bundle decode (glyphs .fsb, incl. SHA-256)', (r) => r.bundle_decode_ms, ' ms'),
    both('cold: module evaluation + first adapt request', (r) => r.cold_first_request_ms, ' ms', h ? fmt(h.cold_first_request_ms, ' ms') : '—'),
    both('cold: first adapt request to an isolate started ahead (preload)', (r) => r.cold_first_request_prewarmed_ms, ' ms'),
    both('wasm memory growth over 1,000 adaptations', (r) => r.wasm_heap_growth_bytes, ' B'),
  ];
}

function coldRows(s: Summary): string[][] {
  // module_eval_ms has its own row (older Node runs also reported it among the parts).
  const keys = [...new Set([...Object.keys(s.node?.cold.parts ?? {}), ...Object.keys(s.workerd?.cold.parts ?? {})])].filter((k) => k !== 'module_eval_ms');
  const rows = keys.map((k) => [k.replace(/_ms$/, '').replace(/_/g, ' '), fmt(s.node?.cold.parts[k], ' ms'), fmt(s.workerd?.cold.parts[k], ' ms')]);
  rows.unshift(['module evaluation (import of the app)', fmt(s.node?.cold.module_eval_ms, ' ms'), fmt(s.workerd?.cold.module_eval_ms, ' ms')]);
  rows.push(['first adapt request (app, after import)', fmt(s.node?.cold.first_request_ms, ' ms'), fmt(s.workerd?.cold.first_request_ms, ' ms')]);
  const p = s.workerd?.cold.prewarmed;
  if (p) {
    rows.push(['first adapt request, isolate started ahead, **with** start-up preload (in-isolate)', '—', fmt(p.preload_ms, ' ms')]);
    rows.push(['first adapt request, isolate started ahead, without preload (before)', '—', fmt(p.no_preload_ms, ' ms')]);
    rows.push(['second adapt request, with / without preload', '—', `${fmt(p.preload_second_ms, ' ms')} / ${fmt(p.no_preload_second_ms, ' ms')}`]);
  }
  return rows;
}

function metaRows(meta: MetaProfile[]): string[][] {
  return meta.map((m) => [
    m.label,
    fmt(m.ms_per_iteration.p50, ' ms'),
    `${fmt(m.phase_ms.batch)} / ${fmt(m.phase_ms.step)} / ${fmt(m.phase_ms.adam)}`,
    String(m.kernels_per_iteration),
    `${m.phase_kernels.batch} / ${m.phase_kernels.step} / ${m.phase_kernels.adam}`,
    m.top_kernels.slice(0, 4).map((k) => `${k.name} ×${k.count} (${fmt(k.ms, ' ms')})`).join(', '),
  ]);
}

/** The generated section: run facts, the main table, targets, cold breakdown, upload, meta-training. */
export function renderTables(s: Summary, x: ReportExtras = {}): string {
  const m = s.machine;
  const parts = [
    `Run of ${s.date}${s.quick ? ' (quick)' : ''}: ${m.cpus}× ${m.cpu_model}, Node ${m.node}; load average (1/5/15 min) ${m.load_average_start.map((v) => v.toFixed(2)).join(' / ')} at the start, ${m.load_average_end.map((v) => v.toFixed(2)).join(' / ')} at the end. p50 in ms unless stated; HTTP column: p50 (p99) over ${s.http?.requests_per_kind ?? '—'} sequential requests per kind through \`wrangler dev\`.`,
    '',
    table(['measure', 'Node', 'workerd (Miniflare)', 'HTTP (wrangler dev)'], mainRows(s)),
    '',
    '**Targets** (issue 9)',
    '',
    table(['target', 'wanted', 'measured', 'met'], s.targets.map((t) => [t.name, t.target, fmt(t.measured, t.unit === 'B' ? ' B' : t.unit === '×' ? '×' : ' ms'), t.met === null ? '—' : t.met ? 'yes' : '**no**'])),
    '',
    '**Cold path**, medians over fresh isolates (workerd) / processes (Node), stage by stage',
    '',
    table(['stage', 'Node', 'workerd'], coldRows(s)),
  ];
  if (x.upload) {
    parts.push('', `**Upload** (${x.upload.counted}): ${fmt(x.upload.gzip_bytes / 1024, ' KiB')} gzip of ${fmt(x.upload.bytes / 1024, ' KiB')}; wrangler says "${x.upload.wrangler_summary}".`, '');
    parts.push(table(['module', 'bytes', 'gzip'], x.upload.files.map((f) => [f.name, String(f.bytes), String(f.gzip_bytes)])));
  }
  if (x.meta && x.meta.length > 0) {
    parts.push('', '**Meta-training**, Node, wasm backend, one outer iteration (after one warm-up)', '');
    parts.push(table(['configuration', 'ms / iteration', 'batch / step / Adam ms', 'kernels', 'batch / step / Adam kernels', 'top kernels by time'], metaRows(x.meta)));
  }
  if (x.tile) {
    const t = x.tile;
    parts.push('', `**Tile vs broadcast** (gradient of ${t.tasks} per-task copies of the sinusoid MLP's 6 params): tf.tile ${t.tile.kernels} kernels ${fmt(t.tile.ms, ' ms')}; tf.broadcastTo ${t.broadcast_to.kernels} kernels ${fmt(t.broadcast_to.ms, ' ms')}; add onto zeros [B, …] ${t.add_broadcast.kernels} kernels ${fmt(t.add_broadcast.ms, ' ms')}; max |Δgrad| ${fmt(t.max_abs_diff)}.`);
  }
  if (x.train) parts.push('', '**Training speed vs PyTorch**, same machine, same run (child processes, interleaved)', '', trainSpeedTable(x.train));
  return parts.join('\n');
}

/** Replaces the text between the markers (keeping them); appends a marked section when absent. */
export function spliceSection(doc: string, content: string): string {
  const i = doc.indexOf(TABLE_START);
  const j = doc.indexOf(TABLE_END);
  const block = `${TABLE_START}\n${content}\n${TABLE_END}`;
  if (i < 0 || j < i) return `${doc.replace(/\s*$/, '')}\n\n${block}\n`;
  return doc.slice(0, i) + block + doc.slice(j + TABLE_END.length);
}
