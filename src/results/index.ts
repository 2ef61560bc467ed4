/** Results files: summary.json, trace.csv, report.html (docs/cli.md), written atomically, read back and merged. */
export { type Summary, type SummaryExtras, type SummaryRun, SUMMARY_VERSION, summaryJson, toSummary } from './summary.js';
export { parseTraceCsv, traceCsv, traceCsvChunks, traceHeader } from './trace-csv.js';
export { reportHtml } from './report-html.js';
export { parseSummary, restoreResult } from './restore.js';
export { type ShardResult, mergeShards } from './merge.js';
export { RESULT_FILES, readResults, writeResults } from './files.js';
export { writeFileAtomic } from './atomic-write.js';
export { ResultsError } from './results-error.js';
