import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { initWasmBackend } from './backend';
import type { BackendInfo, WasmSource } from './backend';
import { defaultFusedUrl, installBrowserFusedKernel } from './fused/browser';

/** A WasmSource that fetches and compiles the SIMD binary from a URL the page serves. */
export function browserSource(wasmUrl: string): WasmSource {
  return {
    runtime: 'browser',
    file: wasmUrl,
    simd: true,
    module: async () => {
      const res = await fetch(wasmUrl, { credentials: 'same-origin' });
      if (!res.ok) throw new Error(`HTTP ${res.status} fetching the wasm binary`);
      return WebAssembly.compile(await res.arrayBuffer());
    },
  };
}

/**
 * Brings up the SIMD wasm backend in a browser or webview; the page's CSP must allow 'wasm-unsafe-eval'.
 * The fused kernel is fetched from `fusedUrl` (default: linear-head.wasm next to `wasmUrl`).
 */
export async function initBrowserBackend(wasmUrl: string, opts: { timeoutMs?: number; force?: boolean; fusedUrl?: string } = {}): Promise<BackendInfo> {
  const info = await initWasmBackend(browserSource(wasmUrl), opts);
  // Same object backendInfo() reads; a fused-kernel failure only leaves the engine on tfjs.
  info.fused = await installBrowserFusedKernel(opts.fusedUrl ?? defaultFusedUrl(wasmUrl));
  return info;
}
