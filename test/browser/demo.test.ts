import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drawWithMouse, drawWithTouch } from './draw';
import { loadDemo, openHarness } from './harness';
import type { Harness } from './harness';
import type { Page } from 'playwright-core';
import type { ShapeName } from './shapes';

const SCREENSHOT = 'test-output/browser/demo.png';
const SYMBOLS: ShapeName[] = ['circle', 'bar', 'cross'];

let h: Harness;

beforeAll(async () => {
  h = await openHarness();
});

afterAll(async () => {
  await h?.close();
});

/** Names the symbol rows and gives each `shots` mouse-drawn examples. */
async function teach(page: Page, names: ShapeName[], shots: number, seed0: number): Promise<void> {
  const rows = page.locator('[data-testid=symbols] li');
  for (const [i, name] of names.entries()) await rows.nth(i).locator('input').fill(name);
  for (const [i, name] of names.entries()) {
    for (let s = 0; s < shots; s++) {
      await drawWithMouse(page, name, seed0 + i * 100 + s);
      await rows.nth(i).locator('button[data-action=add]').click();
    }
    await expect.poll(() => rows.nth(i).locator('.thumb').count()).toBe(shots);
  }
}

async function adapt(page: Page): Promise<string> {
  const info = page.getByTestId('adapt-info');
  const before = await info.getAttribute('data-head-id');
  await page.getByTestId('adapt').click();
  await page.waitForFunction((prev) => {
    const el = document.querySelector('[data-testid=adapt-info]') as HTMLElement;
    return el.classList.contains('error') || (el.dataset.headId !== undefined && el.dataset.headId !== prev);
  }, before);
  expect(await info.getAttribute('class')).not.toContain('error');
  // The default model says whether its steps ran (the guard may keep it as it is).
  expect(await info.textContent()).toMatch(/(not )?fine-tuned/);
  return (await info.getAttribute('data-head-id'))!;
}

/** Draws a query (by touch), taps Predict and reads the label and every score. */
async function predictDrawing(page: Page, name: ShapeName, seed: number): Promise<{ label: string; scores: Record<string, number> }> {
  await page.getByRole('button', { name: 'Clear' }).click();
  await drawWithTouch(page, name, seed);
  await page.getByTestId('result').evaluate((el) => ((el as HTMLElement).hidden = true));
  await page.getByTestId('predict').click();
  await page.waitForSelector('[data-testid=result]:not([hidden])');
  const label = (await page.getByTestId('prediction').textContent())!;
  const scores = Object.fromEntries(
    await page.locator('[data-testid=scores] li').evaluateAll((lis) => lis.map((li) => [(li as HTMLElement).dataset.label!, Number((li as HTMLElement).dataset.score)])),
  ) as Record<string, number>;
  return { label, scores };
}

function expectDistribution(scores: Record<string, number>, labels: string[]): void {
  expect(Object.keys(scores).sort()).toEqual([...labels].sort());
  const total = Object.values(scores).reduce((a, b) => a + b, 0);
  expect(Math.abs(total - 1)).toBeLessThan(1e-5);
  for (const p of Object.values(scores)) expect(p).toBeGreaterThanOrEqual(0);
}

describe('demo page in headless Chromium', () => {
  let headId = '';

  it('loads, adapts to three drawn symbols and predicts a new drawing of each', async () => {
    const status = await loadDemo(h);
    expect(status).toMatch(/^Ready · .* wasm SIMD/);
    await teach(h.page, SYMBOLS, 4, 1);
    headId = await adapt(h.page);
    expect(headId).toMatch(/^[0-9a-f]{64}$/);
    for (const [i, name] of SYMBOLS.entries()) {
      const { label, scores } = await predictDrawing(h.page, name, 9000 + i);
      expect(label).toBe(name);
      expectDistribution(scores, SYMBOLS);
      expect(scores[name]).toBe(Math.max(...Object.values(scores)));
    }
    mkdirSync('test-output/browser', { recursive: true });
    await h.page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(h.errors).toEqual([]);
  });

  it('keeps the head in IndexedDB as encodeHead bytes, and predicts with it after a reload without adapting', async () => {
    const stored = await h.page.evaluate(async (id) => {
      const db = await new Promise<IDBDatabase>((res, rej) => {
        const r = indexedDB.open('fewshot-edge');
        r.onsuccess = () => res(r.result);
        r.onerror = () => rej(r.error);
      });
      const rec = await new Promise<{ bytes: Uint8Array; labels: string[] } | undefined>((res, rej) => {
        const r = db.transaction('heads').objectStore('heads').get(id);
        r.onsuccess = () => res(r.result);
        r.onerror = () => rej(r.error);
      });
      db.close();
      return rec && { magic: String.fromCharCode(...rec.bytes.subarray(0, 4)), length: rec.bytes.length, labels: rec.labels, version: db.version };
    }, headId);
    expect(stored).toMatchObject({ magic: 'FSHD', labels: SYMBOLS, version: 2 }); // the IndexedDB version (2: users' examples beside the heads)
    expect(stored!.length).toBeGreaterThan(64 * 3 * 4);

    await h.page.reload();
    await h.page.waitForSelector('[data-testid=status][data-state=ready]');
    const row = h.page.locator(`[data-testid=heads] li[data-head-id="${headId}"]`);
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.getAttribute('class')).toContain('active');
    // Nothing was taught since the reload: the head can only have come from IndexedDB.
    expect(await h.page.getByTestId('adapt').isDisabled()).toBe(true);
    const { label, scores } = await predictDrawing(h.page, 'circle', 9100);
    expect(label).toBe('circle');
    expectDistribution(scores, SYMBOLS);
  });

  it('adapts and predicts with the network cut off after the page loaded', async () => {
    await h.context.setOffline(true);
    try {
      const reachable = await h.page.evaluate(() => fetch('glyphs.fsb', { cache: 'no-store' }).then(() => true, () => false));
      expect(reachable).toBe(false);
      h.errors.length = 0; // the probe's own ERR_INTERNET_DISCONNECTED; from here on, nothing may fail
      const names: ShapeName[] = ['vee', 'bar'];
      await h.page.locator('[data-testid=symbols] li').nth(2).locator('button[aria-label="Remove symbol"]').click();
      await teach(h.page, names, 3, 500);
      const id = await adapt(h.page);
      expect(id).not.toBe(headId);
      const { label, scores } = await predictDrawing(h.page, 'vee', 9200);
      expect(label).toBe('vee');
      expectDistribution(scores, names);
      await expect.poll(() => h.page.locator('[data-testid=heads] li').count()).toBe(2);
    } finally {
      await h.context.setOffline(false);
    }
    expect(h.errors).toEqual([]);
  });
});
