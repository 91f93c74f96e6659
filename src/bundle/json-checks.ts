import { BundleError } from './errors';
import type { BundleErrorCode } from './errors';

/**
 * Small typed readers for untrusted JSON: each returns the value with its type narrowed or throws a
 * BundleError naming the JSON path, so a reader never trusts a field it has not looked at.
 */
export type Json = unknown;

const fail = (path: string, want: string, got: Json, code: BundleErrorCode = 'bad_header'): never => {
  const shown = typeof got === 'string' ? JSON.stringify(got.slice(0, 40)) : Array.isArray(got) ? 'an array' : String(got);
  throw new BundleError(code, `${path}: expected ${want}, got ${shown}`);
};

/** A plain JSON object. */
export function obj(v: Json, path: string): Record<string, Json> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'an object', v);
  return v as Record<string, Json>;
}

/** A JSON array. */
export function arr(v: Json, path: string): Json[] {
  if (!Array.isArray(v)) fail(path, 'an array', v);
  return v as Json[];
}

/** A non-empty string of at most `max` characters. */
export function str(v: Json, path: string, max = 1024): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > max) fail(path, `a string of 1..${max} characters`, v);
  return v as string;
}

/** A finite number. */
export function num(v: Json, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(path, 'a finite number', v);
  return v as number;
}

/** An integer in [min, max]. */
export function int(v: Json, path: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(path, `an integer in [${min}, ${max}]`, v);
  return v as number;
}

/** One of a fixed set of strings; `code` lets callers distinguish "unknown kind" from "malformed". */
export function oneOf<T extends string>(v: Json, path: string, allowed: readonly T[], code: BundleErrorCode = 'bad_header'): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) fail(path, `one of ${allowed.join('|')}`, v, code);
  return v as T;
}

/** A layer or model name usable inside tensor names: no slash, no whitespace. */
export function ident(v: Json, path: string): string {
  const s = str(v, path, 128);
  if (!/^[A-Za-z0-9_.:-]+$/.test(s)) fail(path, 'a name of letters, digits, _ . : -', v);
  return s;
}

/** An optional field: undefined stays undefined, anything else goes through `read`. */
export function opt<T>(v: Json, read: (v: Json) => T): T | undefined {
  return v === undefined ? undefined : read(v);
}

/** A shape: an array of positive integers. */
export function shape(v: Json, path: string): number[] {
  return arr(v, path).map((d, i) => int(d, `${path}[${i}]`, 1, 2 ** 31 - 1));
}
