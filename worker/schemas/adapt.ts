import { z } from '@hono/zod-openapi';
import { HeadId, Label, SupportSchema, UserId } from './common';

export const GuardSchema = z
  .object({
    verdict: z.enum(['adapted', 'kept', 'unchecked']),
    reason: z.string().optional(),
    heldOut: z.object({ before: z.number(), after: z.number(), accuracyBefore: z.number(), accuracyAfter: z.number() }).optional().openapi({ description: 'Nearest-centroid cross-entropy and accuracy of the held-out half, before and after the steps on the other half' }),
  })
  .openapi('Guard', {
    description:
      "The feature scopes' guard: adapting on half of each class's examples must not cost more of the other half than the model allows (defaults.guardTolerance examples, 0 unless set), or the model is kept (steps 0). 'unchecked': no guard, or no steps asked for. On a cache hit only the verdict is known.",
  });

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
    stepsUsed: z.number().int().openapi({ description: 'Steps the inner loop actually took: 0 when the guard kept the model as it was' }),
    guard: GuardSchema.optional(),
    loss: z.object({ before: z.number().nullable(), after: z.number().nullable() }),
    cache: CacheStatus,
  })
  .openapi('AdaptResponse');
