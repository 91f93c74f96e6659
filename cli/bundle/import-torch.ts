import { encodeBundle } from '../../src/bundle/index';
import { readStateDict } from '../../src/bundle/state-dict';
import { importTorchStateDict } from '../../src/bundle/torch-import';
import { choice, CliError, readBytes, sameFile, UsageError, writeAtomic } from './cli-io';
import { parseUsage, usageLine } from '../usage';
import type { Usage } from '../usage';

export const spec: Usage = {
  command: 'fewshot bundle import-torch',
  summary:
    'Import a PyTorch state dict (a torch.save .pth/.pt checkpoint, read without Python, or .safetensors), mapped onto a model\n' +
    'spec you write (SPEC.json: the architecture plus where each parameter comes from; docs/pytorch.md). A missing, unused\n' +
    'or misshapen key is refused by name; a pickle global other than the tensor types (os.system, a model class) is refused\n' +
    'and never run.',
  args: ['FILE.pth|FILE.pt|FILE.safetensors'],
  flags: {
    spec: { type: 'string', arg: 'SPEC.json', help: 'the import spec (model spec, modules/tensors mapping, ignore list)', required: true },
    out: { type: 'string', arg: 'FILE.fsb', help: 'the bundle to write (never one of the inputs)', required: true },
    key: { type: 'string', arg: 'K', help: "the checkpoint key holding the state dict, e.g. state_dict ({'state_dict': …, 'optimizer': …})" },
    'strip-prefix': { type: 'string', arg: 'P', help: 'drop P from every key that starts with it, e.g. module. (DataParallel, learn2learn MAML)' },
    name: { type: 'string', arg: 'NAME', help: 'bundle name', default: "SPEC.json's name, else torch-model" },
    dtype: { type: 'string', arg: 'f32|f16|int8', help: 'storage dtype', default: 'f32' },
  },
};
export const usage = usageLine(spec);

/** `import-torch FILE --spec SPEC.json --out FILE.fsb`: a PyTorch state dict to a bundle (docs/pytorch.md). */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseUsage(spec, argv);
  const specPath = values.spec as string;
  const out = values.out as string;
  const dtype = choice(values.dtype, '--dtype', ['f32', 'f16', 'int8'] as const, 'f32');
  for (const flag of ['key', 'strip-prefix'] as const) if (values[flag] === '') throw new UsageError(`--${flag} must not be empty`);
  const file = positionals[0]!;
  if ((await sameFile(file, out)) || (await sameFile(specPath, out))) throw new UsageError(`refusing to overwrite an input with --out ${out}`);
  let importSpec: unknown;
  try {
    importSpec = JSON.parse(new TextDecoder().decode(await readBytes(specPath)));
  } catch (e) {
    throw e instanceof CliError ? e : new CliError(`${specPath} is not JSON: ${(e as Error).message}`);
  }
  const sd = readStateDict(await readBytes(file), { ...(typeof values.key === 'string' ? { key: values.key } : {}), ...(typeof values['strip-prefix'] === 'string' ? { stripPrefix: values['strip-prefix'] } : {}) });
  // The file's stem, not its name: the same weights as .pth or .safetensors give the same bundle.
  const source = file.split(/[\\/]/).slice(-1)[0]!.replace(/\.(pth|pt|bin|ckpt|safetensors)$/i, '');
  const warn = (m: string): void => void process.stderr.write(`warning: ${m}\n`);
  const model = importTorchStateDict(sd, importSpec, { ...(typeof values.name === 'string' ? { name: values.name } : {}), source, warn });
  const bytes = await encodeBundle(model, { dtype });
  await writeAtomic(out, bytes);
  const params = Object.values(model.tensors).reduce((a, t) => a + t.data.length, 0);
  process.stdout.write(`wrote ${out}: ${bytes.length} bytes, ${Object.keys(model.tensors).length} tensors, ${params} parameters (${model.spec.task}, head init ${model.defaults.headInit})\n`);
  return 0;
}
