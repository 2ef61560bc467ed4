/**
 * The host side's cost grows linearly with the number of runs: the pipeline of bench/host-pipeline.ts
 * (expansion, batch planning, analysis, two shards' summary, trace and report, their merge, the
 * overview, reading back) on synthetic results of N = 10³ and 10⁵ runs, without the GPU. It counts work, not time: every
 * property read of an analysed run goes through a counting Proxy, and the reads per run must not
 * grow with N (a stage that scans the runs once per run or per sweep point would multiply them by
 * 100). The outputs that must not grow with N (summary.json in the Parquet format, the overview,
 * report.html) are measured too. The bench row `host-scaling` times the same pipeline.
 */
import { describe, expect, it } from 'vitest';
import type { ExperimentRun } from '../../src/experiment/types.js';
import { hostPipeline } from '../../bench/host-pipeline.js';

async function countedPipeline(seeds: number) {
  let reads = 0;
  const wrap = (run: ExperimentRun) =>
    new Proxy(run, {
      get(target, key, receiver) {
        reads++;
        return Reflect.get(target, key, receiver);
      },
    });
  const sizes = await hostPipeline(seeds, { wrap });
  return { ...sizes, readsPerRun: reads / seeds };
}

describe('host pipeline scaling (synthetic results, no GPU)', () => {
  it('does the same work per run at 10³ and 10⁵ runs, and its summaries stay small', async () => {
    const small = await countedPipeline(1_000);
    const large = await countedPipeline(100_000);
    // Each stage reads each run a fixed number of times: ~55 reads per run in all with JSON, ~71 with
    // Parquet (its writer reads each run twice: once for the columns, once for the values).
    expect(small.readsPerRun).toBeGreaterThan(10);
    expect(large.readsPerRun).toBeLessThan(1.5 * small.readsPerRun);
    // 10³ runs: JSON + CSV, the runs in summary.json; 10⁵: Parquet, summary.json only the experiment and its sweep point.
    expect(small.runsBytes).toBe(0);
    expect(large.runsBytes).toBeGreaterThan(0);
    expect(large.summaryBytes).toBeLessThan(16_384);
    // Never a line or a table row per run.
    expect(large.overviewLines).toBe(small.overviewLines);
    expect(large.reportBytes).toBeLessThan(1.2 * small.reportBytes);
    // Parquet's trace is smaller than the CSV at a hundredth of the runs' … per run, by a wide margin.
    expect(large.traceBytes / 100_000).toBeLessThan((0.25 * small.traceBytes) / 1_000);
  }, 120_000);
});
