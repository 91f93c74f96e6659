import { readFileSync } from 'node:fs';
import { commands } from './commands';
import { UsageError } from './bundle/cli-io';
import { HelpRequested, usageErrorLine } from './usage';

/** The package version, from package.json (one level above cli/). */
export function version(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

const rootHelp = (): string =>
  `usage: fewshot <command> [options]    (fewshot <command> --help for its options)\n\ncommands:\n${Object.entries(commands)
    .map(([k, c]) => `  ${k.padEnd(10)} ${c.summary}`)
    .join('\n')}\n\n  --help, -h     print this help\n  --version, -V  print the version\n`;

/**
 * Dispatches argv to a registered command; returns the exit code. Commands report through errors:
 * HelpRequested → its text on stdout, exit 0; UsageError → one line on stderr, exit 2; anything
 * else → one line on stderr, exit 1.
 */
export async function run(argv: string[]): Promise<number> {
  let [name, ...rest] = argv;
  if (name === 'help' && rest[0] && commands[rest[0]]) [name, rest] = [rest[0], ['--help']];
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(rootHelp());
    return 0;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  if (!name) {
    process.stderr.write("fewshot: missing command (try 'fewshot --help')\n");
    return 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`fewshot: unknown ${name.startsWith('-') ? 'option' : 'command'} '${name}' (try 'fewshot --help')\n`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof HelpRequested) {
      process.stdout.write(e.text);
      return 0;
    }
    if (e instanceof UsageError) {
      process.stderr.write(usageErrorLine(`fewshot ${name}`, e));
      return 2;
    }
    process.stderr.write(`fewshot ${name}: ${(e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, ' ')}\n`);
    return 1;
  }
}
