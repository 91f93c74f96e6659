import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeFixtures } from '../../scripts/make-fixture-bundle';

const committed = fileURLToPath(new URL('../fixtures/', import.meta.url));

describe('scripts/make-fixture-bundle.ts', () => {
  it('regenerates the committed fixtures byte for byte (deterministic, and the files are current)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsb-fixtures-'));
    const written = await makeFixtures(dir);
    expect(written.length).toBeGreaterThanOrEqual(12);
    for (const path of written) {
      const rel = relative(dir, path);
      expect(readFileSync(path).equals(readFileSync(join(committed, rel))), rel).toBe(true);
    }
    expect(readdirSync(committed).filter((f) => f.endsWith('.fsb')).sort()).toEqual(['tiny-int8.fsb', 'tiny-sine.fsb', 'tiny.fsb']);
  });
});
