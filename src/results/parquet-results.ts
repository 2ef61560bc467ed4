/**
 * runs.parquet and trace.parquet: the run table (run-table.ts) and the trace (trace-columns.ts)
 * as Parquet, written a row group at a time (as the runs come, even while training goes on:
 * result-stream.ts) and read back a row group at a time, for results too large for summary.json's
 * runs and trace.csv (files.ts decides).
 */
import type { ExperimentRun, RunTrace } from '../experiment/types.js';
import { AtomicFile } from './atomic-write.js';
import { openParquet, ParquetStream, ROW_GROUP_ROWS, type TableColumn } from './parquet-table.js';
import { ResultsError } from './results-error.js';
import { columnsOfTable, emptySummaryRun, type RunColumn, runColumns, runTableGroup } from './run-table.js';
import { type SummaryRun, summaryRun } from './summary.js';
import { emptyTrace, TRACE_COLUMNS, traceHeaderNames, traceSingularValueColumns } from './trace-columns.js';

/** Key-value metadata naming what a file holds, checked when it is read back. */
const TABLE_KEY = 'dlnsim.table';

/** The columns of the two tables: the run table's, and how many sv columns the trace has. */
export interface TableLayout {
  runs: RunColumn[];
  traceSingularValues: number;
}

/** The layout that holds these runs, all of them trained: what writeResults writes. */
export function layoutOfRuns(runs: ExperimentRun[]): TableLayout {
  function* summaries() {
    for (const run of runs) yield summaryRun(run);
  }
  return { runs: runColumns(summaries()), traceSingularValues: traceSingularValueColumns(runs) };
}

/**
 * runs.parquet and trace.parquet written a run at a time, in the order given, each an AtomicFile
 * that appears only at commit(): a row group of the run table every ROW_GROUP_ROWS runs, one of
 * the trace once it holds ROW_GROUP_ROWS rows (whole runs per row group, so a reader never sees a
 * run cut in two). It holds one row group of each, whatever the number of runs.
 */
export class ParquetTables {
  private summaries: SummaryRun[] = [];
  private trace: unknown[][];
  private readonly traceColumns: TableColumn[];
  private readonly streams: { runs: ParquetStream; trace: ParquetStream };

  private constructor(
    private readonly layout: TableLayout,
    private readonly files: { runs: AtomicFile; trace: AtomicFile },
  ) {
    this.traceColumns = traceTableColumns(layout.traceSingularValues);
    this.trace = this.traceColumns.map(() => []);
    this.streams = {
      runs: new ParquetStream(layout.runs, { [TABLE_KEY]: 'runs' }),
      trace: new ParquetStream(this.traceColumns, { [TABLE_KEY]: 'trace' }),
    };
  }

  static async create(paths: { runs: string; trace: string }, layout: TableLayout): Promise<ParquetTables> {
    const runs = await AtomicFile.create(paths.runs);
    const trace = await AtomicFile.create(paths.trace).catch(async (error: unknown) => {
      await runs.discard();
      throw error;
    });
    return new ParquetTables(layout, { runs, trace });
  }

  async add(run: ExperimentRun): Promise<void> {
    this.summaries.push(summaryRun(run));
    if (this.summaries.length === ROW_GROUP_ROWS) await this.flushRuns();
    const count = this.layout.traceSingularValues;
    for (let i = 0; i < run.trace.steps.length; i++) {
      TRACE_COLUMNS.forEach((column, c) => this.trace[c]!.push(column.get(run, i)));
      const values = run.trace.singularValues[i]!;
      if (values.length > count)
        throw new ResultsError(
          `run ${run.id} recorded ${values.length} singular values; the trace has ${count} columns`,
        );
      for (let j = 0; j < count; j++) this.trace[TRACE_COLUMNS.length + j]!.push(j < values.length ? values[j] : null);
    }
    if (this.trace[0]!.length >= ROW_GROUP_ROWS) await this.flushTrace();
  }

  /** The last row groups and the footers, then both files renamed into place. */
  async commit(): Promise<void> {
    await this.flushRuns();
    await this.flushTrace();
    await this.files.runs.write(this.streams.runs.finish());
    await this.files.trace.write(this.streams.trace.finish());
    await this.files.runs.commit();
    await this.files.trace.commit();
  }

  /** Removes both temporary files: nothing appears. */
  async discard(): Promise<void> {
    await this.files.runs.discard();
    await this.files.trace.discard();
  }

  private async flushRuns(): Promise<void> {
    await this.files.runs.write(this.streams.runs.group(runTableGroup(this.layout.runs, this.summaries)));
    this.summaries = [];
  }

  private async flushTrace(): Promise<void> {
    await this.files.trace.write(this.streams.trace.group(this.trace));
    this.trace = this.traceColumns.map(() => []);
  }
}

function traceTableColumns(singularValues: number): TableColumn[] {
  return [
    ...TRACE_COLUMNS,
    ...traceHeaderNames(singularValues)
      .slice(TRACE_COLUMNS.length)
      .map((name) => ({ name, type: 'DOUBLE' as const, nullable: true })),
  ];
}

async function openTable(path: string, table: string) {
  const file = await openParquet(path);
  if (file.metadata[TABLE_KEY] !== table)
    throw new ResultsError(`${path} is not a dlnsim ${table} table (its metadata has no ${TABLE_KEY} = ${table})`);
  return file;
}

/** summary.json's runs, from runs.parquet. */
export async function readRunTable(path: string): Promise<SummaryRun[]> {
  const runs: SummaryRun[] = [];
  for await (const run of runTableRows(path)) runs.push(run);
  return runs;
}

/** The rows of runs.parquet in file order, a row group decoded at a time. */
export async function* runTableRows(path: string): AsyncGenerator<SummaryRun> {
  const file = await openTable(path, 'runs');
  const columns = columnsOfTable(file.columns);
  for await (const group of file.groups()) {
    const data = columns.map((column) => group.get(column.name)!);
    for (let row = 0; row < (data[0]?.length ?? 0); row++) {
      const run = emptySummaryRun();
      columns.forEach((column, c) => column.set(run, data[c]![row] ?? null));
      yield run;
    }
  }
}

/** A nullable cell as RunTrace holds it: null (an undefined optional value) becomes NaN. */
const numberOrNaN = (cell: unknown) => (cell === null || cell === undefined ? NaN : Number(cell));

/** Run id → its trace, from trace.parquet. */
export async function readTraceTable(path: string): Promise<Map<number, RunTrace>> {
  const traces = new Map<number, RunTrace>();
  for await (const { id, trace } of traceTableRuns(path)) {
    const earlier = traces.get(id);
    if (!earlier) traces.set(id, trace);
    else for (const key of Object.keys(trace) as (keyof RunTrace)[]) (earlier[key] as unknown[]).push(...trace[key]!);
  }
  return traces;
}

/**
 * trace.parquet's runs in file order, each when its consecutive rows end (a row group decoded at a
 * time). The writers put a run's rows together, in id order; a reader of a file written otherwise
 * may see one id twice (readTraceTable joins them).
 */
export async function* traceTableRuns(path: string): AsyncGenerator<{ id: number; trace: RunTrace }> {
  const file = await openTable(path, 'trace');
  const names = file.columns.map((column) => column.name);
  const fixed = TRACE_COLUMNS.length;
  if (names.slice(0, fixed).join(',') !== TRACE_COLUMNS.map((c) => c.name).join(','))
    throw new ResultsError(
      `${path}: the columns must start ${TRACE_COLUMNS.map((c) => c.name).join(', ')}; found ${names.join(', ')}`,
    );
  let current: { id: number; trace: RunTrace } | undefined;
  for await (const group of file.groups()) {
    const data = names.map((name) => group.get(name)!);
    for (let row = 0; row < (data[0]?.length ?? 0); row++) {
      const id = Number(data[0]![row]);
      if (current?.id !== id) {
        if (current) yield current;
        current = { id, trace: emptyTrace() };
      }
      const trace = current.trace;
      TRACE_COLUMNS.forEach((column, c) => column.push?.(trace, numberOrNaN(data[c]![row])));
      const values: number[] = [];
      for (let j = fixed; j < data.length; j++) {
        const value = data[j]![row];
        if (value !== null && value !== undefined) values.push(Number(value));
      }
      trace.singularValues.push(values);
    }
  }
  if (current) yield current;
}
