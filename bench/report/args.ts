/** Options of `npm run bench`. */
export interface BenchArgs {
  quick: boolean;
  json: boolean;
  http: boolean;
  workerd: boolean;
  meta: boolean;
  /** Fresh isolates (workerd) / processes (Node) per cold measurement. */
  cold: number;
  /** HTTP requests per kind (adapt miss, adapt hit, predict). */
  requests: number;
  /** Write bench/results/<date>.json and the docs table. */
  write: boolean;
}

export const BENCH_USAGE = `usage: npm run bench -- [--quick] [--json] [--no-http] [--no-workerd] [--meta | --no-meta] [--cold N] [--requests N] [--write | --no-write]

Speed and memory of the engine, the API and training, as ratios measured side by side in one run (docs/benchmarks.md).

options:
  --quick          fewer samples (and no meta-training profile, no write) unless asked for
  --json           print the result JSON on stdout instead of the table
  --no-http        skip the HTTP requests through wrangler dev and fewshot serve
  --no-workerd     skip the workerd runs (Node only)
  --meta           profile meta-training iterations (default unless --quick); --no-meta skips them
  --cold N         fresh isolates / processes per cold measurement (default 7; quick 3)
  --requests N     HTTP requests per kind (default 200; quick 40)
  --write          write bench/results/<date>.json and docs/benchmarks.md (default unless --quick); --no-write does not
  --help, -h       print this help and exit`;

/** A usage error: run.ts prints its one line and exits 2. */
export class BenchUsageError extends Error {}

/** Parses argv (after the script); unknown flags are an error so typos do not silently change a run. */
export function parseArgs(argv: readonly string[]): BenchArgs | 'help' {
  if (argv.includes('--help') || argv.includes('-h')) return 'help';
  const has = (f: string): boolean => argv.includes(f);
  const num = (f: string, def: number): number => {
    const i = argv.indexOf(f);
    if (i < 0) return def;
    const v = Number(argv[i + 1]);
    if (!Number.isInteger(v) || v < 1) throw new BenchUsageError(`${f} needs a positive integer`);
    return v;
  };
  const known = new Set(['--quick', '--json', '--no-http', '--no-workerd', '--no-meta', '--meta', '--cold', '--requests', '--write', '--no-write']);
  const bad = argv.filter((a, i) => a.startsWith('-') && !known.has(a) && !(i > 0 && ['--cold', '--requests'].includes(argv[i - 1]!)));
  if (bad.length > 0) throw new BenchUsageError(`unknown option(s): ${bad.join(' ')} (npm run bench -- --help)`);
  const quick = has('--quick');
  return {
    quick,
    json: has('--json'),
    http: !has('--no-http'),
    workerd: !has('--no-workerd'),
    meta: has('--meta') || (!quick && !has('--no-meta')),
    cold: num('--cold', quick ? 3 : 7),
    requests: num('--requests', quick ? 40 : 200),
    write: has('--write') || (!quick && !has('--no-write')),
  };
}
