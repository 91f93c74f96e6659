import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

interface Attrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * MaxPoolGrad for the wasm backend, replacing tfjs-backend-wasm 4.22's, which drops the gradient of
 * every window whose maximum is negative (measured against the cpu backend; see docs/engine.md).
 * dx[argmax of window] += dy[window], the argmax being the first strictly greatest value in
 * row-major window order (the cpu backend's tie rule). A gather-scatter, so it is plain loops over
 * the backend's memory: no multiply-adds for a matmul kernel to speed up.
 */
const maxPoolGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as Attrs;
  const b = backend as KernelBackend;
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  const { effectiveFilterHeight: kh, effectiveFilterWidth: kw, dilationHeight: dh, dilationWidth: dw, padInfo } = info;
  const x = b.readSync(input.dataId) as Float32Array;
  const g = b.readSync(dy.dataId) as Float32Array;
  const dx = new Float32Array(n * h * w * c);
  const pool2 = kh === 2 && kw === 2 && sh === 2 && sw === 2 && dh === 1 && dw === 1 && padInfo.top === 0 && padInfo.left === 0;
  if (pool2) {
    pool2Grad(x, g, dx, n, h, w, c, oh, ow);
    return { dataId: b.write(dx, input.shape, 'float32'), shape: input.shape, dtype: 'float32' };
  }
  for (let bi = 0; bi < n; bi++) {
    for (let y = 0; y < oh; y++) {
      for (let xo = 0; xo < ow; xo++) {
        const gBase = ((bi * oh + y) * ow + xo) * c;
        for (let ch = 0; ch < c; ch++) {
          let best = -Infinity;
          let at = -1;
          for (let i = 0; i < kh; i += dh) {
            const r = y * sh + i - padInfo.top;
            if (r < 0 || r >= h) continue;
            for (let j = 0; j < kw; j += dw) {
              const q = xo * sw + j - padInfo.left;
              if (q < 0 || q >= w) continue;
              const idx = ((bi * h + r) * w + q) * c + ch;
              if (x[idx]! > best) {
                best = x[idx]!;
                at = idx;
              }
            }
          }
          if (at >= 0) dx[at] = dx[at]! + g[gBase + ch]!;
        }
      }
    }
  }
  return { dataId: b.write(dx, input.shape, 'float32'), shape: input.shape, dtype: 'float32' };
};

/**
 * The 2×2/2 'valid' case (every pool of a conv-4), same rule: windows never overlap, so each dy
 * lands in exactly one dx slot. Channels innermost, four row pointers per window: ~5× faster than the
 * general loop above (the training profile in docs/benchmarks.md).
 */
function pool2Grad(x: Float32Array, g: Float32Array, dx: Float32Array, n: number, h: number, w: number, c: number, oh: number, ow: number): void {
  const row = w * c;
  for (let bi = 0; bi < n; bi++) {
    for (let y = 0; y < oh; y++) {
      const top = (bi * h + 2 * y) * row;
      for (let xo = 0; xo < ow; xo++) {
        const a = top + 2 * xo * c;
        const bq = a + c;
        const cq = a + row;
        const dq = cq + c;
        const gBase = ((bi * oh + y) * ow + xo) * c;
        for (let ch = 0; ch < c; ch++) {
          let at = a + ch;
          let best = x[at]!;
          if (x[bq + ch]! > best) {
            at = bq + ch;
            best = x[at]!;
          }
          if (x[cq + ch]! > best) {
            at = cq + ch;
            best = x[at]!;
          }
          if (x[dq + ch]! > best) at = dq + ch;
          dx[at] = g[gBase + ch]!;
        }
      }
    }
  }
}

/** MaxPoolGrad for 'wasm' (an override: the upstream kernel is wrong for negative inputs). */
export const maxPoolGradConfig: KernelConfig = {
  kernelName: tf.MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad,
};
