import { describe, expect, it } from 'vitest';
import { ExamplesError, labelCounts, newRecord, planAck, planAppend, planCommit, planRemove } from '../../src/examples/ledger';
import type { ExampleCaps, HeadCommit, NewExample, UserRecord } from '../../src/examples/ledger';

const caps: ExampleCaps = { maxExamples: 5, maxClasses: 3, maxTenantBytes: 100, ttlSeconds: 0 };
const ex = (label: string | number, bytes = 4): NewExample => ({ label, enc: 'u8', data: new Uint8Array(bytes) });
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof ExamplesError ? e.code : `not an ExamplesError: ${String(e)}`;
  }
  return 'no error';
};
const commit = (rec: UserRecord, revision: number, headId: string | null, more: Partial<HeadCommit> = {}): HeadCommit => ({ epoch: rec.epoch, revision, headId, modelId: 'm1', readapt: false, at: 1000, headTtlMs: 10_000, ...more });

describe('examples ledger', () => {
  it('appends all or nothing within the caps; ids and revisions only move forward', () => {
    let rec = newRecord('abcd0123', 0);
    rec = planAppend(rec, [ex('a'), ex('b')], caps, 0, 10).rec;
    expect(rec.examples.map((e) => e.id)).toEqual(['abcd0123-1', 'abcd0123-2']);
    expect(rec.revision).toBe(1);
    expect(code(() => planAppend(rec, [ex('a'), ex('a'), ex('a'), ex('a')], caps, 0, 11))).toBe('too_many_examples');
    expect(code(() => planAppend(rec, [ex('c'), ex('d')], caps, 0, 11))).toBe('too_many_classes');
    expect(code(() => planAppend(rec, [ex(1)], caps, 0, 11))).toBe('label_kind');
    expect(code(() => planAppend(rec, [ex('a', 10)], caps, 95, 11))).toBe('tenant_storage_full');
    rec = planRemove(rec, { id: 'abcd0123-1' }, caps, 12).rec;
    rec = planAppend(rec, [ex('c')], caps, 0, 13).rec;
    expect(rec.examples.map((e) => e.id)).toEqual(['abcd0123-2', 'abcd0123-3']); // never reused
    expect(rec.revision).toBe(3);
    expect(labelCounts(rec.examples)).toEqual({ b: 1, c: 1 });
    expect(code(() => planRemove(rec, { label: 'zzz' }, caps, 14))).toBe('label_not_found');
    expect(code(() => planRemove(rec, { id: 'abcd0123-1' }, caps, 14))).toBe('example_not_found');
    expect(planAppend(rec, [ex('a')], { ...caps, ttlSeconds: 60 }, 0, 20).rec.expiresAt).toBe(60_020);
  });

  it('a head commit never goes back a revision; at the same revision the newest wins; a deleted user never takes one', () => {
    let rec = planAppend(newRecord('e1e1e1e1', 0), [ex('a'), ex('b')], caps, 0, 1).rec;
    rec = planAppend(rec, [ex('a')], caps, 0, 2).rec; // revision 2
    const r2 = planCommit(rec, commit(rec, 2, 'h2'));
    expect(r2.accepted).toBe(true);
    expect(planCommit(r2.rec, commit(rec, 1, 'h1')).accepted).toBe(false); // an older revision's head, finishing late
    expect(planCommit(r2.rec, commit(rec, 3, 'h3')).accepted).toBe(false); // a revision that does not exist
    expect(planCommit(r2.rec, commit(rec, 2, 'h2', { epoch: 'ffffffff' })).accepted).toBe(false); // another incarnation
    const m2 = planCommit(r2.rec, commit(rec, 2, 'h2b', { modelId: 'm2', readapt: true, at: 20_000 }));
    expect(m2.rec.head).toEqual({ revision: 2, headId: 'h2b', modelId: 'm2' });
    expect(m2.rec.readapts).toBe(1);
    expect(m2.rec.heads).toEqual([{ id: 'h2b', at: 20_000 }]); // h2 is past the head TTL: forgotten
    // The pointer protocol: only an ack for the latest head marks the user in sync.
    expect(m2.rec.synced).toBe(false);
    expect(planAck(m2.rec, rec.epoch, 'h2').rec.synced).toBe(false);
    expect(planAck(m2.rec, rec.epoch, 'h2').latest?.headId).toBe('h2b');
    expect(planAck(m2.rec, rec.epoch, 'h2b').rec.synced).toBe(true);
  });
});
