/**
 * The subset of an R2 bucket the model store uses. The worker passes its `MODELS` binding; the CLI
 * passes Miniflare's local bucket (the one `wrangler dev --local` serves), a wrangler-driven remote
 * bucket, or a directory (node/dir-r2.ts) — so the store logic is written once.
 */
export interface R2ObjectLike {
  key: string;
  size: number;
  etag: string;
  arrayBuffer(): Promise<ArrayBuffer>;
  text(): Promise<string>;
}

export interface R2PutOptionsLike {
  /** Write only if the stored object's etag still equals this (optimistic concurrency for the manifest). */
  onlyIf?: { etagMatches?: string };
  /** R2 rejects the write if the bytes' SHA-256 differs (catches a torn upload). */
  sha256?: string;
  httpMetadata?: { contentType?: string };
}

export interface R2Like {
  get(key: string): Promise<R2ObjectLike | null>;
  /** Resolves null when an `onlyIf` precondition failed (nothing written), as R2 does. */
  put(key: string, value: ArrayBuffer | Uint8Array | string, options?: R2PutOptionsLike): Promise<{ key: string; etag: string } | null>;
  delete(key: string): Promise<void>;
}
