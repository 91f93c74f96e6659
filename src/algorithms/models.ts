import { createRng } from '../util/random';
import { trainableParams, paramName } from '../engine/params';
import type { Layer, ModelSpec, NamedTensor } from '../spec/model-spec';

/** MLP 1-40-40-1 ReLU (Finn et al. 2017), named as the shipped sine bundles are. */
export function sineSpec(hidden = 40): ModelSpec {
  return {
    inputShape: [1],
    task: 'regression',
    body: [{ kind: 'dense', name: 'h1', units: hidden }, { kind: 'relu' }, { kind: 'dense', name: 'h2', units: hidden }, { kind: 'relu' }],
    head: [{ kind: 'dense', name: 'out', units: 1 }],
  };
}

/** Conv-4 (3×3 conv, batch norm, relu, 2×2 max pool) ×4 → flatten: 28×28×1 → `filters` features; 'ways' dense head. */
export function glyphSpec(filters = 64): ModelSpec {
  const body: Layer[] = [];
  for (let i = 1; i <= 4; i++) {
    body.push({ kind: 'conv2d', name: `conv${i}`, filters, kernelSize: 3, padding: 'same' }, { kind: 'batchNorm', name: `bn${i}` }, { kind: 'relu' }, { kind: 'maxPool', size: 2 });
  }
  body.push({ kind: 'flatten' });
  return { inputShape: [28, 28, 1], task: 'classification', body, head: [{ kind: 'dense', name: 'out', units: 'ways' }] };
}

/** Output shape of the body for a spec (dense / conv 'same' / pool 2 arithmetic only). */
function walk(spec: ModelSpec, ways: number, visit: (part: 'body' | 'head', layer: Layer, inShape: number[], outShape: number[]) => void): number[] {
  let shape = [...spec.inputShape];
  for (const part of ['body', 'head'] as const) {
    for (const layer of spec[part]) {
      let out = shape;
      if (layer.kind === 'dense') out = [layer.units === 'ways' ? ways : layer.units];
      else if (layer.kind === 'conv2d') out = [shape[0]!, shape[1]!, layer.filters];
      else if (layer.kind === 'maxPool') out = [Math.floor(shape[0]! / layer.size), Math.floor(shape[1]! / layer.size), shape[2]!];
      else if (layer.kind === 'flatten') out = [shape.reduce((a, b) => a * b, 1)];
      visit(part, layer, shape, out);
      shape = out;
    }
  }
  return shape;
}

/**
 * Seeded initial weights: He-normal kernels (fan-in), zero biases, identity batch norm. `headWays`
 * sizes a 'ways' head (0 = leave the 'ways' layer out: it is prototype-initialised).
 */
export function initTensors(spec: ModelSpec, seed: number, headWays = 0): Record<string, NamedTensor> {
  const rng = createRng(seed);
  const out: Record<string, NamedTensor> = {};
  walk(spec, headWays, (part, layer, inShape, outShape) => {
    if (layer.kind === 'dense' && layer.units === 'ways' && headWays === 0) return;
    if (layer.kind === 'dense' || layer.kind === 'conv2d') {
      const fanIn = layer.kind === 'dense' ? inShape.at(-1)! : layer.kernelSize * layer.kernelSize * inShape.at(-1)!;
      const units = outShape.at(-1)!;
      const shape = layer.kind === 'dense' ? [fanIn, units] : [layer.kernelSize, layer.kernelSize, inShape.at(-1)!, units];
      const std = Math.sqrt((part === 'head' ? 1 : 2) / fanIn);
      out[paramName(part, layer, 'kernel')] = { shape, data: Float32Array.from({ length: fanIn * units }, () => rng.normal() * std) };
      out[paramName(part, layer, 'bias')] = { shape: [units], data: new Float32Array(units) };
    } else if (layer.kind === 'batchNorm') {
      const c = inShape.at(-1)!;
      out[paramName(part, layer, 'gamma')] = { shape: [c], data: new Float32Array(c).fill(1) };
      out[paramName(part, layer, 'beta')] = { shape: [c], data: new Float32Array(c) };
      out[paramName(part, layer, 'movingMean')] = { shape: [c], data: new Float32Array(c) };
      out[paramName(part, layer, 'movingVariance')] = { shape: [c], data: new Float32Array(c).fill(1) };
    }
  });
  return out;
}

/** Names of the trainable tensors of one part in spec order. */
export function trainableOf(spec: ModelSpec, part: 'body' | 'head'): string[] {
  return spec[part].flatMap((l) => trainableParams(l).map((p) => paramName(part, l, p)));
}

/** Whether the body has conv layers (no batched per-task weights, no second order through filter grads). */
export function hasConv(spec: ModelSpec): boolean {
  return spec.body.some((l) => l.kind === 'conv2d');
}

/** Features per example at the input of the last head layer. */
export function embedSize(spec: ModelSpec): number {
  let size = 0;
  const last = spec.head.at(-1)!;
  walk(spec, 1, (_part, layer, inShape) => {
    if (layer === last) size = inShape.reduce((a, b) => a * b, 1);
  });
  return size;
}

/** A zero-initialised learned head for a 'ways' layer (label-permutation neutral), unless one exists. */
export function zeroWaysHead(spec: ModelSpec, ways: number, existing: Record<string, unknown>): Record<string, NamedTensor> {
  const last = spec.head.at(-1)!;
  if (last.kind !== 'dense' || last.units !== 'ways' || existing[`head/${last.name}/kernel`]) return {};
  const d = embedSize(spec);
  return {
    [`head/${last.name}/kernel`]: { shape: [d, ways], data: new Float32Array(d * ways) },
    [`head/${last.name}/bias`]: { shape: [ways], data: new Float32Array(ways) },
  };
}

/** Conv biases right before a batch norm: batch statistics cancel them exactly, so training leaves them at zero. */
export function cancelledBiases(spec: ModelSpec): Set<string> {
  const out = new Set<string>();
  spec.body.forEach((l, i) => {
    if (l.kind === 'conv2d' && spec.body[i + 1]?.kind === 'batchNorm') out.add(paramName('body', l, 'bias'));
  });
  return out;
}

/** The params an all-layer inner loop adapts in training (without the cancelled conv biases). */
export function innerNames(spec: ModelSpec, names: readonly string[]): string[] {
  const skip = cancelledBiases(spec);
  return names.filter((n) => !skip.has(n));
}
