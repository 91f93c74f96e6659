/** Lowercase hex of an ArrayBuffer's bytes. */
export function toHex(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let out = '';
  for (let i = 0; i < view.length; i++) out += view[i]!.toString(16).padStart(2, '0');
  return out;
}

/** SHA-256 of some bytes through WebCrypto (works in Node ≥ 19, workerd and browsers); lowercase hex. */
export async function sha256Hex(data: ArrayBuffer | ArrayBufferView): Promise<string> {
  return toHex(await sha256(data));
}

/** Raw 32-byte SHA-256 of some bytes through WebCrypto. */
export async function sha256(data: ArrayBuffer | ArrayBufferView): Promise<Uint8Array> {
  // Strings would be hashed as whatever encoding the caller had in mind; only bytes are accepted.
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data as BufferSource));
}

/** SHA-256 of a UTF-8 string; lowercase hex. */
export function sha256HexOfText(text: string): Promise<string> {
  return sha256Hex(new TextEncoder().encode(text));
}
