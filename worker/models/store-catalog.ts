import { currentVersion, parseManifest, MANIFEST_KEY } from '../../src/store/manifest';
import type { Manifest, ModelVersion } from '../../src/store/manifest';
import type { R2Like } from '../../src/store/r2-like';
import type { ReadyModel, RegisteredModel } from './registered-model';

/** What one request lends the catalog: how stale the manifest may be, and a way to outlive the response. */
export interface RequestHooks {
  /** Re-read the manifest when the copy in memory is older than this (0: on every request). */
  refreshMs: number;
  /** Keeps a background load running after the response is sent (workerd's `ctx.waitUntil`). */
  waitUntil?: (p: Promise<unknown>) => void;
}

/** The store could not be read and this isolate has never read it. */
export class StoreUnavailable extends Error {
  constructor(reason: string) {
    super(`the model store is unavailable: ${reason}`);
    this.name = 'StoreUnavailable';
  }
}

type Loader = (name: string, v: ModelVersion, bytes: () => Promise<Uint8Array | null>) => Promise<RegisteredModel>;

const MANIFEST_TIMEOUT_MS = 5_000;
const BUNDLE_TIMEOUT_MS = 30_000;
const FIRST_READ_RETRY_MS = 5_000;
/** A replaced model is disposed only after this long, so no request still holding it can meet freed tensors. */
const RETIRE_GRACE_MS = 120_000;

async function bounded<T>(p: Promise<T>, ms: number): Promise<T> {
  let id: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    id = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, limit]);
  } finally {
    if (id !== undefined) clearTimeout(id);
  }
}

/**
 * The models of one bucket, per isolate. The manifest is re-read at most every `refreshMs`; a model
 * is loaded (and verified against the manifest's bundle id) on first use. When a name moves to
 * another bundle, the old model keeps answering while the new one loads in the background, and is
 * disposed a grace period after it was replaced. A bundle that fails to load is retried after
 * `refreshMs`; if an older version was serving, it goes on serving.
 */
export class StoreCatalog {
  private manifest: Manifest | undefined;
  private readAt = -Infinity;
  private readError: string | undefined;
  private hasRead = false;
  private failedAt = -Infinity;
  private reading: Promise<void> | undefined;
  private readonly serving = new Map<string, { bundleId: string; model: ReadyModel }>();
  private readonly failed = new Map<string, { bundleId: string; at: number; model: RegisteredModel }>();
  private readonly loading = new Map<string, { bundleId: string; promise: Promise<RegisteredModel> }>();
  private retired: { name: string; bundleId: string; model: ReadyModel; at: number }[] = [];

  constructor(
    private readonly r2: R2Like,
    private readonly load: Loader,
    private readonly now: () => number = Date.now,
    private readonly graceMs = RETIRE_GRACE_MS,
  ) {}

  /** Names the manifest lists (undefined when the store has no manifest: nothing published yet). */
  async names(hooks: RequestHooks): Promise<string[]> {
    const m = await this.fresh(hooks);
    return Object.keys(m?.models ?? {});
  }

  /** The model a name currently resolves to in the store, or undefined if the store does not have it. */
  async get(name: string, hooks: RequestHooks): Promise<RegisteredModel | undefined> {
    const m = await this.fresh(hooks);
    this.sweep();
    const v = m && currentVersion(m, name);
    const slot = this.serving.get(name);
    if (!v) {
      // Removed from the store: its model is retired like a replaced one (freed after the grace period).
      if (slot) this.retire(name);
      return undefined;
    }
    if (slot?.bundleId === v.bundleId) return slot.model;
    const f = this.failed.get(name);
    if (f && f.bundleId === v.bundleId && this.now() - f.at < hooks.refreshMs) return slot?.model ?? f.model;
    const revived = this.revive(name, v.bundleId);
    if (revived) return revived;
    const pending = this.startLoad(name, v);
    // Other requests may wait on this load: it must outlive this one, even if its client goes away.
    hooks.waitUntil?.(pending.catch(() => {}));
    // Keep answering with the version already loaded; the new one takes over once it is ready.
    return slot ? slot.model : pending;
  }

  private startLoad(name: string, v: ModelVersion): Promise<RegisteredModel> {
    const inflight = this.loading.get(name);
    if (inflight?.bundleId === v.bundleId) return inflight.promise;
    // Bounded, so a hung read becomes a failed load (retried later) instead of a queue of stuck requests.
    const bytes = () =>
      bounded(
        (async () => {
          const obj = await this.r2.get(v.key);
          return obj ? new Uint8Array(await obj.arrayBuffer()) : null;
        })(),
        BUNDLE_TIMEOUT_MS,
      );
    const promise = this.load(name, v, bytes).then((model) => {
      if (model.status === 'ready') this.install(name, v.bundleId, model);
      else this.failed.set(name, { bundleId: v.bundleId, at: this.now(), model });
      return model;
    });
    const entry = { bundleId: v.bundleId, promise };
    this.loading.set(name, entry);
    const done = () => {
      if (this.loading.get(name) === entry) this.loading.delete(name);
    };
    promise.then(done, done);
    return promise;
  }

  /** A rollback to a version this isolate still holds (replaced less than a grace period ago) is instant. */
  private revive(name: string, bundleId: string): ReadyModel | undefined {
    const r = this.retired.find((x) => x.name === name && x.bundleId === bundleId);
    if (!r) return undefined;
    this.retired = this.retired.filter((x) => x !== r);
    this.install(name, bundleId, r.model);
    return r.model;
  }

  private install(name: string, bundleId: string, model: ReadyModel): void {
    if (this.serving.get(name)?.bundleId !== bundleId) this.retire(name);
    this.serving.set(name, { bundleId, model });
    this.failed.delete(name);
  }

  private retire(name: string): void {
    const old = this.serving.get(name);
    if (!old) return;
    this.retired.push({ name, bundleId: old.bundleId, model: old.model, at: this.now() });
    this.serving.delete(name);
  }

  /** Frees the tensors of models replaced more than a grace period ago. */
  private sweep(): void {
    const now = this.now();
    const [old, keep] = [this.retired.filter((r) => now - r.at >= this.graceMs), this.retired.filter((r) => now - r.at < this.graceMs)];
    this.retired = keep;
    for (const r of old) r.model.model.dispose();
  }

  /** The manifest, re-read when older than `refreshMs`; a failed read keeps the last good copy. */
  private async fresh(hooks: RequestHooks): Promise<Manifest | undefined> {
    const now = this.now();
    // Never read yet and the last try failed: wait a little before the next try, so an outage costs
    // each request one fast 503 (or an embedded model) rather than a manifest timeout.
    const backingOff = !this.hasRead && now - this.failedAt < Math.min(hooks.refreshMs, FIRST_READ_RETRY_MS);
    if (now - this.readAt >= hooks.refreshMs && !backingOff) {
      this.reading ??= this.read().finally(() => (this.reading = undefined));
      await this.reading;
    }
    if (!this.hasRead) throw new StoreUnavailable(this.readError ?? 'not read');
    return this.manifest;
  }

  private async read(): Promise<void> {
    const at = this.now();
    try {
      const obj = await bounded(this.r2.get(MANIFEST_KEY), MANIFEST_TIMEOUT_MS);
      const manifest = obj ? parseManifest(await bounded(obj.text(), MANIFEST_TIMEOUT_MS)) : undefined;
      this.manifest = manifest;
      this.readAt = at;
      this.readError = undefined;
      this.hasRead = true;
    } catch (e) {
      this.readError = e instanceof Error ? e.message : String(e);
      this.failedAt = at;
      // With a good copy in hand, try again after the usual interval rather than on every request.
      if (this.hasRead) this.readAt = at;
    }
  }
}
