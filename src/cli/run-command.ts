/**
 * `dlnsim run`: load and validate the experiment, train it (optionally one shard), write the
 * results files, print the overview and, for a complete preset run, its verdict.
 */
import { expandRuns } from '../config/index.js';
import { memoryLimits, parseShard, planBatches, runExperiment, shardRuns } from '../experiment/index.js';
import { ResultStream, writeResults } from '../results/index.js';
import { streamsResults } from '../results/result-stream.js';
import { checkMatrixExport } from '../results/matrices-npy.js';
import type { Command } from './args.js';
import { EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK } from './exit-codes.js';
import type { CliIo } from './io.js';
import { defaultOutDir, loadExperiment } from './load-config.js';
import { progressReporter } from './progress.js';
import { resultOverview, resultPathsText, verdictText } from './result-text.js';
import { withGpu } from './with-gpu.js';

export async function runCommand(command: Extract<Command, { kind: 'run' }>, io: CliIo): Promise<number> {
  const { config, preset, name } = await loadExperiment(command.source, command.sets);
  const shard = command.shard === undefined ? undefined : parseShard(command.shard);
  const out = command.out ?? defaultOutDir(shard ? `${name}-shard${shard.index}of${shard.count}` : name);
  const all = expandRuns(config);
  const runs = shard ? shardRuns(all, shard) : all;
  checkMatrixExport(runs);
  const progress = progressReporter(io.stderr, command.quiet);
  const note = (text: string) => {
    if (!command.quiet) io.stderr.write(`${text}\n`);
  };

  return withGpu(io, async (gpu) => {
    const batches = planBatches(runs, memoryLimits(gpu.device)).length;
    note(
      `dlnsim: ${preset ? `preset ${preset.name}` : name}: ${runs.length} run${runs.length === 1 ? '' : 's'}` +
        `${shard ? ` (shard ${shard.index}/${shard.count} of ${all.length})` : ''} in ${batches} batch${batches === 1 ? '' : 'es'} on ${gpu.adapter.name}` +
        (gpu.adapter.isFallbackAdapter ? ' — software fallback, expect ~100× less speed than a GPU' : ''),
    );
    // Beyond the Parquet threshold the runs are written batch by batch, not held (results/result-stream.ts).
    const stream = streamsResults(runs, command.format, preset !== null)
      ? await ResultStream.open(out, runs)
      : undefined;
    if (stream) note(`dlnsim: results streamed to ${out} batch by batch (Parquet), not held in memory`);
    let result;
    try {
      result = await runExperiment(gpu, config, {
        shard,
        runs,
        signal: io.signal,
        measure: preset?.measure,
        onProgress: (p) => progress.update(p),
        onBatchRuns: stream?.add,
      });
    } catch (error) {
      await stream?.discard();
      throw error;
    }
    progress.clear();
    const complete = !result.aborted && !shard;
    const verdict = preset && complete ? preset.verdict(result) : null;
    const extras = { preset: preset?.name ?? null, verdict };
    // A streamed result holds only the runs report.html draws; the aggregates cover every run.
    const { paths, sweepPoints } = stream
      ? await stream.finish(result, extras)
      : { paths: await writeResults(out, result, extras, command.format), sweepPoints: undefined };

    const lines = ['', ...resultOverview(result, sweepPoints)];
    if (verdict) lines.push('', ...verdictText(preset!.name, verdict));
    else if (preset && shard && !result.aborted)
      lines.push('', `verdict: after all ${shard.count} shards are done, dlnsim merge computes it`);
    if (result.failure) lines.push('', 'stopped by the GPU: the results hold what was recorded before it failed');
    else if (result.aborted) lines.push('', 'interrupted: the results hold what was recorded up to the interruption');
    lines.push('', ...resultPathsText(paths));
    io.stdout.write(`${lines.join('\n')}\n`);
    if (result.failure) {
      io.stderr.write(`dlnsim: ${result.failure.name}: ${result.failure.message}\n`);
      return EXIT_FAILURE;
    }
    return result.aborted ? EXIT_INTERRUPTED : EXIT_OK;
  });
}
