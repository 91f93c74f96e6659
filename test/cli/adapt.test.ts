import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeBundle } from '../../src/bundle/index';
import { adapt, createModel, predict } from '../../src/engine/index';
import { decodeHead, encodeHead } from '../../src/head/codec';
import { createHash } from 'node:crypto';
import { classSupport } from '../engine/model-fixtures';
import { fewshotInProcess } from './run-in-process';

const BUNDLE = 'test/fixtures/tiny.fsb';
const dir = mkdtempSync(join(tmpdir(), 'fewshot-adapt-'));
const file = (name: string, content?: unknown): string => {
  const p = join(dir, name);
  if (content !== undefined) writeFileSync(p, typeof content === 'string' || content instanceof Uint8Array ? content : JSON.stringify(content));
  return p;
};
const support = classSupport(31, 16, 3, 3, ['left', 'right', 'stop'], 0.4, 1);

type Command = 'adapt' | 'predict';
const adaptCommand: Command = 'adapt';
const predictCommand: Command = 'predict';

/** Runs a command in-process; returns its exit code and what it printed. */
const call = (cmd: Command, argv: string[]) => fewshotInProcess(cmd, ...argv);

describe('fewshot adapt / predict', () => {
  beforeAll(() => {
    file('support.json', support);
    file('inputs.json', { inputs: support.inputs.slice(0, 4) });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('adapt writes a binary head and prints a one-line summary; predict prints {headId, predictions} like the engine', async () => {
    const out = file('head.fshd');
    const r = await call(adaptCommand, ['--bundle', BUNDLE, '--support', file('support.json'), '--out', out]);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out.trim().split('\n')).toHaveLength(1);
    const summary = JSON.parse(r.out);
    expect(summary).toMatchObject({ labels: ['left', 'right', 'stop'], steps: 10, lr: 0.5, out });
    expect(summary.loss.after).toBeLessThanOrEqual(summary.loss.before);
    const data = await decodeBundle(readFileSync(BUNDLE));
    const bytes = new Uint8Array(readFileSync(out));
    // One id per head: the file's SHA-256 (no second, request-derived id).
    expect(summary.headId).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(summary).not.toHaveProperty('sha256');
    const head = await decodeHead(bytes);
    const model = createModel(data);
    const direct = adapt(model, support);
    expect(head.params).toEqual(direct.head.params);

    const p = await call(predictCommand, ['--bundle', BUNDLE, '--head', out, '--inputs', file('inputs.json')]);
    expect(p.code).toBe(0);
    const printed = JSON.parse(p.out);
    // predict names the head by the same id adapt printed.
    expect(printed).toEqual({ headId: summary.headId, predictions: JSON.parse(JSON.stringify(predict(model, direct.head, support.inputs.slice(0, 4)))) });
    expect(printed.predictions.map((x: { label: string }) => x.label)).toEqual(support.labels.slice(0, 4));
    model.dispose();
  });

  it('--steps and --lr are passed to the engine and change the head id', async () => {
    const r = await call(adaptCommand, ['--bundle', BUNDLE, '--support', file('support.json'), '--steps', '3', '--lr', '0.1', '--out', file('head-3.fshd')]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ steps: 3, lr: 0.1 });
  });

  it("swapped --bundle and --support is one clear line, never the bundle's raw bytes", async () => {
    const r = await call(adaptCommand, ['--bundle', file('support.json'), '--support', BUNDLE, '--out', file('swapped.fshd')]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`fewshot adapt: --support ${BUNDLE} is a weight bundle (.fsb), not a JSON file: it goes to --bundle (swapped --support and --bundle?)\n`);
    expect(r.err).not.toMatch(/FSB|\uFFFD|Unexpected token/);
    // A support file as --bundle is named as what it is.
    const s = await call(adaptCommand, ['--bundle', file('support.json'), '--support', file('support.json'), '--out', file('swapped.fshd')]);
    expect(s.err).toBe(`fewshot adapt: --bundle ${file('support.json')} is a support set {inputs, labels}, not a weight bundle (.fsb): it goes to --support (swapped --bundle and --support?)\n`);
    // predict with --inputs and --bundle swapped.
    const p = await call(predictCommand, ['--bundle', file('inputs.json'), '--head', file('head.fshd'), '--inputs', BUNDLE]);
    expect(p.err).toBe(`fewshot predict: --inputs ${BUNDLE} is a weight bundle (.fsb), not a JSON file: it goes to --bundle (swapped --inputs and --bundle?)\n`);
    expect(existsSync(file('swapped.fshd'))).toBe(false);
  });

  it('counts read right: "takes 1 number per input", "has 2 numbers"', async () => {
    const r = await call(adaptCommand, ['--bundle', 'bundles/sine-maml.fsb', '--support', file('wide.json', { inputs: [[1, 2]], labels: [0.5] }), '--out', file('never.fshd')]);
    expect(r.err).toBe('fewshot adapt: input_length: input 0 has 2 numbers; the model takes 1 number per input\n');
  });

  it('a rejected support set exits 1 with one line and writes nothing (an existing head is untouched)', async () => {
    const out = file('kept.fshd', 'previous');
    const bad = { ...support, inputs: support.inputs.map((x, i) => (i === 2 ? x.slice(1) : x)) };
    const r = await call(adaptCommand, ['--bundle', BUNDLE, '--support', file('bad.json', bad), '--out', out]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^fewshot adapt: input_length: input 2 has 15 numbers; the model takes 16 numbers per input\n$/);
    expect(readFileSync(out, 'utf8')).toBe('previous');
    const fresh = file('fresh.fshd');
    const r2 = await call(adaptCommand, ['--bundle', BUNDLE, '--support', file('support.json'), '--steps', '1000', '--out', fresh]);
    expect(r2.err).toMatch(/^fewshot adapt: steps_out_of_range: .*\n$/);
    expect(existsSync(fresh)).toBe(false);
  });

  it('usage errors exit 2; unreadable, corrupt or mismatched files exit 1, one line each', async () => {
    const usage = await call(adaptCommand, ['--bundle', BUNDLE, '--support', file('support.json')]);
    expect([usage.code, usage.err]).toEqual([2, expect.stringMatching(/--out FILE\.fshd is required \(usage: fewshot adapt/)]);
    const cases: [Command, string[], RegExp][] = [
      [adaptCommand, ['--bundle', file('missing.fsb'), '--support', file('support.json'), '--out', file('x.fshd')], /ENOENT/],
      [adaptCommand, ['--bundle', file('corrupt.fsb', 'not a bundle'), '--support', file('support.json'), '--out', file('x.fshd')], /fewshot adapt: /],
      [adaptCommand, ['--bundle', BUNDLE, '--support', file('notjson.json', '{inputs'), '--out', file('x.fshd')], /notjson.json: not JSON/],
      [predictCommand, ['--bundle', BUNDLE, '--head', file('badhead.fshd', 'FSHD but not really'), '--inputs', file('inputs.json')], /bad_magic|truncated/],
      [predictCommand, ['--bundle', BUNDLE, '--head', file('otherhead.fshd', await encodeHead({ ...(await decodeHead(new Uint8Array(readFileSync(file('head.fshd'))))), modelId: 'f'.repeat(64) })), '--inputs', file('inputs.json')], /head_mismatch/],
      [predictCommand, ['--bundle', BUNDLE, '--head', file('head.fshd'), '--inputs', file('noinputs.json', { rows: [] })], /expected \{inputs/],
    ];
    for (const [cmd, argv, message] of cases) {
      const r = await call(cmd, argv);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(message);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
    expect(existsSync(file('x.fshd'))).toBe(false);
  });

  it('works end to end through bin/fewshot.mjs', async () => {
    const run = promisify(execFile);
    const out = file('e2e.fshd');
    const r = await run('node', ['bin/fewshot.mjs', 'adapt', '--bundle', BUNDLE, '--support', file('support.json'), '--out', out]);
    expect(JSON.parse(r.stdout).labels).toEqual(['left', 'right', 'stop']);
    const p = await run('node', ['bin/fewshot.mjs', 'predict', '--bundle', BUNDLE, '--head', out, '--inputs', file('inputs.json')]);
    expect(JSON.parse(p.stdout).predictions).toHaveLength(4);
    const failed = await run('node', ['bin/fewshot.mjs', 'adapt', '--bundle', BUNDLE, '--support', file('bad2.json', { inputs: [], labels: [] }), '--out', out]).catch((e: { code: number; stderr: string }) => e);
    expect((failed as { code: number }).code).toBe(1);
    expect((failed as { stderr: string }).stderr).toMatch(/^fewshot adapt: empty_support: .*\n$/);
  });
});
