/**
 * Writes the committed test fixtures: test/fixtures/{tiny,tiny-int8,tiny-sine}.fsb and the tfjs
 * model set in test/fixtures/tfjs/. Deterministic: re-running gives byte-identical files.
 *   npx tsx scripts/make-fixture-bundle.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeBundle } from '../src/bundle/index';
import { tinyClassifier, tinySine } from '../test/bundle/fixture-models';
import { tfjsFixtureFiles } from '../test/bundle/tfjs-fixture';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures');

/** Encodes every fixture and writes it; returns the paths written. */
export async function makeFixtures(dir = fixtures): Promise<string[]> {
  const out: Record<string, Uint8Array> = {
    'tiny.fsb': await encodeBundle(tinyClassifier()),
    'tiny-int8.fsb': await encodeBundle(tinyClassifier(), { dtype: 'int8' }),
    'tiny-sine.fsb': await encodeBundle(tinySine()),
  };
  for (const [name, bytes] of Object.entries((await tfjsFixtureFiles()).files)) out[join('tfjs', name)] = bytes;
  mkdirSync(join(dir, 'tfjs'), { recursive: true });
  return Object.entries(out).map(([name, bytes]) => {
    writeFileSync(join(dir, name), bytes);
    return join(dir, name);
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const p of await makeFixtures()) process.stdout.write(`${p}\n`);
}
