import * as tf from '@tensorflow/tfjs-core';
import { KernelScope } from './kernel-scope';
import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * out[s, ...] = Σ_{i: ids[i] = s} x[i, ...] as one matmul: oneHot(ids, S)ᵀ · x. Ids outside [0, S)
 * give an all-zero one-hot row, so they are dropped, as in TensorFlow. Caveat of the matmul form: a
 * NaN/Inf in x spreads to every segment (0·NaN = NaN), where TensorFlow keeps it in its own segment.
 * int32 data is summed in float32 (exact up to 2^24).
 */
const unsortedSegmentSum: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const { numSegments } = attrs as unknown as { numSegments: number };
  const s = new KernelScope(backend as KernelBackend);
  try {
    const m = tf.util.sizeFromShape(segmentIds.shape);
    const rest = x.shape.slice(segmentIds.shape.length);
    const width = tf.util.sizeFromShape(rest);
    const ids = s.run('Reshape', { x: segmentIds }, { shape: [m] });
    // The wasm OneHot writes int32 values whatever dtype it is given: ask for int32 and cast.
    const hot = s.run('OneHot', { indices: ids }, { depth: numSegments, onValue: 1, offValue: 0, dtype: 'int32' });
    const a = s.run('Reshape', { x: s.run('Cast', { x: hot }, { dtype: 'float32' }) }, { shape: [1, m, numSegments] });
    const xf = x.dtype === 'float32' ? x : s.run('Cast', { x }, { dtype: 'float32' });
    const b = s.run('Reshape', { x: xf }, { shape: [1, m, width] });
    const sum = s.run('BatchMatMul', { a, b }, { transposeA: true, transposeB: false });
    const shaped = s.run('Reshape', { x: sum }, { shape: [numSegments, ...rest] });
    return s.finish(x.dtype === 'float32' ? shaped : s.run('Cast', { x: shaped }, { dtype: x.dtype }));
  } catch (e) {
    s.release();
    throw e;
  }
};

/** UnsortedSegmentSum for the wasm backend (used by the gradient of gather). */
export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: tf.UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum,
};
