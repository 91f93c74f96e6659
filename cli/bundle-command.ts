import type { Command } from './command';
import { BundleError } from '../src/bundle/index';
import { CliError, UsageError } from './bundle/cli-io';
import { alternatives, BUNDLE_SUBCOMMANDS as SUBS } from './subcommands';

const oneLine = (s: string): string => s.replace(/\s*\n\s*/g, ' ');

/** The file argument, for error lines: the first token that is neither a flag nor a flag's value. */
function fileArg(argv: string[]): string | undefined {
  const valued = new Set(['--out', '--dtype', '--format', '--name', '--task', '--head-init', '--kind', '--dim', '--normalize', '--scale', '--steps', '--lr', '--max-classes', '--spec']);
  return argv.find((a, i) => !a.startsWith('-') && !(i > 0 && valued.has(argv[i - 1]!)));
}

/** `fewshot bundle <sub>`: usage errors exit 2, any refused or unreadable bundle exits 1 — one line each. */
export const command: Command = {
  summary: `${alternatives(SUBS)} a weight bundle`,
  run: async (argv) => {
    const [name, ...rest] = argv;
    if (name === '--help' || name === '-h') {
      const subs = await Promise.all(Object.values(SUBS).map((load) => load()));
      process.stdout.write(`usage:\n${subs.map((s) => `  ${s.usage}`).join('\n')}\n`);
      return 0;
    }
    const load = name ? SUBS[name] : undefined;
    if (!load) {
      process.stderr.write(`fewshot bundle: ${name ? `unknown subcommand '${name}'` : 'missing subcommand'} (one of ${Object.keys(SUBS).join(', ')})\n`);
      return 2;
    }
    const sub = await load();
    try {
      return await sub.run(rest);
    } catch (e) {
      if (e instanceof UsageError) {
        process.stderr.write(`fewshot bundle ${name}: ${oneLine(e.message)} (usage: ${sub.usage})\n`);
        return 2;
      }
      if (e instanceof BundleError || e instanceof CliError) {
        const file = fileArg(rest);
        process.stderr.write(`fewshot bundle ${name}: ${file ? `${file}: ` : ''}${oneLine(e.message)}\n`);
        return 1;
      }
      throw e;
    }
  },
};
