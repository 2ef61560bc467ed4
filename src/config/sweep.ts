/**
 * From one config to its runs: parseConfig checks every combination of a sweep (sweepPoints),
 * resolveConfig and expandRuns fill the defaults (resolve.ts), the sweep × seeds give the runs,
 * and runs that share everything but their initialisation, learning rate and weight decay train
 * in one GPU batch, since those three live per network on the GPU.
 */
import { ConfigError } from '../errors.js';
import { DEFAULTS } from './defaults.js';
import { fillDefaults } from './resolve.js';
import { checkPath, isPlainObject, withValue } from './schema.js';
import type { Config, ResolvedConfig, Run, Sweep } from './types.js';
import { checkConfig } from './validate.js';

/** Checks a plain object (e.g. JSON.parse output), every sweep combination included; returns it typed. */
export function parseConfig(input: unknown): Config {
  sweepPoints(input);
  return input as Config;
}

/** Checks a config without sweep or seed replication and fills every default: what one network trains with. */
export function resolveConfig(config: Config): ResolvedConfig {
  parseConfig(config);
  if (config.sweep !== undefined) {
    throw new ConfigError(
      'sweep',
      config.sweep,
      'resolveConfig builds one network; expand the sweep with expandRuns(config), which resolves every run',
    );
  }
  if (config.seeds !== undefined && config.seeds > 1) {
    throw new ConfigError(
      'seeds',
      config.seeds,
      'resolveConfig builds one network; replicate seeds with expandRuns(config), which resolves every run',
    );
  }
  return fillDefaults(config);
}

/** One combination of a sweep: the values it set and the config they make (sweep removed). */
export interface SweepPoint {
  overrides: Record<string, unknown>;
  config: Config;
}

/**
 * Every config a sweep produces, each validated, in run order: the Cartesian product of the sweep's
 * value lists in the order its keys are written, the last key varying fastest. A config without a
 * sweep is one point with no overrides. Errors inside a combination name it.
 */
export function sweepPoints(input: unknown): SweepPoint[] {
  if (!isPlainObject(input))
    throw new ConfigError('config', input, 'must be an object with task, network, init, train and record sections');
  const sweep = checkSweep(input.sweep);
  const base = withValue(input, 'sweep', undefined);
  return combinations(sweep).map((overrides) => {
    const config = Object.entries(overrides).reduce((point, [path, value]) => withValue(point, path, value), base);
    try {
      checkConfig(config);
    } catch (error) {
      throw inCombination(error, overrides);
    }
    return { overrides, config: config as unknown as Config };
  });
}

/**
 * The most runs one experiment expands to: each run costs the host a few hundred bytes before it
 * trains (and its records after), so 4·10⁶ runs hold ~1 GB; more is split into experiments or
 * shards of experiments. Checked before any run is made, so `seeds: 1e9` is an error, not a
 * process out of memory.
 */
export const MAX_RUNS = 4_000_000;

function checkRunCount(points: SweepPoint[]): void {
  const count = points.reduce((sum, point) => sum + (point.config.seeds ?? DEFAULTS.seeds), 0);
  if (count <= MAX_RUNS) return;
  const field = points.length === 1 ? 'seeds' : 'sweep';
  const value = points.length === 1 ? points[0]!.config.seeds : `${points.length} sweep points × seeds = ${count} runs`;
  throw new ConfigError(
    field,
    value,
    `one experiment expands to at most ${MAX_RUNS} runs; use fewer seeds or sweep values, or split the experiment into several`,
  );
}

/**
 * Every run of an experiment, validated and resolved: the sweep's combinations in order (last key
 * fastest), each replicated `seeds` times with init.seed = base + r. Ids count from 0 in that order.
 */
export function expandRuns(config: Config): Run[] {
  const points = sweepPoints(config);
  checkRunCount(points);
  const runs: Run[] = [];
  for (const point of points) {
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

/**
 * What the networks of one batch share: everything but the per-network init, learning rate and
 * weight decay, and, for the elementwise tasks, the fields that only change the task's data (task
 * and target seeds, the observed fraction, the target noise: each network its own target and mask,
 * src/problem/batch-tasks.ts).
 */
function batchShared(config: ResolvedConfig): object {
  const { init: _perNetworkInit, ...shared } = config;
  const { lr: _perNetworkLr, weightDecay: _perNetworkDecay, ...train } = config.train;
  if (!taskSeedsPerNetwork(config)) return { ...shared, train };
  const { seed: _perNetworkTask, observed: _perNetworkMask, noise: _perNetworkNoise, target, ...task } = config.task;
  const { seed: _perNetworkTarget, ...targetShared } = target as { seed?: number };
  return { ...shared, train, task: { ...task, target: targetShared } };
}

/**
 * Whether networks of this config may share a batch with networks of other task seeds
 * (task.seed, task.target.seed), observed fractions or noise levels: the elementwise tasks, whose data is a per-network target and
 * mask (src/problem/batch-tasks.ts, engine/task-kernels.ts), and not record.linearized, whose host
 * reference and linear model assume one task.
 */
export function taskSeedsPerNetwork(config: ResolvedConfig): boolean {
  const kind = config.task.kind;
  return (kind === 'factorization' || kind === 'completion') && !config.record.linearized;
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

function checkSweep(value: unknown): Sweep {
  if (value === undefined) return {};
  if (!isPlainObject(value))
    throw new ConfigError(
      'sweep',
      value,
      'must be an object from config paths to lists of values, e.g. {"train.lr": [0.01, 0.1]}',
    );
  for (const [path, values] of Object.entries(value)) {
    const field = `sweep["${path}"]`;
    checkPath(path, field, true);
    if (!Array.isArray(values) || values.length === 0)
      throw new ConfigError(field, values, 'must be a non-empty array of the values to try, e.g. [0.01, 0.1]');
  }
  return value as Sweep;
}

/** The sweep's Cartesian product as path → value records, the last key varying fastest. */
function combinations(sweep: Sweep): Record<string, unknown>[] {
  let points: Record<string, unknown>[] = [{}];
  for (const [path, values] of Object.entries(sweep)) {
    points = points.flatMap((point) => values.map((value) => ({ ...point, [path]: value })));
  }
  return points;
}

/**
 * Re-points an error inside a sweep combination at the sweep entry to edit when the bad field is a
 * swept one (`sweep["train.lr"]`), and names the combination either way.
 */
function inCombination(error: unknown, overrides: Record<string, unknown>): unknown {
  if (!(error instanceof ConfigError) || Object.keys(overrides).length === 0) return error;
  const swept = Object.keys(overrides).find((path) => error.field === path || error.field.startsWith(`${path}[`));
  const field = swept === undefined ? error.field : `sweep["${swept}"]${error.field.slice(swept.length)}`;
  return new ConfigError(field, error.value, `${error.fix} (in the sweep combination ${JSON.stringify(overrides)})`);
}
