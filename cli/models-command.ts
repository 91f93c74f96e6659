import type { Command } from './command';
import { BundleError } from '../src/bundle/index';
import { ModelError } from '../src/engine/index';
import { ManifestError } from '../src/store/manifest';
import { StoreError } from '../src/store/store-ops';
import { CliError, UsageError } from './bundle/cli-io';
import { alternatives, MODELS_SUBCOMMANDS as SUBS } from './subcommands';
import type { TargetDeps } from './models/target';

const SUMMARY = `${alternatives(SUBS)} models in the model store (R2)`;
const oneLine = (s: string): string => s.replace(/\s*\n\s*/g, ' ');

/** The positional argument (the bundle file for publish), for error lines. */
function fileArg(argv: string[]): string | undefined {
  const valued = new Set(['--name', '--note', '--dir', '--persist-to', '--bucket', '--to']);
  return argv.find((a, i) => !a.startsWith('-') && !(i > 0 && valued.has(argv[i - 1]!)));
}

/** `fewshot models <sub>`: usage errors exit 2; a refused bundle, a bad manifest or a store failure exit 1 — one line each. */
export async function runModels(argv: string[], deps: TargetDeps = {}): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h') {
    const subs = await Promise.all(Object.values(SUBS).map((load) => load()));
    process.stdout.write(`usage:\n${subs.map((s) => `  ${s.usage}`).join('\n')}\n\nThe store is local by default (what npm start serves); see docs/models.md.\n`);
    return 0;
  }
  const load = name ? SUBS[name] : undefined;
  if (!load) {
    process.stderr.write(`fewshot models: ${name ? `unknown subcommand '${name}'` : 'missing subcommand'} (one of ${Object.keys(SUBS).join(', ')})\n`);
    return 2;
  }
  const sub = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`usage: ${sub.usage}\n`);
    return 0;
  }
  try {
    return await sub.run(rest, deps);
  } catch (e) {
    if (e instanceof UsageError) {
      // The shared parser counts "file" arguments; here only publish takes a file, the others a NAME.
      const msg = name === 'publish' ? e.message : e.message.replace(/file argument/, 'argument');
      process.stderr.write(`fewshot models ${name}: ${oneLine(msg)} (usage: ${sub.usage})\n`);
      return 2;
    }
    if (e instanceof BundleError || e instanceof ModelError) {
      process.stderr.write(`fewshot models ${name}: ${fileArg(rest)}: refused, not a valid bundle: ${oneLine(e.message)}; nothing was written\n`);
      return 1;
    }
    // Known failures and anything the store itself threw (an R2 error, a Miniflare start-up failure): one line, exit 1.
    const known = e instanceof CliError || e instanceof ManifestError || e instanceof StoreError;
    process.stderr.write(`fewshot models ${name}: ${known ? '' : 'store error: '}${oneLine(e instanceof Error ? e.message : String(e))}\n`);
    return 1;
  }
}

export const command: Command = { summary: SUMMARY, run: (argv) => runModels(argv) };
