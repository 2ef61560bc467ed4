/**
 * trace.csv: one row per run per recorded step, `run,step,time,loss,objective,testError,sv1,…,svR`
 * with R the largest rank of any run (cells past a run's own rank, or of a run without spectra, are
 * empty; so are objective and testError where they are undefined). Rows are grouped by run id, in
 * step order. parseTraceCsv is its inverse, for `dlnsim merge`.
 */
import type { ExperimentResult, RunTrace } from '../experiment/types.js';
import { formatExact, formatTime } from './numbers.js';
import { ResultsError } from './results-error.js';

/** The columns before the singular values. */
const FIXED_COLUMNS = ['run', 'step', 'time', 'loss', 'objective', 'testError'];

const optionalCell = (value: number): string => (Number.isNaN(value) ? '' : formatExact(value));
const optionalValue = (cell: string): number => (cell === '' ? NaN : Number(cell));

export function traceHeader(columns: number): string {
  return [...FIXED_COLUMNS, ...Array.from({ length: columns }, (_, i) => `sv${i + 1}`)].join(',');
}

/** The file in chunks (header, then one chunk per run), so a large trace never has to be one string. */
export function* traceCsvChunks(result: ExperimentResult): Generator<string> {
  const columns = result.runs.reduce((most, run) => run.trace.singularValues.reduce((m, values) => Math.max(m, values.length), most), 0);
  yield `${traceHeader(columns)}\n`;
  for (const run of result.runs) {
    const { steps, times, losses, singularValues, objectives, testErrors } = run.trace;
    const rows: string[] = [];
    for (let i = 0; i < steps.length; i++) {
      const values = singularValues[i]!;
      const cells = [String(run.id), String(steps[i]), formatTime(times[i]!), formatExact(losses[i]!), optionalCell(objectives[i]!), optionalCell(testErrors[i]!)];
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
  const fixed = FIXED_COLUMNS.length;
  if (header.slice(0, fixed).join(',') !== FIXED_COLUMNS.join(',') || header.slice(fixed).some((name, j) => name !== `sv${j + 1}`)) {
    throw new ResultsError(`${source}: the header must be ${FIXED_COLUMNS.join(',')},sv1,…; found "${lines[0] ?? ''}"`);
  }
  const traces = new Map<number, RunTrace>();
  for (let l = 1; l < lines.length; l++) {
    const cells = lines[l]!.split(',');
    if (cells.length !== header.length) throw new ResultsError(`${source} line ${l + 1}: ${cells.length} cells, the header has ${header.length}`);
    const [run, step, time, loss] = cells.slice(0, 4).map(Number) as [number, number, number, number];
    if (!Number.isInteger(run) || !Number.isInteger(step)) throw new ResultsError(`${source} line ${l + 1}: run and step must be integers`);
    let trace = traces.get(run);
    if (!trace) traces.set(run, (trace = emptyTrace()));
    trace.steps.push(step);
    trace.times.push(time);
    trace.losses.push(loss);
    trace.objectives.push(optionalValue(cells[4]!));
    trace.testErrors.push(optionalValue(cells[5]!));
    trace.singularValues.push(cells.slice(fixed).filter((cell) => cell !== '').map(Number));
  }
  return traces;
}

export function emptyTrace(): RunTrace {
  return { steps: [], times: [], losses: [], singularValues: [], objectives: [], testErrors: [] };
}
