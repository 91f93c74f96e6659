import { decodeBundle } from '../../bundle/index';
import { parse, readBytes } from './cli-io';

export const usage = 'fewshot bundle verify FILE';

/** `verify FILE`: full decode (frame, checksum, header, table, shapes, values); prints `ok <id>`. */
export async function run(argv: string[]): Promise<number> {
  const { positionals } = parse(argv, {}, 1);
  const model = await decodeBundle(await readBytes(positionals[0]!));
  process.stdout.write(`ok ${model.id}\n`);
  return 0;
}
