import { serve } from '@hono/node-server';
import { createApp } from '../worker/app';
import { MemoryRateLimiter } from '../worker/rate-limit/gcra';
import { initNodeBackend } from '../wasm/node';
import { FileExamplesStore } from './file-examples';
import { FileKv } from './file-kv';
import { lockStore } from './store-lock';
import type { AddressInfo } from 'node:net';
import type { R2Like } from '../src/store/r2-like';
import type { BundleSource } from '../worker/models/registered-model';
import type { Bindings } from '../worker/types';

const SWEEP_MS = 3_600_000;

type Swept = { temps: number; expired: number; damaged: number };
const add = (a: Swept, b: Swept): Swept => ({ temps: a.temps + b.temps, expired: a.expired + b.expired, damaged: a.damaged + b.damaged });

export interface ServeOptions {
  host: string;
  /** 0 = any free port (the chosen one is in the result). */
  port: number;
  /** Directory of the persistent head store (created; one server per store). */
  store: string;
  bundles: BundleSource[];
  /** The model store (`--models DIR`: node/dir-r2.ts); its manifest is re-read every MODELS_REFRESH_SECONDS. */
  models?: R2Like;
  /** The worker's vars, API_KEYS and RATE_LIMITS among them (node/vars.ts). */
  vars: Record<string, string>;
  /** Milliseconds in-flight requests get to finish on close before their connections are cut. */
  drainMs?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  /** What the start-up sweep of the store removed (leftover temp files, expired or damaged heads and users' examples). */
  swept: { temps: number; expired: number; damaged: number };
  /** Stops accepting, lets in-flight requests finish (≤ drainMs), releases the store. */
  close(): Promise<void>;
}

/**
 * The worker's Hono app (`createApp`, unchanged) on Node's HTTP server: the same routes, auth, limits
 * and errors, the SIMD wasm backend with the fused kernel, heads in a FileKv under `store`, quotas
 * counted in this process, users' examples in files beside the heads (node/file-examples.ts), published models from a directory store (`models`). The app is not told it runs on Node: everything differs only in what is
 * injected here.
 */
export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const lock = await lockStore(opts.store);
  try {
    const kv = await FileKv.open(opts.store);
    const examples = await FileExamplesStore.open(opts.store);
    const swept = add(await kv.sweep(), await examples.sweep());
    const limiter = new MemoryRateLimiter();
    const app = createApp({
      backend: () => initNodeBackend(),
      bundles: opts.bundles,
      kv: () => kv,
      store: () => opts.models,
      rateLimiter: () => limiter,
      examples: () => examples,
      preload: opts.bundles.length > 0 ? [opts.bundles[0]!.name] : [],
    });
    // Vars are the worker's env; KV and the limiter are injected above, so no binding is needed.
    const env = { ...opts.vars } as unknown as Bindings;
    const server = serve({ fetch: (req) => app.fetch(req, env), hostname: opts.host, port: opts.port });
    // Outlive a proxy's idle upstream connections (nginx keeps them 60 s): Node's 5 s default lets a
    // proxy send a POST on a socket Node is closing, which the proxy cannot retry (a 502).
    Object.assign(server, { keepAliveTimeout: 65_000, headersTimeout: 66_000 });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    const port = (server.address() as AddressInfo).port;
    // Expired heads nobody reads again would stay on disk until a restart: sweep them hourly.
    const sweeper = setInterval(() => void Promise.all([kv.sweep({ temps: false }), examples.sweep({ temps: false })]).catch(() => undefined), SWEEP_MS);
    sweeper.unref();
    const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= new Promise<void>((resolve) => {
        const http = server as unknown as { closeIdleConnections?: () => void; closeAllConnections?: () => void };
        const force = setTimeout(() => http.closeAllConnections?.(), opts.drainMs ?? 10_000);
        clearInterval(sweeper);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        http.closeIdleConnections?.();
      }).then(() => lock.release()));
    return { url: `http://${host}:${port}`, port, swept, close };
  } catch (e) {
    await lock.release();
    throw e;
  }
}
