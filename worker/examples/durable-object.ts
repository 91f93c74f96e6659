import { DurableObject } from 'cloudflare:workers';
import { bytesOf, isExpired, newRecord, planAck, planAppend, planCommit, planRemove, stateOf } from '../../src/examples/ledger';
import { asResult, unwrap } from './store';
import type { ExampleEncoding } from '../../src/examples/codec';
import type { ExampleCaps, HeadCommit, HeadRef, NewExample, Selection, StoredExample, UserRecord, UserState } from '../../src/examples/ledger';
import type { CommitResult, ExamplesSnapshot, ExamplesStore, StoreResult, UserRef } from './store';

const SCHEMA = [
  'CREATE TABLE IF NOT EXISTS users (model TEXT NOT NULL, user TEXT NOT NULL, state TEXT NOT NULL, expires_at INTEGER, PRIMARY KEY (model, user))',
  'CREATE TABLE IF NOT EXISTS examples (model TEXT NOT NULL, user TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL, label TEXT NOT NULL, enc TEXT NOT NULL, data BLOB NOT NULL, added_at INTEGER NOT NULL, PRIMARY KEY (model, user, seq))',
  'CREATE TABLE IF NOT EXISTS usage (k TEXT PRIMARY KEY, v INTEGER NOT NULL)',
  'CREATE INDEX IF NOT EXISTS users_expiry ON users (expires_at) WHERE expires_at IS NOT NULL',
];

const epoch = () => [...crypto.getRandomValues(new Uint8Array(4))].map((b) => b.toString(16).padStart(2, '0')).join('');

type Row = Record<string, SqlStorageValue>;

/**
 * One Durable Object per tenant holds every user's examples of that tenant in its SQLite storage.
 * Each call is one synchronous transaction (no await between read and write), so concurrent appends
 * from any number of isolates are applied one after another and none is lost; a tenant's byte total
 * is exact because it lives in the same database. Heads are not here: they stay in KV. A user whose
 * examples expire (EXAMPLES_TTL_SECONDS) is removed by an alarm, or on first touch after expiry.
 */
export class TenantExamples extends DurableObject {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env as never);
    this.sql = ctx.storage.sql;
    for (const s of SCHEMA) this.sql.exec(s);
  }

  async append(model: string, user: string, batch: NewExample[], caps: ExampleCaps): Promise<StoreResult<ExamplesSnapshot & { added: StoredExample[] }>> {
    const r = asResult(() =>
      this.ctx.storage.transactionSync(() => {
        const rec = this.load(model, user, true) ?? newRecord(epoch(), Date.now());
        const plan = planAppend(rec, batch, caps, this.bytes(), Date.now());
        this.save(model, user, plan.rec, plan.added, []);
        return { ...this.snapshot(model, user, plan.rec, true), added: plan.added };
      }),
    );
    if (r.ok) await this.schedule(r.value.state!.expiresAt);
    return r;
  }

  async remove(model: string, user: string, sel: Selection, caps: ExampleCaps): Promise<StoreResult<ExamplesSnapshot & { removed: number }>> {
    const r = asResult(() =>
      this.ctx.storage.transactionSync(() => {
        const rec = this.load(model, user, true) ?? newRecord(epoch(), Date.now());
        const plan = planRemove(rec, sel, caps, Date.now());
        this.save(model, user, plan.rec, [], plan.removed);
        return { ...this.snapshot(model, user, plan.rec, true), removed: plan.removed.length };
      }),
    );
    if (r.ok) await this.schedule(r.value.state!.expiresAt);
    return r;
  }

  read(model: string, user: string, data: boolean): ExamplesSnapshot {
    return this.ctx.storage.transactionSync(() => {
      const rec = this.load(model, user, data);
      return rec ? this.snapshot(model, user, rec, data) : { state: null, examples: [], userBytes: 0, tenantBytes: this.bytes() };
    });
  }

  commit(model: string, user: string, c: HeadCommit): CommitResult {
    return this.ctx.storage.transactionSync(() => {
      const rec = this.load(model, user, false);
      if (!rec) return { accepted: false, latest: null };
      const plan = planCommit(rec, c);
      if (plan.accepted) this.saveState(model, user, plan.rec);
      return { accepted: plan.accepted, latest: plan.rec.head };
    });
  }

  ack(model: string, user: string, epochId: string, headId: string | null): { latest: HeadRef | null } {
    return this.ctx.storage.transactionSync(() => {
      const rec = this.load(model, user, false);
      if (!rec) return { latest: null };
      const plan = planAck(rec, epochId, headId);
      if (plan.rec !== rec) this.saveState(model, user, plan.rec);
      return { latest: plan.latest };
    });
  }

  deleteUser(model: string, user: string): { examples: number } {
    return this.ctx.storage.transactionSync(() => ({ examples: this.purge(model, user) }));
  }

  /** TTL sweep: every user whose examples expired goes; the next expiry is scheduled. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    this.ctx.storage.transactionSync(() => {
      for (const row of this.sql.exec('SELECT model, user FROM users WHERE expires_at IS NOT NULL AND expires_at <= ?', now).toArray()) this.purge(row.model as string, row.user as string);
    });
    const next = this.sql.exec('SELECT MIN(expires_at) AS t FROM users WHERE expires_at IS NOT NULL').one().t as number | null;
    if (next !== null) await this.ctx.storage.setAlarm(next);
  }

  private async schedule(expiresAt: number | null): Promise<void> {
    if (expiresAt === null) return;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > expiresAt) await this.ctx.storage.setAlarm(expiresAt);
  }

  private bytes(): number {
    const row = this.sql.exec('SELECT v FROM usage WHERE k = ?', 'bytes').toArray()[0];
    return row ? (row.v as number) : 0;
  }

  private addBytes(delta: number): void {
    if (delta !== 0) this.sql.exec('INSERT INTO usage (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = v + excluded.v', 'bytes', delta);
  }

  private load(model: string, user: string, data: boolean): UserRecord | undefined {
    const row = this.sql.exec('SELECT state FROM users WHERE model = ? AND user = ?', model, user).toArray()[0];
    if (!row) return undefined;
    const state = JSON.parse(row.state as string) as UserState;
    if (isExpired(state, Date.now())) {
      this.purge(model, user);
      return undefined;
    }
    const cols = data ? 'seq, id, label, enc, data, added_at' : 'seq, id, label, enc, added_at';
    const examples = this.sql.exec(`SELECT ${cols} FROM examples WHERE model = ? AND user = ? ORDER BY seq`, model, user).toArray().map((r: Row) => fromRow(r));
    return { ...state, examples };
  }

  private saveState(model: string, user: string, rec: UserRecord): void {
    this.sql.exec(
      'INSERT INTO users (model, user, state, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (model, user) DO UPDATE SET state = excluded.state, expires_at = excluded.expires_at',
      model,
      user,
      JSON.stringify(stateOf(rec)),
      rec.expiresAt,
    );
  }

  private save(model: string, user: string, rec: UserRecord, added: StoredExample[], removed: StoredExample[]): void {
    this.saveState(model, user, rec);
    for (const e of added) {
      this.sql.exec('INSERT INTO examples (model, user, seq, id, label, enc, data, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', model, user, e.seq, e.id, JSON.stringify(e.label), e.enc, e.data.slice().buffer, e.addedAt);
    }
    for (const e of removed) this.sql.exec('DELETE FROM examples WHERE model = ? AND user = ? AND seq = ?', model, user, e.seq);
    this.addBytes(bytesOf(added) - bytesOf(removed));
  }

  private purge(model: string, user: string): number {
    const row = this.sql.exec('SELECT COUNT(*) AS n, COALESCE(SUM(LENGTH(data)), 0) AS b FROM examples WHERE model = ? AND user = ?', model, user).one();
    this.sql.exec('DELETE FROM examples WHERE model = ? AND user = ?', model, user);
    this.sql.exec('DELETE FROM users WHERE model = ? AND user = ?', model, user);
    this.addBytes(-(row.b as number));
    return row.n as number;
  }

  private snapshot(model: string, user: string, rec: UserRecord, data: boolean): ExamplesSnapshot {
    const userBytes = data ? bytesOf(rec.examples) : (this.sql.exec('SELECT COALESCE(SUM(LENGTH(data)), 0) AS b FROM examples WHERE model = ? AND user = ?', model, user).one().b as number);
    return { state: stateOf(rec), examples: rec.examples, userBytes, tenantBytes: this.bytes() };
  }
}

function fromRow(r: Row): StoredExample {
  return {
    seq: r.seq as number,
    id: r.id as string,
    label: JSON.parse(r.label as string) as string | number,
    enc: r.enc as ExampleEncoding,
    data: r.data instanceof ArrayBuffer ? new Uint8Array(r.data) : new Uint8Array(0),
    addedAt: r.added_at as number,
  };
}

/** The ExamplesStore over the USER_EXAMPLES namespace: one object per tenant, named by the tenant. */
export function durableExamplesStore(ns: DurableObjectNamespace<TenantExamples>): ExamplesStore {
  const obj = (ref: UserRef) => ns.get(ns.idFromName(ref.tenant));
  return {
    append: async (ref, batch, caps) => unwrap(await obj(ref).append(ref.model, ref.user, batch, caps)),
    remove: async (ref, sel, caps) => unwrap(await obj(ref).remove(ref.model, ref.user, sel, caps)),
    read: async (ref, opts) => obj(ref).read(ref.model, ref.user, opts.data),
    commit: async (ref, c) => obj(ref).commit(ref.model, ref.user, c),
    ack: async (ref, e, headId) => obj(ref).ack(ref.model, ref.user, e, headId),
    deleteUser: async (ref) => obj(ref).deleteUser(ref.model, ref.user),
  };
}
