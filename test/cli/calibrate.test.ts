// `fewshot calibrate` refuses a bundle of the wrong kind as a refused model (exit 1), not a usage error.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fewshotInProcess as fewshot, isOneLine } from './run-in-process';

const dir = mkdtempSync(join(tmpdir(), 'fewshot-calibrate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fewshot calibrate', () => {
  it('a regression bundle is a refused model: exit 1, one line saying what it is, nothing written', async () => {
    const out = join(dir, 'never.fsb');
    const r = await fewshot('calibrate', '--bundle', 'bundles/sine-maml.fsb', '--out', out);
    expect(r.code).toBe(1);
    expect(isOneLine(r.err), r.err).toBe(true);
    expect(r.err).toBe('fewshot calibrate: bundles/sine-maml.fsb is a regression bundle: calibrate needs a glyph classification bundle with a prototype head\n');
    expect(existsSync(out)).toBe(false);
  });

  it('a usage error is still exit 2, nothing written', async () => {
    const out = join(dir, 'x.fsb');
    const r = await fewshot('calibrate', '--bundle', 'bundles/glyphs.fsb', '--out', out, '--reject', '0.7');
    expect(r.code).toBe(2);
    // Per-shot rates must name every --shots count, each as K:P.
    const gap = await fewshot('calibrate', '--bundle', 'bundles/glyphs.fsb', '--out', out, '--shots', '1,5', '--reject', '1:0.004');
    expect([gap.code, isOneLine(gap.err)]).toEqual([2, true]);
    expect(gap.err).toMatch(/--reject has no rate for 5-shot/);
    const junk = await fewshot('calibrate', '--bundle', 'bundles/glyphs.fsb', '--out', out, '--shots', '1', '--reject', '1:0.004,x');
    expect(junk.code).toBe(2);
    expect(junk.err).toMatch(/'x' is not K:P/);
    expect(existsSync(out)).toBe(false);
  });

  it('per-shot rates: each shot count gets the quantile of its own rate', async () => {
    const one = join(dir, 'one.fsb');
    const two = join(dir, 'two.fsb');
    const args = ['--bundle', 'bundles/glyphs.fsb', '--shots', '1,5', '--episodes', '20'];
    expect((await fewshot('calibrate', ...args, '--out', one, '--reject', '0.05')).code).toBe(0);
    const r = await fewshot('calibrate', ...args, '--out', two, '--reject', '1:0.05,5:0.2');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/5-shot [0-9.]+ \(20%\)/);
    const { decodeBundle } = await import('../../src/bundle/index');
    const { readFileSync } = await import('node:fs');
    const d = async (f: string) => (await decodeBundle(new Uint8Array(readFileSync(f)))).defaults.unknownDistances!;
    const [a, b] = [await d(one), await d(two)];
    // Same episodes: the 1-shot entries agree; the 5-shot one is tighter at the looser rate.
    expect(b[0]).toEqual(a[0]);
    expect(b[1]!.distance).toBeLessThan(a[1]!.distance);
  });
});
