/**
 * Results written while the experiment trains, for experiments too large to hold (the CLI beyond
 * PARQUET_THRESHOLD_RUNS runs): each batch's runs go to runs.parquet and trace.parquet as the
 * batch finishes, into the sweep-point aggregates, and of each run only what report.html reads
 * of every run (ReportRun: its final loss and rank beside the planned run's id, overrides and
 * config) stays in memory, except the ≤ 48 runs the report draws, kept whole. The files are those writeResults writes from the
 * whole result (same columns, rows and row groups), except that the tables' columns are fixed from
 * the planned runs before any trains: sv1…svR for min(n_0, n_N) of every run with spectra, even
 * if a batch that would have filled them never ran (an interrupted experiment).
 */
import { mkdir } from 'node:fs/promises';
import type { ResolvedConfig, Run } from '../config/types.js';
import type { ExperimentResult, ExperimentRun } from '../experiment/types.js';
import {
  type FormatChoice,
  PARQUET_THRESHOLD_RUNS,
  resolveFormat,
  resultPaths,
  writeReportAndSummary,
} from './files.js';
import type { ResultPaths } from './files.js';
import { ParquetTables, type TableLayout } from './parquet-results.js';
import { drawnRunIds, type ReportRun } from './report-html.js';
import { runColumns } from './run-table.js';
import type { SummaryExtras } from './summary.js';
import { type SweepPointAggregate, SweepPointAccumulator } from './sweep-points.js';

/**
 * Whether `dlnsim run` streams: the Parquet format beyond the threshold, for a config file (a
 * preset's verdict reads every run's trace) without record.matrices (written from the traces).
 */
export function streamsResults(runs: readonly Run[], choice: FormatChoice, preset: boolean): boolean {
  return (
    !preset &&
    runs.length > PARQUET_THRESHOLD_RUNS &&
    resolveFormat(choice, runs.length) === 'parquet' &&
    !runs.some((run) => run.config.record.matrices)
  );
}

export class ResultStream {
  /** Planned run ids in increasing order: the order the rows are written in. */
  private readonly order: number[];
  private next = 0;
  /** Runs trained but not written yet: those after a run still to come (batches that interleave ids). */
  private readonly pending = new Map<number, ExperimentRun>();
  private readonly sweepPoints = new SweepPointAccumulator();
  private readonly drawn: Set<number>;
  /** Every run written, in id order, as the report reads it. */
  private readonly reportRuns: ReportRun[] = [];

  private constructor(
    private readonly paths: ResultPaths,
    private readonly tables: ParquetTables,
    planned: readonly Run[],
  ) {
    this.order = planned.map((run) => run.id).sort((a, b) => a - b);
    this.drawn = drawnRunIds(planned);
  }

  /** Creates `dir` and the tables' temporary files for the runs `planned` (in id order). */
  static async open(dir: string, planned: readonly Run[]): Promise<ResultStream> {
    await mkdir(dir, { recursive: true });
    const paths = resultPaths(dir, 'parquet');
    return new ResultStream(paths, await ParquetTables.create(paths, plannedLayout(planned)), planned);
  }

  /**
   * A batch's runs (runExperiment's onBatchRuns): writes every run whose turn in id order has
   * come, and returns those the report draws, the only ones the result keeps.
   */
  add = async (runs: ExperimentRun[]): Promise<ExperimentRun[]> => {
    const kept: ExperimentRun[] = [];
    for (const run of runs) {
      this.pending.set(run.id, run);
      if (this.drawn.has(run.id)) kept.push(run);
    }
    while (this.next < this.order.length && this.pending.has(this.order[this.next]!)) {
      await this.write(this.order[this.next]!);
      this.next++;
    }
    return kept;
  };

  /**
   * The runs still held (after a run that never trained: the experiment was interrupted) in id
   * order, the tables renamed into place, then report.html and summary.json of `result` (its runs:
   * those add returned). Returns the paths and the sweep-point aggregates of every run.
   */
  async finish(
    result: ExperimentResult,
    extras: SummaryExtras,
  ): Promise<{ paths: ResultPaths; sweepPoints: SweepPointAggregate[] }> {
    for (const id of [...this.pending.keys()].sort((a, b) => a - b)) await this.write(id);
    await this.tables.commit();
    const sweepPoints = this.sweepPoints.aggregates();
    const paths = await writeReportAndSummary(this.paths, result, { ...extras, allRuns: this.reportRuns }, sweepPoints);
    return { paths, sweepPoints };
  }

  /** Removes the temporary files: for a run that failed before finish. */
  async discard(): Promise<void> {
    await this.tables.discard();
  }

  private async write(id: number): Promise<void> {
    const run = this.pending.get(id)!;
    this.pending.delete(id);
    await this.tables.add(run);
    this.sweepPoints.add(run);
    const { overrides, config, rank, finalLoss } = run;
    this.reportRuns.push({ id, overrides, config, rank, finalLoss });
  }
}

/** Singular values a run records per step: min(n_0, n_N) with spectra, else none. */
function recordedSingularValues(config: ResolvedConfig): number {
  return config.record.spectra === 'none' ? 0 : Math.min(config.widths[0]!, config.widths[config.widths.length - 1]!);
}

/** The tables' columns from the runs planned: their swept values, their singular values; no metrics (no preset). */
function plannedLayout(planned: readonly Run[]): TableLayout {
  let most = 0;
  for (const run of planned) most = Math.max(most, recordedSingularValues(run.config));
  function* shapes() {
    for (const run of planned)
      yield { overrides: run.overrides, metrics: {}, singularValues: { length: recordedSingularValues(run.config) } };
  }
  return { runs: runColumns(shapes()), traceSingularValues: most };
}
