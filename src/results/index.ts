/** Results files: summary.json, report.html and trace.csv or runs.parquet + trace.parquet (docs/cli.md), written atomically, read back and merged. */
export {
  RESULT_TABLES,
  type ResultsFormat,
  type Summary,
  type SummaryExtras,
  type SummaryRun,
  SUMMARY_VERSION,
  summaryJson,
  toSummary,
} from './summary.js';
export { parseTraceCsv, traceCsv, traceCsvChunks, traceHeader } from './trace-csv.js';
export { reportHtml } from './report-html.js';
export { parseSummary, restoreResult } from './restore.js';
export { type ShardResult, mergeShards } from './merge.js';
export {
  type FormatChoice,
  PARQUET_THRESHOLD_RUNS,
  RESULT_FILES,
  type ResultPaths,
  readResults,
  resolveFormat,
  writeResults,
} from './files.js';
export { layoutOfRuns, ParquetTables, readRunTable, readTraceTable, type TableLayout } from './parquet-results.js';
export { ResultStream } from './result-stream.js';
export { type SweepPointAggregate, SweepPointAccumulator, sweepPointAggregates } from './sweep-points.js';
export { type Quantiles, quantiles } from './quantiles.js';
export { writeFileAtomic } from './atomic-write.js';
export { ResultsError } from './results-error.js';
