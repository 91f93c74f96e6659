import type { Layer, ModelData } from '../../src/spec/model-spec';

/**
 * A deliberately naive float64 forward pass over one example (NHWC, tfjs padding semantics), used only
 * to check that a spec + tensors means the same function as the tfjs model it was imported from.
 */
export function referenceForward(model: Omit<ModelData, 'id'>, input: ArrayLike<number>): number[] {
  let shape = [...model.spec.inputShape];
  let x = Array.from(input);
  for (const [part, layers] of [['body', model.spec.body], ['head', model.spec.head]] as const) {
    for (const layer of layers) [x, shape] = apply(layer, x, shape, (p) => Array.from(model.tensors[`${part}/${(layer as { name: string }).name}/${p}`]!.data));
  }
  return x;
}

/** TF's 'same' padding: total = max((out − 1)·s + k − n, 0), the smaller half before. */
function window(n: number, k: number, s: number, padding: string): { out: number; before: number } {
  if (padding === 'same') {
    const out = Math.ceil(n / s);
    return { out, before: Math.floor(Math.max((out - 1) * s + k - n, 0) / 2) };
  }
  return { out: Math.floor((n - k) / s) + 1, before: 0 };
}

function apply(layer: Layer, x: number[], shape: number[], param: (p: string) => number[]): [number[], number[]] {
  const c = shape.at(-1)!;
  switch (layer.kind) {
    case 'dense': {
      const w = param('kernel');
      const b = param('bias');
      const units = b.length;
      const rows = x.length / c;
      const y = new Array<number>(rows * units).fill(0);
      for (let r = 0; r < rows; r++) for (let j = 0; j < units; j++) {
        let s = b[j]!;
        for (let i = 0; i < c; i++) s += x[r * c + i]! * w[i * units + j]!;
        y[r * units + j] = s;
      }
      return [y, [...shape.slice(0, -1), units]];
    }
    case 'conv2d':
    case 'maxPool': {
      const [h, wd] = shape as [number, number, number];
      const k = layer.kind === 'conv2d' ? layer.kernelSize : layer.size;
      const s = layer.strides ?? (layer.kind === 'conv2d' ? 1 : layer.size);
      const pad = layer.padding ?? 'valid';
      if (typeof pad === 'number') throw new Error('reference forward: integer padding is not implemented here');
      const H = window(h, k, s, pad);
      const W = window(wd, k, s, pad);
      const f = layer.kind === 'conv2d' ? layer.filters : c;
      const kernel = layer.kind === 'conv2d' ? param('kernel') : [];
      const bias = layer.kind === 'conv2d' ? param('bias') : [];
      const y: number[] = [];
      for (let i = 0; i < H.out; i++) for (let j = 0; j < W.out; j++) for (let o = 0; o < f; o++) {
        let acc = layer.kind === 'conv2d' ? bias[o]! : -Infinity;
        for (let di = 0; di < k; di++) for (let dj = 0; dj < k; dj++) {
          const yi = i * s + di - H.before;
          const xj = j * s + dj - W.before;
          if (yi < 0 || yi >= h || xj < 0 || xj >= wd) continue;
          if (layer.kind === 'maxPool') acc = Math.max(acc, x[(yi * wd + xj) * c + o]!);
          else for (let ci = 0; ci < c; ci++) acc += x[(yi * wd + xj) * c + ci]! * kernel[((di * k + dj) * c + ci) * f + o]!;
        }
        y.push(acc);
      }
      return [y, [H.out, W.out, f]];
    }
    case 'batchNorm': {
      const [g, b, m, v] = ['gamma', 'beta', 'movingMean', 'movingVariance'].map(param) as [number[], number[], number[], number[]];
      const eps = layer.epsilon ?? 1e-3;
      return [x.map((val, i) => ((val - m[i % c]!) / Math.sqrt(v[i % c]! + eps)) * g[i % c]! + b[i % c]!), shape];
    }
    case 'relu':
      return [x.map((v) => Math.max(0, v)), shape];
    case 'flatten':
      return [x, [x.length]];
    default:
      return [x, shape];
  }
}

/** Softmax of a logit vector. */
export function softmax(z: number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}
