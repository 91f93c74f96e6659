import { z } from '@hono/zod-openapi';
import { HeadId, Label, UserId } from './common';

export const UserHeadSchema = z
  .object({
    headId: HeadId,
    labels: z.array(Label),
    latest: z.boolean().openapi({ description: 'the head the user points at (predict by user uses it)' }),
    source: z.enum(['adapt', 'upload']).openapi({ description: "'adapt': adapted by this worker; 'upload': adapted elsewhere and uploaded" }),
    createdAt: z.number().int().nullable().openapi({ description: 'ms since the epoch', example: 1764600000000 }),
    steps: z.number().int().nullable(),
    lr: z.number().nullable(),
    loss: z.object({ before: z.number().nullable(), after: z.number().nullable() }),
  })
  .openapi('UserHead');

export const UserHeadsSchema = z
  .object({
    model: z.string().openapi({ example: 'glyphs' }),
    user: UserId,
    heads: z.array(UserHeadSchema).openapi({ description: 'newest first; at most 32 (older heads are forgotten by the pointer and expire by TTL)' }),
  })
  .openapi('UserHeads');
