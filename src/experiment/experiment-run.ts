/**
 * From a trained batch to per-run results: each network's records pulled out of the batch trace,
 * and the diagnostics of SPEC §9 (final spectrum, numerical and effective rank, plateaus, mode
 * half-times). Pure,
 * so the browser's exports build the same results as the CLI.
 */
import type { ResolvedConfig, Run } from '../config/types.js';
import type { Divergence } from '../engine/simulator.js';
import type { Trace } from '../engine/trace.js';
import {
  analyzeSaddles,
  classifyMinimum,
  effectiveRank,
  escapeAlignment,
  type MinimumLabel,
  numericalRank,
  type TracePoint,
} from '../analysis/index.js';
import { singularValues as exactSingularValues } from '../linalg/decompositions.js';
import { factorizationTargets } from '../problem/task.js';
import { escapeDirection } from './escape-direction.js';
import { saddleContext } from './saddle-context.js';
import type { ExperimentRun, RunTrace } from './types.js';

/** Network b's records of a batch trace, with time t = lr·step (SPEC §1). */
export function runTrace(run: Run, trace: Trace, b: number): RunTrace {
  const steps = trace.steps;
  const losses = trace.losses(b);
  const lambda = run.config.train.weightDecay;
  const norms = trace.weightNormSq(b);
  const runTrace: RunTrace = {
    steps,
    times: steps.map((step) => run.config.train.lr * step),
    losses,
    singularValues: trace.singularValues(b),
    // J = C + (λ/2) Σ‖W_k‖² (SPEC §7), in f32 like its parts, so trace.csv restores it exactly;
    // NaN norms (the flow with weight decay) leave J undefined.
    objectives: losses.map((loss, i) => (lambda === 0 ? loss : Math.fround(loss + (lambda / 2) * norms[i]!))),
    testErrors: trace.testErrors(b),
    lazyDeviations: trace.lazyDeviations(b),
    unobservedChanges: trace.unobservedChanges(b),
  };
  const { widths, record } = run.config;
  if (record.matrices) runTrace.matrices = trace.matrices(b, widths[0]! * widths.at(-1)!);
  return runTrace;
}

/** The fields every recorded trace has; the others are NaN where not recorded. */
export type CoreTrace = Pick<RunTrace, 'steps' | 'times' | 'losses' | 'singularValues'>;

/**
 * A trace from its core fields (hand-made and synthetic results): J = C as without weight decay,
 * every other per-record quantity not recorded (NaN), unless given.
 */
export function fullTrace(trace: CoreTrace & Partial<RunTrace>): RunTrace {
  const missing = () => trace.steps.map(() => NaN);
  return {
    objectives: trace.losses,
    testErrors: missing(),
    lazyDeviations: missing(),
    unobservedChanges: missing(),
    ...trace,
  };
}

/** Every run of a batch, in batch order; `metrics[b]` from a preset's measurement of the final layers. */
export function batchExperimentRuns(
  runs: Run[],
  trace: Trace,
  diverged: Divergence[],
  metrics: Record<string, number>[] = [],
): ExperimentRun[] {
  return runs.map((run, b) => experimentRun(run, runTrace(run, trace, b), diverged[b] ?? false, metrics[b] ?? {}));
}

export function experimentRun(
  run: Run,
  trace: RunTrace,
  diverged: Divergence,
  metrics: Record<string, number> = {},
): ExperimentRun {
  const last = trace.steps.length - 1;
  const singularValues = last >= 0 ? [...trace.singularValues[last]!] : [];
  const tolerance = run.config.record.rankTolerance;
  const hasSpectra = singularValues.length > 0;
  const context = saddleContext(run.config);
  const saddles = analyzeSaddles(tracePoints(trace, diverged), context);
  const lambda = run.config.train.weightDecay;
  const weightNormSq = last >= 0 && lambda > 0 ? nanToNull(weightNormsOf(trace, run, last)) : null;
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
    objective: last >= 0 && Number.isFinite(trace.objectives[last]) ? trace.objectives[last]! : NaN,
    weightNormSq,
    testError: last >= 0 ? nanToNull(trace.testErrors[last]!) : null,
    minimum: minimumLabel(run.config, trace, singularValues, weightNormSq, diverged)?.kind ?? null,
    metrics,
    ...linearizedSummary(trace, diverged),
    escapeAlignment: escapeOf(run, trace, context.references?.[0] ?? singularValues[0]),
    trace,
  };
}

const nanToNull = (value: number): number | null => (Number.isNaN(value) ? null : value);

/**
 * run.escapeAlignment from the recorded end-to-end matrices (record.matrices), null without them:
 * measured against s₁ — the target's (factorization, as the saddles are), else the run's final σ₁.
 */
function escapeOf(run: Run, trace: RunTrace, s1: number | undefined): number | null {
  if (!trace.matrices || trace.matrices.length === 0) return null;
  if (s1 === undefined || !(s1 > 0)) return null;
  const { widths } = run.config;
  // The recorded σ₁ (GPU spectra) find the escape record without an SVD per record.
  const top = trace.singularValues.every((values) => values.length > 0)
    ? trace.singularValues.map((values) => values[0]!)
    : undefined;
  return (
    escapeAlignment(trace.matrices, widths.at(-1)!, widths[0]!, s1, escapeDirection(run.config), top)?.alignment ?? null
  );
}

/**
 * Σ‖W_k‖² at record i, recovered from J and C (the trace keeps J and C only): exact to f32 rounding
 * of J relative to (λ/2)Σ‖W_k‖², which with weight decay is of the order of J itself.
 */
function weightNormsOf(trace: RunTrace, run: Run, i: number): number {
  return ((trace.objectives[i]! - trace.losses[i]!) * 2) / run.config.train.weightDecay;
}

/**
 * run.minimum with its per-mode detail: only full-observation factorization runs with weight decay
 * and spectra can be labelled against the closed form (null otherwise); a diverged run is
 * "not-converged". The singular values of the training target (noise included) are recomputed in
 * Float64 from the config.
 */
export function minimumLabel(
  config: ResolvedConfig,
  trace: RunTrace,
  final: number[],
  weightNormSq: number | null,
  diverged: Divergence,
): MinimumLabel | null {
  if (
    config.task.kind !== 'factorization' ||
    config.train.weightDecay === 0 ||
    weightNormSq === null ||
    final.length === 0
  )
    return null;
  if (diverged) return { kind: 'not-converged', modes: [], reason: `diverged at step ${diverged.step}` };
  const target = [...exactSingularValues(factorizationTargets(config).target)];
  return classifyMinimum({
    depth: config.widths.length - 1,
    lambda: config.train.weightDecay,
    target,
    final,
    weightNormSq,
    objectiveDrift: objectiveDrift(trace),
  });
}

/** |J(last) − J(previous record)| / |J(last)|; Infinity with fewer than two records. */
export function objectiveDrift(trace: RunTrace): number {
  const last = trace.steps.length - 1;
  if (last < 1) return Infinity;
  const objective = trace.objectives[last]!;
  return Math.abs(objective - trace.objectives[last - 1]!) / Math.abs(objective);
}

/** run.lazyDeviation (the maximum) and run.unobservedChange (the last value) over the records before divergence; null without them. */
function linearizedSummary(
  trace: RunTrace,
  diverged: Divergence,
): { lazyDeviation: number | null; unobservedChange: number | null } {
  const kept = tracePoints(trace, diverged).length;
  const lazy = trace.lazyDeviations.slice(0, kept).filter((v) => !Number.isNaN(v));
  const unobserved = trace.unobservedChanges.slice(0, kept).filter((v) => !Number.isNaN(v));
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
