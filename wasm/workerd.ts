import '@tensorflow/tfjs-core/dist/register_all_gradients';
// wrangler's CompiledWasm rule turns this import into a precompiled WebAssembly.Module:
// workerd forbids compiling wasm from bytes.
import simdModule from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm';
import { initWasmBackend } from './backend';
import type { BackendInfo, WasmSource } from './backend';
import { installWorkerdFusedKernel } from './fused/workerd';

const FILE = '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm';

/** A WasmSource over an already-compiled module (default: the imported SIMD binary). */
export function workerdSource(module: WebAssembly.Module = simdModule, file = FILE): WasmSource {
  return { runtime: 'workerd', file, simd: true, module: async () => module };
}

/** Brings up the SIMD wasm backend in workerd from the imported module. */
export async function initWorkerdBackend(opts: { module?: WebAssembly.Module; file?: string; timeoutMs?: number; force?: boolean } = {}): Promise<BackendInfo> {
  const info = await initWasmBackend(workerdSource(opts.module, opts.file), opts);
  // Same object backendInfo() reads; a fused-kernel failure only leaves the engine on tfjs.
  info.fused = await installWorkerdFusedKernel();
  return info;
}
