/**
 * What an experiment produces: per run, the recorded trace and the diagnostics of SPEC §9 computed
 * from it. The results files (summary.json, trace.csv, report.html) are views of this object, and
 * `dlnsim merge` rebuilds it from those files, so everything here must be recoverable from them.
 */
import type { Config, ResolvedConfig } from '../config/types.js';
import type { Plateau, UnresolvedSaddle } from '../analysis/index.js';
import type { Divergence } from '../engine/simulator.js';

/** Shard i of n (1-based): the runs whose id ≡ i − 1 (mod n). */
export interface Shard {
  index: number;
  count: number;
}

/** One run's records, one entry per recorded step; time = lr · step (SPEC §1). */
export interface RunTrace {
  steps: number[];
  times: number[];
  losses: number[];
  /** Descending end-to-end singular values per record; [] per record without spectra. */
  singularValues: number[][];
}

/** A plateau of the loss as analyzeSaddles reports it (SPEC §9; fields documented there and in docs/analysis.md). */
export type PlateauSummary = Plateau;

export interface ExperimentRun {
  /** Global run id from expandRuns (shards keep it). */
  id: number;
  overrides: Record<string, unknown>;
  config: ResolvedConfig;
  finalStep: number;
  /** Loss at the last record; NaN if it was not finite. */
  finalLoss: number;
  diverged: Divergence;
  /** Final end-to-end singular values, descending ([] without spectra). */
  singularValues: number[];
  /** #{σ_i > record.rankTolerance · σ_1} at the end; null without spectra. */
  rank: number | null;
  effectiveRank: number | null;
  /** Plateaus of the trace up to divergence. */
  plateaus: PlateauSummary[];
  /** Saddles between two mode half-times with too few records between them to see a plateau. */
  unresolvedSaddles: UnresolvedSaddle[];
  /** Per learnable mode (descending): the first recorded t with σ_i ≥ ½ its reference (target s_i, or its final value); [] without spectra. */
  halfTimes: (number | null)[];
  /** Measurements a preset takes from the final layers (e.g. the Schatten identity of SPEC §7). */
  metrics: Record<string, number>;
  trace: RunTrace;
}

export interface Timing {
  /** Wall time spent training (all batches), seconds. */
  seconds: number;
  /** Steps taken, summed over batches (a batch of B networks doing T steps counts T). */
  steps: number;
  /** Steps taken, summed over networks (that batch counts B·T). */
  networkSteps: number;
  networkStepsPerSecond: number;
  /** The step kernels its batches ran (train.kernel: "fused", "layered", or "flow"), each once. */
  kernels: string[];
}

export interface DeviceSummary {
  adapter: string;
  fallback: boolean;
}

export interface ExperimentResult {
  /** The config as given (sweep and seeds included), after any --set edits. */
  config: Config;
  device: DeviceSummary;
  timing: Timing;
  shard: Shard | null;
  /** True when the run was cancelled: runs hold what was recorded, batches not started are absent. */
  aborted: boolean;
  /** Sorted by id. */
  runs: ExperimentRun[];
}
