import { describe, expect, it } from 'vitest';
import { UsageError } from '../../cli/bundle/cli-io';
import { resolveTrainOptions } from '../../cli/train/options';
import { createProgress, progressLine } from '../../cli/train/progress';
import { iterationSeed } from '../../cli/train/setup';
import { divergedNote } from '../../cli/train-command';
import { EngineError } from '../../src/engine/errors';

describe('train options', () => {
  it('defaults the sinusoid to the paper protocol and takes overrides', () => {
    expect(() => resolveTrainOptions({ task: 'sinusoid', algo: 'maml', out: 'x.fsb' })).toThrow('--iterations N is required');
    const o = resolveTrainOptions({ task: 'sinusoid', algo: 'maml', out: 'x.fsb', iterations: '70000' });
    expect(o).toMatchObject({ iterations: 70000, metaBatch: 25, shots: 10, innerSteps: 1, innerLr: 0.01, outerLr: 0.001, deployLr: 0.01 });
    const p = resolveTrainOptions({ task: 'glyphs', algo: 'protonet', out: 'x.fsb', ways: '20', 'inner-lr': '0.3', iterations: '5' });
    expect(p).toMatchObject({ ways: 20, innerLr: 0.3, deployLr: 0.3, iterations: 5, filters: 64 });
  });

  it('refuses unknown tasks/algorithms, missing --out and bad numbers', () => {
    expect(() => resolveTrainOptions({ task: 'mnist', algo: 'maml', out: 'x' })).toThrow(UsageError);
    expect(() => resolveTrainOptions({ task: 'sinusoid', algo: 'sgd', out: 'x' })).toThrow(UsageError);
    expect(() => resolveTrainOptions({ task: 'sinusoid', algo: 'maml' })).toThrow('--out');
    expect(() => resolveTrainOptions({ task: 'sinusoid', algo: 'maml', out: 'x', iterations: '5', 'meta-batch': '2.5' })).toThrow('--meta-batch');
    expect(() => resolveTrainOptions({ task: 'sinusoid', algo: 'maml', out: 'x', iterations: '0' })).toThrow(UsageError);
    expect(() => resolveTrainOptions({ task: 'sinusoid', algo: 'maml', out: 'x', iterations: '5', ways: '5' })).toThrow('--ways applies to glyphs only');
  });

  it('a diverged validation is noted once, not as "adaptation diverged (adaptation diverged (..."', () => {
    const e = new EngineError('non_finite', 'adaptation diverged (non-finite loss); use a smaller lr or fewer steps');
    expect(divergedNote(500, e)).toBe('validation @500: adaptation diverged (non-finite loss); use a smaller lr or fewer steps');
  });

  it('seeds each iteration from (seed, iteration) only, differently for neighbours', () => {
    expect(iterationSeed(1, 5)).toBe(iterationSeed(1, 5));
    const seeds = new Set(Array.from({ length: 1000 }, (_, i) => iterationSeed(1, i)));
    expect(seeds.size).toBe(1000);
    expect(iterationSeed(2, 5)).not.toBe(iterationSeed(1, 5));
  });
});

describe('progress', () => {
  it('formats iteration, loss, rate and ETA', () => {
    expect(progressLine(50, 200, 0.1234567, 10)).toBe(`[${'#'.repeat(6)}${'.'.repeat(18)}] 50/200 loss 0.1235 10.0 it/s ETA 00:15`);
    expect(progressLine(0, 10, NaN, 0)).toContain('loss - 0.0 it/s ETA --:--');
  });

  it('writes one updating line on a TTY and periodic lines otherwise', () => {
    let t = 0;
    const sink = (tty: boolean) => {
      const out: string[] = [];
      return { out, stream: { isTTY: tty, write: (s: string) => out.push(s) } as unknown as NodeJS.WriteStream };
    };
    const a = sink(true);
    const pa = createProgress(100, 0, a.stream, () => t);
    for (let i = 1; i <= 100; i++) {
      t += 50;
      pa.update(i, 1 / i);
    }
    expect(a.out.length).toBeGreaterThan(10);
    expect(a.out.every((s) => s.startsWith('\r') && !s.includes('\n'))).toBe(true);
    const b = sink(false);
    t = 0;
    const pb = createProgress(100, 0, b.stream, () => t);
    for (let i = 1; i <= 100; i++) {
      t += 50;
      pb.update(i, 1 / i);
    }
    // 5 s in total at one line per 10 s: only the final line.
    expect(b.out).toEqual([expect.stringMatching(/^\[#+\] 100\/100 loss 0\.0100 20\.0 it\/s ETA 00:00\n$/)]);
  });
});
