import { z } from '@hono/zod-openapi';
import { HeadId, InputRow, Label, SupportSchema, UserId } from './common';
import { CacheStatus } from './adapt';

export const PredictRequestSchema = z
  .object({
    user: UserId.optional(),
    headId: HeadId.optional(),
    inputs: z.array(InputRow).min(1),
    support: SupportSchema.optional(),
    steps: z.number().int().min(0).optional(),
    lr: z.number().positive().optional(),
    /** Overrides the model's "none of these" distance for this request (prototype-head models). */
    unknownDistance: z.number().positive().optional().openapi({ description: "Feature distance to the nearest class above which a prediction is 'none of these' (label null, unknown true); default: the model's own" }),
  })
  .refine((b) => b.user !== undefined || b.headId !== undefined || b.support !== undefined, {
    message: 'give a user, a headId, or a support set',
  })
  .openapi('PredictRequest');

export const ClassPrediction = z
  .object({
    label: Label.nullable().openapi({ description: "The most likely class, or null when the input is far from every class ('none of these')" }),
    scores: z.record(z.string(), z.number()),
    distance: z.number().optional().openapi({ description: 'Feature distance to the nearest class prototype (prototype-head models)' }),
    unknown: z.boolean().optional().openapi({ description: 'True when distance is over the threshold: none of the classes fits' }),
  })
  .openapi('ClassPrediction');
export const ValuePrediction = z.object({ value: z.number() }).openapi('ValuePrediction');
/** Regression models with more than one output. */
export const ValuesPrediction = z.object({ values: z.array(z.number()) }).openapi('ValuesPrediction');

export const PredictResponseSchema = z
  .object({
    headId: HeadId,
    model: z.string(),
    modelVersion: z.string(),
    cache: CacheStatus,
    /** True when the head was re-adapted inline from the request's support set. */
    adapted: z.boolean(),
    readapted: z.boolean().openapi({ description: "True when the user's head was re-made from their stored examples (it was missing, or adapted with an earlier model version)" }),
    predictions: z.array(z.union([ClassPrediction, ValuePrediction, ValuesPrediction])),
  })
  .openapi('PredictResponse');
