/**
 * The inverse of the writers: an ExperimentResult rebuilt from summary.json and trace.csv, so that
 * `dlnsim merge` can join shards and recompute a preset's verdict without the GPU. Resolved
 * configs come from expanding the summary's config again (run ids are global and deterministic).
 */
import { emptyTrace } from './trace-columns.js';
import { expandRuns } from '../config/index.js';
import type { ResolvedConfig } from '../config/types.js';
import type { ExperimentResult, ExperimentRun, RunTrace } from '../experiment/types.js';
import { ResultsError } from './results-error.js';
import { RESULT_TABLES, type Summary, type SummaryRun, SUMMARY_VERSION } from './summary.js';

/** Parses summary.json's text; `source` names the file in errors. */
export function parseSummary(text: string, source: string): Summary {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ResultsError(`${source} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const summary = data as Summary;
  if (typeof data !== 'object' || data === null || typeof summary.config !== 'object' || summary.config === null) {
    throw new ResultsError(`${source} is not a dlnsim summary (no config)`);
  }
  // Version 1 had the runs always in summary.json and no aggregates; it reads as version 2's JSON format.
  if (summary.version === 1)
    return { ...summary, version: SUMMARY_VERSION, format: 'json', tables: RESULT_TABLES.json, sweepPoints: [] };
  if (summary.version !== SUMMARY_VERSION) {
    throw new ResultsError(
      `${source} has summary version ${String(summary.version)}; this dlnsim reads versions 1 and ${SUMMARY_VERSION}`,
    );
  }
  if (summary.format === 'json' ? !Array.isArray(summary.runs) : summary.format !== 'parquet') {
    throw new ResultsError(
      `${source} is not a dlnsim summary (format ${String(summary.format)}${summary.format === 'json' ? ' without runs' : ''})`,
    );
  }
  return summary;
}

const orNaN = (value: number | null): number => (value === null ? NaN : value);

/**
 * trace.csv prints f32 values (losses always, singular values from the GPU) as their shortest
 * decimal; rounding them to f32 again restores the exact values the run produced.
 */
function f32Trace(trace: RunTrace, gpuSpectra: boolean): RunTrace {
  return {
    ...trace,
    losses: trace.losses.map(Math.fround),
    objectives: trace.objectives.map(Math.fround),
    testErrors: trace.testErrors.map(Math.fround),
    singularValues: gpuSpectra ? trace.singularValues.map((values) => values.map(Math.fround)) : trace.singularValues,
  };
}

/** The experiment-level fields of a stored result: everything but its runs. */
export function resultHeader(summary: Summary): Omit<ExperimentResult, 'runs'> {
  return {
    config: summary.config,
    device: summary.device,
    timing: summary.timing,
    shard: summary.shard,
    aborted: summary.aborted,
  };
}

/** `runs`: summary.json's runs, or the rows of runs.parquet in the Parquet format. */
export function restoreResult(
  summary: Summary,
  traces: Map<number, RunTrace>,
  runs: SummaryRun[] = summary.runs ?? [],
): ExperimentResult {
  const configs = new Map(expandRuns(summary.config).map((run) => [run.id, run.config]));
  return {
    ...resultHeader(summary),
    runs: runs.map((run) => restoreRun(run, configs.get(run.id), traces.get(run.id) ?? emptyTrace(), configs.size)),
  };
}

/**
 * One run as the experiment produced it, from its stored row, its resolved config (undefined when
 * the id is not a run of the config, which has `planned` runs: an error) and its trace.
 */
export function restoreRun(
  run: SummaryRun,
  config: ResolvedConfig | undefined,
  trace: RunTrace,
  planned: number,
): ExperimentRun {
  if (!config)
    throw new ResultsError(`summary run id ${run.id} is not a run of its config (which has ${planned} runs)`);
  return {
    id: run.id,
    overrides: run.overrides,
    config,
    finalStep: run.finalStep,
    finalLoss: orNaN(run.finalLoss),
    diverged: run.diverged,
    singularValues: run.singularValues.map(orNaN),
    rank: run.rank,
    effectiveRank: run.effectiveRank,
    plateaus: run.plateaus,
    unresolvedSaddles: run.unresolvedSaddles,
    halfTimes: run.halfTimes,
    objective: orNaN(run.objective),
    weightNormSq: run.weightNormSq,
    testError: run.testError,
    minimum: run.minimum,
    metrics: Object.fromEntries(Object.entries(run.metrics).map(([key, value]) => [key, orNaN(value)])),
    lazyDeviation: run.lazyDeviation ?? null,
    unobservedChange: run.unobservedChange ?? null,
    escapeAlignment: run.escapeAlignment ?? null,
    trace: f32Trace(trace, config.record.spectra === 'gpu'),
  };
}
