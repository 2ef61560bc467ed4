/**
 * From one config to its runs (sweep × seeds), and from runs to GPU batches: networks that share
 * everything but their initialisation, learning rate and weight decay train in one batch, since
 * those three live per network on the GPU.
 */
import { DEFAULTS } from './defaults.js';
import { withValue } from './schema.js';
import type { Config, ResolvedConfig, Run } from './types.js';
import { fillDefaults, sweepPoints } from './validate.js';

/**
 * Every run of an experiment, validated and resolved: the sweep's combinations in order (last key
 * fastest), each replicated `seeds` times with init.seed = base + r. Ids count from 0 in that order.
 */
export function expandRuns(config: Config): Run[] {
  const runs: Run[] = [];
  for (const point of sweepPoints(config)) {
    const seeds = point.config.seeds ?? DEFAULTS.seeds;
    const single = withValue(point.config, 'seeds', undefined);
    const baseSeed = single.init.seed ?? DEFAULTS.init.seed;
    for (let r = 0; r < seeds; r++) {
      // With one seed the config is the user's as written; replicas record which seed they drew.
      const seeded = seeds > 1 ? withValue(single, 'init.seed', baseSeed + r) : single;
      const overrides = seeds > 1 ? { ...point.overrides, 'init.seed': baseSeed + r } : { ...point.overrides };
      runs.push({ id: runs.length, overrides, config: fillDefaults(seeded) });
    }
  }
  return runs;
}

/** Equal for two resolved configs exactly when their networks can train in one GPU batch. */
export function batchKey(config: ResolvedConfig): string {
  const { init: _perNetworkInit, ...shared } = config;
  const { lr: _perNetworkLr, weightDecay: _perNetworkDecay, ...train } = config.train;
  return canonicalJson({ ...shared, train });
}

/** Runs split into GPU batches, run order kept inside each; batches ordered by their first run. */
export function groupBatches(runs: Run[]): Run[][] {
  const batches = new Map<string, Run[]>();
  for (const run of runs) {
    const key = batchKey(run.config);
    const batch = batches.get(key);
    if (batch) batch.push(run);
    else batches.set(key, [run]);
  }
  return [...batches.values()];
}

/** JSON with object keys sorted and undefined fields dropped, so equal configs give equal text whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
