/**
 * Sharding: slice an experiment's runs into n disjoint parts so that n machines (a cluster job
 * array) can each train one. Round-robin by run id rather than contiguous blocks, because sweeps
 * put expensive settings together (a depth sweep's deepest networks are its last runs): each shard
 * gets a share of every sweep point and the shards finish at about the same time. Run ids stay
 * the global ones, so `dlnsim merge` can put the shards back in order.
 */
import type { Run } from '../config/types.js';
import { ConfigError } from '../errors.js';
import type { Shard } from './types.js';

const SHARD_FORM =
  'write --shard i/n with integers 1 ≤ i ≤ n, e.g. --shard 2/8 (in a job array: --shard $((SLURM_ARRAY_TASK_ID+1))/8)';

/** Parses "i/n" (1-based i). */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) throw new ConfigError('--shard', text, SHARD_FORM);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || index < 1 || index > count) throw new ConfigError('--shard', text, SHARD_FORM);
  return { index, count };
}

/** The runs of shard i/n: ids i − 1, i − 1 + n, i − 1 + 2n, … */
export function shardRuns(runs: Run[], shard: Shard): Run[] {
  return runs.filter((run) => run.id % shard.count === shard.index - 1);
}
