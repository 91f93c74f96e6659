import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import '@tensorflow/tfjs';
// In Node ESM the deep import of tfjs-core's register_all_gradients fails to resolve; the full
// tfjs package registers every gradient on the same (CommonJS) tfjs-core instance instead.
import { initWasmBackend } from './backend';
import type { BackendInfo, WasmSource } from './backend';
import { installNodeFusedKernel } from './fused/node';

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

/** Brings up the SIMD wasm backend in Node. */
export async function initNodeBackend(opts: { file?: string; timeoutMs?: number; force?: boolean } = {}): Promise<BackendInfo> {
  const info = await initWasmBackend(nodeSource(opts.file), opts);
  // Same object backendInfo() reads; a fused-kernel failure only leaves the engine on tfjs.
  info.fused = await installNodeFusedKernel();
  return info;
}
