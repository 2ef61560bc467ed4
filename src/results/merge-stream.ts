/**
 * `dlnsim merge` of Parquet shards without holding their runs: each shard's runs.parquet and
 * trace.parquet are read a row group at a time, the shards' runs are joined in id order (shard i of
 * n holds the ids ≡ i − 1 mod n, increasing) and passed to a ResultStream, which writes the merged
 * tables exactly as the unsharded run streams them and keeps of each run only what report.html
 * reads. Memory: a row group per shard and table, a chunk of runs, and the stream's per-run fields.
 */
import { join } from 'node:path';
import type { Run } from '../config/types.js';
import type { ExperimentResult, ExperimentRun } from '../experiment/types.js';
import type { ResultPaths } from './files.js';
import { runTableRows, traceTableRuns } from './parquet-results.js';
import { restoreRun } from './restore.js';
import { ResultsError } from './results-error.js';
import { ResultStream } from './result-stream.js';
import type { Summary } from './summary.js';
import type { SweepPointAggregate } from './sweep-points.js';
import { emptyTrace } from './trace-columns.js';

/** Runs handed to the ResultStream at a time: a few MB of whole runs. */
const CHUNK_RUNS = 4096;

export interface StoredShard {
  /** The results directory, for reading and for messages. */
  dir: string;
  summary: Summary;
}

/**
 * A Parquet results directory's runs in file order (increasing id), each with its trace and its
 * resolved config from `planned` (expandRuns of the experiment's config: run id = index).
 */
export async function* storedRuns(shard: StoredShard, planned: readonly Run[]): AsyncGenerator<ExperimentRun> {
  const { dir, summary } = shard;
  const traces = traceTableRuns(join(dir, summary.tables.trace));
  let trace = await traces.next();
  let last = -1;
  for await (const row of runTableRows(join(dir, summary.tables.runs))) {
    if (row.id <= last)
      throw new ResultsError(
        `${dir}: runs.parquet lists run ${row.id} after run ${last}; its runs must be in id order`,
      );
    if (summary.shard && row.id % summary.shard.count !== summary.shard.index - 1)
      throw new ResultsError(
        `${dir}: run ${row.id} is not a run of shard ${summary.shard.index}/${summary.shard.count} (ids ≡ ${summary.shard.index - 1} mod ${summary.shard.count})`,
      );
    if (!trace.done && trace.value.id < row.id) throw unlisted(dir, trace.value.id);
    let rows = emptyTrace();
    if (!trace.done && trace.value.id === row.id) {
      rows = trace.value.trace;
      trace = await traces.next();
    }
    last = row.id;
    yield restoreRun(row, planned[row.id]?.config, rows, planned.length);
  }
  if (!trace.done) throw unlisted(dir, trace.value.id);
}

const unlisted = (dir: string, id: number) =>
  new ResultsError(`${dir}: trace.parquet has rows of run ${id}, which runs.parquet does not list`);

/**
 * Writes the merged result of `shards` (checked by mergeShardHeaders, whose fields `header` is)
 * into `out` in the Parquet format; returns it (its runs: only those report.html draws), the paths
 * and the sweep-point aggregates of every run.
 */
export async function mergeStreamed(
  out: string,
  shards: StoredShard[],
  header: Omit<ExperimentResult, 'runs'>,
  planned: readonly Run[],
): Promise<{ result: ExperimentResult; paths: ResultPaths; sweepPoints: SweepPointAggregate[] }> {
  const stream = await ResultStream.open(out, planned);
  const kept: ExperimentRun[] = [];
  try {
    const readers = shards.map((shard) => storedRuns(shard, planned));
    const heads = await Promise.all(readers.map((reader) => reader.next()));
    let chunk: ExperimentRun[] = [];
    const flush = async () => {
      for (const run of await stream.add(chunk)) kept.push(run);
      chunk = [];
    };
    for (;;) {
      // The shard whose next run has the smallest id: the shards interleave round-robin.
      let best = -1;
      heads.forEach((head, i) => {
        if (!head.done && (best < 0 || head.value.id < (heads[best]!.value as ExperimentRun).id)) best = i;
      });
      if (best < 0) break;
      chunk.push(heads[best]!.value as ExperimentRun);
      heads[best] = await readers[best]!.next();
      if (chunk.length === CHUNK_RUNS) await flush();
    }
    await flush();
  } catch (error) {
    await stream.discard();
    throw error;
  }
  const result: ExperimentResult = { ...header, runs: kept };
  const { paths, sweepPoints } = await stream.finish(result, { preset: null, verdict: null });
  return { result, paths, sweepPoints };
}
