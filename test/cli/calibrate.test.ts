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

  it('a usage error is still exit 2', async () => {
    const r = await fewshot('calibrate', '--bundle', 'bundles/glyphs.fsb', '--out', join(dir, 'x.fsb'), '--reject', '0.7');
    expect(r.code).toBe(2);
  });
});
