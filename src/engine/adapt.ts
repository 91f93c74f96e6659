import { runAutodiff } from './autodiff-path';
import { EngineError } from './errors';
import { frozenRows, runFeatures } from './feature-path';
import { lateBlockKernel } from './late-block-kernel';
import { lateBlockShape } from './late-fused';
import { linearHeadKernel } from './linear-head-kernel';
import { isLinearHead, runFast, runFused } from './linear-paths';
import { targetsOf } from './prepared';
import { resolveOptions, validateSupport } from './validate';
import { userLabels, withShiftViews } from './views';
import type { Head } from '../head/head';
import type { GuardReport } from './guard-report';
import type { InnerOptimizer } from '../spec/model-spec';
import type { LateBlockShape } from './late-fused';
import type { Model } from './model';
import type { FrozenFeatures, PathResult, Prepared } from './prepared';
import type { ResolvedSupport, SupportSet } from './validate';

export type AdaptPath = 'autodiff' | 'fast' | 'fused';

export interface AdaptOptions {
  steps?: number;
  lr?: number;
  /** The update rule; the bundle's `defaults.optimizer` (else 'sgd') when absent. */
  optimizer?: InnerOptimizer;
  /**
   * 'auto' (default): fused if a kernel is registered and takes the model (a linear head with SGD, or
   * scope 'late' over one conv → batchNorm → relu → maxPool block), else fast if linear, else autodiff.
   */
  path?: 'auto' | AdaptPath;
  /**
   * Scopes 'film' and 'late': the frozen prefix's output for each support row, as `frozenFeatures`
   * gave it (e.g. kept from an earlier adaptation of mostly the same examples), instead of running
   * the prefix again. The prefix treats rows independently, so the head is the same either way.
   */
  frozen?: FrozenFeatures;
}

export interface AdaptResult {
  head: Head;
  steps: number;
  lr: number;
  optimizer: InnerOptimizer;
  loss: { before: number; after: number };
  path: AdaptPath;
  /** Steps actually taken: fewer than `steps` (0) when the guard kept the model as it was. */
  stepsUsed: number;
  guard?: GuardReport;
}

const unavailable = (wanted: unknown, why: string): EngineError => new EngineError('path_unavailable', `path ${JSON.stringify(wanted)} is not available: ${why}`);

/** Scopes 'film' and 'late': the fused late-block kernel when it takes the model, else tfjs autodiff. */
function chooseFeaturePath(model: Model, wanted: unknown): AdaptPath {
  if (wanted === 'autodiff') return 'autodiff';
  const shape = lateBlockShape(model);
  const why = typeof shape === 'string' ? shape : lateBlockKernel() === undefined ? 'no fused kernel is registered' : undefined;
  if (wanted === undefined || wanted === 'auto') return why ? 'autodiff' : 'fused';
  if (wanted === 'fused' && !why) return 'fused';
  throw unavailable(wanted, wanted === 'fused' ? why! : wanted === 'fast' ? `scope '${model.defaults.scope}' adapts features, not a linear head` : 'unknown path');
}

function choosePath(model: Model, wanted: unknown, optimizer: InnerOptimizer): AdaptPath {
  if (model.defaults.scope === 'film' || model.defaults.scope === 'late') return chooseFeaturePath(model, wanted);
  // The fast and fused paths are SGD on a linear head; every other rule takes the one autodiff loop.
  const linear = isLinearHead(model) && optimizer === 'sgd';
  const fused = linear && linearHeadKernel() !== undefined;
  if (wanted === undefined || wanted === 'auto') return fused ? 'fused' : linear ? 'fast' : 'autodiff';
  if (wanted === 'autodiff') return 'autodiff';
  if ((wanted === 'fast' && linear) || (wanted === 'fused' && fused)) return wanted;
  const why =
    wanted === 'fast' || wanted === 'fused'
      ? linear
        ? 'no fused kernel is registered'
        : optimizer !== 'sgd'
          ? `it runs SGD only, not ${optimizer}`
          : 'the head is not one dense layer adapted alone'
      : 'unknown path';
  throw unavailable(wanted, why);
}

function run(model: Model, p: Prepared, path: AdaptPath): PathResult {
  if (path === 'fast') return runFast(model, p);
  if (path === 'autodiff') return runAutodiff(model, p);
  if (model.defaults.scope !== 'late') return runFused(model, p, linearHeadKernel()!);
  return runFeatures(model, p, { kernel: lateBlockKernel()!, shape: lateBlockShape(model) as LateBlockShape });
}

function prepare(model: Model, support: SupportSet, opts: AdaptOptions): Prepared {
  const { steps, lr, optimizer } = resolveOptions(model.defaults, opts);
  const s = validateSupport(support, model.spec.task, model.inputSize, model.defaults);
  const k = s.labelIdx ? s.headLabels.length : model.outputSize!;
  if (!s.labelIdx && k !== 1) throw new EngineError('label_kind', `this regression model has ${k} outputs; a support set gives one target per input`);
  if (opts.frozen && opts.frozen.rows.length !== s.n) throw new EngineError('input_length', `${opts.frozen.rows.length} frozen feature rows for ${s.n} inputs`);
  const viewed = model.defaults.shiftViews ? withShiftViews(s, model.spec.inputShape, model.defaults.shiftViews) : undefined;
  const rows = viewed ?? s;
  // Frozen rows cover the user's examples; the views' rows are computed here, the same as in a whole run.
  const frozen = opts.frozen && viewed ? { ...opts.frozen, rows: [...opts.frozen.rows, ...frozenRows(model, viewed.x.subarray(s.n * model.inputSize), viewed.n - s.n).rows] } : opts.frozen;
  return { support: rows, loss: s.labelIdx ? 'softmax-ce' : 'mse', k, y: targetsOf(rows, k), steps, lr, optimizer, ...(frozen ? { frozen } : {}) };
}

/** Examples in the smallest class, counting the user's examples only (not shifted views). */
function fewestPerClass(s: ResolvedSupport): number {
  const counts = new Map<number, number>();
  for (const c of userLabels(s)) counts.set(c, (counts.get(c) ?? 0) + 1);
  return Math.min(...counts.values());
}

function checkFinite(r: PathResult): void {
  const bad = Object.entries(r.params).find(([, t]) => !t.data.every(Number.isFinite));
  if (bad || !Number.isFinite(r.lossAfter)) throw new EngineError('non_finite', `adaptation diverged (non-finite ${bad ? bad[0] : 'loss'}); use a smaller lr or fewer steps`);
}

/**
 * Adapts a model to a support set, synchronously: validation first (EngineError, no tensors touched),
 * then the chosen path. Deterministic: the same model, support and options give the same bytes.
 */
export function adapt(model: Model, support: SupportSet, opts: AdaptOptions = {}): AdaptResult {
  const p = prepare(model, support, opts);
  const path = choosePath(model, opts.path, p.optimizer);
  const r = run(model, p, path);
  checkFinite(r);
  const head: Head = { modelId: model.id, task: model.spec.task, labels: p.support.headLabels, scope: model.defaults.scope, params: r.params };
  if (model.defaults.unknownDistances?.length && p.support.labelIdx) head.shots = fewestPerClass(p.support);
  const out: AdaptResult = { head, steps: p.steps, lr: p.lr, optimizer: p.optimizer, loss: { before: r.lossBefore, after: r.lossAfter }, path, stepsUsed: r.stepsUsed ?? p.steps };
  if (r.guard) out.guard = r.guard;
  return out;
}
