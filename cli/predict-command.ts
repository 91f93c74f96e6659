import { predict } from '../src/engine/index';
import { loadModel, oneLine, readJson, required } from './adapt-command';
import type { FileRole } from './adapt-command';
import { CliError } from './bundle/cli-io';
import { readHeadFile } from './head-command';
import { parseUsage, usageLine } from './usage';
import type { Command } from './command';
import type { Usage } from './usage';

export const PREDICT_USAGE: Usage = {
  command: 'fewshot predict',
  summary: "Predict with a bundle and a binary head (.fshd). Prints one JSON line {headId, predictions}, the API's predict\nresponse; headId is the head's id (its file's SHA-256), as adapt, head inspect and the API give it.",
  flags: {
    bundle: { type: 'string', arg: 'FILE', help: 'the weight bundle (.fsb) the head was adapted from', required: true },
    head: { type: 'string', arg: 'FILE.fshd', help: 'a binary head from `fewshot adapt`, the worker (GET .../heads/:headId) or the browser runtime', required: true },
    inputs: { type: 'string', arg: 'FILE.json', help: 'the inputs: {"inputs": [[...], ...]} (an API predict body works too)', required: true },
  },
  notes: 'inputs file: {"inputs": [[0.1, ...], ...]} — flattened row-major floats, one row per example; other keys are ignored.',
};

async function run(argv: string[]): Promise<number> {
  const { values } = parseUsage(PREDICT_USAGE, argv);
  const [bundle, headPath, inputsPath] = [required(values, 'bundle'), required(values, 'head'), required(values, 'inputs')];
  const roles = (flag: string): FileRole => ({ flag, commandFlags: ['--bundle', '--head', '--inputs'] });
  const { head, headId } = await readHeadFile(headPath, roles('--head'));
  const body = (await readJson(inputsPath, roles('--inputs'))) as { inputs?: unknown };
  if (typeof body !== 'object' || body === null || !Array.isArray(body.inputs)) throw new CliError(`${inputsPath}: expected {inputs: number[][]}`);
  const model = await loadModel(bundle, roles('--bundle'));
  try {
    const predictions = predict(model, head, body.inputs as number[][]);
    process.stdout.write(`${JSON.stringify({ headId, predictions })}\n`);
    return 0;
  } finally {
    model.dispose();
  }
}

/** `fewshot predict`: prints `{headId, predictions}`, the same JSON as the API's predict. */
export const command: Command = {
  summary: 'predict with a bundle and an adapted head',
  run: (argv) => oneLine('predict', usageLine(PREDICT_USAGE), () => run(argv)),
};
