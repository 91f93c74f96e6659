import { encodeBundle } from '../../bundle/index';
import { EMBEDDING_DEFAULTS, EmbeddingModelError, embeddingModel, MAX_EMBEDDING_DIM } from '../../spec/embedding-model';
import { choice, parse, UsageError, writeAtomic } from './cli-io';

export const usage = `fewshot bundle create --kind embedding --dim D [--normalize l2|none] [--scale S] [--steps N] [--lr X] [--max-classes N] [--name NAME] --out FILE`;

/** A number flag: absent → undefined; otherwise it must parse completely (no '12abc'). */
function numberFlag(v: unknown, flag: string, integer: boolean): number | undefined {
  if (v === undefined) return undefined;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n) || (integer && !Number.isSafeInteger(n))) throw new UsageError(`${flag} must be ${integer ? 'an integer' : 'a number'}, got '${String(v)}'`);
  return n;
}

/**
 * `create --kind embedding --dim D --out FILE`: a bundle with no trained weights whose inputs are
 * D-dimensional vectors computed elsewhere (docs/embeddings.md); defaults in EMBEDDING_DEFAULTS.
 */
export async function run(argv: string[]): Promise<number> {
  const opts = {
    kind: { type: 'string' },
    dim: { type: 'string' },
    normalize: { type: 'string' },
    scale: { type: 'string' },
    steps: { type: 'string' },
    lr: { type: 'string' },
    'max-classes': { type: 'string' },
    name: { type: 'string' },
    out: { type: 'string' },
  } as const;
  const { values } = parse(argv, opts, 0);
  choice(values.kind, '--kind', ['embedding'] as const);
  if (values.dim === undefined) throw new UsageError(`--dim D is required (1..${MAX_EMBEDDING_DIM})`);
  if (typeof values.out !== 'string') throw new UsageError('--out FILE is required');
  const normalize = choice(values.normalize, '--normalize', ['l2', 'none'] as const, EMBEDDING_DEFAULTS.normalize);
  let model;
  try {
    model = embeddingModel({
      dim: numberFlag(values.dim, '--dim', true)!,
      normalize,
      scale: numberFlag(values.scale, '--scale', false),
      steps: numberFlag(values.steps, '--steps', true),
      lr: numberFlag(values.lr, '--lr', false),
      maxClasses: numberFlag(values['max-classes'], '--max-classes', true),
      ...(typeof values.name === 'string' ? { name: values.name } : {}),
      command: ['fewshot', 'bundle', 'create', ...argv].join(' '),
    });
  } catch (e) {
    if (e instanceof EmbeddingModelError) throw new UsageError(e.message);
    throw e;
  }
  const bytes = await encodeBundle(model);
  await writeAtomic(values.out, bytes);
  const d = model.defaults;
  process.stdout.write(`wrote ${values.out}: ${bytes.length} bytes, embedding input [${model.spec.inputShape[0]}], normalize ${normalize}, ${d.steps} steps at lr ${d.lr}\n`);
  return 0;
}
