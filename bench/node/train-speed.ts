// Training speed side by side in one run: `fewshot train`'s step (bench/node/profile-once.ts in a
// child process per thread count, because the thread count is fixed when the backend starts) and the
// same two workloads in PyTorch on this machine (bench/torch/train_speed.py) when `import torch` works.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './build';

export interface TrainSpeedRow {
  workload: 'protonet-glyphs' | 'maml-sinusoid';
  impl: string;
  threads: number;
  itPerSec: number;
}

export interface TrainSpeed {
  rows: TrainSpeedRow[];
  /** Why PyTorch is absent, when it is. */
  torchNote?: string;
}

const run = (cmd: string, args: string[]): Promise<string> =>
  new Promise((done, fail) => execFile(cmd, args, { cwd: ROOT, maxBuffer: 16 << 20, timeout: 30 * 60_000 }, (e, stdout, stderr) => (e ? fail(new Error(`${cmd} ${args.join(' ')}: ${stderr || e.message}`)) : done(stdout))));

const lastJson = (text: string): Record<string, unknown> => JSON.parse(text.trim().split('\n').at(-1)!) as Record<string, unknown>;

async function ours(task: 'glyphs' | 'sinusoid', threads: number): Promise<number> {
  const out = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/node/profile-once.ts'), task, String(threads)]);
  return 1000 / (lastJson(out).ms as number);
}

/** Python with torch, or why not: Debian's python3-torch lives under /usr/bin/python3. */
async function torchPython(): Promise<string | { note: string }> {
  for (const py of ['/usr/bin/python3', 'python3']) {
    try {
      await run(py, ['-c', 'import torch']);
      return py;
    } catch {
      // try the next
    }
  }
  return { note: 'PyTorch not installed (`apt-get install python3-torch`); its columns are skipped' };
}

/** it/s of both workloads for 1 and 2 threads, ours then PyTorch's, interleaved so load drift hits both. */
export async function trainSpeed(log: (m: string) => void, threads: number[] = [1, 2]): Promise<TrainSpeed> {
  const rows: TrainSpeedRow[] = [];
  const py = await torchPython();
  for (const t of threads) {
    log(`training speed: ours, ${t} thread(s)`);
    rows.push({ workload: 'protonet-glyphs', impl: 'fewshot (tfjs wasm SIMD)', threads: t, itPerSec: await ours('glyphs', t) });
    rows.push({ workload: 'maml-sinusoid', impl: 'fewshot (tfjs wasm SIMD)', threads: t, itPerSec: await ours('sinusoid', t) });
    if (typeof py === 'string') {
      log(`training speed: PyTorch, ${t} thread(s)`);
      const r = lastJson(await run(py, [join(ROOT, 'bench/torch/train_speed.py'), String(t)])) as { torch: string; protonet: Record<string, number>; maml: Record<string, number>; maml_looped: Record<string, number> };
      rows.push({ workload: 'protonet-glyphs', impl: `PyTorch ${r.torch} CPU`, threads: t, itPerSec: r.protonet[String(t)]! });
      rows.push({ workload: 'maml-sinusoid', impl: `PyTorch ${r.torch} CPU (batched bmm)`, threads: t, itPerSec: r.maml[String(t)]! });
      rows.push({ workload: 'maml-sinusoid', impl: `PyTorch ${r.torch} CPU (loop over tasks)`, threads: t, itPerSec: r.maml_looped[String(t)]! });
    }
  }
  return typeof py === 'string' ? { rows } : { rows, torchNote: py.note };
}

/** Markdown table: it/s and our ratio to PyTorch's best at the same thread count. */
export function trainSpeedTable(s: TrainSpeed): string {
  const best = (w: string, t: number): number | undefined => Math.max(...s.rows.filter((r) => r.workload === w && r.threads === t && r.impl.startsWith('PyTorch')).map((r) => r.itPerSec)) || undefined;
  const lines = ['| workload | implementation | threads | it/s | ours ÷ best PyTorch, same threads |', '| --- | --- | ---: | ---: | ---: |'];
  for (const r of s.rows) {
    const b = best(r.workload, r.threads);
    lines.push(`| ${r.workload} | ${r.impl} | ${r.threads} | ${r.itPerSec.toFixed(r.itPerSec < 10 ? 2 : 0)} | ${r.impl.startsWith('fewshot') && b ? `${(r.itPerSec / b).toFixed(2)}×` : ''} |`);
  }
  if (s.torchNote) lines.push('', s.torchNote);
  return lines.join('\n');
}
