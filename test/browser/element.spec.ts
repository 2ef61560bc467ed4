/**
 * <dln-sim> in headless Chromium: configured by attributes, it trains and sends its events with
 * typed details (and the numbers of a Float64 Node run); a bad attribute gives an `error` event;
 * autoplay waits until the element is on screen; removing it releases its worker and GPU.
 */
import { expect, test, type Page } from '@playwright/test';
import fc from 'fast-check';
import { CONFIG_ATTRIBUTES } from '../../src/element/attributes.js';
import type { Config } from '../../src/config/types.js';
import { LOSS_TOLERANCE, SMALL_CONFIG, referenceRun } from './reference-run.js';

interface LoggedEvent {
  id: string;
  type: string;
  detail: Record<string, unknown> & {
    runIds?: number[];
    step?: number;
    losses?: number[];
    field?: string;
    steps?: number[];
  };
}

const CONFIG: Config = {
  ...SMALL_CONFIG,
  train: { ...SMALL_CONFIG.train, steps: 200 },
  record: { every: 20 },
  seeds: 2,
};

async function open(page: Page): Promise<void> {
  await page.goto('/test/browser/pages/element.html');
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
}

/** Adds a <dln-sim> with `attributes` (after `spacer` pixels of page, to place it off screen). */
async function addElement(page: Page, id: string, attributes: Record<string, string>, spacer = 0): Promise<void> {
  await page.evaluate(
    ({ id, attributes, spacer }) => {
      if (spacer) {
        const gap = document.createElement('div');
        gap.style.height = `${spacer}px`;
        document.body.append(gap);
      }
      const element = document.createElement('dln-sim');
      element.id = id;
      for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
      document.body.append(element);
    },
    { id, attributes, spacer },
  );
}

const events = (page: Page, id: string) =>
  page.evaluate((id) => (window as unknown as { events: LoggedEvent[] }).events.filter((e) => e.id === id), id);

test('trains from its attributes and emits ready, record, progress and done', async ({ page }) => {
  await open(page);
  await addElement(page, 'sim', { config: JSON.stringify(CONFIG), depth: '2', autoplay: '' });
  await expect(page.locator('#sim')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });

  const log = await events(page, 'sim');
  const types = log.map((e) => e.type);
  expect(types[0]).toBe('ready');
  expect(types[types.length - 1]).toBe('done');
  expect(types).toContain('progress');
  const records = log.filter((e) => e.type === 'record');
  expect(records.map((r) => r.detail.step)).toEqual([0, 20, 40, 60, 80, 100, 120, 140, 160, 180, 200]);
  expect(records[0]!.detail.runIds).toEqual([0, 1]);
  expect(log.find((e) => e.type === 'done')!.detail.steps).toEqual([200]);

  // The depth attribute overrides the config; the losses are those of the same config in Node.
  const config: Config = { ...CONFIG, network: { depth: 2, width: 8 } };
  const reference = referenceRun(config, 200);
  records[records.length - 1]!.detail.losses!.forEach((loss, b) =>
    expect(Math.abs(loss - reference[b]!.loss) / reference[b]!.loss).toBeLessThan(LOSS_TOLERANCE),
  );

  // The shadow root shows the step reached and both plots.
  await expect(page.locator('#sim .step')).toHaveText('200');
  await expect(page.locator('#sim .plot canvas')).toHaveCount(2);
});

test('runs the step kernel its config names: train.kernel=fused gives the fused path and the Float64 losses', async ({
  page,
}) => {
  await open(page);
  await addElement(page, 'fused', { config: JSON.stringify(CONFIG), set: 'train.kernel=fused', autoplay: '' });
  await expect(page.locator('#fused')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  const log = await events(page, 'fused');
  expect((log[0]!.detail.batches as { kernel: string }[]).map((b) => b.kernel)).toEqual(['fused']);
  const reference = referenceRun(CONFIG, 200);
  log
    .filter((e) => e.type === 'record')
    .pop()!
    .detail.losses!.forEach((loss, b) =>
      expect(Math.abs(loss - reference[b]!.loss) / reference[b]!.loss).toBeLessThan(LOSS_TOLERANCE),
    );
});

test('a bad attribute gives an error event naming the field', async ({ page }) => {
  await open(page);
  await addElement(page, 'bad', { config: JSON.stringify(CONFIG), lr: '-0.1' });
  await expect(page.locator('#bad')).toHaveAttribute('data-state', 'error', { timeout: 60_000 });
  const [error] = (await events(page, 'bad')).filter((e) => e.type === 'error');
  expect(error!.detail.field).toBe('train.lr');
  await expect(page.locator('#bad .message')).toContainText('train.lr');

  // Fixing the attribute rebuilds the networks.
  await page.locator('#bad').evaluate((element) => element.setAttribute('lr', '0.05'));
  await expect(page.locator('#bad')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
});

test('a network too large for the device gives an error event naming network.widths, before any buffer is made', async ({
  page,
}) => {
  await open(page);
  const huge: Config = { ...CONFIG, network: { widths: [6, 100000, 100000, 6] } };
  await addElement(page, 'huge', { config: JSON.stringify(huge) });
  await expect(page.locator('#huge')).toHaveAttribute('data-state', 'error', { timeout: 60_000 });
  const [error] = (await events(page, 'huge')).filter((e) => e.type === 'error');
  expect(error!.detail.field).toBe('network.widths');
  await expect(page.locator('#huge .message')).toContainText('one network needs a GPU buffer of 74.51 GiB');
});

test('random attribute values end ready or in an error event naming a field, with no page error', async ({ page }) => {
  // Few runs: each builds a worker and a device. test/unit/fuzz.test.ts searches the same attribute
  // space in Node, hundreds of times.
  const RUNS = 8;
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await open(page);
  const value = fc.oneof(
    { arbitrary: fc.constantFrom('2', '3', '4', '0.05', '0.1'), weight: 4 },
    fc.constantFrom(
      '0',
      '-1',
      '1e9',
      'NaN',
      'Infinity',
      '',
      'abc',
      '3',
      '0.05',
      '[1,2]',
      '{"a":1}',
      'saddle-to-saddle',
      'train.lr=0.1',
      'network.width=100000',
      'seeds="x"',
    ),
    fc.string({ maxLength: 12 }),
  );
  const attributes = fc.dictionary(fc.constantFrom(...CONFIG_ATTRIBUTES.filter((name) => name !== 'config')), value, {
    minKeys: 1,
    maxKeys: 2,
  });
  let ready = 0;
  let refused = 0;
  let n = 0;
  await fc.assert(
    fc.asyncProperty(attributes, async (chosen) => {
      const id = `fuzz-${n++}`;
      // On the small config, so that what validates builds quickly.
      await addElement(page, id, { config: JSON.stringify(CONFIG), ...chosen });
      await expect(page.locator(`#${id}`)).toHaveAttribute('data-state', /^(ready|error)$/, { timeout: 60_000 });
      const state = await page.locator(`#${id}`).getAttribute('data-state');
      if (state === 'error') {
        const [error] = (await events(page, id)).filter((e) => e.type === 'error');
        expect(error?.detail.field, JSON.stringify({ chosen, error })).toBeTruthy();
        refused++;
      } else ready++;
      await page.locator(`#${id}`).evaluate((element) => element.remove());
    }),
    { numRuns: RUNS },
  );
  console.log(
    `fuzz <dln-sim> in the page: ${RUNS} attribute sets, ${ready} ready, ${refused} refused with a named field`,
  );
  expect(pageErrors).toEqual([]);
});

test('autoplay waits until the element is on screen', async ({ page }) => {
  await open(page);
  await addElement(page, 'below', { config: JSON.stringify(CONFIG), autoplay: '' }, 4000);
  await expect(page.locator('#below')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await page.waitForTimeout(500);
  expect((await events(page, 'below')).some((e) => e.type === 'record')).toBe(false);

  await page.locator('#below').scrollIntoViewIfNeeded();
  await expect(page.locator('#below')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
});

test('removing the element releases its worker and GPU', async ({ page }) => {
  await open(page);
  await addElement(page, 'gone', { config: JSON.stringify(CONFIG) });
  await expect(page.locator('#gone')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  const workers = page.workers().length;
  expect(workers).toBeGreaterThan(0);
  const terminated = new Promise<void>((resolve) =>
    page
      .workers()
      .at(-1)!
      .once('close', () => resolve()),
  );
  await page.locator('#gone').evaluate((element) => element.remove());
  await terminated;
  expect(await page.locator('#gone').count()).toBe(0);
  expect(page.workers().length).toBe(workers - 1);
});

test('an unedited preset shows its own figure when it is done', async ({ page }) => {
  test.setTimeout(180_000);
  await open(page);
  await addElement(page, 'fig', { preset: 'depth-l2', autoplay: '' });
  await expect(page.locator('#fig')).toHaveAttribute('data-state', 'done', { timeout: 150_000 });
  await expect(page.locator('#fig .figures figure')).toHaveCount(1);
  expect(await page.locator('#fig .figures circle').count()).toBeGreaterThan(16);
  await page.locator('#fig').screenshot({ path: '.test-results/element-figure-depth-l2.png' });
});
