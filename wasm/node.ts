import * as tf from '@tensorflow/tfjs-core';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import '@tensorflow/tfjs';
// In Node ESM the deep import of tfjs-core's register_all_gradients fails to resolve; the full
// tfjs package registers every gradient on the same (CommonJS) tfjs-core instance instead.
import { initWasmBackend } from './backend';
import type { BackendInfo, WasmSource } from './backend';
import { installNodeFusedKernel } from './fused/node';
import { nodeThreadedSource } from './node-threaded';

const require = createRequire(import.meta.url);

/** Path of the SIMD binary in node_modules. */
export function nodeWasmPath(): string {
  return require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm');
}

/** A WasmSource that compiles the given file (default: the SIMD binary in node_modules). */
export function nodeSource(file = nodeWasmPath()): WasmSource {
  return {
    runtime: 'node',
    file,
    simd: true,
    module: async () => WebAssembly.compile(await readFile(file)),
  };
}

/**
 * Brings up the SIMD wasm backend in Node; `threads` > 1 brings up the threaded SIMD build instead
 * (training: XNNPACK kernels on several cores).
 */
export async function initNodeBackend(opts: { file?: string; timeoutMs?: number; force?: boolean; threads?: number } = {}): Promise<BackendInfo> {
  const source = (opts.threads ?? 1) > 1 ? await nodeThreadedSource(opts.threads!) : nodeSource(opts.file);
  const info = await initWasmBackend(source, opts);
  // Same object backendInfo() reads; a fused-kernel failure only leaves the engine on tfjs.
  info.fused = await installNodeFusedKernel();
  return info;
}

/** Stops the threaded build's worker threads (they keep Node alive); a no-op on the single-threaded build. */
export function releaseNodeThreads(): void {
  const backend = tf.findBackend('wasm') as unknown as { wasm?: { PThread?: { terminateAllThreads(): void } } } | null;
  backend?.wasm?.PThread?.terminateAllThreads();
}
