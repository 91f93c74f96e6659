/**
 * Bundle benchmark: decode time of a ~100k-parameter conv bundle at f32/f16/int8 and the sizes of
 * f16 and int8 relative to f32 (header included). Prints one JSON object.
 *   npx tsx bench/bundle-decode.ts [--runs 50]
 * The module imports nothing from node:*, so the same functions can run inside workerd (Miniflare).
 */
import { decodeBundle, encodeBundle, readBundleHeader } from '../src/bundle/index';
import { convModel } from '../test/bundle/fixture-models';

export interface BundleDecodeResult {
  parameters: number;
  runs: number;
  batch: number;
  bytes: { f32: number; f16: number; int8: number; int8PerTensor: number };
  headerBytes: { f32: number; f16: number; int8: number };
  ratio: { f16: number; int8: number; int8PerTensor: number };
  /** Median and p90 wall time of decodeBundle (checksum + validation + dequantization), ms. */
  decodeMs: Record<'f32' | 'f16' | 'int8', { median: number; p90: number }>;
  /** Median of readBundleHeader alone (checksum + header), ms. */
  headerMs: number;
}

/** The bundles the benchmark decodes, so other runtimes (workerd via Miniflare) can time the same bytes. */
export async function benchBundles(): Promise<Record<'f32' | 'f16' | 'int8', Uint8Array>> {
  const model = convModel();
  return { f32: await encodeBundle(model), f16: await encodeBundle(model, { dtype: 'f16' }), int8: await encodeBundle(model, { dtype: 'int8' }) };
}

/**
 * Median and 90th percentile over `runs` samples of the time of one `fn` call, after `warmup` untimed
 * calls. Each sample times `batch` calls and divides: workerd's clock ticks in whole milliseconds.
 */
export async function timeIt(fn: () => Promise<unknown>, runs: number, warmup = 5, batch = 1): Promise<{ median: number; p90: number }> {
  for (let i = 0; i < warmup; i++) await fn();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    for (let j = 0; j < batch; j++) await fn();
    t.push((performance.now() - start) / batch);
  }
  t.sort((a, b) => a - b);
  const round = (x: number): number => Math.round(x * 1000) / 1000;
  return { median: round(t[Math.floor(t.length / 2)]!), p90: round(t[Math.floor(t.length * 0.9)]!) };
}

/** Runs the benchmark in the current runtime and returns its numbers (use `batch` ≥ 20 in workerd). */
export async function benchBundleDecode(opts: { runs?: number; batch?: number } = {}): Promise<BundleDecodeResult> {
  const runs = opts.runs ?? 50;
  const batch = opts.batch ?? 1;
  const b = await benchBundles();
  const perTensor = await encodeBundle(convModel(), { dtype: 'int8', perChannel: false });
  const parameters = Object.values(convModel().tensors).reduce((a, t) => a + t.data.length, 0);
  const header = async (x: Uint8Array): Promise<number> => (await readBundleHeader(x)).headerBytes;
  const ratio = (x: number): number => Math.round((x / b.f32.length) * 10000) / 10000;
  return {
    parameters,
    runs,
    batch,
    bytes: { f32: b.f32.length, f16: b.f16.length, int8: b.int8.length, int8PerTensor: perTensor.length },
    headerBytes: { f32: await header(b.f32), f16: await header(b.f16), int8: await header(b.int8) },
    ratio: { f16: ratio(b.f16.length), int8: ratio(b.int8.length), int8PerTensor: ratio(perTensor.length) },
    decodeMs: {
      f32: await timeIt(() => decodeBundle(b.f32), runs, 5, batch),
      f16: await timeIt(() => decodeBundle(b.f16), runs, 5, batch),
      int8: await timeIt(() => decodeBundle(b.int8), runs, 5, batch),
    },
    headerMs: (await timeIt(() => readBundleHeader(b.f32), runs, 5, batch)).median,
  };
}

const argv = (globalThis as { process?: { argv?: string[] } }).process?.argv ?? [];
if (argv[1]?.replace(/\\/g, '/').endsWith('bench/bundle-decode.ts')) {
  const i = argv.indexOf('--runs');
  const runs = i > 0 ? Number(argv[i + 1]) : 50;
  process.stdout.write(`${JSON.stringify({ bench: 'bundle-decode', runtime: `node ${process.version}`, ...(await benchBundleDecode({ runs })) }, null, 2)}\n`);
}
