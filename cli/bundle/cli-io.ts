import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { randomBytes } from 'node:crypto';
import { readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/** Wrong usage: the command prints one line and exits 2 (with its usage line when known). */
export class UsageError extends Error {
  constructor(message: string, public usage?: string) {
    super(message);
  }
}

/** A failure that is not the bundle's fault (unreadable file...): one line, exit 1. */
export class CliError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs in strict mode, with its errors turned into one-line UsageErrors. */
export function parse<O extends Options>(argv: string[], options: O, positionals: number): { values: Record<keyof O, string | boolean | undefined>; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({ args: joinNegativeValues(argv, options), options, allowPositionals: true, strict: true });
  } catch (e) {
    // parseArgs explains how to pass a positional that starts with '-'; the first sentence is the news.
    const first = (e as Error).message.split('\n')[0]!;
    throw new UsageError(/^Unknown option/.test(first) ? first.replace(/^Unknown option '([^']*)'\..*$/, "unknown option '$1'") : first);
  }
  if (parsed.positionals.length !== positionals) {
    throw new UsageError(`expected ${positionals} file argument${positionals === 1 ? '' : 's'}, got ${parsed.positionals.length}`);
  }
  return parsed as unknown as { values: Record<keyof O, string | boolean | undefined>; positionals: string[] };
}

/**
 * `--flag -5` → `--flag=-5` for string flags: parseArgs would call the value "ambiguous", and the
 * flag's own check then says what is wrong with a negative number.
 */
function joinNegativeValues(argv: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    if (a.startsWith('--') && !a.includes('=') && options[a.slice(2)]?.type === 'string' && next !== undefined && /^-(\d|\.\d|Infinity)/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** A string option that must be one of `allowed`. */
export function choice<T extends string>(value: unknown, flag: string, allowed: readonly T[], fallback?: T): T {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag} must be one of ${allowed.join('|')}`);
  return value as T;
}

/** Reads a whole file, turning fs errors into one line. */
export async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    throw new CliError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** True when `a` and `b` name the same file (same path, or same inode through links). */
export async function sameFile(a: string, b: string): Promise<boolean> {
  if (resolve(a) === resolve(b)) return true;
  try {
    const [x, y] = await Promise.all([stat(a), stat(b)]);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

/** Writes via a temp file in the same directory and a rename, so `path` is never left half-written. */
export async function writeAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw new CliError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
