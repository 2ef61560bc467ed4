/**
 * Accessibility audit (axe-core) of the demo and of a page embedding <dln-sim>: no serious or
 * critical finding. Minor and moderate ones are printed, not failed on.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';

async function audit(page: Page, name: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const grave = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const lines = results.violations.map(
    (v) => `${v.impact}: ${v.id} (${v.nodes.length}) — ${v.help}; e.g. ${v.nodes[0]?.target.join(' ')}`,
  );
  console.log(`${name}: ${results.violations.length} finding(s)${lines.length ? `\n  ${lines.join('\n  ')}` : ''}`);
  expect(grave.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

test('the demo has no serious or critical accessibility finding', async ({ page }) => {
  await page.goto('/demo/index.html?preset=saddle-to-saddle&seeds=2&train.steps=100');
  await expect(page.locator('body')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await page.click('#play');
  await expect(page.locator('body')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await audit(page, 'demo');
  // The controls and the 3D view take keyboard focus.
  for (const id of ['#play', '#step', '#reset', '#view3d']) {
    await page.focus(id);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(id.slice(1));
  }
});

test('a page embedding <dln-sim> has no serious or critical accessibility finding', async ({ page }) => {
  await page.goto('/demo/element.html');
  await page.waitForFunction(
    () =>
      [...document.querySelectorAll('dln-sim')].every((e) =>
        ['ready', 'done', 'training', 'paused'].includes(e.getAttribute('data-state') ?? ''),
      ),
    undefined,
    { timeout: 60_000 },
  );
  await audit(page, '<dln-sim> page');
});
