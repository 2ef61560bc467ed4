/**
 * What an experiment produces: per run, the recorded trace and the diagnostics of SPEC §9 computed
 * from it. The results files (summary.json, trace.csv, report.html) are views of this object, and
 * `dlnsim merge` rebuilds it from those files, so everything here must be recoverable from them.
 */
import type { Config, ResolvedConfig } from '../config/types.js';
import type { Plateau, UnresolvedSaddle } from '../analysis/index.js';
import type { Divergence } from '../engine/simulator.js';
import type { DlnsimError } from '../errors.js';
import type { MinimumKind } from '../analysis/minimumKind.js';

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
  /** J = C + (λ/2) Σ_k ‖W_k‖² per record (= loss without weight decay); NaN where it is undefined (flow with weight decay). */
  objectives: number[];
  /** Held-out error per record (SPEC §12); NaN where the task has no held-out part. */
  testErrors: number[];
  /** record.linearized: ‖A(t) − A_lin(t)‖_F / ‖A(0) − Y‖_F per record (docs/analysis.md); NaN without it. */
  lazyDeviations: number[];
  /** record.linearized on completion: ‖(1−M)∘(A(t) − A(0))‖_F / ‖(1−M)∘(Y − A(0))‖_F per record; NaN otherwise. */
  unobservedChanges: number[];
  /** With record.matrices: the end-to-end matrix W (row-major f32) per record; absent otherwise. */
  matrices?: Float32Array[];
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
  /** J = C + (λ/2) Σ_k ‖W_k‖² at the last record (= finalLoss without weight decay); NaN when undefined. */
  objective: number;
  /** Σ_k ‖W_k‖²_F at the last record; null when not recorded (no weight decay, or the flow). */
  weightNormSq: number | null;
  /** The held-out error at the last record (SPEC §12); null when the task has no held-out part. */
  testError: number | null;
  /** Which kind of minimum a full-observation factorization run with weight decay reached (analysis/minimumKind.ts); null otherwise. */
  minimum: MinimumKind | null;
  /** Measurements a preset takes from the final layers (e.g. the Schatten identity of SPEC §7). */
  metrics: Record<string, number>;
  /** record.linearized: the largest recorded lazyDeviation up to divergence; else null. */
  lazyDeviation: number | null;
  /** record.linearized on completion: unobservedChange at the last record before divergence; else null. */
  unobservedChange: number | null;
  /** With record.matrices: |⟨u₁(W), u₁(−∇C(0))⟩| at the first record where σ₁ reaches 1% of s₁ (analysis/escape.ts); else null. */
  escapeAlignment: number | null;
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
  /** True when the run was cancelled or its device failed: runs hold what was recorded, batches not started are absent. */
  aborted: boolean;
  /**
   * Why training stopped early when the device did (a DeviceLostError or GpuError): the batch in
   * training keeps the records delivered before, and runExperiment returns instead of throwing,
   * so callers can write them. Absent when training ended normally or by the AbortSignal.
   */
  failure?: DlnsimError;
  /** Sorted by id. */
  runs: ExperimentRun[];
}
