/**
 * summary.json: the experiment's config, device, timing, the sweep-point aggregates and, in the
 * JSON format, one entry per run with its final state and diagnostics (docs/cli.md lists every
 * field); in the Parquet format the runs are in runs.parquet and summary.json names it, so it stays
 * small at any number of runs. Pure: the CLI writes it to disk and the browser offers it as a
 * download. parseSummary is its inverse, for `dlnsim merge`.
 */
import type { MinimumKind, UnresolvedSaddle } from '../analysis/index.js';
import type { Config } from '../config/types.js';
import type {
  DeviceSummary,
  ExperimentResult,
  PlateauSummary,
  ExperimentRun,
  Shard,
  Timing,
} from '../experiment/types.js';
import type { Divergence } from '../engine/simulator.js';
import { logVolumeAt } from '../experiment/volume-diagnostics.js';
import type { Verdict } from '../presets/types.js';
import { finiteOrNull } from './numbers.js';
import { type SweepPointAggregate, sweepPointAggregates } from './sweep-points.js';

/** Bumped whenever a field changes meaning or disappears. */
export const SUMMARY_VERSION = 2;

/** How the per-run results and the trace are stored: summary.json's runs and trace.csv, or runs.parquet and trace.parquet. */
export type ResultsFormat = 'json' | 'parquet';

export interface SummaryRun {
  id: number;
  overrides: Record<string, unknown>;
  finalStep: number;
  finalLoss: number | null;
  diverged: Divergence;
  singularValues: (number | null)[];
  rank: number | null;
  effectiveRank: number | null;
  plateaus: PlateauSummary[];
  unresolvedSaddles: UnresolvedSaddle[];
  halfTimes: (number | null)[];
  metrics: Record<string, number | null>;
  /** Flow runs: σ < flowThreshold·σ_max counted as 0 by the operator (train.flowThreshold, defaults filled); null for layer runs. */
  flowThreshold: number | null;
  /** A square W with its spectrum recorded: SPEC §8's log-volume density at the final W, at the run's depth (train.flowDepth for flow runs); else null. */
  logVolume: number | null;
  /** J = C + (λ/2) Σ_k ‖W_k‖² at the last record (= finalLoss without weight decay); null when undefined. */
  objective: number | null;
  /** Σ_k ‖W_k‖²_F at the last record; null without weight decay or for the flow. */
  weightNormSq: number | null;
  /** Held-out relative error at the last record (SPEC §12); null when the task has no held-out part. */
  testError: number | null;
  /** Full-observation factorization with weight decay: "global", "local" or "not-converged"; else null. */
  minimum: MinimumKind | null;
  /** record.linearized: max over records of ‖A − A_lin‖_F/‖A(0) − Y‖_F; else null. */
  lazyDeviation: number | null;
  /** record.linearized on completion: ‖(1−M)∘(W(T) − W(0))‖_F/‖(1−M)∘(Y − W(0))‖_F; else null. */
  unobservedChange: number | null;
  /** With record.matrices: the alignment of the escape from the origin with u₁(−∇C(0)); else null. */
  escapeAlignment: number | null;
}

export interface Summary {
  version: number;
  /** The preset that ran, or null for a config file. */
  preset: string | null;
  config: Config;
  device: DeviceSummary;
  timing: Timing;
  shard: Shard | null;
  aborted: boolean;
  format: ResultsFormat;
  /** The files, relative to summary.json, holding the run table (summary.json itself in the JSON format) and the trace. */
  tables: { runs: string; trace: string };
  /** Runs pooled by sweep point (seeds together): counts and quantiles of the final state. */
  sweepPoints: SweepPointAggregate[];
  /** One entry per run, in the JSON format only. */
  runs?: SummaryRun[];
  /** The preset's verdict, when a preset ran to completion unsharded (or was merged). */
  verdict?: Verdict;
}

export interface SummaryExtras {
  preset?: string | null;
  verdict?: Verdict | null;
  /** Default 'json'. */
  format?: ResultsFormat;
  /** The aggregates when the caller has them already (they cost a sort per sweep point). */
  sweepPoints?: SweepPointAggregate[];
}

export const RESULT_TABLES: Record<ResultsFormat, { runs: string; trace: string }> = {
  json: { runs: 'summary.json', trace: 'trace.csv' },
  parquet: { runs: 'runs.parquet', trace: 'trace.parquet' },
};

export function toSummary(result: ExperimentResult, extras: SummaryExtras = {}): Summary {
  const summary: Summary = {
    version: SUMMARY_VERSION,
    preset: extras.preset ?? null,
    config: result.config,
    device: result.device,
    timing: result.timing,
    shard: result.shard,
    aborted: result.aborted,
    format: extras.format ?? 'json',
    tables: RESULT_TABLES[extras.format ?? 'json'],
    sweepPoints: extras.sweepPoints ?? sweepPointAggregates(result.runs),
  };
  if (summary.format === 'json') summary.runs = result.runs.map(summaryRun);
  if (extras.verdict) summary.verdict = extras.verdict;
  return summary;
}

export function summaryJson(result: ExperimentResult, extras: SummaryExtras = {}): string {
  return `${JSON.stringify(toSummary(result, extras), null, 2)}\n`;
}

export function summaryRun(run: ExperimentRun): SummaryRun {
  return {
    id: run.id,
    overrides: run.overrides,
    finalStep: run.finalStep,
    finalLoss: finiteOrNull(run.finalLoss),
    diverged: run.diverged,
    singularValues: run.singularValues.map(finiteOrNull),
    rank: run.rank,
    effectiveRank: run.effectiveRank === null ? null : finiteOrNull(run.effectiveRank),
    plateaus: run.plateaus,
    unresolvedSaddles: run.unresolvedSaddles,
    halfTimes: run.halfTimes,
    metrics: Object.fromEntries(Object.entries(run.metrics).map(([key, value]) => [key, finiteOrNull(value)])),
    flowThreshold: run.config.train.method === 'flow' ? run.config.train.flowThreshold : null,
    logVolume: finalLogVolume(run),
    objective: finiteOrNull(run.objective),
    weightNormSq: run.weightNormSq === null ? null : finiteOrNull(run.weightNormSq),
    testError: run.testError === null ? null : finiteOrNull(run.testError),
    minimum: run.minimum,
    lazyDeviation: run.lazyDeviation === null ? null : finiteOrNull(run.lazyDeviation),
    unobservedChange: run.unobservedChange === null ? null : finiteOrNull(run.unobservedChange),
    escapeAlignment: run.escapeAlignment === null ? null : finiteOrNull(run.escapeAlignment),
  };
}

/**
 * SPEC §8's log-volume density at the final spectrum, at the run's own depth (layer runs: their
 * number of layers; flow runs: train.flowDepth), for a square W with every singular value recorded
 * (src/experiment/volume-diagnostics.ts); else null. Computed, not stored, so a merge recomputes it.
 */
function finalLogVolume(run: ExperimentRun): number | null {
  return logVolumeAt(run.config, run.singularValues);
}
