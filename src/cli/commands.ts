import { initNodeBackend } from '../../wasm/node';

/** A CLI command: a one-line summary and an async body returning the exit code. */
export interface Command {
  summary: string;
  run: (argv: string[]) => Promise<number>;
}

/** The registry of CLI commands; each later feature adds its entry here. */
export const commands: Record<string, Command> = {
  doctor: {
    summary: 'bring up the SIMD wasm backend and print what it reports',
    run: async () => {
      const info = await initNodeBackend();
      process.stdout.write(`${JSON.stringify(info)}\n`);
      return 0;
    },
  },
};
