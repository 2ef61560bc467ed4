/**
 * runs.parquet and trace.parquet: the run table (run-table.ts) and the trace (trace-columns.ts)
 * as Parquet, written a row group at a time and read back a row group at a time, for results too
 * large for summary.json's runs and trace.csv (files.ts decides).
 */
import type { ExperimentResult, RunTrace } from '../experiment/types.js';
import { openParquet, parquetChunks, ROW_GROUP_ROWS } from './parquet-table.js';
import { ResultsError } from './results-error.js';
import { columnsOfTable, emptySummaryRun, runColumns, runTableGroup } from './run-table.js';
import { type SummaryRun, summaryRun } from './summary.js';
import { emptyTrace, TRACE_COLUMNS, traceHeaderNames, traceSingularValueColumns } from './trace-columns.js';
import type { TableColumn } from './parquet-table.js';

/** Key-value metadata naming what a file holds, checked when it is read back. */
const TABLE_KEY = 'dlnsim.table';

export function runTableChunks(result: ExperimentResult): Generator<Uint8Array> {
  const columns = runColumns(result.runs.map(summaryRun));
  function* groups(): Generator<unknown[][]> {
    for (let start = 0; start < result.runs.length; start += ROW_GROUP_ROWS) {
      yield runTableGroup(columns, result.runs.slice(start, start + ROW_GROUP_ROWS).map(summaryRun));
    }
  }
  return parquetChunks(columns, groups(), { [TABLE_KEY]: 'runs' });
}

export function traceTableChunks(result: ExperimentResult): Generator<Uint8Array> {
  const singularValues = traceSingularValueColumns(result.runs);
  const columns: TableColumn[] = [
    ...TRACE_COLUMNS,
    ...traceHeaderNames(singularValues)
      .slice(TRACE_COLUMNS.length)
      .map((name) => ({ name, type: 'DOUBLE' as const, nullable: true })),
  ];
  function* groups(): Generator<unknown[][]> {
    let group: unknown[][] = columns.map(() => []);
    for (const run of result.runs) {
      for (let i = 0; i < run.trace.steps.length; i++) {
        TRACE_COLUMNS.forEach((column, c) => group[c]!.push(column.get(run, i)));
        const values = run.trace.singularValues[i]!;
        for (let j = 0; j < singularValues; j++)
          group[TRACE_COLUMNS.length + j]!.push(j < values.length ? values[j] : null);
      }
      // Whole runs per row group, so a reader never sees a run cut in two.
      if (group[0]!.length >= ROW_GROUP_ROWS) {
        yield group;
        group = columns.map(() => []);
      }
    }
    yield group;
  }
  return parquetChunks(columns, groups(), { [TABLE_KEY]: 'trace' });
}

async function openTable(path: string, table: string) {
  const file = await openParquet(path);
  if (file.metadata[TABLE_KEY] !== table)
    throw new ResultsError(`${path} is not a dlnsim ${table} table (its metadata has no ${TABLE_KEY} = ${table})`);
  return file;
}

/** summary.json's runs, from runs.parquet. */
export async function readRunTable(path: string): Promise<SummaryRun[]> {
  const file = await openTable(path, 'runs');
  const columns = columnsOfTable(file.columns);
  const runs: SummaryRun[] = [];
  for await (const group of file.groups()) {
    const data = columns.map((column) => group.get(column.name)!);
    for (let row = 0; row < (data[0]?.length ?? 0); row++) {
      const run = emptySummaryRun();
      columns.forEach((column, c) => column.set(run, data[c]![row] ?? null));
      runs.push(run);
    }
  }
  return runs;
}

/** A nullable cell as RunTrace holds it: null (an undefined optional value) becomes NaN. */
const numberOrNaN = (cell: unknown) => (cell === null || cell === undefined ? NaN : Number(cell));

/** Run id → its trace, from trace.parquet. */
export async function readTraceTable(path: string): Promise<Map<number, RunTrace>> {
  const file = await openTable(path, 'trace');
  const names = file.columns.map((column) => column.name);
  const fixed = TRACE_COLUMNS.length;
  if (names.slice(0, fixed).join(',') !== TRACE_COLUMNS.map((c) => c.name).join(','))
    throw new ResultsError(
      `${path}: the columns must start ${TRACE_COLUMNS.map((c) => c.name).join(', ')}; found ${names.join(', ')}`,
    );
  const traces = new Map<number, RunTrace>();
  for await (const group of file.groups()) {
    const data = names.map((name) => group.get(name)!);
    for (let row = 0; row < (data[0]?.length ?? 0); row++) {
      const id = Number(data[0]![row]);
      let trace = traces.get(id);
      if (!trace) traces.set(id, (trace = emptyTrace()));
      TRACE_COLUMNS.forEach((column, c) => column.push?.(trace, numberOrNaN(data[c]![row])));
      const values: number[] = [];
      for (let j = fixed; j < data.length; j++) {
        const value = data[j]![row];
        if (value !== null && value !== undefined) values.push(Number(value));
      }
      trace.singularValues.push(values);
    }
  }
  return traces;
}
