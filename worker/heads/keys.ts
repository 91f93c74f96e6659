/**
 * KV key layout, versioned and tenant-scoped:
 *   v1:head:<tenant>:<model>:<headId>   → encoded head (binary), metadata {user, labels, createdAt}
 *   v1:user:<tenant>:<model>:<user>     → JSON {latest, heads[]} — the user's pointer and head list
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
