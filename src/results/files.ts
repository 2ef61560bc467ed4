/**
 * A results directory on disk, each file written atomically (docs/cli.md describes them):
 * summary.json and report.html always; the runs and the trace as summary.json's runs and
 * trace.csv, or, beyond PARQUET_THRESHOLD_RUNS runs (or when asked), as runs.parquet and
 * trace.parquet; with record.matrices, matrices/run-<id>.npy per run. And the reading back that
 * `dlnsim merge` needs, of either format.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ExperimentResult } from '../experiment/types.js';
import { writeFileAtomic } from './atomic-write.js';
import { layoutOfRuns, ParquetTables, readRunTable, readTraceTable } from './parquet-results.js';
import { matrixFiles } from './matrices-npy.js';
import { type ReportExtras, reportHtml } from './report-html.js';
import { restoreResult, parseSummary } from './restore.js';
import { ResultsError } from './results-error.js';
import { RESULT_TABLES, type ResultsFormat, type Summary, type SummaryExtras, summaryJson } from './summary.js';
import { type SweepPointAggregate, sweepPointAggregates } from './sweep-points.js';
import { parseTraceCsv, traceCsvChunks } from './trace-csv.js';

/** Where record.matrices goes: one .npy per run (src/results/matrices-npy.ts). */
export const MATRICES_DIR = 'matrices';

export const RESULT_FILES = { summary: 'summary.json', report: 'report.html' } as const;

/**
 * Beyond this many runs the default format is Parquet: summary.json's runs grow by ~0.5 kB a run
 * (5 MB at 10⁴ runs of a 4×4 network) and JSON has to be parsed whole, while runs.parquet is ~10×
 * smaller and read a row group at a time.
 */
export const PARQUET_THRESHOLD_RUNS = 10_000;

/** `auto`: JSON and CSV up to PARQUET_THRESHOLD_RUNS runs, Parquet beyond. */
export type FormatChoice = ResultsFormat | 'auto';

export function resolveFormat(choice: FormatChoice, runs: number): ResultsFormat {
  return choice === 'auto' ? (runs > PARQUET_THRESHOLD_RUNS ? 'parquet' : 'json') : choice;
}

export interface ResultPaths {
  summary: string;
  report: string;
  /** summary.json itself in the JSON format, runs.parquet in the Parquet format. */
  runs: string;
  trace: string;
  format: ResultsFormat;
  /** The matrices/ folder (record.matrices: one .npy per run), or null when nothing was recorded. */
  matrices: string | null;
}

/** Where the files of `format` go in `dir`. */
export function resultPaths(dir: string, format: ResultsFormat): ResultPaths {
  const tables = RESULT_TABLES[format];
  return {
    summary: join(dir, RESULT_FILES.summary),
    report: join(dir, RESULT_FILES.report),
    runs: join(dir, tables.runs),
    trace: join(dir, tables.trace),
    format,
    matrices: null,
  };
}

/** Creates `dir` if needed and writes the files; returns their paths. */
export async function writeResults(
  dir: string,
  result: ExperimentResult,
  extras: SummaryExtras = {},
  choice: FormatChoice = 'auto',
): Promise<ResultPaths> {
  await mkdir(dir, { recursive: true });
  const paths = resultPaths(dir, resolveFormat(choice, result.runs.length));
  if (paths.format === 'parquet') {
    const tables = await ParquetTables.create(paths, layoutOfRuns(result.runs));
    try {
      for (const run of result.runs) await tables.add(run);
    } catch (error) {
      await tables.discard();
      throw error;
    }
    await tables.commit();
  } else {
    await writeFileAtomic(paths.trace, traceCsvChunks(result));
  }
  return writeReportAndSummary(paths, result, extras, sweepPointAggregates(result.runs));
}

/**
 * The files after the tables: report.html, the matrices and, last, so that a directory with a
 * summary.json has its other files too, summary.json. `sweepPoints`: the aggregates of every run.
 */
export async function writeReportAndSummary(
  paths: ResultPaths,
  result: ExperimentResult,
  extras: ReportExtras,
  sweepPoints: SweepPointAggregate[],
): Promise<ResultPaths> {
  await writeFileAtomic(paths.report, reportHtml(result, { ...extras, sweepPoints }));
  for (const { name, bytes } of matrixFiles(result)) {
    paths.matrices = join(dirname(paths.summary), MATRICES_DIR);
    await mkdir(paths.matrices, { recursive: true });
    await writeFileAtomic(join(paths.matrices, name), bytes);
  }
  const { allRuns: _reportOnly, ...summaryExtras } = extras;
  await writeFileAtomic(paths.summary, summaryJson(result, { ...summaryExtras, format: paths.format, sweepPoints }));
  return paths;
}

/** A results directory's summary.json, parsed and checked (either format). */
export async function readSummary(dir: string): Promise<Summary> {
  const path = join(dir, RESULT_FILES.summary);
  return parseSummary(await readText(path), path);
}

/** The result stored in a results directory (either format), and the preset that produced it (null for a config file). */
export async function readResults(dir: string): Promise<{ preset: string | null; result: ExperimentResult }> {
  return readResultsOf(dir, await readSummary(dir));
}

/** readResults for a directory whose summary.json is already read (`dlnsim merge` reads the summaries first). */
export async function readResultsOf(
  dir: string,
  summary: Summary,
): Promise<{ preset: string | null; result: ExperimentResult }> {
  const tracePath = join(dir, summary.tables.trace);
  if (summary.format === 'parquet') {
    const runs = await readRunTable(join(dir, summary.tables.runs));
    return { preset: summary.preset, result: restoreResult(summary, await readTraceTable(tracePath), runs) };
  }
  const traces = parseTraceCsv(await readText(tracePath), tracePath);
  return { preset: summary.preset, result: restoreResult(summary, traces) };
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ResultsError(
      code === 'ENOENT'
        ? `${path} does not exist; is this a dlnsim results directory?`
        : `cannot read ${path}: ${String(error)}`,
    );
  }
}
