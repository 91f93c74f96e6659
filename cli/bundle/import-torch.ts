import { encodeBundle } from '../../src/bundle/index';
import { parseSafetensors } from '../../src/bundle/safetensors';
import { importTorchStateDict } from '../../src/bundle/torch-import';
import { choice, CliError, readBytes, sameFile, UsageError, writeAtomic } from './cli-io';
import { parseUsage, usageLine } from '../usage';
import type { Usage } from '../usage';

export const spec: Usage = {
  command: 'fewshot bundle import-torch',
  summary:
    'Import a PyTorch state dict saved as safetensors, mapped onto a model spec you write (SPEC.json: the architecture plus\n' +
    'where each parameter comes from; docs/pytorch.md). A missing, unused or misshapen key is refused by name.',
  args: ['FILE.safetensors'],
  flags: {
    spec: { type: 'string', arg: 'SPEC.json', help: 'the import spec (model spec, modules/tensors mapping, ignore list)', required: true },
    out: { type: 'string', arg: 'FILE.fsb', help: 'the bundle to write (never one of the inputs)', required: true },
    name: { type: 'string', arg: 'NAME', help: 'bundle name', default: "SPEC.json's name, else torch-model" },
    dtype: { type: 'string', arg: 'f32|f16|int8', help: 'storage dtype', default: 'f32' },
  },
};
export const usage = usageLine(spec);

/** `import-torch FILE.safetensors --spec SPEC.json --out FILE`: a PyTorch state dict to a bundle (docs/pytorch.md). */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseUsage(spec, argv);
  const specPath = values.spec as string;
  const out = values.out as string;
  const dtype = choice(values.dtype, '--dtype', ['f32', 'f16', 'int8'] as const, 'f32');
  const file = positionals[0]!;
  if ((await sameFile(file, out)) || (await sameFile(specPath, out))) throw new UsageError(`refusing to overwrite an input with --out ${out}`);
  let importSpec: unknown;
  try {
    importSpec = JSON.parse(new TextDecoder().decode(await readBytes(specPath)));
  } catch (e) {
    throw e instanceof CliError ? e : new CliError(`${specPath} is not JSON: ${(e as Error).message}`);
  }
  const st = parseSafetensors(await readBytes(file));
  const source = file.split(/[\\/]/).slice(-1)[0]!;
  const model = importTorchStateDict(st, importSpec, { ...(typeof values.name === 'string' ? { name: values.name } : {}), source });
  const bytes = await encodeBundle(model, { dtype });
  await writeAtomic(out, bytes);
  const params = Object.values(model.tensors).reduce((a, t) => a + t.data.length, 0);
  process.stdout.write(`wrote ${out}: ${bytes.length} bytes, ${Object.keys(model.tensors).length} tensors, ${params} parameters (${model.spec.task}, head init ${model.defaults.headInit})\n`);
  return 0;
}
