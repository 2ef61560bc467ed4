/**
 * summary.json: the experiment's config, device, timing and one entry per run with its final
 * state and diagnostics (docs/cli.md lists every field). Pure: the CLI writes it to disk and the
 * browser offers it as a download. readSummary is its inverse, for `dlnsim merge`.
 */
import type { UnresolvedSaddle } from '../analysis/index.js';
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
  unresolvedSaddles: UnresolvedSaddle[];
  halfTimes: (number | null)[];
  metrics: Record<string, number | null>;
  /** Flow runs: σ < flowThreshold·σ_max counted as 0 by the operator (train.flowThreshold, defaults filled); null for layer runs. */
  flowThreshold: number | null;
  /** Flow runs with a square W and spectra: SPEC §8's log-volume density at the final W, depth train.flowDepth; else null. */
  logVolume: number | null;
  /** record.linearized: max over records of ‖A − A_lin‖_F/‖A(0) − Y‖_F; else null. */
  lazyDeviation: number | null;
  /** record.linearized on completion: ‖(1−M)∘(W(T) − W(0))‖_F/‖(1−M)∘(Y − W(0))‖_F; else null. */
  unobservedChange: number | null;
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
    unresolvedSaddles: run.unresolvedSaddles,
    halfTimes: run.halfTimes,
    metrics: Object.fromEntries(Object.entries(run.metrics).map(([key, value]) => [key, finiteOrNull(value)])),
    flowThreshold: run.config.train.method === 'flow' ? run.config.train.flowThreshold : null,
    logVolume: finalLogVolume(run),
    lazyDeviation: run.lazyDeviation === null ? null : finiteOrNull(run.lazyDeviation),
    unobservedChange: run.unobservedChange === null ? null : finiteOrNull(run.unobservedChange),
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
