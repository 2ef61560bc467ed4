/**
 * Joining the results of `--shard 1/n` … `--shard n/n` into the result of the unsharded run: the
 * same config, every shard exactly once, runs sorted by id. Device time adds up.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ExperimentResult } from '../experiment/types.js';
import { ResultsError } from './results-error.js';

export interface ShardResult {
  /** Where it came from (a directory), for messages. */
  source: string;
  preset: string | null;
  result: ExperimentResult;
}

/** A shard without its runs: what checking and joining the experiment-level fields needs. */
export interface ShardHeader {
  source: string;
  preset: string | null;
  result: Omit<ExperimentResult, 'runs'>;
}

export function mergeShards(parts: ShardResult[]): { preset: string | null; result: ExperimentResult } {
  const { preset, result } = mergeShardHeaders(parts);
  return { preset, result: { ...result, runs: parts.flatMap((p) => p.result.runs).sort((a, b) => a.id - b.id) } };
}

/**
 * The merged experiment-level fields, after checking that the parts are every shard of one split of
 * one experiment, each once; the runs are joined by the caller (mergeShards, or streamed: merge-stream.ts).
 */
export function mergeShardHeaders(parts: ShardHeader[]): {
  preset: string | null;
  result: Omit<ExperimentResult, 'runs'>;
} {
  const first = parts[0];
  if (!first) throw new ResultsError('merge needs at least one results directory');
  const count = first.result.shard?.count;
  const seen = new Map<number, string>();
  for (const part of parts) {
    const shard = part.result.shard;
    if (!shard)
      throw new ResultsError(
        `${part.source} is not a shard (it was run without --shard); only shards of one experiment can be merged`,
      );
    if (shard.count !== count)
      throw new ResultsError(
        `${part.source} is shard ${shard.index}/${shard.count} but ${first.source} is one of ${count}; merge shards of one split`,
      );
    if (part.preset !== first.preset)
      throw new ResultsError(
        `${part.source} ran preset ${part.preset ?? '(a config file)'} but ${first.source} ran ${first.preset ?? '(a config file)'}`,
      );
    if (!isDeepStrictEqual(part.result.config, first.result.config)) {
      throw new ResultsError(
        `${part.source} ran a different config from ${first.source}; only shards of one experiment (same config and --set edits) can be merged`,
      );
    }
    const earlier = seen.get(shard.index);
    if (earlier !== undefined)
      throw new ResultsError(`shard ${shard.index}/${count} is given twice: ${earlier} and ${part.source}`);
    seen.set(shard.index, part.source);
  }
  const missing = Array.from({ length: count! }, (_, i) => i + 1).filter((index) => !seen.has(index));
  if (missing.length > 0)
    throw new ResultsError(
      `shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing; merge needs all ${count}`,
    );

  const results = parts.map((p) => p.result);
  const adapters = [...new Set(results.map((r) => r.device.adapter))];
  const seconds = results.reduce((sum, r) => sum + r.timing.seconds, 0);
  const networkSteps = results.reduce((sum, r) => sum + r.timing.networkSteps, 0);
  return {
    preset: first.preset,
    result: {
      config: first.result.config,
      device: { adapter: adapters.join(' | '), fallback: results.some((r) => r.device.fallback) },
      timing: {
        seconds,
        steps: results.reduce((sum, r) => sum + r.timing.steps, 0),
        networkSteps,
        networkStepsPerSecond: seconds > 0 ? networkSteps / seconds : 0,
        kernels: [...new Set(results.flatMap((r) => r.timing.kernels ?? []))],
      },
      shard: null,
      aborted: results.some((r) => r.aborted),
    },
  };
}
