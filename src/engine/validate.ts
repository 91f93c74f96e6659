import { EngineError } from './errors';
import { INNER_OPTIMIZERS } from '../spec/model-spec';
import type { AdaptationDefaults, InnerOptimizer, TaskKind } from '../spec/model-spec';
import { plural } from '../util/plural';

/** A support set as the API and CLI receive it: one flattened input and one label per example. */
export interface SupportSet {
  inputs: number[][];
  labels: (string | number)[];
}

/** What the engine adapts on, once every check has passed. */
export interface ResolvedSupport {
  n: number;
  /** Inputs [n, inputSize] row-major. */
  x: Float32Array;
  /** Output labels in head order (classification); empty for regression. */
  headLabels: (string | number)[];
  /** Class index per example (classification). */
  labelIdx?: Int32Array;
  /** Targets [n, 1] (regression). */
  targets?: Float32Array;
  /** The user's examples are the first `examples` rows (all n when absent); the rest are shifted views of them (src/engine/views.ts). */
  examples?: number;
}

/** Checks every input row's length and values; returns them as one float32 block. */
export function checkInputs(inputs: unknown, inputSize: number): Float32Array {
  if (!Array.isArray(inputs)) throw new EngineError('input_length', 'inputs must be an array of number arrays');
  const x = new Float32Array(inputs.length * inputSize);
  inputs.forEach((row: unknown, i) => {
    if (!Array.isArray(row) || row.length !== inputSize) {
      const len = Array.isArray(row) ? plural(row.length, 'number') : 'not an array';
      throw new EngineError('input_length', `input ${i} has ${len}; the model takes ${plural(inputSize, 'number')} per input`);
    }
    for (let j = 0; j < inputSize; j++) {
      const v: unknown = row[j];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new EngineError('non_finite', `input ${i}, value ${j} is not a finite number`);
      x[i * inputSize + j] = v;
    }
  });
  return x;
}

/** Resolves steps and lr against the model's defaults and limits. */
export function resolveOptions(defaults: AdaptationDefaults, opts: { steps?: unknown; lr?: unknown; optimizer?: unknown }): { steps: number; lr: number; optimizer: InnerOptimizer } {
  const { limits } = defaults;
  const steps = opts.steps ?? defaults.steps;
  const lr = opts.lr ?? defaults.lr;
  if (typeof steps !== 'number' || !Number.isSafeInteger(steps) || steps < limits.minSteps || steps > limits.maxSteps) {
    throw new EngineError('steps_out_of_range', `steps must be an integer in [${limits.minSteps}, ${limits.maxSteps}], got ${String(steps)}`);
  }
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < limits.minLr || lr > limits.maxLr) {
    throw new EngineError('lr_out_of_range', `lr must be in [${limits.minLr}, ${limits.maxLr}], got ${String(lr)}`);
  }
  const optimizer = opts.optimizer ?? defaults.optimizer ?? 'sgd';
  if (!INNER_OPTIMIZERS.includes(optimizer as InnerOptimizer)) {
    throw new EngineError('optimizer_unknown', `optimizer must be one of ${INNER_OPTIMIZERS.join(', ')}, got ${JSON.stringify(optimizer)}`);
  }
  return { steps, lr, optimizer: optimizer as InnerOptimizer };
}

const kindOf = (v: unknown): string => (typeof v === 'number' ? 'number' : typeof v === 'string' ? 'string' : typeof v);

function checkLabel(v: unknown, i: number): string | number {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new EngineError('non_finite', `label ${i} is not a finite number`);
    return v;
  }
  throw new EngineError('label_kind', `label ${i} is a ${kindOf(v)}; labels are strings or numbers`);
}

function classify(labels: (string | number)[], task: TaskKind, defaults: AdaptationDefaults): Pick<ResolvedSupport, 'headLabels' | 'labelIdx'> {
  const fixed = defaults.headInit === 'learned' ? defaults.labels : undefined;
  const order: (string | number)[] = fixed ? [...fixed] : [];
  const index = new Map<string | number, number>(order.map((l, i) => [l, i]));
  const kind = kindOf(fixed?.[0] ?? labels[0]);
  const labelIdx = new Int32Array(labels.length);
  labels.forEach((l, i) => {
    if (kindOf(l) !== kind) throw new EngineError('label_kind', `label ${i} is a ${kindOf(l)}, but this ${fixed ? "model's labels are" : 'support set starts with'} ${kind}s`);
    let c = index.get(l);
    if (c === undefined) {
      if (fixed) throw new EngineError('label_kind', `label ${JSON.stringify(l)} is not one of the model's labels`);
      c = order.length;
      order.push(l);
      index.set(l, c);
    }
    labelIdx[i] = c;
  });
  if (!fixed && order.length < 2) throw new EngineError('too_few_examples', `a ${task} support set needs examples of at least 2 classes, got ${order.length}`);
  if (!fixed && order.length > defaults.limits.maxClasses) {
    throw new EngineError('too_many_classes', `${plural(order.length, 'class', 'classes')}; this model allows at most ${defaults.limits.maxClasses}`);
  }
  return { headLabels: order, labelIdx };
}

/** Validates a support set against a model, cheapest checks first; throws EngineError, touches no tensors. */
export function validateSupport(support: unknown, task: TaskKind, inputSize: number, defaults: AdaptationDefaults): ResolvedSupport {
  const s = (typeof support === 'object' && support !== null ? support : {}) as { inputs?: unknown; labels?: unknown };
  if (!Array.isArray(s.inputs) || s.inputs.length === 0) throw new EngineError('empty_support', 'the support set has no inputs');
  const n = s.inputs.length;
  if (n > defaults.limits.maxExamples) throw new EngineError('too_many_examples', `${plural(n, 'example')}; this model allows at most ${defaults.limits.maxExamples}`);
  if (!Array.isArray(s.labels) || s.labels.length !== n) {
    throw new EngineError('label_count_mismatch', `${Array.isArray(s.labels) ? plural(s.labels.length, 'label') : 'no labels'} for ${plural(n, 'input')}`);
  }
  const labels = s.labels.map(checkLabel);
  const x = checkInputs(s.inputs, inputSize);
  if (task === 'regression') {
    const bad = labels.findIndex((l) => typeof l !== 'number');
    if (bad >= 0) throw new EngineError('label_kind', `label ${bad} is a string; a regression model takes numeric targets`);
    return { n, x, headLabels: [], targets: Float32Array.from(labels as number[]) };
  }
  return { n, x, ...classify(labels, task, defaults) };
}
