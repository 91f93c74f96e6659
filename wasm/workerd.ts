import '@tensorflow/tfjs-core/dist/register_all_gradients';
// wrangler's CompiledWasm rule turns this import into a precompiled WebAssembly.Module:
// workerd forbids compiling wasm from bytes.
import simdModule from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm';
import { initWasmBackend } from './backend';
import type { BackendInfo, WasmSource } from './backend';

const FILE = '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm';

/** A WasmSource over an already-compiled module (default: the imported SIMD binary). */
export function workerdSource(module: WebAssembly.Module = simdModule, file = FILE): WasmSource {
  return { runtime: 'workerd', file, simd: true, module: async () => module };
}

/** Brings up the SIMD wasm backend in workerd from the imported module. */
export function initWorkerdBackend(opts: { module?: WebAssembly.Module; file?: string; timeoutMs?: number; force?: boolean } = {}): Promise<BackendInfo> {
  return initWasmBackend(workerdSource(opts.module, opts.file), opts);
}
