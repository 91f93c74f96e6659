import { run } from './run';

/** `fewshot <command>`: exits non-zero with one line on stderr on any error. */
process.exitCode = await run(process.argv.slice(2));
