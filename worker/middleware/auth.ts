import { createMiddleware } from 'hono/factory';
import { ApiError } from '../problem';

/** Hono variables set by `bearerTenant`. */
export interface TenantVariables {
  tenant: string;
}

const HEX64 = /^[0-9a-f]{64}$/;

async function sha256Hex(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Constant-time equality of two equal-length byte strings (length is public: both are SHA-256). */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

type KeyTable = Array<{ hash: Uint8Array; tenant: string }>;

let parsed: { raw: string; table: KeyTable } | undefined;

/** The key table for `raw`, parsed once per isolate (the secret does not change while it lives). */
function keyTable(raw: string | undefined): KeyTable {
  if (!raw) return [];
  if (parsed?.raw !== raw) parsed = { raw, table: parseKeyTable(raw) };
  return parsed.table;
}

/** Parses `API_KEYS`: a JSON object mapping hex SHA-256 of a key → tenant id. */
export function parseKeyTable(raw: string | undefined): KeyTable {
  if (!raw) return [];
  let table: unknown;
  try {
    table = JSON.parse(raw);
  } catch {
    throw new Error('API_KEYS is not JSON');
  }
  if (typeof table !== 'object' || table === null || Array.isArray(table)) throw new Error('API_KEYS must be an object');
  return Object.entries(table as Record<string, unknown>).map(([hash, tenant]) => {
    if (!HEX64.test(hash) || typeof tenant !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(tenant)) {
      throw new Error('API_KEYS entries must be "<sha256 hex>": "<tenant id>"');
    }
    return { hash: hexToBytes(hash), tenant };
  });
}

/**
 * Bearer-key auth: the key's SHA-256 is compared in constant time against every configured hash
 * (all of them, always), so neither the match nor its position leaks through timing. Keys are never logged.
 */
export const bearerTenant = (opts: { keys: (env: Record<string, unknown>) => string | undefined }) =>
  createMiddleware<{ Bindings: Env; Variables: TenantVariables }>(async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer ([\x21-\x7e]{1,512})$/.exec(header);
    if (!match) throw new ApiError(401, 'unauthorized', 'missing or malformed Authorization: Bearer <key> header', { 'www-authenticate': 'Bearer' });
    let table: KeyTable;
    try {
      table = keyTable(opts.keys(c.env as unknown as Record<string, unknown>));
    } catch (e) {
      // An operator error, not the caller's: say so without echoing the secret.
      throw new ApiError(503, 'misconfigured', `the API_KEYS secret is invalid: ${e instanceof Error ? e.message : 'unparsable'}`);
    }
    const presented = await sha256Hex(match[1]!);
    let tenant: string | undefined;
    for (const entry of table) {
      if (timingSafeEqual(presented, entry.hash) && tenant === undefined) tenant = entry.tenant;
    }
    if (tenant === undefined) throw new ApiError(401, 'unauthorized', 'unknown API key', { 'www-authenticate': 'Bearer error="invalid_token"' });
    c.set('tenant', tenant);
    await next();
  });
