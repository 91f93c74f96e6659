import { initNodeBackend } from '../wasm/node';
import { parseUsage } from './usage';
import type { Command } from './command';
import type { Usage } from './usage';

const USAGE: Usage = { command: 'fewshot doctor', summary: 'Bring up the SIMD wasm backend and print what it reports (backend, simd, threads, fused kernel) as one JSON line.', flags: {} };

/** `fewshot doctor`: takes no options, so a typo is an error rather than a silent run. */
export const command: Command = {
  summary: 'bring up the SIMD wasm backend and print what it reports',
  run: async (argv) => {
    parseUsage(USAGE, argv);
    process.stdout.write(`${JSON.stringify(await initNodeBackend())}\n`);
    return 0;
  },
};
