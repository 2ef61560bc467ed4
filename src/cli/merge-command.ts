/**
 * `dlnsim merge OUTDIR DIR...`: shards back into one result, with the preset's verdict when
 * complete. Parquet shards of a config file are merged streaming (results/merge-stream.ts), as
 * `dlnsim run` writes beyond the Parquet threshold; the rest are read whole, then written.
 */
import { resolve } from 'node:path';
import { expandRuns } from '../config/index.js';
import { findPreset } from '../presets/index.js';
import type { ExperimentResult } from '../experiment/types.js';
import type { Verdict } from '../presets/types.js';
import {
  type FormatChoice,
  mergeShards,
  type ResultPaths,
  ResultsError,
  type SweepPointAggregate,
  writeResults,
} from '../results/index.js';
import { readResultsOf, readSummary } from '../results/files.js';
import { mergeShardHeaders } from '../results/merge.js';
import { mergeStreamed } from '../results/merge-stream.js';
import { resultHeader } from '../results/restore.js';
import { streamsResults } from '../results/result-stream.js';
import type { Command } from './args.js';
import { EXIT_OK } from './exit-codes.js';
import type { CliIo } from './io.js';
import { resultOverview, resultPathsText, verdictText } from './result-text.js';

export async function mergeCommand(command: Extract<Command, { kind: 'merge' }>, io: CliIo): Promise<number> {
  const { shards, preset, verdict, result, paths, sweepPoints } = await mergeDirectories(
    command.out,
    command.dirs,
    command.format,
  );
  const lines = [`merged ${shards} shard${shards === 1 ? '' : 's'}`, '', ...resultOverview(result, sweepPoints)];
  if (verdict) lines.push('', ...verdictText(preset!, verdict));
  lines.push('', ...resultPathsText(paths));
  io.stdout.write(`${lines.join('\n')}\n`);
  return EXIT_OK;
}

/**
 * Merges the shards in `dirs` into `out`; returns the result (when streamed, only the runs the
 * report draws: `sweepPoints` then covers every run), the preset's verdict and the paths written.
 */
export async function mergeDirectories(
  out: string,
  dirs: readonly string[],
  format: FormatChoice,
): Promise<{
  shards: number;
  preset: string | null;
  verdict: Verdict | null;
  result: ExperimentResult;
  paths: ResultPaths;
  sweepPoints?: SweepPointAggregate[];
}> {
  if (dirs.some((dir) => resolve(dir) === resolve(out))) {
    throw new ResultsError(`the output directory ${out} is also one of the shards; merge into a new directory`);
  }
  const shards = [];
  for (const dir of dirs) shards.push({ dir, summary: await readSummary(dir) });
  const { preset: presetName, result: header } = mergeShardHeaders(
    shards.map(({ dir, summary }) => ({ source: dir, preset: summary.preset, result: resultHeader(summary) })),
  );
  const planned = expandRuns(header.config);
  if (
    shards.every(({ summary }) => summary.format === 'parquet') &&
    streamsResults(planned, format, presetName !== null)
  )
    return {
      shards: shards.length,
      preset: presetName,
      verdict: null,
      ...(await mergeStreamed(out, shards, header, planned)),
    };
  const parts = [];
  for (const { dir, summary } of shards) parts.push({ source: dir, ...(await readResultsOf(dir, summary)) });
  const { result } = mergeShards(parts);
  const preset = presetName === null ? undefined : findPreset(presetName);
  const verdict = preset && !result.aborted ? preset.verdict(result) : null;
  const paths = await writeResults(out, result, { preset: presetName, verdict }, format);
  return { shards: shards.length, preset: presetName, verdict, result, paths };
}
