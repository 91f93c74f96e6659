import { adapt } from '../../src/engine/index';
import type { Model, SupportSet } from '../../src/engine/index';

/** A throwaway support set of zeros the model accepts: 5-way 5-shot (its own labels if fixed), or 10 targets. */
export function warmUpSupport(model: Model): SupportSet {
  const { limits, labels, headInit } = model.defaults;
  if (model.spec.task === 'regression') {
    const n = Math.min(10, limits.maxExamples);
    return { inputs: Array.from({ length: n }, () => new Array<number>(model.inputSize).fill(0)), labels: new Array<number>(n).fill(0) };
  }
  const classes = headInit === 'learned' && labels ? labels : Array.from({ length: Math.max(2, Math.min(5, limits.maxClasses)) }, (_, i) => i);
  const n = Math.min(5 * classes.length, limits.maxExamples);
  return { inputs: Array.from({ length: n }, () => new Array<number>(model.inputSize).fill(0)), labels: Array.from({ length: n }, (_, i) => classes[i % classes.length]!) };
}

/**
 * One adaptation on zeros, result discarded: the first real request then meets wasm kernels already
 * tiered up by V8, a grown wasm heap and warm JS paths (measured: its adapt drops from ~2× a warm one
 * to a warm one; docs/benchmarks.md). Best effort: a failure only means no warm-up.
 */
export function warmUp(model: Model): void {
  try {
    adapt(model, warmUpSupport(model));
  } catch {
    // the first request adapts cold, as without a warm-up
  }
}
