import * as tf from '@tensorflow/tfjs-core';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum';
import type { KernelConfig } from '@tensorflow/tfjs-core';

/** Our composite kernels for the wasm backend: the gradient kernels tfjs-backend-wasm 4.22 lacks. */
export const WASM_KERNELS: readonly KernelConfig[] = [conv2DBackpropFilterConfig, unsortedSegmentSumConfig];

/** Registers every kernel not already provided for 'wasm' (a newer tfjs that ships one keeps its own). */
export function registerWasmKernels(): string[] {
  const added: string[] = [];
  for (const k of WASM_KERNELS) {
    if (tf.getKernel(k.kernelName, 'wasm')) continue;
    tf.registerKernel(k);
    added.push(k.kernelName);
  }
  return added;
}

registerWasmKernels();
