import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeBundle } from '../../src/bundle/index';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs `node bin/fewshot.mjs ...` and collects exit code and output. */
function fewshot(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [join(root, 'bin', 'fewshot.mjs'), ...args], { cwd: root, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const tiny = ['--task', 'sinusoid', '--meta-batch', '4', '--val-episodes', '5', '--val-every', '0', '--seed', '3'];

describe('fewshot train', () => {
  it('writes a bundle that decodes, with provenance, Meta-SGD lrs, and a progress line on stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fewshot-train-'));
    const out = join(dir, 'm.fsb');
    const r = await fewshot('train', ...tiny, '--algo', 'metasgd', '--iterations', '30', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/30\/30 loss [\d.]+ [\d.]+ it\/s ETA/);
    expect(r.stderr).toMatch(/validation @30: valMse/);
    const m = await decodeBundle(new Uint8Array(readFileSync(out)));
    expect(m.spec.body.map((l) => l.kind)).toEqual(['dense', 'relu', 'dense', 'relu']);
    expect(m.defaults.lrMode).toBe('per-parameter');
    expect(m.provenance.algorithm).toBe('metasgd');
    expect(m.provenance.iterations).toBe(30);
    expect(m.provenance.seed).toBe(3);
    expect(String(m.provenance.command)).toContain('--algo metasgd');
    expect(m.provenance.metrics!.valMse).toBeGreaterThan(0);
    const lr = m.tensors['lr/body/h1/kernel']!;
    expect(lr.shape).toEqual([1, 40]);
    // Learned: they moved away from the initial 0.01, and not all by the same amount.
    expect(lr.data.some((v) => Math.abs(v - 0.01) > 1e-4)).toBe(true);
    expect(new Set(Array.from(lr.data)).size).toBeGreaterThan(1);
  });

  it('resumes from a checkpoint to the same result as an uninterrupted run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fewshot-resume-'));
    const whole = join(dir, 'whole.fsb');
    const part = join(dir, 'part.fsb');
    const resumed = join(dir, 'resumed.fsb');
    const a = await fewshot('train', ...tiny, '--algo', 'maml', '--iterations', '20', '--checkpoint-every', '0', '--out', whole);
    expect(a.code, a.stderr).toBe(0);
    // A run stopped at iteration 10 (its last checkpoint, as a crash after it would leave), then extended.
    const b = await fewshot('train', ...tiny, '--algo', 'maml', '--iterations', '10', '--checkpoint-every', '5', '--out', part);
    expect(b.code, b.stderr).toBe(0);
    expect(existsSync(`${part}.ckpt`) && existsSync(`${part}.ckpt.state.json`)).toBe(true);
    const ck = await decodeBundle(new Uint8Array(readFileSync(`${part}.ckpt`)));
    expect(ck.provenance.iterations).toBe(10);
    const c = await fewshot('train', ...tiny, '--algo', 'maml', '--iterations', '20', '--resume', `${part}.ckpt`, '--out', resumed);
    expect(c.code, c.stderr).toBe(0);
    const [x, y] = await Promise.all([whole, resumed].map(async (f) => decodeBundle(new Uint8Array(readFileSync(f)))));
    expect(y!.provenance.iterations).toBe(20);
    for (const [name, t] of Object.entries(x!.tensors)) expect(Array.from(y!.tensors[name]!.data), name).toEqual(Array.from(t.data));
    // ...and differs from the checkpoint it started from (it did train on).
    expect(Array.from(ck.tensors['body/h1/kernel']!.data)).not.toEqual(Array.from(x!.tensors['body/h1/kernel']!.data));
  });

  it('refuses bad usage with exit 2 and one usage message', async () => {
    const r = await fewshot('train', '--task', 'sinusoid', '--algo', 'nope', '--iterations', '5', '--out', '/tmp/x.fsb');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--algo must be one of');
    const s = await fewshot('train', '--task', 'sinusoid', '--algo', 'maml', '--iterations', '-3', '--out', '/tmp/x.fsb');
    expect(s.code).toBe(2);
  });
});
