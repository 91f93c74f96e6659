import type { Layer, ModelSpec, Padding } from '../spec/model-spec';
import { BundleError } from './errors';

/** A parameter the spec implies: its tensor name, shape, and whether the inner loop may train it. */
export interface ParamInfo {
  name: string;
  shape: number[];
  part: 'body' | 'head';
  trainable: boolean;
}

export interface SpecShapes {
  /** Parameters that must be stored, in layer order. */
  params: ParamInfo[];
  /** Parameters of the `units: 'ways'` layer: sized per support set, so never stored. */
  waysParams: string[];
  /** Shape of the body's output (the embedding). */
  embedding: number[];
  /** Output units of the head, or 'ways'. */
  outputs: number | 'ways';
  /** The shape entering each layer, per part in layer order (importers need it, e.g. what a flatten flattened). */
  layerInputs: { body: number[][]; head: number[][] };
}

const WAYS = -1;

const bad = (m: string): never => {
  throw new BundleError('bad_spec', m);
};

/** Output size of a conv/pool window along one axis (tfjs semantics; an integer pads both sides, as PyTorch). */
function windowOut(n: number, k: number, s: number, padding: Padding | number, where: string): number {
  if (typeof padding === 'number') {
    if (n + 2 * padding < k) bad(`${where}: window ${k} larger than input ${n} padded by ${padding}`);
    return Math.floor((n + 2 * padding - k) / s) + 1;
  }
  if (padding === 'same') return Math.ceil(n / s);
  if (n < k) bad(`${where}: window ${k} larger than input ${n} with 'valid' padding`);
  return Math.floor((n - k) / s) + 1;
}

/** Walks the spec from the input shape, checking every layer fits, and lists the implied parameters. */
export function specShapes(spec: ModelSpec): SpecShapes {
  const params: ParamInfo[] = [];
  const waysParams: string[] = [];
  if (!spec.head.some((l) => l.kind === 'dense')) bad('the head has no dense layer');
  let shape = [...spec.inputShape];
  let embedding: number[] = [];
  const layerInputs: SpecShapes['layerInputs'] = { body: [], head: [] };
  for (const part of ['body', 'head'] as const) {
    const names = new Set<string>();
    spec[part].forEach((layer: Layer, i: number) => {
      const where = `spec.${part}[${i}] (${layer.kind})`;
      layerInputs[part].push([...shape]);
      if ('name' in layer) {
        if (names.has(layer.name)) bad(`${where}: duplicate layer name '${layer.name}' in the ${part}`);
        names.add(layer.name);
      }
      const add = (param: string, s: number[], trainable: boolean): void => {
        const name = `${part}/${(layer as { name: string }).name}/${param}`;
        if (s.includes(WAYS)) waysParams.push(name);
        else params.push({ name, shape: s, part, trainable });
      };
      const last = shape.at(-1)!;
      switch (layer.kind) {
        case 'dense': {
          if (layer.units === 'ways' && !(part === 'head' && i === spec.head.length - 1)) bad(`${where}: units 'ways' is only allowed on the last layer of the head`);
          if (layer.units === 'ways' && spec.task !== 'classification') bad(`${where}: units 'ways' needs task 'classification'`);
          const units = layer.units === 'ways' ? WAYS : layer.units;
          add('kernel', [last, units], true);
          add('bias', [units], true);
          shape = [...shape.slice(0, -1), units];
          break;
        }
        case 'conv2d': {
          if (shape.length !== 3) bad(`${where}: needs a [height, width, channels] input, got [${shape}]`);
          const s = layer.strides ?? 1;
          const pad = layer.padding ?? 'valid';
          add('kernel', [layer.kernelSize, layer.kernelSize, last, layer.filters], true);
          add('bias', [layer.filters], true);
          shape = [windowOut(shape[0]!, layer.kernelSize, s, pad, where), windowOut(shape[1]!, layer.kernelSize, s, pad, where), layer.filters];
          break;
        }
        case 'maxPool': {
          if (shape.length !== 3) bad(`${where}: needs a [height, width, channels] input, got [${shape}]`);
          const s = layer.strides ?? layer.size;
          const pad = layer.padding ?? 'valid';
          shape = [windowOut(shape[0]!, layer.size, s, pad, where), windowOut(shape[1]!, layer.size, s, pad, where), last];
          break;
        }
        case 'batchNorm':
          add('gamma', [last], true);
          add('beta', [last], true);
          add('movingMean', [last], false);
          add('movingVariance', [last], false);
          break;
        case 'flatten':
          shape = [shape.reduce((a, b) => a * b, 1)];
          break;
        case 'globalAvgPool':
          if (shape.length !== 3) bad(`${where}: needs a [height, width, channels] input, got [${shape}]`);
          shape = [last];
          break;
        case 'relu':
        case 'identity':
        case 'l2Normalize':
          break;
      }
      if (shape.some((d) => d !== WAYS && d > 2 ** 31 - 1)) bad(`${where}: output shape [${shape}] is too large`);
    });
    if (part === 'body') embedding = shape;
  }
  if (shape.length !== 1) bad(`the head's output must be a vector, got shape [${shape}]`);
  return { params, waysParams, embedding, outputs: shape[0] === WAYS ? 'ways' : shape[0]!, layerInputs };
}
