import { shape, toBox } from './shapes';
import type { Page } from 'playwright-core';
import type { ShapeName } from './shapes';

async function padBox(page: Page): Promise<{ x: number; y: number; width: number; height: number }> {
  const pad = page.getByTestId('pad');
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  if (!box) throw new Error('the drawing pad is not visible');
  return box;
}

/** Draws a shape on the demo's pad with the mouse (pointerType 'mouse'). */
export async function drawWithMouse(page: Page, name: ShapeName, seed: number): Promise<void> {
  for (const stroke of toBox(shape(name, seed), await padBox(page))) {
    await page.mouse.move(stroke[0]!.x, stroke[0]!.y);
    await page.mouse.down();
    for (const p of stroke.slice(1)) await page.mouse.move(p.x, p.y, { steps: 2 });
    await page.mouse.up();
  }
}

/** Draws a shape with a finger (CDP touch events, so the page sees pointerType 'touch'). */
export async function drawWithTouch(page: Page, name: ShapeName, seed: number): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  try {
    for (const stroke of toBox(shape(name, seed), await padBox(page))) {
      const at = (p: { x: number; y: number }) => [{ x: p.x, y: p.y, id: 1 }];
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: at(stroke[0]!) });
      for (const p of stroke.slice(1)) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: at(p) });
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    }
  } finally {
    await cdp.detach();
  }
}
