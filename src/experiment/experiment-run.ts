/**
 * From a trained batch to per-run results: each network's records pulled out of the batch trace,
 * and the diagnostics of SPEC §9 (final spectrum, numerical and effective rank, plateaus, mode
 * half-times). Pure,
 * so the browser's exports build the same results as the CLI.
 */
import type { Run } from '../config/types.js';
import type { Divergence } from '../engine/simulator.js';
import type { Trace } from '../engine/trace.js';
import { analyzeSaddles, effectiveRank, numericalRank, type SaddleAnalysis, type TracePoint } from '../analysis/index.js';
import { saddleContext } from './saddle-context.js';
import type { ExperimentRun, RunTrace } from './types.js';

/** Network b's records of a batch trace, with time t = lr·step (SPEC §1). */
export function runTrace(run: Run, trace: Trace, b: number): RunTrace {
  const steps = trace.steps;
  const lazyDeviation = trace.lazyDeviations(b);
  const unobservedChange = trace.unobservedChanges(b);
  return {
    steps,
    times: steps.map((step) => run.config.train.lr * step),
    losses: trace.losses(b),
    singularValues: trace.singularValues(b),
    ...(lazyDeviation && { lazyDeviation }),
    ...(unobservedChange && { unobservedChange }),
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
  const saddles = saddlesOf(run, trace, diverged);
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
    plateaus: saddles.plateaus,
    unresolvedSaddles: saddles.unresolved,
    halfTimes: saddles.halfTimes,
    metrics,
    ...linearizedSummary(trace, diverged),
    trace,
  };
}

/** run.lazyDeviation (the maximum) and run.unobservedChange (the last value) over the records before divergence. */
function linearizedSummary(trace: RunTrace, diverged: Divergence): { lazyDeviation: number | null; unobservedChange: number | null } {
  const kept = tracePoints(trace, diverged).length;
  const lazy = trace.lazyDeviation?.slice(0, kept) ?? [];
  const unobserved = trace.unobservedChange?.slice(0, kept) ?? [];
  return {
    lazyDeviation: lazy.length > 0 ? Math.max(...lazy) : null,
    unobservedChange: unobserved.length > 0 ? unobserved[unobserved.length - 1]! : null,
  };
}

/**
 * The run's trace as analysis TracePoints (t, loss, singular values), up to divergence: a diverged
 * network's later records are frozen at a blown-up loss. Without spectra, points carry none.
 */
export function tracePoints(trace: RunTrace, diverged: Divergence): TracePoint[] {
  const points: TracePoint[] = [];
  for (let i = 0; i < trace.steps.length; i++) {
    const step = trace.steps[i]!;
    const loss = trace.losses[i]!;
    if ((diverged && step >= diverged.step) || !Number.isFinite(loss)) break;
    points.push({ step, time: trace.times[i]!, loss, singularValues: trace.singularValues[i] });
  }
  return points;
}

/** Plateaus, unresolved saddles and mode half-times of the trace before divergence (SPEC §9). */
function saddlesOf(run: Run, trace: RunTrace, diverged: Divergence): SaddleAnalysis {
  return analyzeSaddles(tracePoints(trace, diverged), saddleContext(run.config));
}
