import { FusedKernelError } from './errors';
import type { LateBlockInput, LateBlockProblem } from '../../src/engine/late-block-kernel';

function fail(message: string): never {
  throw new FusedKernelError('fused_invalid_problem', message);
}

function positiveInt(name: string, v: number): void {
  if (!Number.isInteger(v) || v <= 0) fail(`${name} must be a positive integer, got ${v}`);
}

function f32(name: string, a: unknown, length: number): void {
  if (!(a instanceof Float32Array)) fail(`${name} must be a Float32Array`);
  if (a.length !== length) fail(`${name} has length ${a.length}, expected ${length}`);
}

const OPTIMIZERS = ['sgd', 'momentum', 'adam'];

/** The conv output's spatial size and the pool windows over it (floor pooling). */
export function lateGeometry(p: Pick<LateBlockProblem, 'h' | 'w' | 'kh' | 'kw' | 'pad' | 'pool'>): { oh: number; ow: number; ph: number; pw: number } {
  const oh = p.h + p.pad.top + p.pad.bottom - p.kh + 1;
  const ow = p.w + p.pad.left + p.pad.right - p.kw + 1;
  return { oh, ow, ph: Math.floor(oh / p.pool), pw: Math.floor(ow / p.pool) };
}

/** Checks the block and its input (shapes, padding, a pool window, array types and lengths). */
export function validateLateInput(p: LateBlockInput): void {
  for (const name of ['n', 'h', 'w', 'cin', 'kh', 'kw', 'co', 'pool'] as const) positiveInt(name, p[name]);
  const pad = p.pad as Partial<LateBlockProblem['pad']> | undefined;
  for (const side of ['top', 'bottom', 'left', 'right'] as const) {
    const v = pad?.[side];
    if (v === undefined || !Number.isInteger(v) || v < 0) fail(`pad.${side} must be a non-negative integer, got ${v}`);
  }
  const g = lateGeometry(p);
  if (g.ph < 1 || g.pw < 1) fail(`a ${g.oh}×${g.ow} conv output has no complete ${p.pool}×${p.pool} pool window`);
  if (!Number.isFinite(p.epsilon) || p.epsilon < 0) fail(`epsilon must be finite and ≥ 0, got ${p.epsilon}`);
  f32('z', p.z, p.n * p.h * p.w * p.cin);
  f32('kernel', p.kernel, p.kh * p.kw * p.cin * p.co);
  for (const name of ['bias', 'gamma', 'beta', 'movingMean', 'movingVariance'] as const) f32(name, p[name], p.co);
}

/**
 * Checks a late-block problem against the contract before any byte reaches wasm memory: the solver
 * trusts its inputs (a label out of range would index outside the logits, an empty class divides by
 * zero).
 */
export function validateLateProblem(p: LateBlockProblem): void {
  positiveInt('k', p.k);
  if (!OPTIMIZERS.includes(p.optimizer)) fail(`unknown optimizer ${String(p.optimizer)}`);
  if (!Number.isInteger(p.steps) || p.steps < 0 || p.steps > 0x7fffffff) fail(`steps must be a non-negative integer, got ${p.steps}`);
  validateLateInput(p);
  if (!(p.labels instanceof Int32Array)) fail('labels must be an Int32Array');
  if (p.labels.length !== p.n) fail(`labels has length ${p.labels.length}, expected ${p.n}`);
  const seen = new Uint8Array(p.k);
  for (const y of p.labels) {
    if (y < 0 || y >= p.k) fail(`label ${y} is outside [0, ${p.k})`);
    seen[y] = 1;
  }
  // Prototypes are class means: an empty class has none.
  if (seen.includes(0)) fail(`every class needs an example; class ${seen.indexOf(0)} has none`);
  if (typeof p.lr === 'number') {
    if (!Number.isFinite(p.lr)) fail(`lr must be finite, got ${p.lr}`);
  } else {
    f32('lr.kernel', p.lr?.kernel, p.kh * p.kw * p.cin * p.co);
    for (const name of ['bias', 'gamma', 'beta'] as const) f32(`lr.${name}`, p.lr?.[name], p.co);
  }
}
