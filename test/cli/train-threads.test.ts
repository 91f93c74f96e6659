import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeBundle } from '../../src/bundle/index';
import { resolveThreads } from '../../cli/train/options';
import { UsageError } from '../../cli/bundle/cli-io';

const root = fileURLToPath(new URL('../..', import.meta.url));

function fewshot(...args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [join(root, 'bin', 'fewshot.mjs'), ...args], { cwd: root, maxBuffer: 64 << 20 }, (err, _stdout, stderr) => {
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr });
    });
  });
}

describe('fewshot train --threads', () => {
  it('gives the same bundle on 1 and 2 threads (XNNPACK splits outputs, not sums) and exits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fewshot-threads-'));
    const common = ['train', '--task', 'glyphs', '--algo', 'protonet', '--filters', '32', '--ways', '5', '--shots', '1', '--queries', '3', '--meta-batch', '1', '--iterations', '3', '--val-episodes', '0', '--checkpoint-every', '0', '--seed', '4'];
    const outs = [1, 2].map((t) => join(dir, `t${t}.fsb`));
    // Sequential: each run is also a check that the threaded build's workers let the process exit.
    for (const [i, out] of outs.entries()) {
      const r = await fewshot(...common, '--threads', String(i + 1), '--out', out);
      expect(r.code, r.stderr).toBe(0);
    }
    const [a, b] = await Promise.all(outs.map(async (f) => decodeBundle(new Uint8Array(readFileSync(f)))));
    for (const [name, t] of Object.entries(a!.tensors)) expect(Array.from(b!.tensors[name]!.data), name).toEqual(Array.from(t.data));
  }, 120_000);

  it('defaults to the machine\'s cores (at most 4) for conv bodies, 1 for the sinusoid MLP, and refuses a bad count', () => {
    expect(resolveThreads(undefined, 'glyphs', 2)).toBe(2);
    expect(resolveThreads(undefined, 'glyphs', 64)).toBe(4);
    expect(resolveThreads(undefined, 'sinusoid', 64)).toBe(1);
    expect(resolveThreads('1', 'glyphs', 64)).toBe(1);
    for (const bad of ['0', '9', '1.5', 'x']) expect(() => resolveThreads(bad)).toThrow(UsageError);
  });
});
