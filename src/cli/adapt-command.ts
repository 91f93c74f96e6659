import { BundleError, decodeBundle } from '../bundle/index';
import { adapt, createModel, EngineError, ModelError } from '../engine/index';
import { HeadError } from '../head/head';
import { headIdFor } from '../head/head-id';
import { headToJson } from '../head/json';
import { initNodeBackend } from '../../wasm/node';
import { CliError, parse, readBytes, UsageError, writeAtomic } from './bundle/cli-io';
import type { Command } from './commands';
import type { AdaptOptions, Model } from '../engine/index';

const USAGE = 'fewshot adapt --bundle FILE --support FILE.json [--steps N] [--lr X] [--path auto|fast|fused|autodiff] --out head.json';

/** A required string option. */
export function required(values: Record<string, unknown>, flag: string): string {
  const v = values[flag];
  if (typeof v !== 'string' || v.length === 0) throw new UsageError(`--${flag} is required`);
  return v;
}

/** Reads and parses a JSON file (one-line errors). */
export async function readJson(path: string): Promise<unknown> {
  const text = new TextDecoder().decode(await readBytes(path));
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(`${path}: not JSON (${(e as Error).message})`);
  }
}

/** Brings up the wasm backend and uploads a bundle's model. */
export async function loadModel(bundlePath: string): Promise<Model> {
  const data = await decodeBundle(await readBytes(bundlePath));
  await initNodeBackend();
  return createModel(data);
}

/** A numeric option, passed through unchecked: the engine owns the range checks. */
const num = (v: unknown): number | undefined => (typeof v === 'string' ? (v.trim() === '' ? NaN : Number(v)) : undefined);

/** Runs a command body, turning every known error into one line and an exit code (usage 2, others 1). */
export async function oneLine(name: string, usage: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    const known = e instanceof EngineError || e instanceof ModelError || e instanceof BundleError || e instanceof HeadError || e instanceof CliError || e instanceof UsageError;
    if (!known) throw e;
    const text = e instanceof EngineError ? `${e.code}: ${e.detail}` : e.message;
    process.stderr.write(`fewshot ${name}: ${text.replace(/\s*\n\s*/g, ' ')}${e instanceof UsageError ? ` (usage: ${usage})` : ''}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
}

async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, { bundle: { type: 'string' }, support: { type: 'string' }, steps: { type: 'string' }, lr: { type: 'string' }, path: { type: 'string' }, out: { type: 'string' } }, 0);
  const [bundle, supportPath, out] = [required(values, 'bundle'), required(values, 'support'), required(values, 'out')];
  const support = (await readJson(supportPath)) as { inputs?: unknown; labels?: unknown };
  if (typeof support !== 'object' || support === null) throw new CliError(`${supportPath}: expected {inputs, labels}`);
  const model = await loadModel(bundle);
  try {
    const opts = { steps: num(values.steps), lr: num(values.lr), path: values.path } as AdaptOptions;
    const set = { inputs: support.inputs, labels: support.labels } as { inputs: number[][]; labels: (string | number)[] };
    const r = adapt(model, set, opts);
    const headId = await headIdFor(model.id, set, { steps: r.steps, lr: r.lr });
    await writeAtomic(out, `${JSON.stringify(headToJson(r.head, headId))}\n`);
    process.stdout.write(`${JSON.stringify({ headId, labels: r.head.labels, steps: r.steps, lr: r.lr, loss: r.loss, path: r.path, out })}\n`);
    return 0;
  } finally {
    model.dispose();
  }
}

/** `fewshot adapt`: adapts a bundle's head to a support set and writes head.json (never half-written). */
export const command: Command = {
  summary: "adapt a bundle's head to a support set, write head.json",
  run: (argv) => oneLine('adapt', USAGE, () => run(argv)),
};
