/**
 * Writes test/fixtures/cli-head/: a glyphs head made by the CLI from the README's adapt request body
 * (examples/glyphs-adapt.json), inputs.json (the README's three queries, which the head is sure of,
 * plus a blank and two blends, which it is not: their scores show small differences), and the CLI's
 * predictions on them.
 * The worker (test/workerd/api/cli-head.test.ts) and Chromium (test/browser/head-compat.test.ts)
 * must predict the same with these bytes; test/cli/head.test.ts checks the CLI still makes them.
 *   npx tsx scripts/make-cli-head-fixture.ts
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const cli = (...args: string[]): string => execFileSync(process.execPath, ['bin/fewshot.mjs', ...args], { encoding: 'utf8' });
const dir = 'test/fixtures/cli-head';
process.stdout.write(cli('adapt', '--bundle', 'bundles/glyphs.fsb', '--support', 'examples/glyphs-adapt.json', '--out', `${dir}/glyphs.fshd`));
const queries = (JSON.parse(readFileSync('examples/glyphs-predict.json', 'utf8')) as { inputs: number[][] }).inputs;
const blend = (a: number[], b: number[]): number[] => a.map((v, i) => Math.round(500 * (v + b[i]!)) / 1000);
const inputs = [...queries, new Array<number>(784).fill(0), blend(queries[0]!, queries[1]!), blend(queries[1]!, queries[2]!)];
writeFileSync(`${dir}/inputs.json`, `${JSON.stringify({ inputs })}\n`);
writeFileSync(`${dir}/glyphs-predict.json`, cli('predict', '--bundle', 'bundles/glyphs.fsb', '--head', `${dir}/glyphs.fshd`, '--inputs', `${dir}/inputs.json`));
process.stdout.write(`wrote ${dir}/glyphs.fshd and glyphs-predict.json\n`);
