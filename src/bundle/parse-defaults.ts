import { INNER_OPTIMIZERS } from '../spec/model-spec';
import type { AdaptationDefaults, Provenance } from '../spec/model-spec';
import { arr, int, num, obj, oneOf, opt, str } from './json-checks';
import type { Json } from './json-checks';
import { BundleError } from './errors';

/** Reads adaptation defaults and checks that steps and lr sit inside their own limits. */
export function parseDefaults(v: Json): AdaptationDefaults {
  const o = obj(v, 'defaults');
  const l = obj(o.limits, 'defaults.limits');
  const limits = {
    minSteps: int(l.minSteps, 'defaults.limits.minSteps', 0, 1e6),
    maxSteps: int(l.maxSteps, 'defaults.limits.maxSteps', 0, 1e6),
    minLr: num(l.minLr, 'defaults.limits.minLr'),
    maxLr: num(l.maxLr, 'defaults.limits.maxLr'),
    maxClasses: int(l.maxClasses, 'defaults.limits.maxClasses', 1, 1e6),
    maxExamples: int(l.maxExamples, 'defaults.limits.maxExamples', 1, 1e9),
  };
  const out: AdaptationDefaults = {
    scope: oneOf(o.scope, 'defaults.scope', ['head', 'all', 'film', 'late']),
    steps: int(o.steps, 'defaults.steps', 0, 1e6),
    lr: num(o.lr, 'defaults.lr'),
    lrMode: oneOf(o.lrMode, 'defaults.lrMode', ['scalar', 'per-parameter']),
    headInit: oneOf(o.headInit, 'defaults.headInit', ['learned', 'prototype']),
    limits,
  };
  if (o.optimizer !== undefined) out.optimizer = oneOf(o.optimizer, 'defaults.optimizer', [...INNER_OPTIMIZERS]);
  if (o.lateBlocks !== undefined) out.lateBlocks = int(o.lateBlocks, 'defaults.lateBlocks', 1, 64);
  if (o.guard !== undefined) out.guard = oneOf(o.guard, 'defaults.guard', ['split', 'off'] as const);
  if (o.guardTolerance !== undefined) out.guardTolerance = int(o.guardTolerance, 'defaults.guardTolerance', 0, 1e6);
  if (o.guardLossSlack !== undefined) out.guardLossSlack = num(o.guardLossSlack, 'defaults.guardLossSlack');
  if (out.guardLossSlack !== undefined && !(out.guardLossSlack >= 0)) throw new BundleError('bad_header', 'defaults.guardLossSlack must be ≥ 0');
  if (out.scope === 'late' && out.lateBlocks === undefined) throw new BundleError('bad_header', "defaults: scope 'late' needs lateBlocks");
  if (o.minContrast !== undefined) out.minContrast = num(o.minContrast, 'defaults.minContrast');
  if (out.minContrast !== undefined && !(out.minContrast > 0)) throw new BundleError('bad_header', 'defaults.minContrast must be > 0');
  if (o.shiftViews !== undefined) out.shiftViews = int(o.shiftViews, 'defaults.shiftViews', 0, 8);
  if (o.temperature !== undefined) out.temperature = num(o.temperature, 'defaults.temperature');
  if (o.unknownDistance !== undefined) out.unknownDistance = num(o.unknownDistance, 'defaults.unknownDistance');
  if (o.unknownDistances !== undefined) {
    out.unknownDistances = arr(o.unknownDistances, 'defaults.unknownDistances').map((e, i) => {
      const r = obj(e, `defaults.unknownDistances[${i}]`);
      const distance = num(r.distance, `defaults.unknownDistances[${i}].distance`);
      if (!(distance > 0)) throw new BundleError('bad_header', `defaults.unknownDistances[${i}].distance must be > 0`);
      return { shots: int(r.shots, `defaults.unknownDistances[${i}].shots`, 1, 1e6), distance };
    });
    if (!out.unknownDistances.every((e, i, a) => i === 0 || e.shots > a[i - 1]!.shots)) throw new BundleError('bad_header', 'defaults.unknownDistances must be sorted by increasing shots');
  }
  if (out.temperature !== undefined && !(out.temperature > 0)) throw new BundleError('bad_header', 'defaults.temperature must be > 0');
  if (out.unknownDistance !== undefined && !(out.unknownDistance > 0)) throw new BundleError('bad_header', 'defaults.unknownDistance must be > 0');
  if (o.labels !== undefined) {
    const labels = arr(o.labels, 'defaults.labels').map((x, i) => (typeof x === 'number' ? num(x, `defaults.labels[${i}]`) : str(x, `defaults.labels[${i}]`, 256)));
    if (new Set(labels.map((x) => `${typeof x}:${x}`)).size !== labels.length) throw new BundleError('bad_header', 'defaults.labels: duplicate label');
    out.labels = labels;
  }
  const bad = (m: string): never => {
    throw new BundleError('bad_header', `defaults: ${m}`);
  };
  if (!(limits.minLr > 0 && limits.minLr <= limits.maxLr)) bad(`lr limits must satisfy 0 < minLr ≤ maxLr (got ${limits.minLr}, ${limits.maxLr})`);
  if (limits.minSteps > limits.maxSteps) bad(`minSteps ${limits.minSteps} > maxSteps ${limits.maxSteps}`);
  if (out.steps < limits.minSteps || out.steps > limits.maxSteps) bad(`steps ${out.steps} outside [${limits.minSteps}, ${limits.maxSteps}]`);
  if (out.lr < limits.minLr || out.lr > limits.maxLr) bad(`lr ${out.lr} outside [${limits.minLr}, ${limits.maxLr}]`);
  return out;
}

/** Reads provenance: the known fields are type-checked, any extra field is kept as it is. */
export function parseProvenance(v: Json): Provenance {
  const o = obj(v, 'provenance');
  const out: Provenance = { ...o, algorithm: str(o.algorithm, 'provenance.algorithm'), dataset: str(o.dataset, 'provenance.dataset') };
  const optional = {
    split: opt(o.split, (x) => str(x, 'provenance.split')),
    seed: opt(o.seed, (x) => int(x, 'provenance.seed', -(2 ** 53) + 1)),
    date: opt(o.date, (x) => str(x, 'provenance.date', 64)),
    command: opt(o.command, (x) => str(x, 'provenance.command', 4096)),
    metrics: opt(o.metrics, (x) => Object.fromEntries(Object.entries(obj(x, 'provenance.metrics')).map(([k, m]) => [k, num(m, `provenance.metrics.${k}`)]))),
  };
  for (const [k, x] of Object.entries(optional)) if (x !== undefined) out[k] = x;
  return out;
}
