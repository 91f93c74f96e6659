import { describe, expect, it } from 'vitest';
import { uniqueSupport } from '../../bench/suite/app-requests';
import { forwardFlops } from '../../bench/suite/flops';
import { serverTiming } from '../../bench/node/server-timing';
import { BenchUsageError, parseArgs } from '../../bench/report/args';
import { spawnSync } from 'node:child_process';
import { adaptKeyFor } from '../../src/head/head-id';
import type { Layer } from '../../src/spec/model-spec';

describe('bench helpers', () => {
  it('counts body FLOPs from the spec (conv 2·MACs + bias, pool windows, relu, dense)', () => {
    const body: Layer[] = [
      { kind: 'conv2d', name: 'c', filters: 2, kernelSize: 3, padding: 'same' },
      { kind: 'relu' },
      { kind: 'maxPool', size: 2 },
      { kind: 'flatten' },
      { kind: 'dense', name: 'd', units: 3 },
    ];
    const r = forwardFlops(body, [4, 4, 1]);
    // conv: 2·4·4·9·1·2 + 32 = 608; relu 32; pool 2·2·2 outputs × 4 = 32; dense 2·8·3 + 3 = 51
    expect(r.flops).toBe(608 + 32 + 32 + 51);
    expect(r.outShape).toEqual([3]);
    expect(forwardFlops([{ kind: 'conv2d', name: 'v', filters: 1, kernelSize: 3 }], [5, 5, 1]).outShape).toEqual([3, 3, 1]);
  });

  it('makes every cache-miss request body a different adapt key', async () => {
    const base = { inputs: [[0, 0, 0.5], [1, 1, 1]], labels: ['a', 'b'] };
    const ids = new Set<string>();
    for (const i of [0, 1, 999, 1000, 1001, 123_456]) ids.add(await adaptKeyFor('m', uniqueSupport(base, i), { steps: 10, lr: 0.01 }));
    expect(ids.size).toBe(6);
    expect(base.inputs[0]).toEqual([0, 0, 0.5]);
  });

  it('parses Server-Timing spans', () => {
    expect(serverTiming('kv-read;dur=2.0,adapt;dur=31.5, total;dur=77.0;desc="Total Response Time"')).toEqual({ 'kv-read': 2, adapt: 31.5, total: 77 });
    expect(serverTiming(null)).toEqual({});
  });

  it('parses bench options: quick defaults, and rejects unknown flags', () => {
    expect(parseArgs(['--quick', '--json'])).toMatchObject({ quick: true, json: true, http: true, workerd: true, meta: false, cold: 3, requests: 40, write: false });
    expect(parseArgs([])).toMatchObject({ quick: false, meta: true, cold: 7, requests: 200, write: true });
    expect(parseArgs(['--cold', '2', '--requests', '300', '--no-http'])).toMatchObject({ cold: 2, requests: 300, http: false });
    expect(() => parseArgs(['--quik'])).toThrow(/unknown option/);
    expect(() => parseArgs(['--cold', 'x'])).toThrow(/positive integer/);
    expect(() => parseArgs(['-q'])).toThrow(BenchUsageError);
    expect(parseArgs(['--quick', '--help'])).toBe('help');
    expect(parseArgs(['-h'])).toBe('help');
  });

  it('npm run bench -- --help prints the usage and exits 0; a wrong flag is one line and exit 2', () => {
    const run = (...a: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...a], { encoding: 'utf8' });
    const help = run('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('usage: npm run bench');
    const bad = run('--quik');
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual(['bench: unknown option(s): --quik (npm run bench -- --help)']);
  });
});
