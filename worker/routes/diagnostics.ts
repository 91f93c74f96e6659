import { Hono } from 'hono';
import * as tf from '@tensorflow/tfjs-core';
import { linearHeadKernel } from '../../src/engine/index';
import { ApiError } from '../problem';
import type { AppEnv } from '../types';

interface WasmBackendLike {
  wasm?: { HEAPU8?: Uint8Array };
}

/**
 * GET /v1/diagnostics — live tensor count and wasm memory of this isolate, for soak tests. Behind
 * the bearer key like every /v1 route, and a 404 unless the worker var DIAGNOSTICS is "1"; not in
 * the OpenAPI document (an operator tool, not part of the API).
 */
export const diagnosticsRoutes = () =>
  new Hono<AppEnv>().get('/diagnostics', async (c) => {
    if ((c.env as unknown as Record<string, unknown>).DIAGNOSTICS !== '1') throw new ApiError(404, 'not_found', `no route ${c.req.method} ${c.req.path}`);
    const info = await c.var.backend();
    const mem = tf.memory();
    const heap = (tf.backend() as unknown as WasmBackendLike).wasm?.HEAPU8?.buffer.byteLength ?? null;
    const fused = (linearHeadKernel() as { memoryBytes?: () => number } | undefined)?.memoryBytes?.() ?? null;
    return c.json({ backend: info.backend, numTensors: mem.numTensors, numBytes: mem.numBytes, numDataBuffers: mem.numDataBuffers, wasmHeapBytes: heap, fusedKernelBytes: fused });
  });
