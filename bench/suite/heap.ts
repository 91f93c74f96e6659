// Wasm memory over many adaptations: the tfjs backend's heap (emscripten memory, grows and never
// shrinks) plus the fused kernel's memory. Growth after warm-up means something leaks or fragments.
import * as tf from '@tensorflow/tfjs-core';
import { linearHeadKernel } from '../../src/engine/index';

export interface HeapResult {
  adaptations: number;
  tfjs_before_bytes: number;
  tfjs_after_bytes: number;
  fused_before_bytes: number;
  fused_after_bytes: number;
  /** (tfjs + fused) after − before. */
  growth_bytes: number;
  tensors_before: number;
  tensors_after: number;
}

/** Byte length of the tfjs wasm backend's linear memory (0 on other backends). */
export function tfjsWasmBytes(): number {
  const b = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
  return b.wasm?.HEAPU8?.buffer.byteLength ?? 0;
}

/** Byte length of the installed fused kernel's memory (0 when none is installed). */
export function fusedBytes(): number {
  const k = linearHeadKernel() as { memoryBytes?: () => number } | undefined;
  return k?.memoryBytes?.() ?? 0;
}

/** Runs `adaptOnce` `warmup` times, then `n` times, and reports memory before vs after the n. */
export function heapGrowth(adaptOnce: () => void, n = 1000, warmup = 20): HeapResult {
  for (let i = 0; i < warmup; i++) adaptOnce();
  const before = { tfjs: tfjsWasmBytes(), fused: fusedBytes(), tensors: tf.memory().numTensors };
  for (let i = 0; i < n; i++) adaptOnce();
  const after = { tfjs: tfjsWasmBytes(), fused: fusedBytes(), tensors: tf.memory().numTensors };
  return {
    adaptations: n,
    tfjs_before_bytes: before.tfjs,
    tfjs_after_bytes: after.tfjs,
    fused_before_bytes: before.fused,
    fused_after_bytes: after.fused,
    growth_bytes: after.tfjs + after.fused - (before.tfjs + before.fused),
    tensors_before: before.tensors,
    tensors_after: after.tensors,
  };
}
