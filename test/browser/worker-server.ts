import { Miniflare } from 'miniflare';
import { buildWorker } from '../../bench/node/build';
import type { BuiltWorker } from '../../bench/node/build';

/** sha256("local-dev-key") → tenant "local", as in .dev.vars.example. */
export const API_KEY = 'local-dev-key';
const API_KEYS = JSON.stringify({ ed5a18fb8f807f996d649e379d3f35f39c543a91bdbf88c492f2ebd10d4df86c: 'local' });

export interface WorkerServer {
  /** http://127.0.0.1:<port>, an origin other than the page's. */
  url: string;
  close(): Promise<void>;
}

/** The production worker as wrangler uploads it (entry .js + .wasm + embedded .fsb bundles). */
export const buildProductionWorker = (): Promise<BuiltWorker> => buildWorker('wrangler.toml', { minify: true });

/** Serves a built worker over HTTP on a loopback port (0: a free one) under Miniflare (workerd, local KV). */
export async function serveWorker(built: BuiltWorker, vars: Record<string, string> = {}, port = 0): Promise<WorkerServer> {
  const type = (p: string) => (p.endsWith('.wasm') ? ('CompiledWasm' as const) : p.endsWith('.fsb') ? ('Data' as const) : ('ESModule' as const));
  const rest = built.modules.filter((m) => m !== built.main).map((path) => ({ type: type(path), path }));
  const mf = new Miniflare({
    modules: [{ type: 'ESModule', path: built.main }, ...rest],
    modulesRoot: built.outdir,
    compatibilityDate: '2026-04-20',
    bindings: { API_KEYS, ...vars },
    kvNamespaces: ['HEADS'],
    host: '127.0.0.1',
    port,
    // The worker logs one line per request; keep the test output to failures.
    handleRuntimeStdio: () => {},
  });
  const url = await mf.ready;
  return { url: url.origin, close: () => mf.dispose() };
}
