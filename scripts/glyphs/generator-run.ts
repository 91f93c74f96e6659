import { join, resolve } from 'node:path';

/** What every dataset generator (glyphs, icons, symbols) sets up after parsing its own flags. */
export interface GeneratorRun {
  log(s: string): void;
  /** Where pixels.u8.gz, index.json and SHA256SUMS go: --out, else data/<domain>. */
  out: string;
  /** Where the contact sheet and licence note go: docs/ by default, next to the data with --out. */
  docs: string;
  seed: number;
  /** performance.now() when the run started. */
  t0: number;
}

/** Prints the help and exits when asked; otherwise the output folders, the seed and a timed log. */
export function startGenerator(domain: string, help: string, values: { help?: boolean; out?: string; seed?: string }): GeneratorRun {
  if (values.help) {
    console.log(help);
    process.exit(0);
  }
  const t0 = performance.now();
  const repo = resolve(import.meta.dirname, '../..');
  const out = resolve(values.out ?? join(repo, 'data', domain));
  return {
    log: (s) => console.log(`[${((performance.now() - t0) / 1000).toFixed(1)}s] ${s}`),
    out,
    docs: values.out ? out : join(repo, 'docs'),
    seed: Number(values.seed),
    t0,
  };
}
