import { Hono } from 'hono';
import { initWorkerdBackend } from '../wasm/workerd';
import { backendInfo } from '../wasm/backend';

/** Builds the worker's Hono app. */
export const createApp = () => {
  const app = new Hono<{ Bindings: Env }>();
  app.get('/healthz', async (c) => {
    await initWorkerdBackend();
    const info = backendInfo();
    return c.json({ ok: info?.backend === 'wasm', backend: info?.backend, simd: info?.simd, threads: info?.threads, runtime: info?.runtime });
  });
  return app;
};
