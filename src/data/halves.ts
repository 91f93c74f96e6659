import type { IconIndex } from './glyph-index';
import type { GlyphDataset } from './glyphs';

/**
 * The held-out icons domain seen through its fixed halves: split 'validation' is the classes of half
 * 'validation' (choose settings there), 'test' those of half 'test' (report there), 'train' is empty.
 * Same pixels, no copy.
 */
export function byHalves(dataset: GlyphDataset<IconIndex>): GlyphDataset<IconIndex> {
  const halves = {
    train: [],
    validation: dataset.index.classes.filter((c) => c.half === 'validation'),
    test: dataset.index.classes.filter((c) => c.half === 'test'),
  };
  return {
    ...dataset,
    split: (name) => {
      dataset.split(name); // throws GLYPHS_BAD_SPLIT for a name that is no split
      return halves[name];
    },
  };
}
