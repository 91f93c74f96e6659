import { BundleError, decodeBundle } from '../src/bundle/index';
import { adapt, createModel, EngineError, ModelError } from '../src/engine/index';
import { encodeHead } from '../src/head/codec';
import { HeadError } from '../src/head/head';
import { headIdOf } from '../src/head/head-id';
import { initNodeBackend } from '../wasm/node';
import { choice, CliError, readBytes, UsageError, writeAtomic } from './bundle/cli-io';
import { fileKind, wrongFile } from './file-kind';
import { intFlag, numFlag, parseUsage, usageLine } from './usage';
import type { Command } from './command';
import type { AdaptOptions, Model } from '../src/engine/index';
import type { Usage } from './usage';

export const SUPPORT_FORMATS = `support file (--support), either form:
  {"inputs": [[0.1, ...], ...], "labels": ["a", ...]}                     a support set
  {"user": "u", "support": {"inputs": ..., "labels": ...}, "steps": 5, "lr": 0.1}   the API's adapt request body
    (user is ignored; steps and lr apply unless --steps/--lr are given)
inputs are flattened row-major floats, one row per example (glyphs: 784 numbers, ink = 1, background = 0).`;

export const ADAPT_USAGE: Usage = {
  command: 'fewshot adapt',
  summary: "Adapt a bundle's head to a support set and write it as a binary head (.fshd) — the format the worker's\nPOST /v1/models/:model/heads and the browser runtime take. Prints one JSON line: headId (the SHA-256 of the\nfile: the id the API, predict, head inspect and the browser runtime give this head), labels, steps, lr,\nstepsUsed, guard (feature scopes), loss, path, out, bytes.",
  flags: {
    bundle: { type: 'string', arg: 'FILE', help: 'the weight bundle (.fsb)', required: true },
    support: { type: 'string', arg: 'FILE.json', help: 'the support set, or an API adapt request body (formats below)', required: true },
    steps: { type: 'string', arg: 'N', help: 'inner-loop steps', default: "the bundle's" },
    lr: { type: 'string', arg: 'X', help: 'inner-loop learning rate', default: "the bundle's" },
    optimizer: { type: 'string', arg: 'sgd|momentum|adam', help: "inner-loop update rule (as torch.optim)", default: "the bundle's" },
    path: { type: 'string', arg: 'auto|fast|fused|autodiff', help: 'adaptation code path', default: 'auto' },
    out: { type: 'string', arg: 'FILE.fshd', help: 'where to write the head (written atomically; never .json)', required: true },
  },
  notes: SUPPORT_FORMATS,
};

/** A required string option. */
export function required(values: Record<string, unknown>, flag: string): string {
  const v = values[flag];
  if (typeof v !== 'string' || v.length === 0) throw new UsageError(`--${flag} is required`);
  return v;
}

/** Where a file came from, so that a wrong file is named by its flag and a swap is spotted. */
export interface FileRole {
  flag: string;
  /** The command's file flags (a file meant for one of them is a swap). */
  commandFlags: string[];
}

/** Reads and parses a JSON file (one-line errors; a binary file is named, never printed). */
export async function readJson(path: string, role?: FileRole): Promise<unknown> {
  const bytes = await readBytes(path);
  const kind = fileKind(bytes);
  if (kind === 'bundle' || kind === 'head' || kind === 'binary') {
    throw new CliError(wrongFile(path, kind, { what: 'a JSON file', flag: role?.flag ?? '', commandFlags: role?.commandFlags ?? [] }));
  }
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new CliError(`${path}: not JSON (${(e as Error).message})`);
  }
}

/** Brings up the wasm backend and uploads a bundle's model. */
export async function loadModel(bundlePath: string, role: FileRole = { flag: '--bundle', commandFlags: [] }): Promise<Model> {
  const bytes = await readBytes(bundlePath);
  const kind = fileKind(bytes);
  if (kind !== 'bundle') throw new CliError(wrongFile(bundlePath, kind, { what: 'a weight bundle (.fsb)', ...role }));
  const data = await decodeBundle(bytes);
  await initNodeBackend();
  return createModel(data);
}

/** Runs a command body, turning every known failure into one line and exit 1; usage errors and help go up to the runner. */
export async function oneLine(name: string, usage: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof UsageError) {
      e.usage ??= usage;
      throw e;
    }
    const known = e instanceof EngineError || e instanceof ModelError || e instanceof BundleError || e instanceof HeadError || e instanceof CliError;
    if (!known) throw e;
    const text = e instanceof EngineError ? `${e.code}: ${e.detail}` : e.message;
    process.stderr.write(`fewshot ${name}: ${text.replace(/\s*\n\s*/g, ' ')}\n`);
    return 1;
  }
}

export interface SupportFile {
  support: { inputs: unknown; labels: unknown };
  steps?: number;
  lr?: number;
}

/** A support file in either form: `{inputs, labels}` or the API's `{user?, support, steps?, lr?}`. */
export function readSupport(raw: unknown, path: string): SupportFile {
  const o = (typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : null) as Record<string, unknown> | null;
  const expected = `${path}: expected {inputs, labels} or an adapt request body {user?, support: {inputs, labels}, steps?, lr?}`;
  if (!o) throw new CliError(expected);
  if (!('support' in o)) {
    if (!('inputs' in o) && !('labels' in o)) throw new CliError(expected);
    return { support: { inputs: o.inputs, labels: o.labels } };
  }
  const s = o.support as Record<string, unknown> | null;
  if (typeof s !== 'object' || s === null || Array.isArray(s)) throw new CliError(`${path}: support must be an object {inputs, labels}`);
  for (const k of ['steps', 'lr'] as const) {
    if (o[k] !== undefined && typeof o[k] !== 'number') throw new CliError(`${path}: ${k} must be a number`);
  }
  return { support: { inputs: s.inputs, labels: s.labels }, ...(o.steps === undefined ? {} : { steps: o.steps as number }), ...(o.lr === undefined ? {} : { lr: o.lr as number }) };
}

async function run(argv: string[]): Promise<number> {
  const { values } = parseUsage(ADAPT_USAGE, argv);
  const [bundle, supportPath, out] = [required(values, 'bundle'), required(values, 'support'), required(values, 'out')];
  if (/\.json$/i.test(out)) throw new UsageError(`--out ${out}: heads are binary now (.fshd, the format the worker and the browser use); for a JSON view run 'fewshot head inspect FILE --json'`);
  const steps = intFlag(values, 'steps', 0);
  const lr = numFlag(values, 'lr', true);
  const path = values.path === undefined ? undefined : choice(values.path, '--path', ['auto', 'fast', 'fused', 'autodiff'] as const);
  const optimizer = values.optimizer === undefined ? undefined : choice(values.optimizer, '--optimizer', ['sgd', 'momentum', 'adam'] as const);
  const roles = (flag: string): FileRole => ({ flag, commandFlags: ['--bundle', '--support'] });
  const file = readSupport(await readJson(supportPath, roles('--support')), supportPath);
  const model = await loadModel(bundle, roles('--bundle'));
  try {
    const opts = { steps: steps ?? file.steps, lr: lr ?? file.lr, path, ...(optimizer ? { optimizer } : {}) } as AdaptOptions;
    const set = file.support as { inputs: number[][]; labels: (string | number)[] };
    const r = adapt(model, set, opts);
    const bytes = await encodeHead(r.head);
    await writeAtomic(out, bytes);
    process.stdout.write(`${JSON.stringify({ headId: await headIdOf(bytes), labels: r.head.labels, steps: r.steps, lr: r.lr, stepsUsed: r.stepsUsed, ...(r.guard ? { guard: r.guard } : {}), loss: r.loss, path: r.path, out, bytes: bytes.length })}\n`);
    return 0;
  } finally {
    model.dispose();
  }
}

/** `fewshot adapt`: adapts a bundle's head to a support set and writes a binary head (never half-written). */
export const command: Command = {
  summary: "adapt a bundle's head to a support set, write a binary head (.fshd)",
  run: (argv) => oneLine('adapt', usageLine(ADAPT_USAGE), () => run(argv)),
};
