import { readHead } from './resolve-head';
import type { ReadyModel } from '../models/registered-model';
import type { HeadStore } from './store';

export interface UserHeadEntry {
  headId: string;
  labels: (string | number)[];
  latest: boolean;
  /** 'upload' for a head made elsewhere and sent as bytes; heads the worker adapted carry no mark. */
  source: 'adapt' | 'upload';
  createdAt: number | null;
  steps: number | null;
  lr: number | null;
  loss: { before: number | null; after: number | null };
}

/**
 * A user's heads, newest first, from their pointer (`v1:user:…`, which lists every head they made,
 * at most 32 — so there is never a cursor). Each head is read and verified: one that expired, was
 * damaged or belongs to an older model version is left out. `null` when KV is unavailable.
 */
export async function listUserHeads(store: HeadStore, tenant: string, m: ReadyModel, user: string): Promise<UserHeadEntry[] | null> {
  const pointer = await store.getPointer(tenant, m.name, user);
  if (pointer.status === 'unavailable') return null;
  if (pointer.status === 'miss') return [];
  const reads = await Promise.all(pointer.value.heads.map(async (headId) => ({ headId, read: await readHead(store, tenant, m, headId) })));
  if (reads.some((r) => r.read.status === 'unavailable')) return null;
  return reads.flatMap(({ headId, read }) => {
    if (!read.head) return [];
    const md = read.metadata ?? {};
    return [
      {
        headId,
        labels: read.head.labels,
        latest: headId === pointer.value.latest,
        source: md.source ?? 'adapt',
        createdAt: md.createdAt ?? null,
        steps: md.steps ?? null,
        lr: md.lr ?? null,
        loss: { before: md.lossBefore ?? null, after: md.lossAfter ?? null },
      },
    ];
  });
}
