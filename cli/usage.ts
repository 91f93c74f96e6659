import { parse, UsageError } from './bundle/cli-io';

/**
 * One flag of a command: its parseArgs type plus what `--help` says about it. The usage line and
 * the help text are generated from this table, so they cannot drift from what the parser accepts.
 */
export interface Flag {
  type: 'string' | 'boolean';
  /** Placeholder of the value in the usage line: `FILE`, `N`, `X`, `f16|int8`. */
  arg?: string;
  help: string;
  required?: boolean;
  /** The default as text, shown in the help (`10`, `the bundle's`). */
  default?: string;
}

/** What a command accepts, for the parser and for its `--help`. */
export interface Usage {
  /** `fewshot adapt`, `fewshot bundle quantize`. */
  command: string;
  summary: string;
  /** Positional arguments, in order: `['FILE']`. */
  args?: string[];
  flags: Record<string, Flag>;
  /** Extra paragraphs after the flag list (file formats, examples). */
  notes?: string;
}

/** `--help`/`-h` was given: the runner prints `text` on stdout and exits 0. */
export class HelpRequested extends Error {
  constructor(readonly text: string) {
    super('help requested');
  }
}

const flagText = (name: string, f: Flag): string => `--${name}${f.type === 'string' ? ` ${f.arg ?? 'VALUE'}` : ''}`;

/** The one-line synopsis: required flags bare, optional ones in brackets. */
export function usageLine(u: Usage): string {
  const parts = [u.command, ...(u.args ?? [])];
  for (const [name, f] of Object.entries(u.flags)) parts.push(f.required ? flagText(name, f) : `[${flagText(name, f)}]`);
  return parts.join(' ');
}

/** The full `--help` text: synopsis, summary, one line per flag (with its default), notes. */
export function helpText(u: Usage): string {
  const rows = Object.entries(u.flags).map(([name, f]) => [flagText(name, f), `${f.help}${f.required ? ' (required)' : f.default !== undefined ? ` (default: ${f.default})` : ''}`] as const);
  rows.push(['--help, -h', 'print this help and exit']);
  // Long flag texts (enumerations) take their own line so the descriptions stay in one column.
  const width = Math.min(26, Math.max(...rows.map(([a]) => a.length)));
  const row = ([a, b]: readonly [string, string]): string => (a.length > width ? `  ${a}\n  ${''.padEnd(width)}  ${b}` : `  ${a.padEnd(width)}  ${b}`);
  const lines = [`usage: ${usageLine(u)}`, '', u.summary, '', 'options:', ...rows.map(row)];
  if (u.notes) lines.push('', u.notes.trimEnd());
  return `${lines.join('\n')}\n`;
}

/** True when argv asks for help (before any `--` terminator). */
export function wantsHelp(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/**
 * Parses argv against a Usage: `--help` anywhere throws HelpRequested; unknown flags, a wrong
 * number of positionals and missing required flags throw one-line UsageErrors carrying the usage
 * line. A negative number after a string flag (`--iterations -5`) is taken as its value, so the
 * flag's own check can say what is wrong with it.
 */
export function parseUsage(u: Usage, argv: string[]): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  if (wantsHelp(argv)) throw new HelpRequested(helpText(u));
  const options = Object.fromEntries(Object.entries(u.flags).map(([k, f]) => [k, { type: f.type }]));
  try {
    const parsed = parse(argv, options, u.args?.length ?? 0);
    for (const [name, f] of Object.entries(u.flags)) {
      const v = parsed.values[name];
      if (f.required && (v === undefined || v === '')) throw new UsageError(`${flagText(name, f)} is required`);
    }
    return parsed;
  } catch (e) {
    if (e instanceof UsageError && !e.usage) e.usage = usageLine(u);
    throw e;
  }
}

const shown = (v: string): string => JSON.stringify(v);

/** An integer flag ≥ min (1: "a positive integer", 0: "a non-negative integer"); undefined when absent. */
export function intFlag(values: Record<string, unknown>, flag: string, min = 0): number | undefined {
  const v = values[flag];
  if (v === undefined) return undefined;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    const what = min === 1 ? 'a positive integer' : min === 0 ? 'a non-negative integer' : `an integer ≥ ${min}`;
    throw new UsageError(`--${flag} must be ${what} (got ${shown(String(v))})`);
  }
  return n;
}

/** A finite number flag (> 0 when `positive`, else ≥ 0); undefined when absent. */
export function numFlag(values: Record<string, unknown>, flag: string, positive = false): number | undefined {
  const v = values[flag];
  if (v === undefined) return undefined;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n) || (positive ? n <= 0 : n < 0)) throw new UsageError(`--${flag} must be a ${positive ? 'positive' : 'non-negative'} number (got ${shown(String(v))})`);
  return n;
}

/** A usage error as one line: the message, then the usage line when it is short enough to read. */
export function usageErrorLine(prefix: string, e: UsageError): string {
  const message = e.message.replace(/\s*\n\s*/g, ' ');
  const hint = e.usage && e.usage.length <= 160 ? ` (usage: ${e.usage})` : ` (see '${prefix} --help')`;
  return `${prefix}: ${message}${hint}\n`;
}
