import { quantizeBundle } from '../../bundle/index';
import { choice, parse, readBytes, sameFile, UsageError, writeAtomic } from './cli-io';

export const usage = 'fewshot bundle quantize FILE --dtype f16|int8 --out FILE [--per-tensor]';

/** `quantize FILE --dtype f16|int8 --out FILE`: writes a re-encoded copy, never over the input. */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { dtype: { type: 'string' }, out: { type: 'string' }, 'per-tensor': { type: 'boolean' } }, 1);
  const input = positionals[0]!;
  const dtype = choice(values.dtype, '--dtype', ['f16', 'int8'] as const);
  if (typeof values.out !== 'string') throw new UsageError('--out FILE is required');
  if (await sameFile(input, values.out)) throw new UsageError(`refusing to overwrite the input ${input}`);
  const bytes = await readBytes(input);
  const out = await quantizeBundle(bytes, dtype, { perChannel: !values['per-tensor'] });
  await writeAtomic(values.out, out);
  process.stdout.write(`wrote ${values.out}: ${out.length} bytes (${(out.length / bytes.length).toFixed(3)}× of ${bytes.length})\n`);
  return 0;
}
