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
    // Resolved once per sweep point: the replicas differ only in init.seed and share every other
    // part of it (read-only), so 10⁶ seeds cost two small objects each, not a whole config.
    const resolved = fillDefaults(single);
    for (let r = 0; r < seeds; r++) {
      // With one seed the config is the user's as written; replicas record which seed they drew.
      const config = seeds > 1 ? { ...resolved, init: { ...resolved.init, seed: baseSeed + r } } : resolved;
      const overrides = seeds > 1 ? { ...point.overrides, 'init.seed': baseSeed + r } : { ...point.overrides };
      runs.push({ id: runs.length, overrides, config });
    }
  }
  return runs;
}

/** Equal for two resolved configs exactly when their networks can train in one GPU batch. */
export function batchKey(config: ResolvedConfig): string {
  return canonicalJson(batchShared(config));
}

/** What the networks of one batch share: everything but the per-network init, learning rate and weight decay. */
function batchShared(config: ResolvedConfig): object {
  const { init: _perNetworkInit, ...shared } = config;
  const { lr: _perNetworkLr, weightDecay: _perNetworkDecay, ...train } = config.train;
  return { ...shared, train };
}

/** Runs split into GPU batches, run order kept inside each; batches ordered by their first run. */
export function groupBatches(runs: Run[]): Run[][] {
  const batches = new Map<string, Run[]>();
  // Replicas of one sweep point stringify alike; the canonical key is computed once per distinct text.
  const keys = new Map<string, string>();
  for (const run of runs) {
    const text = JSON.stringify(batchShared(run.config));
    let key = keys.get(text);
    if (key === undefined) keys.set(text, (key = batchKey(run.config)));
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
