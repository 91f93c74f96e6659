import type { Layer, ModelSpec } from '../spec/model-spec';
import { arr, ident, int, num, obj, oneOf, shape } from './json-checks';
import type { Json } from './json-checks';
import { BundleError } from './errors';

const LAYER_KINDS = ['dense', 'conv2d', 'maxPool', 'batchNorm', 'relu', 'flatten', 'identity', 'l2Normalize', 'globalAvgPool'] as const;
const PADDINGS = ['same', 'valid'] as const;
const MAX_DIM = 2 ** 24;

/** Reads a model spec from untrusted JSON, keeping only the fields this version understands. */
export function parseSpec(v: Json): ModelSpec {
  const o = obj(v, 'spec');
  const inputShape = shape(o.inputShape, 'spec.inputShape');
  if (inputShape.length < 1 || inputShape.length > 3) {
    throw new BundleError('bad_spec', `spec.inputShape: rank ${inputShape.length}, expected 1..3`);
  }
  return {
    inputShape,
    task: oneOf(o.task, 'spec.task', ['classification', 'regression']),
    body: arr(o.body, 'spec.body').map((l, i) => parseLayer(l, `spec.body[${i}]`)),
    head: arr(o.head, 'spec.head').map((l, i) => parseLayer(l, `spec.head[${i}]`)),
  };
}

/** One layer; unknown kinds are `unsupported_layer` (a newer writer), malformed fields `bad_header`. */
export function parseLayer(v: Json, path: string): Layer {
  const o = obj(v, path);
  const kind = oneOf(o.kind, `${path}.kind`, LAYER_KINDS, 'unsupported_layer');
  const p = (k: string): string => `${path}.${k}`;
  switch (kind) {
    case 'dense':
      return { kind, name: ident(o.name, p('name')), units: o.units === 'ways' ? 'ways' : int(o.units, p('units'), 1, MAX_DIM) };
    case 'conv2d':
      return withOptional(
        { kind, name: ident(o.name, p('name')), filters: int(o.filters, p('filters'), 1, MAX_DIM), kernelSize: int(o.kernelSize, p('kernelSize'), 1, 1024) },
        { strides: o.strides === undefined ? undefined : int(o.strides, p('strides'), 1, 1024), padding: o.padding === undefined ? undefined : typeof o.padding === 'number' ? int(o.padding, p('padding'), 0, 1024) : oneOf(o.padding, p('padding'), PADDINGS) },
      );
    case 'maxPool':
      return withOptional(
        { kind, size: int(o.size, p('size'), 1, 1024) },
        { strides: o.strides === undefined ? undefined : int(o.strides, p('strides'), 1, 1024), padding: o.padding === undefined ? undefined : oneOf(o.padding, p('padding'), PADDINGS) },
      );
    case 'batchNorm': {
      const epsilon = o.epsilon === undefined ? undefined : num(o.epsilon, p('epsilon'));
      if (epsilon !== undefined && !(epsilon > 0)) throw new BundleError('bad_header', `${p('epsilon')}: must be > 0`);
      return withOptional({ kind, name: ident(o.name, p('name')) }, { epsilon });
    }
    case 'l2Normalize': {
      const scale = o.scale === undefined ? undefined : num(o.scale, p('scale'));
      if (scale !== undefined && !(scale > 0 && scale <= 1e4)) throw new BundleError('bad_header', `${p('scale')}: must be in (0, 10000]`);
      return withOptional({ kind }, { scale });
    }
    default:
      return { kind };
  }
}

/** Adds the optional fields that are set, so absent stays absent (and re-encodes identically). */
function withOptional<T extends object>(base: T, extra: Record<string, unknown>): T {
  const out = { ...base } as Record<string, unknown>;
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) out[k] = v;
  return out as T;
}
