/**
 * trace.csv: one row per run per recorded step, `run,step,time,loss,sv1,…,svR` with R the largest
 * rank of any run (cells past a run's own rank, or of a run without spectra, are empty). Rows are
 * grouped by run id, in step order. With record.linearized, `lazyDeviation` (and on completion
 * `unobservedChange`) columns sit between `loss` and `sv1`, present when any run recorded them.
 * parseTraceCsv is its inverse, for `dlnsim merge`.
 */
import type { ExperimentResult, RunTrace } from '../experiment/types.js';
import { formatExact, formatTime } from './numbers.js';
import { ResultsError } from './results-error.js';

/** The optional per-record columns between `loss` and `sv1`, in this order. */
const OPTIONAL_COLUMNS = ['lazyDeviation', 'unobservedChange'] as const;
type OptionalColumn = (typeof OPTIONAL_COLUMNS)[number];

export function traceHeader(columns: number, optional: readonly OptionalColumn[] = []): string {
  return ['run', 'step', 'time', 'loss', ...optional, ...Array.from({ length: columns }, (_, i) => `sv${i + 1}`)].join(',');
}

/** The file in chunks (header, then one chunk per run), so a large trace never has to be one string. */
export function* traceCsvChunks(result: ExperimentResult): Generator<string> {
  const columns = result.runs.reduce((most, run) => run.trace.singularValues.reduce((m, values) => Math.max(m, values.length), most), 0);
  const optional = OPTIONAL_COLUMNS.filter((name) => result.runs.some((run) => run.trace[name] !== undefined));
  yield `${traceHeader(columns, optional)}\n`;
  for (const run of result.runs) {
    const { steps, times, losses, singularValues } = run.trace;
    const rows: string[] = [];
    for (let i = 0; i < steps.length; i++) {
      const values = singularValues[i]!;
      const cells = [String(run.id), String(steps[i]), formatTime(times[i]!), formatExact(losses[i]!)];
      for (const name of optional) {
        const value = run.trace[name]?.[i];
        cells.push(value === undefined ? '' : formatExact(value));
      }
      for (let j = 0; j < columns; j++) cells.push(j < values.length ? formatExact(values[j]!) : '');
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
  const optional = OPTIONAL_COLUMNS.filter((name) => header.includes(name));
  const svStart = 4 + optional.length;
  if (header.slice(0, svStart).join(',') !== ['run', 'step', 'time', 'loss', ...optional].join(',') || header.slice(svStart).some((name, j) => name !== `sv${j + 1}`)) {
    throw new ResultsError(`${source}: the header must be run,step,time,loss,[lazyDeviation,][unobservedChange,]sv1,…; found "${lines[0] ?? ''}"`);
  }
  const traces = new Map<number, RunTrace>();
  for (let l = 1; l < lines.length; l++) {
    const cells = lines[l]!.split(',');
    if (cells.length !== header.length) throw new ResultsError(`${source} line ${l + 1}: ${cells.length} cells, the header has ${header.length}`);
    const [run, step, time, loss] = cells.slice(0, 4).map(Number) as [number, number, number, number];
    if (!Number.isInteger(run) || !Number.isInteger(step)) throw new ResultsError(`${source} line ${l + 1}: run and step must be integers`);
    let trace = traces.get(run);
    if (!trace) traces.set(run, (trace = { steps: [], times: [], losses: [], singularValues: [] }));
    trace.steps.push(step);
    trace.times.push(time);
    trace.losses.push(loss);
    optional.forEach((name, j) => {
      const cell = cells[4 + j]!;
      if (cell !== '') (trace[name] ??= []).push(Number(cell));
    });
    trace.singularValues.push(cells.slice(svStart).filter((cell) => cell !== '').map(Number));
  }
  return traces;
}
