import { defineConfig } from 'vitest/config';
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';

// Test tenants: sha256(key) → tenant, as the API_KEYS secret holds them in production.
const API_KEYS = JSON.stringify({
  ed5a18fb8f807f996d649e379d3f35f39c543a91bdbf88c492f2ebd10d4df86c: 'local', // local-dev-key
  '39a00d29356083a9c9d65c14652350d61b11d5d2e8582da510887c8e11be08c8': 'alpha', // key-alpha
  '8fd493b2a681a4810d9fd40526a9de960deb255e7bfbb1c4d509d06d6da6ff5b': 'beta', // key-beta
});

// Two runtimes, one suite: Node (the CLI, training, the core) and workerd (the worker, the same core).
export default defineConfig({
  test: {
    // The worker logs one JSON line per request; show console output only for failing tests.
    silent: 'passed-only',
    projects: [
      {
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/workerd/**', 'test/browser/**'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        plugins: [cloudflareTest({ main: './worker/index.ts', wrangler: { configPath: './wrangler.toml' }, miniflare: { bindings: { API_KEYS } } })],
        test: {
          name: 'workerd',
          include: ['test/workerd/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
