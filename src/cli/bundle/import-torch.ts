import { encodeBundle } from '../../bundle/index';
import { parseSafetensors } from '../../bundle/safetensors';
import { importTorchStateDict } from '../../bundle/torch-import';
import { choice, CliError, parse, readBytes, sameFile, UsageError, writeAtomic } from './cli-io';

export const usage = 'fewshot bundle import-torch FILE.safetensors --spec SPEC.json --out FILE.fsb [--name NAME] [--dtype f32|f16|int8]';

/** `import-torch FILE.safetensors --spec SPEC.json --out FILE`: a PyTorch state dict to a bundle (docs/pytorch.md). */
export async function run(argv: string[]): Promise<number> {
  const opts = { spec: { type: 'string' }, out: { type: 'string' }, name: { type: 'string' }, dtype: { type: 'string' } } as const;
  const { values, positionals } = parse(argv, opts, 1);
  if (typeof values.spec !== 'string') throw new UsageError('--spec SPEC.json is required');
  if (typeof values.out !== 'string') throw new UsageError('--out FILE is required');
  const dtype = choice(values.dtype, '--dtype', ['f32', 'f16', 'int8'] as const, 'f32');
  const file = positionals[0]!;
  if ((await sameFile(file, values.out)) || (await sameFile(values.spec, values.out))) throw new UsageError(`refusing to overwrite an input with --out ${values.out}`);
  let spec: unknown;
  try {
    spec = JSON.parse(new TextDecoder().decode(await readBytes(values.spec)));
  } catch (e) {
    throw e instanceof CliError ? e : new CliError(`${values.spec} is not JSON: ${(e as Error).message}`);
  }
  const st = parseSafetensors(await readBytes(file));
  const source = file.split(/[\\/]/).slice(-1)[0]!;
  const model = importTorchStateDict(st, spec, { ...(typeof values.name === 'string' ? { name: values.name } : {}), source });
  const bytes = await encodeBundle(model, { dtype });
  await writeAtomic(values.out, bytes);
  const params = Object.values(model.tensors).reduce((a, t) => a + t.data.length, 0);
  process.stdout.write(`wrote ${values.out}: ${bytes.length} bytes, ${Object.keys(model.tensors).length} tensors, ${params} parameters (${model.spec.task}, head init ${model.defaults.headInit})\n`);
  return 0;
}
