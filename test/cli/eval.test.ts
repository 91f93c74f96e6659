import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs `node bin/fewshot.mjs ...` and collects exit code and output. */
function fewshot(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [join(root, 'bin', 'fewshot.mjs'), ...args], { cwd: root, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'fewshot-eval-'));
const sine = join(dir, 'sine.fsb');
const glyphs = join(dir, 'glyphs.fsb');

describe('fewshot eval', () => {
  beforeAll(async () => {
    const [a, b] = await Promise.all([
      fewshot('train', '--task', 'sinusoid', '--algo', 'maml', '--iterations', '10', '--meta-batch', '4', '--val-episodes', '0', '--out', sine),
      fewshot('train', '--task', 'glyphs', '--algo', 'protonet', '--iterations', '2', '--meta-batch', '1', '--filters', '4', '--val-episodes', '0', '--checkpoint-every', '0', '--out', glyphs),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
  });

  it('--json prints exactly one object in the documented format, with the per-step curve for regression', async () => {
    const r = await fewshot('eval', '--bundle', sine, '--task', 'sinusoid', '--shots', '5', '--steps', '3', '--episodes', '12', '--json');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.length).toBe(1);
    const j = JSON.parse(lines[0]!);
    expect(j).toMatchObject({ task: 'sinusoid', ways: 1, shots: 5, steps: 3, episodes: 12, metric: 'mse' });
    expect(j.curve.map((p: { step: number }) => p.step)).toEqual([0, 1, 2, 3]);
    expect(j.mean).toBe(j.curve[3].mean);
    expect(j.ci95).toBe(j.curve[3].ci95);
    expect(j.ci95).toBeGreaterThan(0);
  });

  it('classification: accuracy ± CI, a baseline comparison, and an SVG plot', async () => {
    const plot = join(dir, 'acc.svg');
    const r = await fewshot('eval', '--bundle', glyphs, '--task', 'glyphs', '--ways', '3', '--shots', '1', '--steps', '2', '--episodes', '6', '--json', '--baseline', glyphs, '--plot', plot);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ task: 'glyphs', ways: 3, shots: 1, steps: 2, episodes: 6, metric: 'accuracy' });
    expect(j.curve).toBeUndefined();
    expect(j.mean).toBeGreaterThan(1 / 3 - 0.2);
    expect(j.mean).toBeLessThanOrEqual(1);
    // Same bundle, same seeded episodes: the baseline is the same number.
    expect(j.baseline.mean).toBe(j.mean);
    // …and the paired difference is exactly 0 with a 0-wide interval (per-episode differences all 0).
    expect(j.difference).toEqual({ mean: 0, ci95: 0, paired: true });
    const svg = readFileSync(plot, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('3-way 1-shot');
    const h = await fewshot('eval', '--bundle', glyphs, '--task', 'glyphs', '--ways', '3', '--shots', '1', '--steps', '0', '--episodes', '4');
    expect(h.stdout).toMatch(/accuracy [\d.]+% ± [\d.]+% \(95% CI\)/);
  });

  it('one episode prints its mean without a "± 0" interval, and says the CI needs two', async () => {
    const h = await fewshot('eval', '--bundle', sine, '--task', 'sinusoid', '--shots', '5', '--steps', '2', '--episodes', '1');
    expect(h.code, h.stderr).toBe(0);
    expect(h.stdout).not.toMatch(/±|\(95% CI\)/);
    expect(h.stdout).toMatch(/, 1 task: mse [\d.]+ \(no 95% CI: it needs ≥ 2 tasks\)\n  step  0: [\d.]+\n/);
    const j = JSON.parse((await fewshot('eval', '--bundle', sine, '--task', 'sinusoid', '--shots', '5', '--steps', '2', '--episodes', '1', '--json')).stdout);
    expect(j.ci95).toBeNull();
    expect(j.curve.every((p: { ci95: unknown }) => p.ci95 === null)).toBe(true);
  });

  it('refuses a bundle of the wrong kind as a refused model: exit 1', async () => {
    const r = await fewshot('eval', '--bundle', sine, '--task', 'glyphs', '--shots', '1', '--steps', '0', '--episodes', '2');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('regression bundle');
  });
});
