/**
 * The `host-scaling` bench row: the host pipeline (bench/host-pipeline.ts, no GPU) timed at
 * N = 10³, 10⁴, 10⁵ and 10⁶ runs of the 4×4 example, with the time per run at each N and each
 * stage's share. The goal (issue 20): time per run flat within 2× from 10³ to 10⁶, peak memory
 * below 2 GB at 10⁶. `--quick` stops at 10⁵. A pass at 10³ before the measured ones warms the JIT
 * up. Peak memory is the process's maximum resident set so far, so it is the largest N's (sizes
 * run in increasing order).
 */
import { hostPipeline } from './host-pipeline.js';

export interface HostScalingRow {
  runs: number;
  seconds: number;
  microsecondsPerRun: number;
  /** Seconds per stage, in pipeline order. */
  stages: Record<string, number>;
  peakRssMB: number;
  summaryBytes: number;
  runsBytes: number;
  traceBytes: number;
}

export async function hostScaling(quick: boolean, log: (line: string) => void): Promise<HostScalingRow[]> {
  const rows: HostScalingRow[] = [];
  // Once unmeasured first: the first pass pays the JIT's warm-up, which would be charged to 10³ alone.
  await hostPipeline(1e3);
  for (const runs of quick ? [1e3, 1e4, 1e5] : [1e3, 1e4, 1e5, 1e6]) {
    log(`host-scaling: ${runs} runs`);
    const stages: Record<string, number> = {};
    const start = performance.now();
    let last = start;
    const sizes = await hostPipeline(runs, {
      onStage: (stage) => {
        const now = performance.now();
        stages[stage] = (stages[stage] ?? 0) + (now - last) / 1000;
        last = now;
      },
    });
    const seconds = (performance.now() - start) / 1000;
    rows.push({
      runs,
      seconds,
      microsecondsPerRun: (1e6 * seconds) / runs,
      stages,
      peakRssMB: process.resourceUsage().maxRSS / 1024,
      ...pick(sizes),
    });
  }
  return rows;
}

const pick = ({
  summaryBytes,
  runsBytes,
  traceBytes,
}: {
  summaryBytes: number;
  runsBytes: number;
  traceBytes: number;
}) => ({ summaryBytes, runsBytes, traceBytes });

export function formatHostScaling(rows: HostScalingRow[]): string {
  const stageNames = Object.keys(rows[0]?.stages ?? {});
  const mb = (bytes: number) => (bytes / 1e6).toFixed(2);
  const lines = [
    `| runs | wall s | µs per run | ${stageNames.map((s) => `${s} s`).join(' | ')} | peak RSS MB | summary.json MB | runs table MB | trace MB |`,
    `|---:|---:|---:|${stageNames.map(() => '---:').join('|')}|---:|---:|---:|---:|`,
    ...rows.map(
      (row) =>
        `| ${row.runs} | ${row.seconds.toFixed(2)} | ${row.microsecondsPerRun.toFixed(1)} | ${stageNames.map((s) => row.stages[s]!.toFixed(2)).join(' | ')} | ${row.peakRssMB.toFixed(0)} | ${mb(row.summaryBytes)} | ${row.runsBytes ? mb(row.runsBytes) : 'in summary'} | ${mb(row.traceBytes)} |`,
    ),
  ];
  const perRun = rows.map((row) => row.microsecondsPerRun);
  if (perRun.length > 1)
    lines.push(
      '',
      `time per run: largest / smallest over N = ${(Math.max(...perRun) / Math.min(...perRun)).toFixed(2)} (goal ≤ 2)`,
    );
  return lines.join('\n');
}
