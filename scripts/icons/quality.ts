import { createHash } from 'node:crypto';
import type { IconIndex } from '../../src/data/glyph-index';
import { NEAR_EMPTY } from './recipe';

/** Counts images worth a look: near-empty ones and exact duplicates within a class or across classes. */
export function iconQuality(pixels: Uint8Array, index: IconIndex): { nearEmpty: number; duplicatesWithinClass: number; duplicatesAcrossClasses: number } {
  const area = index.size * index.size;
  const owner = new Map<string, number>();
  const q = { nearEmpty: 0, duplicatesWithinClass: 0, duplicatesAcrossClasses: 0 };
  for (const c of index.classes) {
    for (let i = c.offset; i < c.offset + c.count; i++) {
      const img = pixels.subarray(i * area, (i + 1) * area);
      let ink = 0;
      for (const v of img) ink += v;
      if (ink / 255 < NEAR_EMPTY * area) q.nearEmpty++;
      const key = createHash('sha1').update(img).digest('base64');
      const prev = owner.get(key);
      if (prev === undefined) owner.set(key, c.id);
      else if (prev === c.id) q.duplicatesWithinClass++;
      else q.duplicatesAcrossClasses++;
    }
  }
  return q;
}
