/**
 * From a trained batch to per-run results: each network's records pulled out of the batch trace,
 * and the diagnostics of SPEC §9 (final spectrum, numerical and effective rank, plateaus). Pure,
 * so the browser's exports build the same results as the CLI.
 */
import type { Run } from '../config/types.js';
import type { Divergence } from '../engine/simulator.js';
import type { Trace } from '../engine/trace.js';
import { detectPlateaus, effectiveRank, numericalRank, type TracePoint } from '../analysis/index.js';
import type { PlateauSummary, ExperimentRun, RunTrace } from './types.js';

/** Network b's records of a batch trace, with time t = lr·step (SPEC §1). */
export function runTrace(run: Run, trace: Trace, b: number): RunTrace {
  const steps = trace.steps;
  return {
    steps,
    times: steps.map((step) => run.config.train.lr * step),
    losses: trace.losses(b),
    singularValues: trace.singularValues(b),
  };
}

/** Every run of a batch, in batch order; `metrics[b]` from a preset's measurement of the final layers. */
export function batchExperimentRuns(runs: Run[], trace: Trace, diverged: Divergence[], metrics: Record<string, number>[] = []): ExperimentRun[] {
  return runs.map((run, b) => experimentRun(run, runTrace(run, trace, b), diverged[b] ?? false, metrics[b] ?? {}));
}

export function experimentRun(run: Run, trace: RunTrace, diverged: Divergence, metrics: Record<string, number> = {}): ExperimentRun {
  const last = trace.steps.length - 1;
  const singularValues = last >= 0 ? [...trace.singularValues[last]!] : [];
  const tolerance = run.config.record.rankTolerance;
  const hasSpectra = singularValues.length > 0;
  return {
    id: run.id,
    overrides: run.overrides,
    config: run.config,
    finalStep: last >= 0 ? trace.steps[last]! : 0,
    finalLoss: last >= 0 && Number.isFinite(trace.losses[last]) ? trace.losses[last]! : NaN,
    diverged,
    singularValues,
    rank: hasSpectra ? numericalRank(singularValues, tolerance) : null,
    effectiveRank: hasSpectra ? effectiveRank(singularValues) : null,
    plateaus: plateausOf(trace, diverged, tolerance, hasSpectra),
    metrics,
    trace,
  };
}

/**
 * The run's trace as analysis TracePoints (t, loss, numerical rank), up to divergence: a diverged
 * network's later records are frozen at a blown-up loss. Without spectra every rank is 0.
 */
export function tracePoints(trace: RunTrace, diverged: Divergence, tolerance: number): TracePoint[] {
  const points: TracePoint[] = [];
  for (let i = 0; i < trace.steps.length; i++) {
    const step = trace.steps[i]!;
    const loss = trace.losses[i]!;
    if ((diverged && step >= diverged.step) || !Number.isFinite(loss)) break;
    const values = trace.singularValues[i]!;
    points.push({ step, time: trace.times[i]!, loss, rank: values.length > 0 ? numericalRank(values, tolerance) : 0 });
  }
  return points;
}

/** Plateaus of the trace before divergence; without spectra they are found on the loss alone and have no rank. */
function plateausOf(trace: RunTrace, diverged: Divergence, tolerance: number, hasSpectra: boolean): PlateauSummary[] {
  return detectPlateaus(tracePoints(trace, diverged, tolerance)).map((p) => ({
    startStep: p.startStep,
    endStep: p.endStep,
    startTime: p.startTime,
    endTime: p.endTime,
    rank: hasSpectra ? p.rank : null,
    loss: p.loss,
    initial: p.initial,
    final: p.final,
  }));
}
