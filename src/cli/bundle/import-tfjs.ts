import { dirname, isAbsolute, resolve } from 'node:path';
import { encodeBundle, importTfjsModel, manifestPaths } from '../../bundle/index';
import { choice, CliError, parse, readBytes, UsageError, writeAtomic } from './cli-io';

export const usage = 'fewshot bundle import-tfjs model.json --out FILE [--name N] [--task classification|regression] [--head-init learned|prototype] [--dtype f32|f16|int8]';

/** `import-tfjs model.json --out FILE`: a tfjs-layers Sequential model (shards beside model.json) to a bundle. */
export async function run(argv: string[]): Promise<number> {
  const opts = { out: { type: 'string' }, name: { type: 'string' }, task: { type: 'string' }, 'head-init': { type: 'string' }, dtype: { type: 'string' } } as const;
  const { values, positionals } = parse(argv, opts, 1);
  if (typeof values.out !== 'string') throw new UsageError('--out FILE is required');
  const task = values.task === undefined ? undefined : choice(values.task, '--task', ['classification', 'regression'] as const);
  const headInit = choice(values['head-init'], '--head-init', ['learned', 'prototype'] as const, 'learned');
  const dtype = choice(values.dtype, '--dtype', ['f32', 'f16', 'int8'] as const, 'f32');
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
  const topoName = modelJson.modelTopology?.config?.name;
  const name = typeof values.name === 'string' ? values.name : typeof topoName === 'string' ? topoName : 'tfjs-model';
  const model = importTfjsModel(modelJson, weightData.buffer, { name, headInit, ...(task ? { task } : {}), provenance: { dataset: 'unknown', source: file.split(/[\\/]/).slice(-2).join('/') } });
  const bytes = await encodeBundle(model, { dtype });
  await writeAtomic(values.out, bytes);
  process.stdout.write(`wrote ${values.out}: ${bytes.length} bytes, ${Object.keys(model.tensors).length} tensors (${model.spec.task})\n`);
  return 0;
}
