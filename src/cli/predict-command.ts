import { predict } from '../engine/index';
import { headFromJson } from '../head/json';
import { loadModel, oneLine, readJson, required } from './adapt-command';
import { CliError, parse } from './bundle/cli-io';
import type { Command } from './commands';

const USAGE = 'fewshot predict --bundle FILE --head head.json --inputs FILE.json';

async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, { bundle: { type: 'string' }, head: { type: 'string' }, inputs: { type: 'string' } }, 0);
  const [bundle, headPath, inputsPath] = [required(values, 'bundle'), required(values, 'head'), required(values, 'inputs')];
  const raw = await readJson(headPath);
  const head = headFromJson(raw);
  const body = (await readJson(inputsPath)) as { inputs?: unknown };
  if (typeof body !== 'object' || body === null || !Array.isArray(body.inputs)) throw new CliError(`${inputsPath}: expected {inputs: number[][]}`);
  const model = await loadModel(bundle);
  try {
    const predictions = predict(model, head, body.inputs as number[][]);
    const headId = (raw as { headId?: string }).headId ?? null;
    process.stdout.write(`${JSON.stringify({ headId, predictions })}\n`);
    return 0;
  } finally {
    model.dispose();
  }
}

/** `fewshot predict`: prints `{headId, predictions}`, the same JSON as the API's predict. */
export const command: Command = {
  summary: 'predict with a bundle and an adapted head',
  run: (argv) => oneLine('predict', USAGE, () => run(argv)),
};
