import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExamplesError } from '../../src/examples/ledger';
import { FileExamplesStore } from '../../node/file-examples';
import type { ExampleCaps, NewExample } from '../../src/examples/ledger';

const root = mkdtempSync(join(tmpdir(), 'fewshot-file-examples-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const caps: ExampleCaps = { maxExamples: 100, maxClasses: 10, maxTenantBytes: 64, ttlSeconds: 0 };
const ex = (label: string, bytes = 8): NewExample => ({ label, enc: 'u8', data: new Uint8Array(bytes).fill(label.charCodeAt(0)) });
const ref = (tenant: string, user: string) => ({ tenant, model: 'tiny', user });

describe('FileExamplesStore (fewshot serve)', () => {
  it("serialises a tenant's operations: concurrent appends are all kept and the byte cap is exact", async () => {
    const s = await FileExamplesStore.open(join(root, 'a'));
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => s.append(ref('t', `u${i % 3}`), [ex('ab'[i % 2]!)], caps)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(8); // 8 × 8 bytes = the 64-byte cap
    for (const r of results) if (r.status === 'rejected') expect((r.reason as ExamplesError).code).toBe('tenant_storage_full');
    const counts = await Promise.all([0, 1, 2].map(async (i) => (await s.read(ref('t', `u${i}`), { data: true })).examples.length));
    expect(counts.reduce((a, b) => a + b)).toBe(8);
    expect((await s.read(ref('t', 'u0'), { data: false })).tenantBytes).toBe(64);
    // Another tenant has its own total, and sees none of t's users.
    expect((await s.append(ref('other', 'u0'), [ex('a')], caps)).examples).toHaveLength(1);
    // Reopened (a restart), the total is scanned from the files again.
    const again = await FileExamplesStore.open(join(root, 'a'));
    expect((await again.read(ref('t', 'u1'), { data: false })).tenantBytes).toBe(64);
    await again.deleteUser(ref('t', 'u1'));
    expect((await again.read(ref('t', 'u0'), { data: false })).tenantBytes).toBe(64 - 8 * counts[1]!);
  });

  it('expired users go on touch and by the sweep; damaged files and leftover temp files are swept', async () => {
    let now = 1_000_000;
    const s = await FileExamplesStore.open(join(root, 'b'), { now: () => now });
    const ttl = { ...caps, ttlSeconds: 60 };
    await s.append(ref('t', 'old'), [ex('a'), ex('b')], ttl);
    await s.append(ref('t', 'older'), [ex('a')], ttl);
    await s.append(ref('t', 'kept'), [ex('a')], caps);
    now += 61_000;
    expect((await s.read(ref('t', 'old'), { data: true })).state).toBeNull(); // on touch
    expect((await s.read(ref('t', 'kept'), { data: false })).tenantBytes).toBe(16); // 'older' still counted until swept
    const file = s.fileOf(ref('t', 'kept'));
    writeFileSync(`${file}.abc123.tmp`, 'half a write');
    expect(await s.sweep()).toEqual({ temps: 1, expired: 1, damaged: 0 });
    expect((await s.read(ref('t', 'kept'), { data: false })).tenantBytes).toBe(8);
    const bytes = readFileSync(file);
    bytes[bytes.length - 1]! ^= 1;
    writeFileSync(file, bytes);
    expect(await s.sweep()).toEqual({ temps: 0, expired: 0, damaged: 1 });
    expect(readdirSync(dirname(file))).toEqual([]);
    expect((await s.read(ref('t', 'kept'), { data: false })).tenantBytes).toBe(0);
  });
});
