/**
 * A results directory on disk: summary.json, trace.csv and report.html, each written atomically
 * (docs/cli.md describes them), and the reading back that `dlnsim merge` needs.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExperimentResult } from '../experiment/types.js';
import { writeFileAtomic } from './atomic-write.js';
import { reportHtml } from './report-html.js';
import { restoreResult, parseSummary } from './restore.js';
import { ResultsError } from './results-error.js';
import { type SummaryExtras, summaryJson } from './summary.js';
import { parseTraceCsv, traceCsvChunks } from './trace-csv.js';

export const RESULT_FILES = { summary: 'summary.json', trace: 'trace.csv', report: 'report.html' } as const;

/** Creates `dir` if needed and writes the three files; returns their paths. */
export async function writeResults(dir: string, result: ExperimentResult, extras: SummaryExtras = {}): Promise<{ summary: string; trace: string; report: string }> {
  await mkdir(dir, { recursive: true });
  const paths = { summary: join(dir, RESULT_FILES.summary), trace: join(dir, RESULT_FILES.trace), report: join(dir, RESULT_FILES.report) };
  await writeFileAtomic(paths.trace, traceCsvChunks(result));
  await writeFileAtomic(paths.report, reportHtml(result, extras));
  // Last, so a directory with a summary.json has its other files too.
  await writeFileAtomic(paths.summary, summaryJson(result, extras));
  return paths;
}

/** The result stored in a results directory, and the preset that produced it (null for a config file). */
export async function readResults(dir: string): Promise<{ preset: string | null; result: ExperimentResult }> {
  const summaryPath = join(dir, RESULT_FILES.summary);
  const tracePath = join(dir, RESULT_FILES.trace);
  const summary = parseSummary(await readText(summaryPath), summaryPath);
  const traces = parseTraceCsv(await readText(tracePath), tracePath);
  return { preset: summary.preset, result: restoreResult(summary, traces) };
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ResultsError(code === 'ENOENT' ? `${path} does not exist; is this a dlnsim results directory?` : `cannot read ${path}: ${String(error)}`);
  }
}
