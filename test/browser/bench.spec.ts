/**
 * The bench page (bench/browser) in headless Chromium. By default a seconds-long smoke workload:
 * it checks that the page runs the engine and every baseline (TF.js on the browser's WebGPU
 * included) and that their losses agree, and that it times the fused and the layered step kernel
 * on the same workload with agreeing losses; it asserts nothing about speed.
 *
 * `npm run bench:browser` sets DLNSIM_BENCH=1 to run the standard workloads instead and write
 * bench/results-browser.json; DLNSIM_BENCH_QUERY passes the page's options (e.g. `quick&only=mid`).
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { expect, test } from '@playwright/test';
// Types only: the bench modules import WGSL with `?raw`, which only Vite can load.
import type { BenchReport } from '../../bench/report.js';

const mode = process.env.DLNSIM_BENCH === '1';
const query = mode ? `?${process.env.DLNSIM_BENCH_QUERY ?? ''}` : '?smoke';

test('bench page runs the engine and the baselines, and their losses agree', async ({ page }) => {
  test.setTimeout(mode ? 3 * 3600_000 : 120_000);
  await page.exposeFunction('dlnsimLoadAverage', () => loadavg());
  await page.goto(`/bench/browser/index.html${query}`);
  await page.waitForSelector('body[data-done]', { timeout: mode ? 0 : 110_000 });
  const outcome = await page.evaluate(
    () => (window as { dlnsimBench?: { report?: unknown; table?: string; error?: string } }).dlnsimBench,
  );
  expect(outcome?.error).toBeUndefined();
  const report = outcome!.report as BenchReport;
  expect(report.workloads.length).toBeGreaterThan(0);
  for (const workload of report.workloads) {
    expect(workload.baselines.map((b) => b.name)).toEqual(['reference', 'float32', 'tfjs']);
    for (const baseline of workload.baselines)
      expect(baseline.relativeDifference, `${workload.workload.name}: ${baseline.name}`).toBeLessThanOrEqual(
        report.lossTolerance,
      );
    const kernels = workload.kernels;
    if (!kernels) throw new Error(`${workload.workload.name}: no fused-vs-layered comparison`);
    // Standard workloads the fused kernel cannot hold (mid, large, linearized) say why; smoke fits it.
    if ('skipped' in kernels) {
      expect(mode, kernels.skipped).toBe(true);
      continue;
    }
    expect([kernels.fused.kernel, kernels.layered.kernel]).toEqual(['fused', 'layered']);
    expect(kernels.fused.networkStepsPerSecond).toBeGreaterThan(0);
    expect(kernels.ratio).toBeCloseTo(kernels.fused.networkStepsPerSecond / kernels.layered.networkStepsPerSecond, 6);
    expect(kernels.relativeDifference, `${workload.workload.name}: fused vs layered`).toBeLessThanOrEqual(
      report.lossTolerance,
    );
    expect(outcome!.table).toMatch(
      new RegExp(`\\| ${workload.workload.name} \\| [\\d,.]+ \\| [\\d,.]+ \\| [\\d.]+× \\| \\S+ ok \\|`),
    );
  }
  if (mode) {
    writeFileSync('bench/results-browser.json', `${JSON.stringify(report, null, 2)}\n`);
    console.log(outcome!.table);
  }
});
