// Every size and list the docs quote matches the repo (scripts/docs-facts.ts): generated blocks are
// current, and free prose does not contradict the bundles, the embedded models or the CLI's tables.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkClaims, collectFacts, docFiles, fillBlocks, renderBlocks, ROOT, sizeMatches, staleBlocks } from '../../scripts/docs-facts';
import type { Facts } from '../../scripts/docs-facts';

let facts: Facts;
const docs = () => Object.fromEntries(docFiles().map((f) => [f, readFileSync(join(ROOT, f), 'utf8')]));
beforeAll(async () => {
  facts = await collectFacts();
});

describe('the docs against the repo', () => {
  it('every generated block is current (bundle sizes, embedded models, CLI commands)', () => {
    const blocks = renderBlocks(facts);
    expect(staleBlocks(docs(), blocks)).toEqual([]);
    // The facts page holds every cheap block.
    const page = docs()['docs/facts.md']!;
    for (const name of Object.keys(blocks)) expect(page, name).toContain(`<!-- facts:${name} -->`);
  });

  it('no prose claim contradicts the repo', () => {
    expect(checkClaims(docs(), facts)).toEqual([]);
  });

  it('the facts themselves are the repo: real sizes, the embedded list of worker/models/embedded.ts, every subcommand', () => {
    for (const [file, bytes] of Object.entries(facts.bundles)) expect(bytes, file).toBe(readFileSync(join(ROOT, 'bundles', file)).length);
    expect(facts.bundles['glyphs-v1.fsb']).toBe(453_600);
    expect(facts.embedded.map((e) => e.name)).toEqual(expect.arrayContaining(['glyphs', 'sine-maml', 'embed-384']));
    expect(facts.embedded.map((e) => e.file)).toEqual(expect.arrayContaining(['sine-maml.fsb', 'embed-384.fsb']));
    expect(facts.cli.bundle).toEqual(expect.arrayContaining(['create', 'import-torch']));
    expect(facts.cli.commands).toEqual(expect.arrayContaining(['serve', 'models', 'bundle']));
  });

  it('README documents a CLI start that skips npx, and it exists', () => {
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.fewshot).toBe('node bin/fewshot.mjs');
    expect(docs()['README.md']).toContain('npm run -s fewshot -- ARGS');
  });
});

describe('the checker catches what went stale before (issue 22)', () => {
  const check = (text: string) => checkClaims({ 'x.md': text }, facts).map((c) => c.problem);

  it('a size after a bundle name that is not its size', () => {
    // (Stable files only: the default glyphs.fsb changes with each model.)
    expect(check('| cold first adapt, `sine-maml.fsb` (453 KB) from the store | 123 ms |')).toEqual(['sine-maml.fsb is 8,896 B, the text says 453 KB']);
    expect(check('wrote bundles/embed-384.fsb: 672 bytes')).toEqual([]);
    expect(check('`glyphs-v1.fsb` (453,600 B) and `sine-maml.fsb` (8.9 KB), `glyphs-int8.fsb` is 35 KiB')).toEqual([]);
    expect(check('`glyphs-v1.fsb` is 453,601 B')).toHaveLength(1);
    // Sizes of files that are not in the repo, or of something else later in the sentence, are not claims about a bundle.
    expect(check('--out l2l-cnn4-int8.fsb   # optional: 130,681 bytes')).toEqual([]);
    expect(check('`sine-maml.fsb`. The JS is 968 KB')).toEqual([]);
  });

  it('a list of the embedded models that leaves one out', () => {
    expect(check('- **embedded** bundles, compiled into the worker (`worker/models/embedded.ts`: `glyphs`, `sine-maml`).')).toEqual(['lists the embedded models glyphs, sine-maml without embed-384']);
    expect(check('- **Models**: the embedded bundles (`bundles/glyphs.fsb`, `bundles/sine-maml.fsb`) plus')).toEqual(['lists the embedded bundles glyphs.fsb, sine-maml.fsb without embed-384.fsb']);
  });

  it('a list of subcommands that leaves one out', () => {
    expect(check('`fewshot bundle inspect|verify|quantize|export|import-tfjs` is its command line.')).toEqual(['lists bundle subcommands without create, import-torch']);
    expect(check('npx fewshot bundle inspect FILE   # also: verify, quantize, export, import-tfjs, create, import-torch')).toEqual([]);
    expect(check('`fewshot models` publish | list | versions | rollback | remove')).toEqual([]);
    expect(check('the models store: `fewshot models publish`, versions, rollback, remove')).toEqual(['lists models subcommands without list']);
  });

  it('a stale block is found and rewritten', () => {
    const blocks = renderBlocks(facts);
    const old = 'served: <!-- facts:embedded -->`glyphs`, `sine-maml`<!-- /facts:embedded -->.';
    expect(staleBlocks({ 'x.md': old }, blocks)).toEqual(["x.md: block 'embedded' is stale"]);
    const fixed = fillBlocks(old, blocks);
    expect(fixed).toBe('served: <!-- facts:embedded -->`glyphs`, `sine-maml`, `embed-384`<!-- /facts:embedded -->.');
    expect(staleBlocks({ 'x.md': fixed }, blocks)).toEqual([]);
  });

  it('reads sizes the way people write them', () => {
    expect(sizeMatches('118,304 B', 118_304)).toBe(true);
    expect(sizeMatches('118304 bytes', 118_304)).toBe(true);
    expect(sizeMatches('118 KB', 118_304)).toBe(true);
    expect(sizeMatches('115.5 KiB', 118_304)).toBe(true);
    expect(sizeMatches('453 KB', 453_600)).toBe(true); // truncated, as often written
    expect(sizeMatches('453 KB', 118_304)).toBe(false);
    expect(sizeMatches('0.12 MB', 118_304)).toBe(true);
    expect(sizeMatches('2 MB', 118_304)).toBe(false);
  });
});
