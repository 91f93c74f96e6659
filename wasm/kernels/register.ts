import * as tf from '@tensorflow/tfjs-core';
// The upstream wasm kernels must be registered before ours, so that an override below wins.
import '@tensorflow/tfjs-backend-wasm';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter';
import { maxPoolGradConfig } from './max-pool-grad';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum';
import type { KernelConfig } from '@tensorflow/tfjs-core';

/** Gradient kernels tfjs-backend-wasm 4.22 lacks: added unless a newer tfjs ships its own. */
export const MISSING_WASM_KERNELS: readonly KernelConfig[] = [conv2DBackpropFilterConfig, unsortedSegmentSumConfig];

/** Upstream wasm kernels that give wrong results: always replaced. */
export const OVERRIDDEN_WASM_KERNELS: readonly KernelConfig[] = [maxPoolGradConfig];

/** Registers our wasm kernels; returns the names it (re)registered. Idempotent. */
export function registerWasmKernels(): string[] {
  const done: string[] = [];
  for (const k of MISSING_WASM_KERNELS) {
    if (tf.getKernel(k.kernelName, 'wasm')) continue;
    tf.registerKernel(k);
    done.push(k.kernelName);
  }
  for (const k of OVERRIDDEN_WASM_KERNELS) {
    if (tf.getKernel(k.kernelName, 'wasm')?.kernelFunc === k.kernelFunc) continue;
    if (tf.getKernel(k.kernelName, 'wasm')) tf.unregisterKernel(k.kernelName, 'wasm');
    tf.registerKernel(k);
    done.push(k.kernelName);
  }
  return done;
}

registerWasmKernels();
