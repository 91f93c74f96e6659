import { createHash } from 'node:crypto';
import type { GlyphIndex } from '../../src/data/glyph-index';

/** Images worth a look: near-empty ones and exact duplicates within a class or across classes. */
export interface QualityReport {
  nearEmpty: number[];
  duplicatesWithinClass: number;
  duplicatesAcrossClasses: number;
  crossClassExamples: string[];
}

// Less ink than ~2% of the frame usually means a dot-like glyph or a broken outline.
const NEAR_EMPTY_INK = 0.02;

/** Scans every image once: ink below NEAR_EMPTY_INK of the frame, and equal bytes seen before. */
export function qualityReport(pixels: Uint8Array, index: GlyphIndex): QualityReport {
  const area = index.size * index.size;
  const owner = new Map<string, number>();
  const report: QualityReport = { nearEmpty: [], duplicatesWithinClass: 0, duplicatesAcrossClasses: 0, crossClassExamples: [] };
  for (const c of index.classes) {
    for (let i = c.offset; i < c.offset + c.count; i++) {
      const img = pixels.subarray(i * area, (i + 1) * area);
      let ink = 0;
      for (const v of img) ink += v;
      if (ink / 255 < NEAR_EMPTY_INK * area) report.nearEmpty.push(i);
      const key = createHash('sha1').update(img).digest('base64');
      const prev = owner.get(key);
      if (prev === undefined) owner.set(key, c.id);
      else if (prev === c.id) report.duplicatesWithinClass++;
      else {
        report.duplicatesAcrossClasses++;
        const p = index.classes[prev]!;
        if (report.crossClassExamples.length < 8) report.crossClassExamples.push(`${p.char} (${p.script}) = ${c.char} (${c.script})`);
      }
    }
  }
  return report;
}
