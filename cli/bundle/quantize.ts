import { quantizeBundle } from '../../src/bundle/index';
import { choice, CliError, readBytes, sameFile, UsageError, writeAtomic } from './cli-io';
import { parseUsage, usageLine } from '../usage';
import type { Usage } from '../usage';

export const spec: Usage = {
  command: 'fewshot bundle quantize',
  summary:
    'Re-encode a bundle with f16 or int8 storage (provenance records quantizedFrom). Refuses to write a bundle bigger\n' +
    'than its input (e.g. int8 → f16: the values are already quantized, nothing is gained) unless --force.',
  args: ['FILE'],
  flags: {
    dtype: { type: 'string', arg: 'f16|int8', help: 'target storage (int8: conv/dense kernels; biases and statistics stay f32)', required: true },
    out: { type: 'string', arg: 'FILE', help: 'the new bundle (never the input)', required: true },
    'per-tensor': { type: 'boolean', help: 'int8 with one scale per tensor instead of per output channel' },
    force: { type: 'boolean', help: 'write the output even when it is bigger than the input' },
  },
};
export const usage = usageLine(spec);

/** `quantize FILE --dtype f16|int8 --out FILE`: writes a re-encoded copy, never over the input, never a bigger one unasked. */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseUsage(spec, argv);
  const input = positionals[0]!;
  const dtype = choice(values.dtype, '--dtype', ['f16', 'int8'] as const);
  const outPath = values.out as string;
  if (await sameFile(input, outPath)) throw new UsageError(`refusing to overwrite the input ${input}`);
  const bytes = await readBytes(input);
  const out = await quantizeBundle(bytes, dtype, { perChannel: !values['per-tensor'] });
  const ratio = (out.length / bytes.length).toFixed(3);
  if (out.length > bytes.length && !values.force) {
    throw new CliError(`refusing to write ${outPath}: ${dtype} would be ${ratio}× the input (${out.length} > ${bytes.length} bytes; an already-quantized bundle gains nothing); --force writes it anyway`);
  }
  await writeAtomic(outPath, out);
  process.stdout.write(`wrote ${outPath}: ${out.length} bytes (${ratio}× of ${bytes.length})\n`);
  return 0;
}
