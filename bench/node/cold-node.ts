// Cold starts in Node: fresh child processes (tsx), each doing one cold run and printing one line.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './build';
import { coldInputs } from './cold-inputs';
import type { CaseBInputs } from '../suite/case-b';

const run = promisify(execFile);

/** Runs `n` fresh processes per mode ('parts', then 'app') and returns their results in order. */
export async function coldNode(inputs: CaseBInputs, n: number): Promise<{ parts: Record<string, number>[]; app: Record<string, number>[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'fewshot-bench-cold-'));
  const out = { parts: [] as Record<string, number>[], app: [] as Record<string, number>[] };
  try {
    for (const mode of ['parts', 'app'] as const) {
      // One untimed run first: tsx transforms modules on first sight and caches them on disk.
      for (let i = -1; i < n; i++) {
        const file = join(dir, `in-${mode}-${i}.json`);
        writeFileSync(file, JSON.stringify(coldInputs(inputs, 100 + i)));
        const { stdout } = await run(join(ROOT, 'node_modules/.bin/tsx'), ['bench/node/cold-child.ts', mode, file], { cwd: ROOT, timeout: 120_000, maxBuffer: 1 << 20 });
        if (i >= 0) out[mode].push(JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, number>);
      }
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
