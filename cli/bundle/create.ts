import { encodeBundle } from '../../src/bundle/index';
import { EMBEDDING_DEFAULTS, EmbeddingModelError, embeddingModel, MAX_EMBEDDING_DIM } from '../../src/spec/embedding-model';
import { choice, UsageError, writeAtomic } from './cli-io';
import { intFlag, numFlag, parseUsage, usageLine } from '../usage';
import type { Usage } from '../usage';

const D = EMBEDDING_DEFAULTS;

export const spec: Usage = {
  command: 'fewshot bundle create',
  summary:
    'Create an embedding-input bundle: no trained weights, inputs are D-dimensional vectors computed elsewhere (a sentence\n' +
    'or image encoder, item embeddings); the head is initialised from class prototypes, then refined by a few SGD steps\n' +
    '(docs/embeddings.md).',
  flags: {
    kind: { type: 'string', arg: 'embedding', help: 'what to create (only embedding)', required: true },
    dim: { type: 'string', arg: 'D', help: `length of the input vectors, 1..${MAX_EMBEDDING_DIM}`, required: true },
    normalize: { type: 'string', arg: 'l2|none', help: 'l2: scale each vector to length --scale (cosine-style prototypes); none: raw vectors', default: D.normalize },
    scale: { type: 'string', arg: 'S', help: 'length of the normalised vectors, in (0, 10000] (l2 only; logits scale with S²)', default: String(D.scale) },
    steps: { type: 'string', arg: 'N', help: 'default SGD steps on the head per adaptation, 0..10000', default: String(D.steps) },
    lr: { type: 'string', arg: 'X', help: 'default learning rate of those steps, in (0, 100]', default: String(D.lr) },
    'max-classes': { type: 'string', arg: 'N', help: 'most classes a support set may have, 2..1000', default: String(D.maxClasses) },
    name: { type: 'string', arg: 'NAME', help: 'bundle name', default: 'embedding-D' },
    out: { type: 'string', arg: 'FILE', help: 'the bundle to write', required: true },
  },
};
export const usage = usageLine(spec);

/**
 * `create --kind embedding --dim D --out FILE`: a bundle with no trained weights whose inputs are
 * D-dimensional vectors computed elsewhere (docs/embeddings.md); defaults in EMBEDDING_DEFAULTS.
 */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseUsage(spec, argv);
  choice(values.kind, '--kind', ['embedding'] as const);
  const out = values.out as string;
  const normalize = choice(values.normalize, '--normalize', ['l2', 'none'] as const, D.normalize);
  let model;
  try {
    model = embeddingModel({
      dim: intFlag(values, 'dim', 1)!,
      normalize,
      scale: numFlag(values, 'scale', true),
      steps: intFlag(values, 'steps', 0),
      lr: numFlag(values, 'lr', true),
      maxClasses: intFlag(values, 'max-classes', 2),
      ...(typeof values.name === 'string' ? { name: values.name } : {}),
      command: ['fewshot', 'bundle', 'create', ...argv].join(' '),
    });
  } catch (e) {
    if (e instanceof EmbeddingModelError) throw new UsageError(e.message);
    throw e;
  }
  const bytes = await encodeBundle(model);
  await writeAtomic(out, bytes);
  const d = model.defaults;
  process.stdout.write(`wrote ${out}: ${bytes.length} bytes, embedding input [${model.spec.inputShape[0]}], normalize ${normalize}, ${d.steps} steps at lr ${d.lr}\n`);
  return 0;
}
