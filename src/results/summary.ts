/**
 * summary.json: the experiment's config, device, timing and one entry per run with its final
 * state and diagnostics (docs/cli.md lists every field). Pure: the CLI writes it to disk and the
 * browser offers it as a download. readSummary is its inverse, for `dlnsim merge`.
 */
import type { MinimumKind } from '../analysis/index.js';
import type { Config } from '../config/types.js';
import type { DeviceSummary, ExperimentResult, PlateauSummary, ExperimentRun, Shard, Timing } from '../experiment/types.js';
import type { Divergence } from '../engine/simulator.js';
import { logVolumeDensity } from '../flow/volume.js';
import type { Verdict } from '../presets/types.js';
import { finiteOrNull } from './numbers.js';

/** Bumped whenever a field changes meaning or disappears. */
export const SUMMARY_VERSION = 1;

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
  metrics: Record<string, number | null>;
  /** Flow runs: σ < flowThreshold·σ_max counted as 0 by the operator (train.flowThreshold, defaults filled); null for layer runs. */
  flowThreshold: number | null;
  /** Flow runs with a square W and spectra: SPEC §8's log-volume density at the final W, depth train.flowDepth; else null. */
  logVolume: number | null;
  /** J = C + (λ/2) Σ_k ‖W_k‖² at the last record (= finalLoss without weight decay); null when undefined. */
  objective: number | null;
  /** Σ_k ‖W_k‖²_F at the last record; null without weight decay or for the flow. */
  weightNormSq: number | null;
  /** Held-out relative error at the last record (SPEC §12); null when the task has no held-out part. */
  testError: number | null;
  /** Full-observation factorization with weight decay: "global", "local" or "not-converged"; else null. */
  minimum: MinimumKind | null;
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
  runs: SummaryRun[];
  /** The preset's verdict, when a preset ran to completion unsharded (or was merged). */
  verdict?: Verdict;
}

export interface SummaryExtras {
  preset?: string | null;
  verdict?: Verdict | null;
}

export function toSummary(result: ExperimentResult, extras: SummaryExtras = {}): Summary {
  const summary: Summary = {
    version: SUMMARY_VERSION,
    preset: extras.preset ?? null,
    config: result.config,
    device: result.device,
    timing: result.timing,
    shard: result.shard,
    aborted: result.aborted,
    runs: result.runs.map(summaryRun),
  };
  if (extras.verdict) summary.verdict = extras.verdict;
  return summary;
}

export function summaryJson(result: ExperimentResult, extras: SummaryExtras = {}): string {
  return `${JSON.stringify(toSummary(result, extras), null, 2)}\n`;
}

function summaryRun(run: ExperimentRun): SummaryRun {
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
    metrics: Object.fromEntries(Object.entries(run.metrics).map(([key, value]) => [key, finiteOrNull(value)])),
    flowThreshold: run.config.train.method === 'flow' ? run.config.train.flowThreshold : null,
    logVolume: finalLogVolume(run),
    objective: finiteOrNull(run.objective),
    weightNormSq: run.weightNormSq === null ? null : finiteOrNull(run.weightNormSq),
    testError: run.testError === null ? null : finiteOrNull(run.testError),
    minimum: run.minimum,
  };
}

/**
 * The volume form is the flow's metric's (SPEC §8), so only flow runs get one, at their own
 * train.flowDepth; its formula needs a square W with every singular value recorded. Computed from
 * the final spectrum rather than stored, so a merge recomputes it from the restored run.
 */
function finalLogVolume(run: ExperimentRun): number | null {
  const [rows, cols] = [run.config.widths.at(-1), run.config.widths[0]];
  if (run.config.train.method !== 'flow' || rows !== cols || run.singularValues.length === 0) return null;
  // A diverged network's spectrum may be NaN or infinite: it has no volume either.
  if (!run.singularValues.every(Number.isFinite)) return null;
  return finiteOrNull(logVolumeDensity(run.singularValues, run.config.train.flowDepth));
}
