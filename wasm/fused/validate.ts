import { FusedKernelError } from './errors';
import type { LinearHeadProblem } from '../../src/engine/linear-head-kernel';

function fail(message: string): never {
  throw new FusedKernelError('fused_invalid_problem', message);
}

function positiveInt(name: string, v: number): void {
  if (!Number.isInteger(v) || v <= 0) fail(`${name} must be a positive integer, got ${v}`);
}

function array(name: string, a: ArrayLike<number> | undefined, kind: 'f32' | 'i32', length: number): void {
  const ok = kind === 'f32' ? a instanceof Float32Array : a instanceof Int32Array;
  if (a === undefined || !ok) fail(`${name} must be ${kind === 'f32' ? 'a Float32Array' : 'an Int32Array'}`);
  if (a.length !== length) fail(`${name} has length ${a.length}, expected ${length}`);
}

/**
 * Checks a problem against the contract before any byte reaches wasm memory: the solver trusts its
 * inputs (a label out of range would index outside the logits).
 */
export function validateProblem(p: LinearHeadProblem): void {
  if (p.loss !== 'softmax-ce' && p.loss !== 'mse') fail(`unknown loss ${String(p.loss)}`);
  if (p.init !== 'learned' && p.init !== 'prototype') fail(`unknown init ${String(p.init)}`);
  positiveInt('n', p.n);
  positiveInt('d', p.d);
  positiveInt('k', p.k);
  if (!Number.isInteger(p.steps) || p.steps < 0 || p.steps > 0x7fffffff) fail(`steps must be a non-negative integer, got ${p.steps}`);
  array('x', p.x, 'f32', p.n * p.d);
  if (p.loss === 'softmax-ce') {
    array('labels', p.labels, 'i32', p.n);
    const seen = new Uint8Array(p.k);
    for (const y of p.labels!) {
      if (y < 0 || y >= p.k) fail(`label ${y} is outside [0, ${p.k})`);
      seen[y] = 1;
    }
    if (p.init === 'prototype' && seen.includes(0)) fail(`prototype init needs every class in the support set; class ${seen.indexOf(0)} has no example`);
  } else {
    array('targets', p.targets, 'f32', p.n * p.k);
    if (p.init === 'prototype') fail('prototype init applies to softmax-ce only');
  }
  if (p.init === 'learned') {
    array('w0', p.w0, 'f32', p.d * p.k);
    array('b0', p.b0, 'f32', p.k);
  }
  if (typeof p.lr === 'number') {
    if (!Number.isFinite(p.lr)) fail(`lr must be finite, got ${p.lr}`);
  } else {
    array('lr.w', p.lr?.w, 'f32', p.d * p.k);
    array('lr.b', p.lr?.b, 'f32', p.k);
  }
}
