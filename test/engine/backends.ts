import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { initNodeBackend } from '../../wasm/node';

/** Brings up wasm (the default backend of every engine test). */
export async function useWasm(): Promise<void> {
  await initNodeBackend();
  if (tf.getBackend() !== 'wasm') await tf.setBackend('wasm');
}

/** Runs `fn` on the cpu backend (the reference), then switches back to wasm. */
export async function onCpu<T>(fn: () => T): Promise<T> {
  await tf.setBackend('cpu');
  try {
    return fn();
  } finally {
    await tf.setBackend('wasm');
  }
}

/** Runs `fn` on each backend; returns results by backend name. */
export async function onBoth<T>(fn: () => T): Promise<{ wasm: T; cpu: T }> {
  await useWasm();
  const wasm = fn();
  const cpu = await onCpu(fn);
  return { wasm, cpu };
}
