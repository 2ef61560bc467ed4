/**
 * trace.csv: one row per run per recorded step, TRACE_COLUMNS (run,step,time,loss,objective,testError,lazyDeviation,unobservedChange,logVolume,entropy) then
 * sv1,…,svR with R the largest rank of any run (cells past a run's own rank, or of a run without
 * spectra, are empty). Rows are grouped by run id, in step order. parseTraceCsv is its inverse,
 * for `dlnsim merge`.
 */
import type { ExperimentResult, RunTrace } from '../experiment/types.js';
import { formatExact } from './numbers.js';
import { ResultsError } from './results-error.js';
import {
  columnsOfHeader,
  completeTrace,
  emptyTrace,
  TRACE_COLUMNS,
  traceHeaderNames,
  traceSingularValueColumns,
} from './trace-columns.js';

export function traceHeader(columns: number): string {
  return traceHeaderNames(columns).join(',');
}

/** The file in chunks (header, then one chunk per run), so a large trace never has to be one string. */
export function* traceCsvChunks(result: ExperimentResult): Generator<string> {
  const columns = traceSingularValueColumns(result.runs);
  yield `${traceHeader(columns)}\n`;
  for (const run of result.runs) {
    const values = run.trace.singularValues;
    const rows: string[] = [];
    for (let i = 0; i < run.trace.steps.length; i++) {
      const cells = TRACE_COLUMNS.map((column) => column.text(column.get(run, i)));
      for (let j = 0; j < columns; j++) cells.push(j < values[i]!.length ? formatExact(values[i]![j]!) : '');
      rows.push(cells.join(','));
    }
    if (rows.length > 0) yield `${rows.join('\n')}\n`;
  }
}

export function traceCsv(result: ExperimentResult): string {
  return [...traceCsvChunks(result)].join('');
}

/** Run id → its trace, from trace.csv's text. Throws a ResultsError naming the line on malformed input. */
export function parseTraceCsv(text: string, source = 'trace.csv'): Map<number, RunTrace> {
  const lines = text.split('\n').filter((line) => line !== '');
  const header = lines[0]?.split(',') ?? [];
  const fixed =
    header.findIndex((name) => /^sv\d+$/.test(name)) < 0
      ? header.length
      : header.findIndex((name) => /^sv\d+$/.test(name));
  const columns = columnsOfHeader(header.slice(0, fixed));
  if (!columns || header.slice(fixed).some((name, j) => name !== `sv${j + 1}`)) {
    throw new ResultsError(`${source}: the header must be ${traceHeader(0)},sv1,…; found "${lines[0] ?? ''}"`);
  }
  const traces = new Map<number, RunTrace>();
  for (let l = 1; l < lines.length; l++) {
    const cells = lines[l]!.split(',');
    if (cells.length !== header.length)
      throw new ResultsError(`${source} line ${l + 1}: ${cells.length} cells, the header has ${header.length}`);
    // An empty cell is an undefined value (NaN), e.g. the objective of a flow run with weight decay.
    const values = cells.slice(0, fixed).map((cell) => (cell === '' ? NaN : Number(cell)));
    const [run, step] = values as [number, number];
    if (!Number.isInteger(run) || !Number.isInteger(step))
      throw new ResultsError(`${source} line ${l + 1}: run and step must be integers`);
    let trace = traces.get(run);
    if (!trace) traces.set(run, (trace = emptyTrace()));
    columns.forEach((column, c) => column.push?.(trace, values[c]!));
    completeTrace(trace, columns);
    trace.singularValues.push(
      cells
        .slice(fixed)
        .filter((cell) => cell !== '')
        .map(Number),
    );
  }
  return traces;
}
