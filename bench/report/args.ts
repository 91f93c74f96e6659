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

/** Parses argv (after the script); unknown flags are an error so typos do not silently change a run. */
export function parseArgs(argv: readonly string[]): BenchArgs {
  const has = (f: string): boolean => argv.includes(f);
  const num = (f: string, def: number): number => {
    const i = argv.indexOf(f);
    if (i < 0) return def;
    const v = Number(argv[i + 1]);
    if (!Number.isInteger(v) || v < 1) throw new Error(`${f} needs a positive integer`);
    return v;
  };
  const known = new Set(['--quick', '--json', '--no-http', '--no-workerd', '--no-meta', '--meta', '--cold', '--requests', '--write', '--no-write']);
  const bad = argv.filter((a, i) => a.startsWith('--') && !known.has(a) && !(i > 0 && ['--cold', '--requests'].includes(argv[i - 1]!)));
  if (bad.length > 0) throw new Error(`unknown option(s): ${bad.join(' ')}`);
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
