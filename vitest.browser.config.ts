import { defineConfig } from 'vitest/config';

// Real-Chromium tests: Node drives Debian's chromium through playwright-core. Run by
// `npm run test:browser`, which builds dist/ first. One browser at a time (2 cores).
export default defineConfig({
  test: {
    name: 'browser',
    include: ['test/browser/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
