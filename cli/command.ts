/** A CLI command: a one-line summary and an async body returning the exit code. */
export interface Command {
  summary: string;
  run: (argv: string[]) => Promise<number>;
}
