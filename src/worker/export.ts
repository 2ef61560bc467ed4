/**
 * The browser's results files: what a session trained, as the same ExperimentResult the CLI
 * builds (src/experiment), written by the CLI's own pure formatters (src/results/summary.ts and
 * trace-csv.ts), so a summary.json or trace.csv saved from the demo reads exactly like one from
 * `dlnsim run`.
 */
import type { Config, Run } from '../config/types.js';
import type { Divergence } from '../engine/simulator.js';
import type { Trace } from '../engine/trace.js';
import type { AdapterReport } from '../gpu/device.js';
import { batchExperimentRuns, type ExperimentResult } from '../experiment/index.js';
import type { Preset } from '../presets/types.js';
import { presetFigures } from '../results/figures/index.js';
import { summaryJson } from '../results/summary.js';
import { traceCsv } from '../results/trace-csv.js';
import type { ExportedFiles } from './protocol.js';

export interface TrainedBatch {
  runs: Run[];
  trace: Trace;
  diverged: Divergence[];
  /** A preset's measurement of each network's final layers ([] when none). */
  metrics: Record<string, number>[];
  /** The step kernel the batch ran (BatchProgram.kernelPath). */
  kernel: string;
}

export function experimentResult(
  config: Config,
  adapter: AdapterReport,
  seconds: number,
  batches: TrainedBatch[],
): ExperimentResult {
  const runs = batches
    .flatMap((b) => batchExperimentRuns(b.runs, b.trace, b.diverged, b.metrics))
    .sort((x, y) => x.id - y.id);
  // Steps as the CLI counts them: per batch, the step its records reach.
  const steps = batches.reduce((sum, b) => sum + (b.trace.last()?.step ?? 0), 0);
  const networkSteps = batches.reduce((sum, b) => sum + (b.trace.last()?.step ?? 0) * b.runs.length, 0);
  return {
    config,
    device: { adapter: adapter.name, fallback: adapter.isFallbackAdapter },
    timing: {
      seconds,
      steps,
      networkSteps,
      networkStepsPerSecond: seconds > 0 ? networkSteps / seconds : 0,
      kernels: [...new Set(batches.map((b) => b.kernel))],
    },
    shard: null,
    // Paused before train.steps: the files hold what was recorded, as after a Ctrl-C of the CLI.
    aborted: runs.some((r) => r.finalStep < r.config.train.steps),
    runs,
  };
}

/** The files, and the preset's verdict (only for a complete run, as the CLI does) and figures. */
export function exportFiles(
  config: Config,
  adapter: AdapterReport,
  seconds: number,
  batches: TrainedBatch[],
  preset?: Preset,
): ExportedFiles {
  const result = experimentResult(config, adapter, seconds, batches);
  const verdict = preset && !result.aborted ? preset.verdict(result) : null;
  return {
    summaryJson: summaryJson(result, { preset: preset?.name ?? null, verdict }),
    traceCsv: traceCsv(result),
    verdict,
    figures: presetFigures(preset?.name, result),
  };
}
