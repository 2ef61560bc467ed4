/**
 * The trace's columns, shared by trace.csv and trace.parquet: one row per (run, record), keyed
 * by run and step, then one column per recorded quantity and sv1…svR. A new trace quantity is one
 * line in TRACE_COLUMNS (with its field in RunTrace). Derived columns (logVolume, entropy) are
 * computed from the record's singular values when written and recomputed, not read, by merge; a
 * missing value is an empty cell (a null in Parquet).
 */
import type { ExperimentRun, RunTrace } from '../experiment/types.js';
import { entropyAt, logVolumeAt } from '../experiment/volume-diagnostics.js';
import { formatExact, formatTime } from './numbers.js';
import type { TableColumn } from './parquet-table.js';

export interface TraceColumn extends TableColumn {
  /** The value at record i of the run; null where it is undefined (derived columns only). */
  get: (run: ExperimentRun, i: number) => number | null;
  /** How trace.csv prints it: exactly (f32 values by their shortest decimal). */
  text: (value: number | null) => string;
  /** Appends a value read back to the run's trace; absent for the key `run` and for derived columns. */
  push?: (trace: RunTrace, value: number) => void;
  /** Computed from the singular values: older trace files may lack it. */
  derived?: true;
  /** A stored column that files written before it existed lack: read as NaN there. */
  optional?: true;
}

/** NaN marks an undefined optional value in RunTrace; files hold an empty cell or null. */
const definedOrNull = (value: number) => (Number.isNaN(value) ? null : value);
const orEmpty = (value: number | null) => (value === null ? '' : String(value));
/** f32 values that may be undefined (NaN): exact, or an empty cell. */
const optionalExact = (value: number | null) => (value === null || Number.isNaN(value) ? '' : formatExact(value));

export const TRACE_COLUMNS: readonly TraceColumn[] = [
  { name: 'run', type: 'INT32', nullable: false, get: (run) => run.id, text: String },
  {
    name: 'step',
    type: 'INT32',
    nullable: false,
    get: (run, i) => run.trace.steps[i]!,
    text: String,
    push: (t, v) => void t.steps.push(v),
  },
  {
    name: 'time',
    type: 'DOUBLE',
    nullable: false,
    get: (run, i) => run.trace.times[i]!,
    text: (v) => formatTime(v ?? NaN),
    push: (t, v) => void t.times.push(v),
  },
  {
    name: 'loss',
    type: 'DOUBLE',
    nullable: false,
    get: (run, i) => run.trace.losses[i]!,
    text: (v) => formatExact(v ?? NaN),
    push: (t, v) => void t.losses.push(v),
  },
  // J = C + (λ/2)Σ‖W_k‖² and the held-out error (SPEC §12); empty where undefined.
  {
    name: 'objective',
    type: 'DOUBLE',
    nullable: true,
    optional: true,
    get: (run, i) => definedOrNull(run.trace.objectives[i]!),
    text: optionalExact,
    push: (t, v) => void t.objectives.push(v),
  },
  {
    name: 'testError',
    type: 'DOUBLE',
    nullable: true,
    optional: true,
    get: (run, i) => definedOrNull(run.trace.testErrors[i]!),
    text: optionalExact,
    push: (t, v) => void t.testErrors.push(v),
  },
  // record.linearized (docs/analysis.md): the distance to the frozen-NTK model, and on completion the unobserved entries' change.
  {
    name: 'lazyDeviation',
    type: 'DOUBLE',
    nullable: true,
    optional: true,
    get: (run, i) => definedOrNull(run.trace.lazyDeviations[i]!),
    text: optionalExact,
    push: (t, v) => void t.lazyDeviations.push(v),
  },
  {
    name: 'unobservedChange',
    type: 'DOUBLE',
    nullable: true,
    optional: true,
    get: (run, i) => definedOrNull(run.trace.unobservedChanges[i]!),
    text: optionalExact,
    push: (t, v) => void t.unobservedChanges.push(v),
  },
  // SPEC §8 along the trajectory (src/experiment/volume-diagnostics.ts): square W with every σ recorded.
  {
    name: 'logVolume',
    type: 'DOUBLE',
    nullable: true,
    derived: true,
    get: (run, i) => logVolumeAt(run.config, run.trace.singularValues[i] ?? []),
    text: orEmpty,
  },
  {
    name: 'entropy',
    type: 'DOUBLE',
    nullable: true,
    derived: true,
    get: (run, i) => entropyAt(run.config, run.trace.singularValues[i] ?? []),
    text: orEmpty,
  },
];

/**
 * The trace columns a file's header names, in order, or null when it names one that is not a
 * trace column or lacks a required one: files written before the optional and derived columns
 * existed lack them.
 */
export function columnsOfHeader(names: readonly string[]): TraceColumn[] | null {
  const columns = names.map((name) => TRACE_COLUMNS.find((column) => column.name === name));
  if (columns.some((column) => column === undefined)) return null;
  const order = columns.map((column) => TRACE_COLUMNS.indexOf(column!));
  if (order.some((k, i) => i > 0 && k <= order[i - 1]!)) return null;
  if (TRACE_COLUMNS.some((column) => !column.derived && !column.optional && !columns.includes(column))) return null;
  return columns as TraceColumn[];
}

/** Fills what a file without a column left out (NaN) so every trace array has one entry per record. */
export function completeTrace(trace: RunTrace, present: readonly TraceColumn[]): void {
  for (const column of TRACE_COLUMNS) if (column.push && !present.includes(column)) column.push(trace, NaN);
}

/** The most singular values any record of these runs holds: the number of sv columns. */
export function traceSingularValueColumns(runs: Iterable<ExperimentRun>): number {
  let most = 0;
  for (const run of runs) for (const values of run.trace.singularValues) most = Math.max(most, values.length);
  return most;
}

export function traceHeaderNames(singularValues: number): string[] {
  return [
    ...TRACE_COLUMNS.map((column) => column.name),
    ...Array.from({ length: singularValues }, (_, i) => `sv${i + 1}`),
  ];
}

export function emptyTrace(): RunTrace {
  return {
    steps: [],
    times: [],
    losses: [],
    singularValues: [],
    objectives: [],
    testErrors: [],
    lazyDeviations: [],
    unobservedChanges: [],
  };
}
