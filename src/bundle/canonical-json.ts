import { BundleError } from './errors';

/**
 * JSON with object keys sorted at every level and no whitespace, so the same model always gives
 * the same header bytes (and so the same bundle id) whatever order its objects were built in.
 * Values JSON cannot represent faithfully (NaN, bigint, functions, class instances) are refused
 * instead of being silently changed.
 */
export function canonicalJson(value: unknown, path = 'header'): string {
  if (Array.isArray(value)) return `[${value.map((v, i) => canonicalJson(v, `${path}[${i}]`)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw new BundleError('bad_input', `${path}: not a plain JSON object`);
    const rec = value as Record<string, unknown>;
    const keys = Object.keys(rec).filter((k) => rec[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(rec[k], `${path}.${k}`)}`).join(',')}}`;
  }
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return JSON.stringify(value);
  if (typeof value === 'number' && Number.isFinite(value)) return JSON.stringify(value);
  throw new BundleError('bad_input', `${path}: ${String(value)} cannot be stored as JSON`);
}
