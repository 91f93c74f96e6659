/**
 * KV key layout, versioned and tenant-scoped:
 *   v1:head:<tenant>:<model>:<headId>     → encoded head (binary), metadata {steps, lr, loss…, createdAt};
 *                                           headId = SHA-256 of those bytes (heads stored before ids
 *                                           were unified sit under their adapt key, and still resolve)
 *   v1:adapt:<tenant>:<model>:<adaptKey>  → JSON {headId} — the adapt cache's index: request → head
 *   v1:user:<tenant>:<model>:<user>       → JSON {latest, heads[]} — the user's pointer and head list
 * Every component is percent-encoded so ':' in a user id cannot forge another tenant's prefix.
 */
export const KEY_VERSION = 'v1';
const MAX_KEY_BYTES = 512;

const part = (s: string) => encodeURIComponent(s);

function checked(key: string): string {
  if (new TextEncoder().encode(key).length > MAX_KEY_BYTES) throw new RangeError('KV key over 512 bytes');
  return key;
}

/** The KV key of one cached head. */
export function headKey(tenant: string, model: string, headId: string): string {
  return checked(`${KEY_VERSION}:head:${part(tenant)}:${part(model)}:${part(headId)}`);
}

/** The KV key of a user's pointer to their latest head. */
export function userKey(tenant: string, model: string, user: string): string {
  return checked(`${KEY_VERSION}:user:${part(tenant)}:${part(model)}:${part(user)}`);
}

/** The KV key of the adapt cache's index entry for one adaptation request (src/head/head-id.ts adaptKeyFor). */
export function adaptIndexKey(tenant: string, model: string, adaptKey: string): string {
  return checked(`${KEY_VERSION}:adapt:${part(tenant)}:${part(model)}:${part(adaptKey)}`);
}
