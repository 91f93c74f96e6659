import { z } from '@hono/zod-openapi';

/** application/problem+json body of every error. */
export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().openapi({ example: 'input_length' }),
  })
  .openapi('Problem');

/**
 * The problem responses a route documents. The statuses stay literal in the type, so the app's type
 * (and the typed client built from it) says which problems each route answers with.
 */
export const problemResponses = <S extends number>(...statuses: S[]) =>
  Object.fromEntries(
    statuses.map((s) => [s, { description: 'Problem', content: { 'application/problem+json': { schema: ProblemSchema } } }]),
  ) as Record<S, { description: string; content: { 'application/problem+json': { schema: typeof ProblemSchema } } }>;

export const ModelParam = z.object({
  model: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,63}$/)
    .openapi({ param: { name: 'model', in: 'path' }, example: 'glyphs' }),
});

/** A user id: 1–128 printable characters, chosen by the caller. */
export const UserId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'no control characters')
  .openapi({ example: 'user-42' });

export const HeadId = z
  .string()
  .regex(/^[0-9a-f]{64}$/, '64 lowercase hex characters')
  .openapi({ example: '3f1b6c0e9d2a4875b1c3e5f7a9d0b2c4e6f8a1b3c5d7e9f0a2b4c6d8e0f1a3b5' });

export const Label = z.union([z.string().min(1).max(64), z.number()]).openapi({ example: 'circle' });

/** One example: flattened row-major floats (images: 28×28 grayscale, ink = 1, background = 0). */
export const InputRow = z.array(z.number()).min(1).max(65_536);

export const SupportSchema = z
  .object({
    inputs: z.array(InputRow).min(1),
    labels: z.array(Label).min(1),
  })
  .openapi('SupportSet');

export const AuthHeader = z.object({
  authorization: z.string().openapi({ example: 'Bearer local-dev-key' }),
});
