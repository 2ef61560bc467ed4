/**
 * The demo on every screen: at 1400, 768 and 390 px wide no two panels overlap, nothing is wider
 * than the viewport, and the page logs no console error. A screenshot of each width is saved under
 * .test-results.
 */
import { expect, test } from '@playwright/test';

for (const width of [1400, 768, 390]) {
  test(`layout at ${width} px: no overlap, no overflow, no console error`, async ({ page }) => {
    const errors: string[] = [];
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    page.on('pageerror', (error) => errors.push(error.message));
    await page.setViewportSize({ width, height: 900 });
    await page.goto('/demo/index.html?preset=saddle-to-saddle&seeds=2&train.steps=200');
    await expect(page.locator('body')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
    await page.click('#play');
    await expect(page.locator('body')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });

    const boxes = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('.topbar, .notices > *, aside.controls, .status, .panel')]
        .filter((element) => element.offsetParent !== null || getComputedStyle(element).position === 'fixed')
        .map((element) => {
          const r = element.getBoundingClientRect();
          return { name: element.id || element.className, x: r.x, y: r.y + scrollY, w: r.width, h: r.height };
        }),
    );
    expect(boxes.length).toBeGreaterThan(6);
    const overlaps: string[] = [];
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!;
        const b = boxes[j]!;
        const dx = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
        const dy = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
        if (dx > 1 && dy > 1) overlaps.push(`${a.name} × ${b.name}`);
      }
    }
    expect(overlaps).toEqual([]);
    const widest = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(widest).toBeLessThanOrEqual(width);
    // The header fits on one line (the logo, the link and the adapter badge).
    expect((await page.locator('.topbar').boundingBox())!.height).toBeLessThan(80);
    expect(errors).toEqual([]);
    await page.screenshot({ path: `.test-results/layout-${width}.png`, fullPage: true });
  });
}
