import { vi } from 'vitest';
import { run } from '../../cli/run';

/** Runs `fewshot ...argv` in this process (no tsx start-up); returns the exit code and what it printed. */
export async function fewshotInProcess(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    const code = await run(argv);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

/** Exactly one line (the contract for every CLI failure). */
export const isOneLine = (s: string): boolean => s.endsWith('\n') && s.indexOf('\n') === s.length - 1;
