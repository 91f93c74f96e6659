import { z } from '@hono/zod-openapi';
import { HeadId, InputRow, Label, ModelParam, UserId } from './common';
import { CacheStatus } from './adapt';

export const UserParams = ModelParam.extend({ user: UserId.openapi({ param: { name: 'user', in: 'path' } }) });

/** An example id as the store hands them out: `<epoch>-<seq>`. */
export const ExampleId = z
  .string()
  .regex(/^[0-9a-f]{8}-[1-9][0-9]{0,9}$/, 'an example id as returned by the API')
  .openapi({ example: '3fa9c01b-17' });

export const ExampleParams = UserParams.extend({ exampleId: ExampleId.openapi({ param: { name: 'exampleId', in: 'path' } }) });

export const AppendExamplesSchema = z
  .object({
    inputs: z.array(InputRow).min(1),
    labels: z.array(Label).min(1),
    steps: z.number().int().min(0).optional().openapi({ description: "inner-loop steps for this call's re-adaptation only (default: the model's)" }),
    lr: z.number().positive().optional().openapi({ description: "inner-loop learning rate for this call's re-adaptation only (default: the model's)" }),
  })
  .openapi('AppendExamples', { description: 'New examples, in the shape of a support set (an exported set is accepted as is: extra fields are ignored)' });

const flag = z.enum(['0', '1']).optional();

export const ListExamplesQuery = z.object({
  ids: flag.openapi({ description: '`1`: list every example (id, label, when it was added, how it is stored)' }),
  inputs: flag.openapi({ description: '`1`: include the stored examples as a support set `{inputs, labels}` (the export a POST accepts)' }),
});

export const RemoveClassQuery = z.object({
  label: z.string().min(1).max(64).openapi({ description: 'the class to remove (a numeric label is given as its decimal text)', example: 'circle' }),
});

export const ExampleItem = z
  .object({
    id: ExampleId,
    label: Label,
    addedAt: z.number().int().openapi({ description: 'ms since the epoch' }),
    encoding: z.enum(['u8', 'f16', 'f32']).openapi({ description: "how the input is stored: 'u8' images in [0,1], 'f16' otherwise, 'f32' beyond ±65504" }),
  })
  .openapi('ExampleItem');

export const UserExamplesSchema = z
  .object({
    model: z.string(),
    modelVersion: z.string(),
    user: UserId,
    headId: HeadId.nullable().openapi({ description: "the head the user now points at; null when the examples make none (none left, or a single class of a model that needs two)" }),
    examples: z.number().int().openapi({ description: 'examples stored for the user' }),
    labels: z.record(z.string(), z.number().int()).openapi({ description: 'examples per class, in first-appearance order', example: { circle: 3, square: 2 } }),
    bytes: z.number().int().openapi({ description: "bytes of the user's stored example data" }),
    revision: z.number().int().openapi({ description: 'bumped by every change to the examples' }),
    adapted: z.boolean().openapi({ description: 'this request ran the inner loop' }),
    readapted: z.boolean().openapi({ description: 'the head was re-made without an example change: the model was updated, or a lost head was repaired' }),
    readapts: z.number().int().openapi({ description: 'how many times that has happened for this user' }),
    cache: CacheStatus,
    steps: z.number().int().nullable(),
    lr: z.number().nullable(),
    loss: z.object({ before: z.number().nullable(), after: z.number().nullable() }),
    expiresAt: z.number().int().nullable().openapi({ description: 'ms since the epoch when the examples expire (EXAMPLES_TTL_SECONDS); null = kept until deleted' }),
    added: z.array(ExampleItem).optional().openapi({ description: 'POST: the examples this call stored' }),
    removed: z.number().int().optional().openapi({ description: 'DELETE: how many examples this call removed' }),
    items: z.array(ExampleItem).optional().openapi({ description: 'GET with `ids=1`: every example, oldest first' }),
    support: z.object({ inputs: z.array(z.array(z.number())), labels: z.array(Label) }).optional().openapi({ description: 'GET with `inputs=1`: the stored examples (decoded, oldest first) — POST them to another user or server' }),
  })
  .openapi('UserExamples');
