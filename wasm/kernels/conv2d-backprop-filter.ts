import * as tf from '@tensorflow/tfjs-core';
import { KernelScope } from './kernel-scope';
import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

interface Attrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/**
 * dW[i,j,c,o] = Σ_{n,y,x} xpad[n, y·sh + i, x·sw + j, c] · dy[n, y, x, o], computed tap by tap: for
 * each of the kh·kw filter taps dyᵀ [cout, n·oh·ow] is multiplied with a strided slice of the padded
 * input [n·oh·ow, cin] — kh·kw small matmuls on the wasm (XNNPACK) kernels, and only one tap's patch
 * in memory at a time instead of a full im2col matrix.
 */
const conv2DBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Attrs;
  const s = new KernelScope(backend as KernelBackend);
  try {
    const nchw = dataFormat === 'NCHW';
    const xi = nchw ? s.run('Transpose', { x }, { perm: [0, 2, 3, 1] }) : x;
    const dyi = nchw ? s.run('Transpose', { x: dy }, { perm: [0, 2, 3, 1] }) : dy;
    const info = tf.backend_util.computeConv2DInfo(xi.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
    const { batchSize: n, inHeight, inWidth, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, inChannels: ci, outChannels: co, padInfo } = info;
    // 'ceil' rounding can ask for rows past the explicit padding: they read as zeros.
    const bottom = Math.max(padInfo.bottom, (oh - 1) * sh + kh - inHeight - padInfo.top);
    const right = Math.max(padInfo.right, (ow - 1) * sw + kw - inWidth - padInfo.left);
    const padded = padInfo.top + bottom + padInfo.left + right > 0
      ? s.run('PadV2', { x: xi }, { paddings: [[0, 0], [padInfo.top, bottom], [padInfo.left, right], [0, 0]], constantValue: 0 })
      : xi;
    const m = n * oh * ow;
    // dy transposed once, [co, m], so every tap is a plain matmul: XNNPACK's transposed-A path is
    // several times slower than an explicit transpose (bench/…: kernels).
    const gT = s.run('Transpose', { x: s.run('Reshape', { x: dyi }, { shape: [m, co] }) }, { perm: [1, 0] });
    const g = s.run('Reshape', { x: gT }, { shape: [1, co, m] });
    const taps: TensorInfo[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const patch = s.run('StridedSlice', { x: padded }, {
          begin: [0, i, j, 0], end: [n, i + (oh - 1) * sh + 1, j + (ow - 1) * sw + 1, ci], strides: [1, sh, sw, 1],
          beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0,
        });
        const a = s.run('Reshape', { x: patch }, { shape: [1, m, ci] });
        taps.push(s.run('BatchMatMul', { a: g, b: a }, { transposeA: false, transposeB: false }));
      }
    }
    // Taps are [1, co, ci] each: stack them as [kh·kw, co, ci], then put co last.
    const all = taps.length === 1 ? taps[0]! : s.run('Concat', taps, { axis: 0 });
    const kcoci = s.run('Reshape', { x: all }, { shape: [kh * kw, co, ci] });
    const kcico = s.run('Transpose', { x: kcoci }, { perm: [0, 2, 1] });
    return s.finish(s.run('Reshape', { x: kcico }, { shape: [kh, kw, ci, co] }));
  } catch (e) {
    s.release();
    throw e;
  }
};

/** Conv2DBackpropFilter for the wasm backend (missing upstream: tfjs issue 8474). */
export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter,
};
