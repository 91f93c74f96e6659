import { dirname, isAbsolute, resolve } from 'node:path';
import { encodeBundle, importTfjsModel, manifestPaths, readBundleHeader, readFewshotMetadata } from '../../src/bundle/index';
import { choice, CliError, readBytes, UsageError, writeAtomic } from './cli-io';
import { parseUsage, usageLine } from '../usage';
import type { Usage } from '../usage';

export const spec: Usage = {
  command: 'fewshot bundle import-tfjs',
  summary:
    'Import a tfjs-layers Sequential model (model.json, weight shards beside it) as a bundle. A model exported by\n' +
    "`fewshot bundle export --format tfjs` carries fewshot's spec, defaults and provenance in userDefinedMetadata and\n" +
    'comes back as the same bundle (same id); for such a model only --name and --dtype apply (--task/--head-init are refused).',
  args: ['model.json'],
  flags: {
    out: { type: 'string', arg: 'FILE', help: 'the bundle to write', required: true },
    name: { type: 'string', arg: 'NAME', help: 'bundle name', default: "the metadata's, else the model's topology name" },
    task: { type: 'string', arg: 'classification|regression', help: 'task kind (plain tfjs models)', default: 'classification if the last layer is a softmax' },
    'head-init': { type: 'string', arg: 'learned|prototype', help: 'head init (plain tfjs models): prototype drops the last Dense layer\'s weights', default: 'learned' },
    dtype: { type: 'string', arg: 'f32|f16|int8', help: 'storage dtype', default: 'the exported bundle\'s, else f32' },
  },
};
export const usage = usageLine(spec);

/** `import-tfjs model.json --out FILE`: a tfjs-layers Sequential model (shards beside model.json) to a bundle. */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseUsage(spec, argv);
  if (typeof values.out !== 'string') throw new UsageError('--out FILE is required');
  const task = values.task === undefined ? undefined : choice(values.task, '--task', ['classification', 'regression'] as const);
  const headInit = choice(values['head-init'], '--head-init', ['learned', 'prototype'] as const, 'learned');
  const dtype = values.dtype === undefined ? undefined : choice(values.dtype, '--dtype', ['f32', 'f16', 'int8'] as const);
  const file = positionals[0]!;
  let modelJson: { weightsManifest?: unknown; modelTopology?: { config?: { name?: unknown } } };
  try {
    modelJson = JSON.parse(new TextDecoder().decode(await readBytes(file)));
  } catch (e) {
    throw e instanceof CliError ? e : new CliError(`${file} is not JSON: ${(e as Error).message}`);
  }
  const shards = await Promise.all(
    manifestPaths(modelJson.weightsManifest).map((p) => {
      if (isAbsolute(p) || /^[a-z][a-z0-9+.-]*:/i.test(p)) throw new CliError(`weight shard '${p}' must be a path relative to ${file}`);
      return readBytes(resolve(dirname(file), p));
    }),
  );
  const weightData = new Uint8Array(shards.reduce((a, s) => a + s.length, 0));
  shards.reduce((at, s) => (weightData.set(s, at), at + s.length), 0);
  const meta = readFewshotMetadata(modelJson as Record<string, unknown>);
  if (meta && (values.task !== undefined || values['head-init'] !== undefined)) throw new UsageError(`${file} was exported by fewshot and says its own task and head init; --task/--head-init apply to plain tfjs models`);
  const topoName = modelJson.modelTopology?.config?.name;
  const name = typeof values.name === 'string' ? values.name : meta ? meta.name : typeof topoName === 'string' ? topoName : 'tfjs-model';
  const model = importTfjsModel(modelJson, weightData.buffer, { name, headInit, ...(task ? { task } : {}), provenance: { dataset: 'unknown', source: file.split(/[\\/]/).slice(-2).join('/') } });
  // A fewshot export is re-encoded as its source was stored (same bytes, same id) unless --dtype says otherwise.
  const bytes = await encodeBundle(model, dtype ? { dtype } : meta?.storage ? { tensors: meta.storage } : {});
  await writeAtomic(values.out, bytes);
  process.stdout.write(`wrote ${values.out}: ${bytes.length} bytes, ${Object.keys(model.tensors).length} tensors (${model.spec.task}), id ${(await readBundleHeader(bytes)).id}\n`);
  return 0;
}
