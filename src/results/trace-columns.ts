/**
 * The trace's columns, shared by trace.csv and trace.parquet: one row per (run, record), keyed
 * by run and step, then one column per recorded quantity and sv1…svR. A new trace quantity is one
 * line in TRACE_COLUMNS (with its field in RunTrace).
 */
import type { ExperimentRun, RunTrace } from '../experiment/types.js';
import { formatExact, formatTime } from './numbers.js';
import type { TableColumn } from './parquet-table.js';

export interface TraceColumn extends TableColumn {
  /** The value at record i of the run. */
  get: (run: ExperimentRun, i: number) => number;
  /** How trace.csv prints it: exactly (f32 values by their shortest decimal). */
  text: (value: number) => string;
  /** Appends a value read back to the run's trace; absent for the key `run`. */
  push?: (trace: RunTrace, value: number) => void;
}

export const TRACE_COLUMNS: readonly TraceColumn[] = [
  { name: 'run', type: 'INT32', nullable: false, get: (run) => run.id, text: String },
  { name: 'step', type: 'INT32', nullable: false, get: (run, i) => run.trace.steps[i]!, text: String, push: (t, v) => void t.steps.push(v) },
  { name: 'time', type: 'DOUBLE', nullable: false, get: (run, i) => run.trace.times[i]!, text: formatTime, push: (t, v) => void t.times.push(v) },
  { name: 'loss', type: 'DOUBLE', nullable: false, get: (run, i) => run.trace.losses[i]!, text: formatExact, push: (t, v) => void t.losses.push(v) },
];

/** The most singular values any record of these runs holds: the number of sv columns. */
export function traceSingularValueColumns(runs: Iterable<ExperimentRun>): number {
  let most = 0;
  for (const run of runs) for (const values of run.trace.singularValues) most = Math.max(most, values.length);
  return most;
}

export function traceHeaderNames(singularValues: number): string[] {
  return [...TRACE_COLUMNS.map((column) => column.name), ...Array.from({ length: singularValues }, (_, i) => `sv${i + 1}`)];
}

export function emptyTrace(): RunTrace {
  return { steps: [], times: [], losses: [], singularValues: [] };
}
