import { describe, expect, it } from 'vitest';
import { addVersion, bundleKey, emptyManifest, ManifestError, parseManifest, removeModel, rollback, serializeManifest } from '../../../src/store/manifest';
import { publish, readManifest, rollbackModel, StoreError } from '../../../src/store/store-ops';
import { MANIFEST_KEY } from '../../../src/store/manifest';
import { TestBucket } from './store-harness';
import tiny from '../../fixtures/tiny.fsb';
import tinyInt8 from '../../fixtures/tiny-int8.fsb';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const C = 'c'.repeat(64);
const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));

describe('manifest', () => {
  it('numbers versions per name, makes the newest current, and is a no-op for the bundle already current', () => {
    let m = emptyManifest();
    m = addVersion(m, 'pets', { bundleId: A, size: 10, note: 'first' }, t(1)).manifest;
    const second = addVersion(m, 'pets', { bundleId: B, size: 20 }, t(2));
    expect(second.version).toMatchObject({ version: 2, bundleId: B, key: bundleKey(B), size: 20, publishedAt: t(2).toISOString() });
    expect(second.manifest.models.pets!.current).toBe(2);
    const again = addVersion(second.manifest, 'pets', { bundleId: B, size: 20 }, t(3));
    expect(again.changed).toBe(false);
    expect(again.manifest).toBe(second.manifest);
    // Publishing an older bundle again is a new version, not a silent rollback.
    expect(addVersion(second.manifest, 'pets', { bundleId: A, size: 10 }, t(4)).version.version).toBe(3);
    expect(() => addVersion(m, 'Bad_Name', { bundleId: A, size: 1 })).toThrow(ManifestError);
  });

  it('rolls back to the previous version or to a named one, keeps every version, refuses what does not exist', () => {
    let m = emptyManifest();
    for (const [i, id] of [A, B, C].entries()) m = addVersion(m, 'pets', { bundleId: id, size: 1 }, t(i)).manifest;
    const back = rollback(m, 'pets');
    expect([back.from.version, back.to.version]).toEqual([3, 2]);
    expect(back.manifest.models.pets!.versions).toHaveLength(3);
    expect(rollback(back.manifest, 'pets').to.bundleId).toBe(A);
    expect(rollback(back.manifest, 'pets', 3).to.bundleId).toBe(C);
    const first = rollback(m, 'pets', 1).manifest;
    expect(() => rollback(first, 'pets')).toThrow(/nothing to roll back/);
    expect(() => rollback(m, 'pets', 9)).toThrow(/no version 9/);
    expect(() => rollback(m, 'nope')).toThrow(/no model 'nope'/);
  });

  it('remove names only the bundles no other model still uses', () => {
    let m = emptyManifest();
    m = addVersion(m, 'pets', { bundleId: A, size: 1 }).manifest;
    m = addVersion(m, 'pets', { bundleId: B, size: 1 }).manifest;
    m = addVersion(m, 'toys', { bundleId: B, size: 1 }).manifest;
    const r = removeModel(m, 'pets');
    expect(r.unreferenced).toEqual([bundleKey(A)]);
    expect(Object.keys(r.manifest.models)).toEqual(['toys']);
  });

  it('round-trips through its text and rejects a damaged one', () => {
    const m = addVersion(emptyManifest(), 'pets', { bundleId: A, size: 3, note: 'n' }, t(1)).manifest;
    expect(parseManifest(serializeManifest(m))).toEqual(m);
    const text = serializeManifest(m);
    for (const bad of [text.slice(0, 20), text.replace(A, 'x'), text.replace('"current": 1', '"current": 7'), text.replace('"size": 3', '"size": -3'), '[]', text.replace('fewshot-models/1', 'v0')]) {
      expect(() => parseManifest(bad)).toThrow(ManifestError);
    }
  });
});

describe('store operations over real R2 (miniflare)', () => {
  it('publish writes the bundle at its content address, reads it back, then the manifest; a corrupt bundle writes nothing', async () => {
    const r2 = new TestBucket();
    const bad = new Uint8Array(tiny.slice(0));
    bad[bad.length - 40]! ^= 0x10;
    await expect(publish(r2, bad, 'pets')).rejects.toThrow(/checksum/i);
    expect(await r2.get(MANIFEST_KEY)).toBeNull();
    expect(r2.gets).toEqual([MANIFEST_KEY]); // checked that, and nothing else was touched or written
    const r = await publish(r2, new Uint8Array(tiny), 'pets', { note: 'v1' });
    expect(r).toMatchObject({ changed: true, version: { version: 1, note: 'v1', size: tiny.byteLength } });
    const stored = await r2.get(r.version.key);
    expect(new Uint8Array(await stored!.arrayBuffer())).toEqual(new Uint8Array(tiny));
    expect((await readManifest(r2)).manifest.models.pets!.current).toBe(1);
  });

  it('a manifest changed by someone else between read and write is not overwritten', async () => {
    const r2 = new TestBucket();
    await publish(r2, new Uint8Array(tiny), 'pets');
    // Another writer slips in right after our manifest read (the first get).
    const inner = r2.get.bind(r2);
    let raced = false;
    r2.get = async (key) => {
      const got = await inner(key);
      if (key === MANIFEST_KEY && !raced) {
        raced = true;
        await r2.put(MANIFEST_KEY, serializeManifest(rollback(addVersion(emptyManifest(), 'other', { bundleId: A, size: 1 }).manifest, 'other', 1).manifest));
      }
      return got;
    };
    await expect(publish(r2, new Uint8Array(tinyInt8), 'pets')).rejects.toThrow(StoreError);
    expect(Object.keys((await readManifest(r2)).manifest.models)).toEqual(['other']);
  });

  it('rollback refuses to point a name at a bundle that is gone', async () => {
    const r2 = new TestBucket();
    const v1 = await publish(r2, new Uint8Array(tiny), 'pets');
    await publish(r2, new Uint8Array(tinyInt8), 'pets');
    await r2.delete(v1.version.key);
    await expect(rollbackModel(r2, 'pets')).rejects.toThrow(/missing/);
    expect((await readManifest(r2)).manifest.models.pets!.current).toBe(2);
  });
});
