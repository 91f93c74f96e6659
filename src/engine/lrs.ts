import { ModelError } from './errors';
import { sizeOf } from './params';
import type { NamedTensor } from '../spec/model-spec';
import type { Model } from './model';

/** Learning rates as the paths consume them: one scalar, or one array per adapted param with its shape. */
export type ResolvedLrs = { kind: 'scalar'; lr: number } | { kind: 'per-parameter'; lrs: Record<string, Float32Array> };

/** Mean over the last axis, broadcast back: Meta-SGD lrs of a 'ways' layer trained with another class count. */
function perFeature(t: NamedTensor, shape: number[]): Float32Array {
  const inner = t.shape.at(-1)!;
  const rows = t.data.length / inner;
  const k = shape.at(-1)!;
  const out = new Float32Array(rows * k);
  for (let r = 0; r < rows; r++) {
    let m = 0;
    for (let c = 0; c < inner; c++) m += t.data[r * inner + c]!;
    out.fill(m / inner, r * k, (r + 1) * k);
  }
  return out;
}

function fit(name: string, t: NamedTensor, shape: number[], scale: number): Float32Array {
  const same = t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i]);
  let base: Float32Array;
  if (same) base = t.data;
  else if (t.data.length === 1) base = new Float32Array(sizeOf(shape)).fill(t.data[0]!);
  else if (t.shape.length === shape.length && t.shape.slice(0, -1).every((d, i) => d === shape[i])) base = perFeature(t, shape);
  else throw new ModelError(`lr/${name} has shape ${JSON.stringify(t.shape)}, which does not fit ${name} ${JSON.stringify(shape)}`);
  return base.map((v) => v * scale);
}

/**
 * Scalar mode: the lr. Per-parameter mode (Meta-SGD): each param's stored `lr/<name>`, scaled by
 * lr / defaults.lr so a caller's lr still means "more or less adaptation"; a param without stored
 * lrs uses the scalar lr.
 */
export function resolveLrs(model: Model, shapes: Record<string, number[]>, lr: number): ResolvedLrs {
  if (model.defaults.lrMode !== 'per-parameter') return { kind: 'scalar', lr };
  const scale = model.defaults.lr > 0 ? lr / model.defaults.lr : 1;
  const lrs: Record<string, Float32Array> = {};
  for (const [name, shape] of Object.entries(shapes)) {
    const t = model.data.tensors[`lr/${name}`];
    lrs[name] = t ? fit(name, t, shape, scale) : new Float32Array(sizeOf(shape)).fill(lr);
  }
  return { kind: 'per-parameter', lrs };
}
