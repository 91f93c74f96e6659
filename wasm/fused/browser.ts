import { installFusedKernel } from './kernel';

/**
 * Where the page serves linear-head.wasm by default: next to the tfjs SIMD binary, so one static
 * folder holds both.
 */
export function defaultFusedUrl(tfjsWasmUrl: string): string {
  const base = typeof location === 'undefined' ? undefined : location.href;
  return new URL('linear-head.wasm', new URL(tfjsWasmUrl, base)).href;
}

/** Fetches and compiles the fused module; the page's CSP must allow 'wasm-unsafe-eval'. */
export async function loadFusedModuleBrowser(url: string): Promise<WebAssembly.Module> {
  const res = await fetch(url, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`HTTP ${res.status} fetching ${url}`);
  return WebAssembly.compile(await res.arrayBuffer());
}

/** Installs the fused kernel for the engine in a browser or webview; resolves whether it is installed. */
export async function installBrowserFusedKernel(url: string, opts: { force?: boolean; onError?: (e: unknown) => void } = {}): Promise<boolean> {
  return (await installFusedKernel(() => loadFusedModuleBrowser(url), opts)) !== undefined;
}
