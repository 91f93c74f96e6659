import { decodeBundle } from '../../src/bundle/index';
import { readBytes } from './cli-io';
import { parseUsage, usageLine } from '../usage';
import type { Usage } from '../usage';

export const spec: Usage = {
  command: 'fewshot bundle verify',
  summary: 'Fully decode a bundle (frame, checksum, header, tensor table, shapes, values); print `ok <id>`, or one line and exit 1.',
  args: ['FILE'],
  flags: {},
};
export const usage = usageLine(spec);

/** `verify FILE`: full decode (frame, checksum, header, table, shapes, values); prints `ok <id>`. */
export async function run(argv: string[]): Promise<number> {
  const { positionals } = parseUsage(spec, argv);
  const model = await decodeBundle(await readBytes(positionals[0]!));
  process.stdout.write(`ok ${model.id}\n`);
  return 0;
}
