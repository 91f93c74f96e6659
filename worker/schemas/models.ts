import { z } from '@hono/zod-openapi';
import { Label } from './common';

export const ModelInfoSchema = z
  .object({
    name: z.string(),
    status: z.enum(['ready', 'error']),
    error: z.string().optional(),
    source: z.enum(['embedded', 'store']).openapi({ description: "'store': from the model store (R2) — a stored model shadows an embedded one of the same name" }),
    version: z.number().int().optional().openapi({ description: "the model store's version number (store only)" }),
    publishedAt: z.string().optional(),
    note: z.string().optional(),
    id: z.string().optional(),
    task: z.enum(['classification', 'regression']).optional(),
    inputShape: z.array(z.number().int()).optional(),
    inputLength: z.number().int().optional(),
    classes: z.union([z.array(Label), z.literal('any')]).optional(),
    defaults: z
      .object({
        scope: z.string(),
        steps: z.number(),
        lr: z.number(),
        lrMode: z.string(),
        headInit: z.string(),
        limits: z.record(z.string(), z.number()),
      })
      .optional(),
    sizes: z.object({ bundleBytes: z.number().int(), parameters: z.number().int() }).optional(),
    provenance: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi('ModelInfo');

export const ModelListSchema = z.object({ models: z.array(ModelInfoSchema) }).openapi('ModelList');

export const HealthSchema = z
  .object({
    ok: z.boolean(),
    backend: z.string(),
    simd: z.boolean(),
    threads: z.number().int(),
    fused: z.boolean(),
    models: z.array(z.object({ name: z.string(), status: z.enum(['ready', 'error']), error: z.string().optional() })),
  })
  .openapi('Health');
