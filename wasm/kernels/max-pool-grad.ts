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

/** MaxPoolGrad for 'wasm' (an override: the upstream kernel is wrong for negative inputs). */
export const maxPoolGradConfig: KernelConfig = {
  kernelName: tf.MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad,
};
