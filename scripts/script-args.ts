// The experiment scripts' command line: string flags and one BUNDLE. --help prints the usage; a wrong
// flag or a missing bundle is one line and exit 2, as the CLI's commands do.
import { parseArgs } from 'node:util';

/** A usage mistake: `name: why`, the usage, exit 2 (nothing has been written yet). */
export function usageError(name: string, usage: string, why: string): never {
  process.stderr.write(`${name}: ${why}\n${usage}\n`);
  process.exit(2);
}

export function scriptArgs(name: string, usage: string, flags: readonly string[]): { bundle: string; values: Record<string, string | undefined> } {
  const options = Object.fromEntries(flags.map((f) => [f, { type: 'string' as const }]));
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { ...options, help: { type: 'boolean', short: 'h' } } });
  } catch (e) {
    usageError(name, usage, (e as Error).message);
  }
  if (parsed.values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  const bundle = parsed.positionals[0];
  if (!bundle) usageError(name, usage, 'no BUNDLE');
  const { help: _help, ...values } = parsed.values;
  return { bundle, values: values as Record<string, string | undefined> };
}
