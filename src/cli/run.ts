import { commands } from './commands';

const USAGE = `usage: fewshot <command> [options]

commands:
${'{list}'}
`;

/** Dispatches argv to a registered command; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE.replace('{list}', Object.entries(commands).map(([k, c]) => `  ${k.padEnd(20)} ${c.summary}`).join('\n')));
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`fewshot: unknown command '${name}' (try 'fewshot --help')\n`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    process.stderr.write(`fewshot ${name}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
