import { z } from '@hono/zod-openapi';
import { HeadId, Label, SupportSchema, UserId } from './common';

export const AdaptRequestSchema = z
  .object({
    user: UserId,
    support: SupportSchema,
    steps: z.number().int().min(0).optional(),
    lr: z.number().positive().optional(),
    optimizer: z.enum(['sgd', 'momentum', 'adam']).optional().openapi({ description: "The inner loop's update rule (as torch.optim); the model's default when absent" }),
  })
  .openapi('AdaptRequest');

export const CacheStatus = z.enum(['hit', 'miss', 'unavailable']);

export const AdaptResponseSchema = z
  .object({
    headId: HeadId,
    model: z.string(),
    modelVersion: z.string(),
    labels: z.array(Label),
    steps: z.number().int(),
    lr: z.number(),
    loss: z.object({ before: z.number().nullable(), after: z.number().nullable() }),
    cache: CacheStatus,
  })
  .openapi('AdaptResponse');
