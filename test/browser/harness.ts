import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { serveDemo } from '../../scripts/serve-demo';
import type { BrowserContext, Page } from 'playwright-core';
import type { DemoServer } from '../../scripts/serve-demo';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Headless, no sandbox (CI runs as root), and nothing that phones home.
const ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface Harness {
  server: DemoServer;
  context: BrowserContext;
  page: Page;
  /** Everything the page logged as an error or threw (asserted empty by tests). */
  errors: string[];
  close(): Promise<void>;
}

/**
 * Serves dist/ (or `root`) on 127.0.0.1 and opens a phone-sized Chromium with a fresh profile
 * (IndexedDB survives reloads in it); `apiOrigins` join the page CSP's connect-src.
 */
export async function openHarness(opts: { root?: string; apiOrigins?: string[] } = {}): Promise<Harness> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium (see .ci/run)`);
  if (!existsSync('dist/demo/index.html') || !existsSync('dist/browser/fewshot.js')) throw new Error('dist/ is not built: run `npm run test:browser` (it builds first)');
  const server = await serveDemo(opts);
  const profile = mkdtempSync(join(tmpdir(), 'fewshot-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: ARGS,
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      hasTouch: true,
      timeout: 60_000,
    });
  } catch (e) {
    await server.close();
    rmSync(profile, { recursive: true, force: true });
    throw e;
  }
  // Only our own origin may be reached: anything else fails loudly instead of leaking.
  await context.route(/^(?!http:\/\/127\.0\.0\.1:)/, (route) => route.abort());
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return {
    server,
    context,
    page,
    errors,
    async close() {
      await context.close().catch(() => {});
      await server.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Loads the demo and waits until the runtime is up (or failed). */
export async function loadDemo(h: Harness): Promise<string> {
  await h.page.goto(`${h.server.url}/demo/`);
  await h.page.waitForSelector('[data-testid=status]:is([data-state=ready],[data-state=error])', { timeout: 60_000 });
  return (await h.page.textContent('[data-testid=status]')) ?? '';
}
