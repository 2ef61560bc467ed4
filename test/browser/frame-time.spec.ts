/**
 * The demo stays interactive at ensemble scale: frame times (requestAnimationFrame intervals) while
 * the demo trains and its plots update. By default a smoke run (64 networks, a few seconds) that
 * checks frames keep coming and reports them; `npm run bench:frames` (DLNSIM_BENCH=1) trains 1024
 * networks and writes bench/results-frames.json. No assertion on speed: numbers go to bench/README.
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { expect, test } from '@playwright/test';
import type { Config } from '../../src/config/types.js';

const bench = process.env.DLNSIM_BENCH === '1';
const NETWORKS = bench ? 1024 : 64;
const SECONDS = bench ? 20 : 4;

const config: Config = {
  name: 'frame-time',
  task: { kind: 'factorization', target: { rows: 4, cols: 4, singularValues: [4, 2, 1], seed: 1 } },
  network: { depth: 3, width: 4 },
  init: { kind: 'gaussian', std: 0.05, seed: 0 },
  train: { lr: 0.01, steps: 200_000 },
  record: { every: 10 },
  seeds: NETWORKS,
};

test(`frame times while ${NETWORKS} networks train and the plots update`, async ({ page }) => {
  test.setTimeout((SECONDS + 90) * 1000);
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto(`/demo/index.html?config=${encodeURIComponent(JSON.stringify(config))}`);
  await expect(page.locator('body')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await page.click('#play');
  await expect(page.locator('body')).toHaveAttribute('data-state', 'training');
  const frames = await page.evaluate(
    (seconds) =>
      new Promise<number[]>((resolve) => {
        const times: number[] = [];
        const start = performance.now();
        const tick = (now: number) => {
          times.push(now);
          if (now - start < seconds * 1000) requestAnimationFrame(tick);
          else resolve(times.slice(1).map((t, i) => t - times[i]!));
        };
        requestAnimationFrame(tick);
      }),
    SECONDS,
  );
  const recorded = Number(await page.locator('body').getAttribute('data-recorded-step'));
  await page.click('#play'); // pause
  const sorted = [...frames].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const report = {
    networks: NETWORKS,
    seconds: SECONDS,
    frames: frames.length,
    medianMs: at(0.5),
    p95Ms: at(0.95),
    maxMs: sorted[sorted.length - 1],
    recordedStep: recorded,
    loadAverage: loadavg(),
  };
  console.log(
    `frame time, ${NETWORKS} networks training: median ${report.medianMs.toFixed(1)} ms, p95 ${report.p95Ms.toFixed(1)} ms over ${frames.length} frames (step ${recorded} recorded; load ${report.loadAverage.map((l) => l.toFixed(2)).join(' ')})`,
  );
  expect(frames.length).toBeGreaterThan(SECONDS);
  expect(recorded).toBeGreaterThan(0);
  if (bench) writeFileSync('bench/results-frames.json', `${JSON.stringify(report, null, 2)}\n`);
});
