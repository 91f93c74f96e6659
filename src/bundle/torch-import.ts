import type { AdaptationDefaults, Layer, ModelData, ModelSpec, NamedTensor } from '../spec/model-spec';
import { BundleError } from './errors';
import { arr, obj, str } from './json-checks';
import type { Json } from './json-checks';
import { parseDefaults } from './parse-defaults';
import { parseSpec } from './parse-spec';
import { specShapes } from './spec-shapes';
import type { StateDict, StateTensor } from './state-dict';

/**
 * Maps a PyTorch state dict (a `.pth`/`.pt` checkpoint or safetensors; state-dict.ts) onto a model spec. The import spec (SPEC.json,
 * docs/pytorch.md) gives our architecture and says where each of our parameters comes from:
 *   { "spec": {...}, "defaults"?: {...}, "modules"?: {"body/conv1": "features.0.conv"},
 *     "tensors"?: {"body/conv1/bias": "some.key" | null}, "ignore"?: ["classifier.*"], "provenance"?: {...} }
 * By default our layer `part/NAME` reads the torch module `NAME` (so naming layers after torch
 * modules, e.g. "net.0", needs no mapping). Layouts: conv weight [out,in,kh,kw] → [kh,kw,in,out];
 * linear weight [out,in] → [in,out], with the rows of the first linear after a flatten of a
 * [H,W,C] map permuted from PyTorch's C,H,W order to our H,W,C order; batch norm weight, bias,
 * running_mean, running_var → gamma, beta, movingMean, movingVariance (num_batches_tracked ignored).
 */
const TORCH_PARAM: Record<string, string> = { kernel: 'weight', bias: 'bias', gamma: 'weight', beta: 'bias', movingMean: 'running_mean', movingVariance: 'running_var' };
/** PyTorch's BatchNorm default; the bundle format's default (tfjs's) is 1e-3. */
const TORCH_BN_EPS = 1e-5;

const fail = (m: string): never => {
  throw new BundleError('torch_mapping', m);
};

function baseDefaults(ways: boolean, outputs: number | 'ways'): AdaptationDefaults {
  const limits = { minSteps: 0, maxSteps: 100, minLr: 1e-4, maxLr: 10, maxClasses: 50, maxExamples: 500 };
  if (ways) return { scope: 'head', steps: 10, lr: 0.1, lrMode: 'scalar', headInit: 'prototype', limits };
  return { scope: 'head', steps: 10, lr: 0.1, lrMode: 'scalar', headInit: 'learned', limits: { ...limits, maxClasses: Math.max(limits.maxClasses, outputs as number) } };
}

/** Batch-norm layers without an epsilon get PyTorch's, written explicitly into the bundle. */
function withTorchEpsilon(spec: ModelSpec): ModelSpec {
  const fix = (l: Layer): Layer => (l.kind === 'batchNorm' && l.epsilon === undefined ? { ...l, epsilon: TORCH_BN_EPS } : l);
  return { ...spec, body: spec.body.map(fix), head: spec.head.map(fix) };
}

/**
 * For each dense layer fed by a flatten of a [H,W,C] map (through relu/identity/l2Normalize only),
 * that map's shape: its kernel rows arrive in PyTorch's C,H,W order.
 */
function flattenSources(spec: ModelSpec, inputs: { body: number[][]; head: number[][] }): Map<string, number[]> {
  const out = new Map<string, number[]>();
  let pending: number[] | undefined;
  for (const part of ['body', 'head'] as const) {
    spec[part].forEach((l, i) => {
      if (l.kind === 'flatten') pending = inputs[part][i]!.length === 3 ? inputs[part][i] : undefined;
      else if (l.kind === 'dense') {
        if (pending && pending[0]! * pending[1]! > 1) out.set(`${part}/${l.name}`, pending);
        pending = undefined;
      } else if (l.kind === 'batchNorm' && pending) fail(`${part} layer ${l.name}: a batch norm between a flatten and a dense layer would need its parameters permuted too (not supported)`);
      else if (l.kind !== 'relu' && l.kind !== 'identity' && l.kind !== 'l2Normalize') pending = undefined;
    });
  }
  return out;
}

const same = (a: number[], b: number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/** The torch shape our parameter needs (conv kernels [out,in,kh,kw], dense kernels [out,in]). */
function torchShape(kind: Layer['kind'], param: string, want: number[]): number[] {
  if (param === 'kernel' && kind === 'conv2d') return [want[3]!, want[2]!, want[0]!, want[1]!];
  if (param === 'kernel' && kind === 'dense') return [want[1]!, want[0]!];
  return want;
}

/**
 * Converts one torch tensor to our layout. Its shape is checked against the one our spec implies
 * before it is decoded, so a checkpoint cannot make the import allocate more than the spec's size.
 */
function convert(ours: string, key: string, kind: Layer['kind'], param: string, want: number[], src: StateTensor, flat: number[] | undefined): Float32Array {
  const expected = torchShape(kind, param, want);
  if (!same(src.shape, expected)) fail(`${ours} ← '${key}': torch shape [${src.shape}] does not fit [${want}] (expected torch shape [${expected}])`);
  const t = { shape: src.shape, data: src.read() };
  if (param === 'kernel' && kind === 'conv2d') {
    const [kh, kw, cin, cout] = want as [number, number, number, number];
    const out = new Float32Array(t.data.length);
    for (let o = 0; o < cout; o++) for (let i = 0; i < cin; i++) for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) out[((y * kw + x) * cin + i) * cout + o] = t.data[((o * cin + i) * kh + y) * kw + x]!;
    return out;
  }
  if (param === 'kernel' && kind === 'dense') {
    const [nin, nout] = want as [number, number];
    const out = new Float32Array(t.data.length);
    // Row r of ours is torch input column src(r): identity, or C,H,W → H,W,C after a conv flatten.
    const [h, w, c] = flat ?? [1, 1, nin];
    for (let y = 0; y < h!; y++) for (let x = 0; x < w!; x++) for (let ch = 0; ch < c!; ch++) {
      const r = (y * w! + x) * c! + ch;
      const src = ch * h! * w! + y * w! + x;
      for (let o = 0; o < nout; o++) out[r * nout + o] = t.data[o * nin + src]!;
    }
    return out;
  }
  return t.data;
}

/** Which torch keys `ignore` covers: exact names, or prefixes written with a trailing '*'. */
function ignored(patterns: string[], key: string): boolean {
  return key.endsWith('num_batches_tracked') || patterns.some((p) => (p.endsWith('*') ? key.startsWith(p.slice(0, -1)) : key === p));
}

export interface TorchImportOptions {
  name?: string;
  /** Recorded as provenance.source unless the import spec's provenance has one. */
  source?: string;
  /** Told about lossy conversions (F64 tensors rounded to F32). */
  warn?: (message: string) => void;
}

/**
 * Builds model data (encode with `encodeBundle`) from a state dict and an import spec. The result
 * depends only on the tensors and the spec, not on the file format they came in, so a `.pth` and
 * the same weights as safetensors give the same bundle bytes.
 */
export function importTorchStateDict(sd: StateDict, importSpec: Json, opts: TorchImportOptions = {}): Omit<ModelData, 'id'> {
  const entries = sd.tensors;
  const o = obj(importSpec, 'import spec');
  if (o.spec === undefined) fail('the import spec has no "spec" member (our architecture; see docs/pytorch.md)');
  const spec = withTorchEpsilon(parseSpec(o.spec));
  const shapes = specShapes(spec);
  const modules = o.modules === undefined ? {} : obj(o.modules, 'modules');
  const mapped = o.tensors === undefined ? {} : obj(o.tensors, 'tensors');
  const ignore = o.ignore === undefined ? [] : arr(o.ignore, 'ignore').map((p, i) => str(p, `ignore[${i}]`));
  const known = new Set(shapes.params.map((p) => p.name));
  for (const k of Object.keys(mapped)) if (!known.has(k)) fail(`"tensors" maps '${k}', which is not a parameter of the spec (one of ${[...known].join(', ')})`);
  for (const k of Object.keys(modules)) if (!shapes.params.some((p) => p.name.startsWith(`${k}/`))) fail(`"modules" maps '${k}', which is not a layer with parameters (write it as part/name, e.g. body/conv1)`);
  const base = baseDefaults(shapes.outputs === 'ways', shapes.outputs);
  const given = o.defaults === undefined ? {} : obj(o.defaults, 'defaults');
  const labels = base.headInit === 'learned' && spec.task === 'classification' && given.labels === undefined ? { labels: Array.from({ length: shapes.outputs as number }, (_, i) => i) } : {};
  const defaults = parseDefaults({ ...base, ...labels, ...given, limits: { ...base.limits, ...(given.limits === undefined ? {} : obj(given.limits, 'defaults.limits')) } });
  const flats = flattenSources(spec, shapes.layerInputs);
  const used = new Set<string>();
  const tensors: Record<string, NamedTensor> = {};
  for (const p of shapes.params) {
    const param = p.name.slice(p.name.lastIndexOf('/') + 1);
    const layerPath = p.name.slice(0, p.name.lastIndexOf('/'));
    const layerName = layerPath.slice(p.part.length + 1);
    const layer = spec[p.part].find((l) => 'name' in l && l.name === layerName)!;
    const m = mapped[p.name];
    if (m === null) {
      if (!['bias', 'beta', 'gamma'].includes(param)) fail(`${p.name}: only a bias, beta or gamma may be mapped to null (zeros, or ones for gamma)`);
      tensors[p.name] = { shape: p.shape, data: new Float32Array(p.shape.reduce((a, b) => a * b, 1)).fill(param === 'gamma' ? 1 : 0) };
      continue;
    }
    const key = m !== undefined ? str(m, `tensors.${p.name}`) : `${typeof modules[layerPath] === 'string' ? modules[layerPath] : layerName}.${TORCH_PARAM[param]}`;
    if (!entries.has(key)) {
      const hint = ['bias', 'beta', 'gamma'].includes(param) ? `; a layer built without one maps "tensors": {"${p.name}": null}` : '';
      fail(`${p.name} ← '${key}': no such key in the state dict (map it under "modules" or "tensors"${hint}; keys start with ${[...entries.keys()].slice(0, 3).map((k) => `'${k}'`).join(', ')}…)`);
    }
    if (used.has(key)) fail(`${p.name} ← '${key}': that key is already used by another parameter`);
    used.add(key);
    const src = entries.get(key)!;
    if (src.dtype === 'F64') opts.warn?.(`'${key}' is F64 (float64): rounded to F32`);
    tensors[p.name] = { shape: p.shape, data: convert(p.name, key, layer.kind, param, p.shape, src, param === 'kernel' ? flats.get(layerPath) : undefined) };
  }
  const unused = [...entries.keys()].filter((k) => !used.has(k) && !ignored(ignore, k));
  if (unused.length) fail(`torch key '${unused[0]}' ${unused.length > 1 ? `(and ${unused.length - 1} more) is` : 'is'} not used by the spec; list it under "ignore" if that is intended`);
  const stated = o.provenance === undefined ? {} : obj(o.provenance, 'provenance');
  const provenance = { algorithm: 'imported', dataset: 'unknown', ...(opts.source ? { source: opts.source } : {}), ...stated, importedFrom: 'pytorch' };
  const name = opts.name ?? (o.name === undefined ? 'torch-model' : str(o.name, 'name', 256));
  return { name, spec, defaults, provenance, tensors };
}
