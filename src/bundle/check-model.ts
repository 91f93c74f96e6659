import type { AdaptationDefaults, ModelSpec } from '../spec/model-spec';
import { BundleError } from './errors';
import type { SpecShapes } from './spec-shapes';
import { plural } from '../util/plural';

/** Checks the adaptation defaults against the spec: head init, labels, task. */
export function checkDefaults(spec: ModelSpec, shapes: SpecShapes, defaults: AdaptationDefaults): void {
  const bad = (m: string): never => {
    throw new BundleError('bad_spec', m);
  };
  if (defaults.headInit === 'prototype' && shapes.outputs !== 'ways') bad("headInit 'prototype' needs a head whose last dense layer has units 'ways'");
  if (defaults.headInit === 'learned' && shapes.outputs === 'ways') bad("units 'ways' needs headInit 'prototype' (a learned head has a fixed number of outputs)");
  if (defaults.scope === 'film' && (defaults.headInit !== 'prototype' || !spec.body.some((l) => l.kind === 'batchNorm'))) bad("scope 'film' needs a prototype head and a batchNorm layer in the body");
  if (defaults.scope === 'film' && defaults.lrMode !== 'scalar') bad("scope 'film' takes a scalar lr");
  if (defaults.scope === 'late') {
    if (defaults.headInit !== 'prototype') bad("scope 'late' needs a prototype head");
    if (defaults.lrMode !== 'scalar') bad("scope 'late' takes a scalar lr");
    const blocks = spec.body.filter((l) => l.kind === 'conv2d' || l.kind === 'dense').length;
    if ((defaults.lateBlocks ?? 0) > blocks) bad(`scope 'late' with lateBlocks ${defaults.lateBlocks} needs as many conv2d/dense layers in the body (it has ${blocks})`);
  }
  if (defaults.guard === 'split' && defaults.scope !== 'film' && defaults.scope !== 'late') bad("guard 'split' is for the feature scopes 'film' and 'late'");
  if (defaults.unknownDistance !== undefined && defaults.headInit !== 'prototype') bad('unknownDistance needs a prototype head');
  if (defaults.minContrast !== undefined && defaults.headInit !== 'prototype') bad('minContrast needs a prototype head');
  if (defaults.shiftViews && (defaults.headInit !== 'prototype' || spec.inputShape.length !== 3)) bad('shiftViews needs a prototype head over image inputs [height, width, channels]');
  if (spec.task === 'classification' && defaults.headInit === 'learned' && !defaults.labels) bad('a learned classification head needs defaults.labels, one per output');
  if (defaults.labels) {
    if (spec.task !== 'classification') bad('labels are only meaningful for classification');
    if (defaults.labels.length !== shapes.outputs) bad(`${plural(defaults.labels.length, 'label')} for a head with ${typeof shapes.outputs === 'number' ? plural(shapes.outputs, 'output') : `'ways' outputs`}`);
  }
  if (spec.task === 'classification' && typeof shapes.outputs === 'number' && shapes.outputs > defaults.limits.maxClasses) {
    bad(`the head has ${shapes.outputs} classes, more than limits.maxClasses ${defaults.limits.maxClasses}`);
  }
}

/** Names of the parameters the inner loop adapts (and so may carry `lr/<name>` tensors). */
export function adaptedParams(shapes: SpecShapes, defaults: AdaptationDefaults): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const p of shapes.params) if (p.trainable && (defaults.scope === 'all' || p.part === 'head')) out.set(p.name, p.shape);
  return out;
}

/** Checks that the stored tensors are exactly the spec's parameters (plus `lr/*` in per-parameter mode), shapes included. */
export function checkTensorNames(tensors: { name: string; shape: number[] }[], shapes: SpecShapes, defaults: AdaptationDefaults): void {
  const expected = new Map<string, number[]>(shapes.params.map((p) => [p.name, p.shape]));
  if (defaults.lrMode === 'per-parameter') for (const [name, s] of adaptedParams(shapes, defaults)) expected.set(`lr/${name}`, s);
  const ways = new Set(shapes.waysParams);
  const present = new Set<string>();
  for (const t of tensors) {
    const want = expected.get(t.name);
    if (!want) {
      const why = ways.has(t.name)
        ? "belongs to the 'ways' layer, which is sized per support set and never stored"
        : t.name.startsWith('lr/')
          ? `is not allowed with lrMode '${defaults.lrMode}' and scope '${defaults.scope}'`
          : 'is not a parameter of the spec';
      throw new BundleError('bad_tensor_table', `tensor '${t.name}' ${why}`);
    }
    if (want.length !== t.shape.length || want.some((d, i) => d !== t.shape[i])) {
      throw new BundleError('shape_mismatch', `tensor '${t.name}' has shape [${t.shape}], the spec implies [${want}]`);
    }
    present.add(t.name);
  }
  for (const name of expected.keys()) if (!present.has(name)) throw new BundleError('bad_tensor_table', `tensor '${name}' is missing`);
}
