/**
 * The demo page in headless Chromium (WebGPU on SwiftShader when there is no GPU): it loads a
 * config from the URL, trains it in the worker, updates its plots, shows the numbers a Float64
 * Node run of the same config and seeds gives, round-trips its state through the URL, exports the
 * CLI's files, survives a lost device, and fails visibly on bad input.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import fc from 'fast-check';
import type { Config } from '../../src/config/types.js';
import { LOSS_TOLERANCE, SINGULAR_TOLERANCE, SMALL_CONFIG, referenceRun } from './reference-run.js';

const demoUrl = (config: Config, extra = '') =>
  `/demo/index.html?config=${encodeURIComponent(JSON.stringify(config))}${extra}`;

async function waitForState(page: Page, state: string): Promise<void> {
  await expect(page.locator('body')).toHaveAttribute('data-state', state, { timeout: 60_000 });
}

/** The networks table's exact values: loss and σ₁…σ₄ per run id. */
async function shownNumbers(page: Page) {
  return page.locator('#runs tbody tr').evaluateAll((rows) =>
    rows.map((row) => {
      const value = (column: string) =>
        Number(row.querySelector<HTMLElement>(`[data-column="${column}"]`)?.dataset.value ?? NaN);
      return {
        id: Number((row as HTMLElement).dataset.run),
        step: value('step'),
        loss: value('loss'),
        singularValues: ['σ1', 'σ2', 'σ3', 'σ4'].map(value),
      };
    }),
  );
}

function expectMatchesReference(shown: Awaited<ReturnType<typeof shownNumbers>>, config: Config, steps: number): void {
  const reference = referenceRun(config, steps);
  expect(shown.map((s) => s.id)).toEqual(reference.map((r) => r.id));
  for (const [i, network] of reference.entries()) {
    expect(shown[i]!.step).toBe(steps);
    expect(Math.abs(shown[i]!.loss - network.loss) / network.loss).toBeLessThan(LOSS_TOLERANCE);
    shown[i]!.singularValues.forEach((s, k) =>
      expect(Math.abs(s - network.singularValues[k]!)).toBeLessThan(SINGULAR_TOLERANCE * network.singularValues[0]!),
    );
  }
}

test('trains a small config from the URL, updates its plots, shows the numbers of a Float64 Node run', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1440, height: 1300 });
  await page.goto(demoUrl(SMALL_CONFIG));
  await waitForState(page, 'ready');
  // train.kernel "auto": the engine keeps the layered step on a software adapter (docs/engine.md).
  const software = await page.locator('#adapter').evaluate((badge) => badge.classList.contains('software'));
  await expect(page.locator('#status-path')).toHaveText(software ? 'layered step' : 'fused step');
  await page.click('#play');
  await waitForState(page, 'done');

  // Steps 5, 10, …, 300 on the log-time axes (step 0 has no place there).
  for (const plot of ['loss', 'singular', 'rank'])
    await expect(page.locator(`[data-plot="${plot}"]`)).toHaveAttribute('data-points', '60');
  await expect(page.locator('#status-step')).toHaveText('300');
  expectMatchesReference(await shownNumbers(page), SMALL_CONFIG, 300);

  // The learned matrix is drawn and close to the target at the rank-3 saddle.
  await expect(page.locator('#heatmap-learned-label')).toContainText('step 300');
  await expect(page.locator('#runs tbody tr').first()).toContainText('done');

  await page.waitForTimeout(300); // let the 3D view draw its last frame
  await page.screenshot({ path: '.test-results/demo.png', fullPage: true });
});

test('a sweep over depth trains one batch per shape and shows the view across the sweep', async ({ page }) => {
  const config: Config = {
    ...SMALL_CONFIG,
    seeds: 1,
    train: { ...SMALL_CONFIG.train, steps: 200 },
    record: { every: 10 },
    sweep: { 'network.depth': [2, 3] },
  };
  await page.goto(demoUrl(config));
  await waitForState(page, 'ready');
  await expect(page.locator('#panel-sweep')).toBeVisible();
  await expect(page.locator('#sweep-x')).toHaveValue('network.depth');
  await page.click('#play');
  await waitForState(page, 'done');
  const shown = await shownNumbers(page);
  const reference = referenceRun(config, 200);
  expect(shown.map((s) => s.step)).toEqual([200, 200]);
  shown.forEach((network, i) =>
    expect(Math.abs(network.loss - reference[i]!.loss) / reference[i]!.loss).toBeLessThan(LOSS_TOLERANCE),
  );
  await expect(page.locator('#runs tbody tr').nth(1)).toContainText('network.depth = 3');
});

test('the status line names the step path the engine runs: fused from the URL, both in a sweep over train.kernel, the flow', async ({
  page,
}) => {
  await page.goto(demoUrl(SMALL_CONFIG, '&train.kernel=fused'));
  await waitForState(page, 'ready');
  await expect(page.locator('#status-path')).toHaveText('fused step');
  await page.click('#play');
  await waitForState(page, 'done');
  // The fused kernel, with the heatmaps' record.matrices the demo adds, gives the Float64 numbers.
  expectMatchesReference(await shownNumbers(page), SMALL_CONFIG, 300);

  // train.kernel is part of the batch key, so this sweep trains one batch on each path.
  const sweep: Config = { ...SMALL_CONFIG, seeds: 1, sweep: { 'train.kernel': ['fused', 'layered'] } };
  await page.goto(demoUrl(sweep));
  await waitForState(page, 'ready');
  await expect(page.locator('#status-path')).toHaveText('fused + layered steps');

  await page.goto(demoUrl(SMALL_CONFIG, '&train.method=flow'));
  await waitForState(page, 'ready');
  await expect(page.locator('#status-path')).toHaveText('flow step');
});

test('a preset from the URL, with edits, fills the form', async ({ page }) => {
  await page.goto('/demo/index.html?preset=saddle-to-saddle&seeds=2&train.steps=100');
  await waitForState(page, 'ready');
  await expect(page.locator('select[name="preset"]')).toHaveValue('saddle-to-saddle');
  await expect(page.locator('input[name="seeds"]')).toHaveValue('2');
  await expect(page.locator('input[name="steps"]')).toHaveValue('100');
  await expect(page.locator('#runs tbody tr')).toHaveCount(2);
});

test('marks the plateaus it detects on the loss plot: the start, the three saddles and convergence', async ({
  page,
}) => {
  await page.goto('/demo/index.html?preset=saddle-to-saddle&seeds=1');
  await waitForState(page, 'ready');
  await page.click('#play');
  await waitForState(page, 'done');
  await expect(page.locator('[data-plot="loss"]')).toHaveAttribute('data-plateaus', '5');
  await page.locator('[data-plot="loss"]').screenshot({ path: '.test-results/demo-plateaus.png' });
});

test('URL state round-trips: edits and view choices restore the same page', async ({ page }) => {
  await page.goto(demoUrl(SMALL_CONFIG, '&network.depth=2&train.lr=0.1&show-run=1'));
  await waitForState(page, 'ready');
  await expect(page.locator('input[name="depth"]')).toHaveValue('2');
  await expect(page.locator('input[name="lr"]')).toHaveValue('0.1');
  await expect(page.locator('#runs tr[data-run="1"]')).toHaveClass(/selected/);

  await page.fill('input[name="width"]', '7');
  await page.press('input[name="width"]', 'Enter');
  await page.locator('input[name="width"]').blur();
  await waitForState(page, 'ready');
  await expect(page).toHaveURL(/network\.width=7/);
  await page.click('#runs tr[data-run="2"]');
  await expect(page).toHaveURL(/show-run=2/);

  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.click('#copy-link');
  await expect(page.locator('#copy-link')).toHaveAttribute('data-link', page.url());
  const link = page.url();

  await page.goto(link);
  await waitForState(page, 'ready');
  await expect(page.locator('input[name="width"]')).toHaveValue('7');
  await expect(page.locator('input[name="depth"]')).toHaveValue('2');
  await expect(page.locator('input[name="lr"]')).toHaveValue('0.1');
  await expect(page.locator('#runs tr[data-run="2"]')).toHaveClass(/selected/);
  expect(page.url()).toBe(link);
});

test('a bad config in the URL shows what is wrong instead of a blank page', async ({ page }) => {
  await page.goto(demoUrl(SMALL_CONFIG, '&train.lr=-1'));
  await expect(page.locator('.fatal')).toBeVisible();
  await expect(page.locator('.fatal')).toContainText('train.lr');
  await expect(page.locator('.fatal a')).toHaveAttribute('href', '/demo/index.html');

  await page.goto(demoUrl(SMALL_CONFIG, '&train.learningRate=0.1'));
  await expect(page.locator('.fatal')).toContainText('did you mean `train.lr`');

  await page.goto('/demo/index.html?config={"task":');
  await expect(page.locator('.fatal')).toContainText('not valid JSON');
});

test('a network too large for the device is refused with the message naming network.width, before any buffer is made', async ({
  page,
}) => {
  await page.goto(demoUrl(SMALL_CONFIG, '&network.width=100000'));
  await waitForState(page, 'error');
  await expect(page.locator('[data-notice="error"]')).toContainText('Config error in network.width');
  await expect(page.locator('[data-notice="error"]')).toContainText('one network needs a GPU buffer of 74.51 GiB');
});

test('random URL states load, or show an error naming a field, with no page error', async ({ page }) => {
  // Few runs: each loads the page and a device. test/unit/fuzz.test.ts searches URL states in Node.
  const RUNS = 4;
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const key = fc.constantFrom(
    'network.width',
    'network.depth',
    'train.lr',
    'seeds',
    'init.std',
    'record.every',
    'task.kind',
    'show-run',
    'sweep-x',
    'nope',
    'train.lr.x',
  );
  const value = fc.oneof(
    fc.constantFrom('2', '0.05', '-1', '1e9', 'NaN', '"x"', '[1,2]', '100000', ''),
    fc.string({ maxLength: 8 }),
  );
  let loaded = 0;
  let refused = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(key, value), { minLength: 1, maxLength: 2 }), async (edits) => {
      await page.goto(demoUrl(SMALL_CONFIG, `&${new URLSearchParams(edits).toString()}`));
      const fatal = page.locator('.fatal');
      await expect(page.locator('body[data-state="ready"], body[data-state="error"], .fatal').first()).toBeVisible({
        timeout: 60_000,
      });
      if (await fatal.count()) {
        await expect(fatal).toContainText('config field `');
        refused++;
      } else if ((await page.locator('body').getAttribute('data-state')) === 'error') {
        await expect(page.locator('[data-notice="error"]')).toContainText('Config error in ');
        refused++;
      } else loaded++;
    }),
    { numRuns: RUNS },
  );
  console.log(
    `fuzz demo URL states in the page: ${RUNS} URLs, ${loaded} loaded, ${refused} refused with a named field`,
  );
  expect(pageErrors).toEqual([]);
});

test('a form value that cannot be a config field is marked, and nothing is rebuilt', async ({ page }) => {
  await page.goto(demoUrl(SMALL_CONFIG));
  await waitForState(page, 'ready');
  const url = page.url();
  await page.fill('input[name="depth"]', 'three');
  await page.locator('input[name="depth"]').blur();
  await expect(page.locator('input[name="depth"]')).toHaveClass(/invalid/);
  await expect(page.locator('label:has(input[name="depth"]) .field-error')).toContainText('whole number');
  expect(page.url()).toBe(url);
});

test('exports the CLI summary.json and trace.csv of what it trained', async ({ page }) => {
  const config: Config = { ...SMALL_CONFIG, train: { ...SMALL_CONFIG.train, steps: 100 }, record: { every: 20 } };
  await page.goto(demoUrl(config));
  await waitForState(page, 'ready');
  await page.click('#play');
  await waitForState(page, 'done');
  const shown = await shownNumbers(page);

  const [summaryDownload] = await Promise.all([page.waitForEvent('download'), page.click('#export-summary')]);
  expect(summaryDownload.suggestedFilename()).toBe('summary.json');
  const summary = JSON.parse(readFileSync((await summaryDownload.path())!, 'utf8'));
  expect(summary.runs).toHaveLength(3);
  for (const [i, run] of summary.runs.entries()) {
    expect(run.id).toBe(i);
    expect(run.finalStep).toBe(100);
    expect(run.finalLoss).toBe(shown[i]!.loss);
    expect(run.singularValues[0]).toBe(shown[i]!.singularValues[0]);
    expect(run.diverged).toBe(false);
  }
  expect(summary.device.fallback).toBe(true);

  const [traceDownload] = await Promise.all([page.waitForEvent('download'), page.click('#export-trace')]);
  expect(traceDownload.suggestedFilename()).toBe('trace.csv');
  const lines = readFileSync((await traceDownload.path())!, 'utf8')
    .trim()
    .split('\n');
  expect(lines[0]).toBe(
    'run,step,time,loss,objective,testError,lazyDeviation,unobservedChange,logVolume,entropy,sv1,sv2,sv3,sv4,sv5,sv6',
  );
  expect(lines).toHaveLength(1 + 3 * 6); // 3 runs × steps 0, 20, …, 100
  const last = lines[lines.length - 1]!.split(',');
  expect(Number(last[0])).toBe(2);
  expect(Number(last[1])).toBe(100);
  expect(Number(last[2])).toBeCloseTo(100 * config.train.lr, 12);
  expect(Number(last[3])).toBeCloseTo(shown[2]!.loss, 6);
});

test('recovers from a lost device and finishes with the same numbers', async ({ page }) => {
  await page.goto(demoUrl(SMALL_CONFIG));
  await waitForState(page, 'ready');
  for (let i = 0; i < 3; i++) {
    await page.click('#step');
    await waitForState(page, 'done');
  }
  await expect(page.locator('#status-step')).toHaveText('15');
  await page.evaluate(() => (window as unknown as { dlnsimDemo: { loseDevice(): void } }).dlnsimDemo.loseDevice());
  await expect(page.locator('[data-notice="device"]')).toContainText('Recovered', { timeout: 60_000 });
  await expect(page.locator('[data-notice="device"]')).toContainText('step 15');
  await page.click('#play');
  await waitForState(page, 'done');
  expectMatchesReference(await shownNumbers(page), SMALL_CONFIG, 300);
});

test('says so when the adapter is a software fallback', async ({ page }) => {
  await page.goto(demoUrl(SMALL_CONFIG));
  await waitForState(page, 'ready');
  const software = await page.locator('#adapter').evaluate((badge) => badge.classList.contains('software'));
  test.skip(!software, 'this machine has a hardware GPU');
  await expect(page.locator('[data-notice="fallback"]')).toContainText('software GPU');
  await expect(page.locator('[data-notice="fallback"]')).toContainText('hardware acceleration');
});

test('says clearly when the browser has no WebGPU', async ({ page }) => {
  await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined }));
  await page.goto(demoUrl(SMALL_CONFIG));
  await expect(page.locator('.fatal h1')).toHaveText('WebGPU is not available in this browser');
  await expect(page.locator('.fatal')).toContainText('enable-unsafe-webgpu');
});

test('256 networks read at a glance: bands and legend per sweep point, one page of the table', async ({ page }) => {
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto('/demo/index.html?preset=infinite-depth-completion');
  await waitForState(page, 'ready');
  // The preset's 6 depths × 256 seeds cut to 4 depths × 64 seeds, to keep this test's training short.
  // seeds is a Training knob (input name), the sweep a config field (data-path).
  for (const [selector, value] of [
    ['input[name="seeds"]', '64'],
    ['input[data-path="sweep[\\"train.flowDepth\\"]"]', '[5, 10, 20, "infinity"]'],
  ]) {
    const field = page.locator(selector);
    await field.fill(value);
    await field.press('Enter');
    await field.blur();
    await waitForState(page, 'ready');
  }
  await page.click('#play');
  await waitForState(page, 'done');
  // The legend lists the four sweep points (flow depths 5, 10, 20, ∞), not 256 networks.
  const points = page.locator('[data-legend="runs"] [data-point]');
  await expect(points).toHaveCount(4);
  await expect(points.first()).toContainText('64 networks');
  // One page of the table; the page stays under three screens.
  await expect(page.locator('#runs tbody tr')).toHaveCount(20);
  await expect(page.locator('.table-pager .page-label')).toHaveText('1–20 of 256');
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  expect(height).toBeLessThan(3 * 1000);
  // A 2×2 problem has two singular values: the trajectory view draws two axes.
  await expect(page.locator('#trajectories-title')).toHaveText('Trajectories of (σ1, σ2)');
  await expect(page.locator('#view3d')).toHaveAttribute('data-axes', '2');
  // Across the sweep: one median (with its band over the 64 seeds) per depth.
  await expect(page.locator('[data-plot="sweep-rank"]')).toHaveAttribute('data-points', '4');
  // A sweep point's entry lists its networks; sorting by loss orders the page.
  await points.nth(1).click();
  await expect(page.locator('.table-pager .page-label')).toHaveText('1–20 of 64');
  await page.click('#runs th[data-sort="loss"]');
  const losses = await page
    .locator('#runs tbody [data-column="loss"]')
    .evaluateAll((cells) => cells.map((c) => Number((c as HTMLElement).dataset.value)));
  expect(losses).toEqual([...losses].sort((a, b) => a - b));
  // Edited (fewer seeds and depths), the preset shows no verdict: a verdict judges the preset's own config only.
  await expect(page.locator('#panel-result')).toBeHidden();
  await page.screenshot({ path: '.test-results/demo-ensemble.png', fullPage: true });
});

test('the form shows every field the preset sets, edits them, and the URL round-trips to the same config', async ({
  page,
}) => {
  await page.goto('/demo/index.html?preset=infinite-depth-completion');
  await waitForState(page, 'ready');
  const sweep = page.locator('input[data-path="sweep[\\"train.flowDepth\\"]"]');
  await expect(sweep).toHaveValue('[2,3,5,10,20,"infinity"]');
  await expect(page.locator('input[data-path="train.method"]')).toHaveValue('flow');
  // The 2×2 target and its mask are grids.
  await expect(page.locator('.matrix-grid[data-path="task.target.matrix"] input')).toHaveCount(4);
  await expect(page.locator('.matrix-grid[data-path="task.mask"] input')).toHaveCount(4);
  // Edit the sweep axis and one mask entry: the URL records both, and reloading it gives the same config.
  await sweep.fill('[5, 10]');
  await sweep.press('Enter');
  await sweep.blur();
  await waitForState(page, 'ready');
  await expect(page).toHaveURL(/sweep/);
  const edited = await page.locator('#config-json').inputValue();
  expect(JSON.parse(edited).sweep['train.flowDepth']).toEqual([5, 10]);
  await page.goto(page.url());
  await waitForState(page, 'ready');
  expect(JSON.parse(await page.locator('#config-json').inputValue())).toEqual(JSON.parse(edited));
  await expect(page.locator('input[data-path="sweep[\\"train.flowDepth\\"]"]')).toHaveValue('[5,10]');
  // A bad value is marked with the field's message and changes nothing.
  const method = page.locator('input[data-path="train.method"]');
  await method.fill('sideways');
  await method.blur();
  await expect(method).toHaveClass(/invalid/);
  await expect(page.locator('input[data-path="train.method"] + .field-error')).toContainText('train.method');
});

test('an unedited preset ends with its verdict and its own figure in the result panel', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto('/demo/index.html?preset=l2-local-minima-completion');
  await waitForState(page, 'ready');
  await page.click('#play');
  await waitForState(page, 'done');
  await expect(page.locator('#panel-result')).toBeVisible();
  await expect(page.locator('#result-badge')).toHaveText(/PASS|FAIL/);
  // testError against J, a point per converged run.
  await expect(page.locator('#result-figures')).toHaveAttribute('data-figures', '1');
  expect(await page.locator('#result-figures circle').count()).toBeGreaterThan(10);
  await page.locator('#panel-result').screenshot({ path: '.test-results/demo-figure-l2-local-minima-completion.png' });
});
