import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeBundle, exportTfjsModel, readBundleHeader } from '../../src/bundle/index';
import { choice, readBytes, UsageError, writeAtomic } from './cli-io';
import { parseUsage, usageLine } from '../usage';
import type { Usage } from '../usage';

export const spec: Usage = {
  command: 'fewshot bundle export',
  summary:
    'Export a bundle as JSON (spec, defaults, provenance, every tensor\'s shape and values) or as a tfjs-layers model\n' +
    "(model.json + weights.bin; fewshot's spec, defaults and limits ride in model.json's userDefinedMetadata, so\n" +
    '`fewshot bundle import-tfjs` gives the same bundle back).',
  args: ['FILE'],
  flags: {
    format: { type: 'string', arg: 'json|tfjs', help: 'output format', required: true },
    out: { type: 'string', arg: 'PATH', help: 'json: a file (default: stdout); tfjs: a directory (required)' },
  },
};
export const usage = usageLine(spec);

/** `export FILE --format json|tfjs`: every tensor's shape and values as JSON, or a tfjs model.json + weights.bin. */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseUsage(spec, argv);
  const format = choice(values.format, '--format', ['json', 'tfjs'] as const);
  const out = typeof values.out === 'string' ? values.out : undefined;
  if (format === 'tfjs' && !out) throw new UsageError('--format tfjs needs --out DIR');
  const bytes = await readBytes(positionals[0]!);
  const model = await decodeBundle(bytes);
  if (format === 'tfjs') {
    // The storage (dtype, int8 scales) lets import-tfjs re-encode the very same bytes.
    const storage = Object.fromEntries((await readBundleHeader(bytes)).header.tensors.map((t) => [t.name, { dtype: t.dtype, ...(t.quant ? { quant: t.quant } : {}) }]));
    const { modelJson, weightData } = exportTfjsModel(model, 'weights.bin', storage);
    await mkdir(out!, { recursive: true });
    await writeAtomic(join(out!, 'weights.bin'), new Uint8Array(weightData));
    await writeAtomic(join(out!, 'model.json'), `${JSON.stringify(modelJson, null, 1)}\n`);
    process.stdout.write(`wrote ${join(out!, 'model.json')} and weights.bin\n`);
    return 0;
  }
  const doc = {
    format: model.storage!.format,
    id: model.id,
    name: model.name,
    spec: model.spec,
    defaults: model.defaults,
    provenance: model.provenance,
    tensors: Object.fromEntries(Object.entries(model.tensors).map(([name, t]) => [name, { shape: t.shape, storedAs: model.storage!.dtypes[name], values: Array.from(t.data) }])),
  };
  const text = `${JSON.stringify(doc)}\n`;
  if (out) {
    await writeAtomic(out, text);
    // Like tfjs: say what was written (stdout carries the JSON itself only when there is no --out).
    process.stdout.write(`wrote ${out}: ${Buffer.byteLength(text)} bytes, ${Object.keys(doc.tensors).length} tensors (${model.spec.task}), id ${model.id}\n`);
  } else process.stdout.write(text);
  return 0;
}
