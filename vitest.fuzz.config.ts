import { defineConfig } from 'vitest/config';
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';

// The full fuzzing run (`npm run test:fuzz`): the same suites `npm test` runs as seeded subsets, at
// FUZZ_RUNS cases each (default 20,000), optionally with another FUZZ_SEED. workerd sees them as bindings.
const FUZZ_RUNS = process.env.FUZZ_RUNS ?? '20000';
const FUZZ_SEED = process.env.FUZZ_SEED ?? '';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'fuzz-node',
          include: ['test/fuzz/**/*.test.ts'],
          environment: 'node',
          env: { FUZZ_RUNS, FUZZ_SEED },
          testTimeout: 1_800_000,
        },
      },
      {
        plugins: [cloudflareTest({ main: './worker/index.ts', wrangler: { configPath: './wrangler.toml' }, miniflare: { bindings: { FUZZ_RUNS, FUZZ_SEED } } })],
        test: {
          name: 'fuzz-workerd',
          include: ['test/workerd/fuzz/**/*.test.ts'],
          testTimeout: 1_800_000,
        },
      },
    ],
  },
});
