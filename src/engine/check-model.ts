import { ModelError } from './errors';
import { layerParams, paramName, sizeOf } from './params';
import type { Layer, ModelData } from '../spec/model-spec';
import type { Part } from './params';

const KINDS = new Set(['dense', 'conv2d', 'maxPool', 'batchNorm', 'relu', 'flatten', 'identity', 'l2Normalize', 'globalAvgPool']);
const isPosInt = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) > 0;

/** Whether a layer's weights come from prototype init rather than from the bundle. */
export function isPrototypeLayer(data: ModelData, part: Part, layer: Layer, last: boolean): boolean {
  return part === 'head' && last && layer.kind === 'dense' && data.defaults.headInit === 'prototype';
}

function checkLayer(data: ModelData, part: Part, layer: Layer, last: boolean, seen: Set<string>): void {
  if (!KINDS.has(layer.kind)) throw new ModelError(`${part}: unknown layer kind ${JSON.stringify(layer.kind)}`);
  const names = layerParams(layer);
  if (names.length === 0) return;
  const name = (layer as { name?: unknown }).name;
  if (typeof name !== 'string' || name.length === 0 || name.includes('/')) throw new ModelError(`${part}: a ${layer.kind} layer needs a name without '/'`);
  if (seen.has(name)) throw new ModelError(`${part}: duplicate layer name ${name}`);
  seen.add(name);
  if (layer.kind === 'dense' && layer.units !== 'ways' && !isPosInt(layer.units)) throw new ModelError(`${part}/${name}: bad units`);
  if (layer.kind === 'dense' && layer.units === 'ways' && !(part === 'head' && last)) throw new ModelError(`${part}/${name}: units 'ways' only on the last head layer`);
  if (layer.kind === 'conv2d' && !(isPosInt(layer.filters) && isPosInt(layer.kernelSize))) throw new ModelError(`${part}/${name}: bad conv2d filters/kernelSize`);
  if (isPrototypeLayer(data, part, layer, last)) return;
  const ranks: Record<string, number> = { kernel: layer.kind === 'conv2d' ? 4 : 2, bias: 1, gamma: 1, beta: 1, movingMean: 1, movingVariance: 1 };
  for (const p of names) {
    const full = paramName(part, layer, p);
    const t = data.tensors[full];
    if (!t) throw new ModelError(`missing tensor ${full}`);
    if (t.shape.length !== ranks[p]) throw new ModelError(`${full}: rank ${t.shape.length}, expected ${ranks[p]}`);
  }
}

/** Structural checks of a model before anything is uploaded: layer kinds, names, tensor presence and sizes. */
export function checkModelData(data: ModelData): void {
  const { spec, defaults } = data;
  if (!Array.isArray(spec.inputShape) || spec.inputShape.length === 0 || !spec.inputShape.every(isPosInt)) throw new ModelError('bad inputShape');
  if (spec.task !== 'classification' && spec.task !== 'regression') throw new ModelError(`unknown task ${JSON.stringify(spec.task)}`);
  if (spec.head.length === 0) throw new ModelError('the head has no layers');
  if (defaults.headInit === 'prototype' && (spec.task !== 'classification' || spec.head.at(-1)?.kind !== 'dense')) {
    throw new ModelError('prototype init needs a classification model whose head ends in a dense layer');
  }
  for (const part of ['body', 'head'] as const) {
    const seen = new Set<string>();
    spec[part].forEach((l, i) => checkLayer(data, part, l, i === spec[part].length - 1, seen));
  }
  for (const [name, t] of Object.entries(data.tensors)) {
    if (!(t.data instanceof Float32Array) || t.data.length !== sizeOf(t.shape)) throw new ModelError(`${name}: data length does not match shape ${JSON.stringify(t.shape)}`);
  }
  const l = defaults.limits;
  if (!(l && l.minSteps <= l.maxSteps && l.minLr <= l.maxLr && l.maxClasses >= 1 && l.maxExamples >= 1)) throw new ModelError('bad adaptation limits');
}
