/**
 * init.gamma (variance w^−γ from the hidden width) and record.linearized: validation, the init's
 * variance, and the lazyDeviation / unobservedChange results fields through summary.json and
 * trace.csv and back (the merge path).
 */
import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/types.js';
import { expandRuns, resolveConfig } from '../../src/config/index.js';
import { ConfigError } from '../../src/errors.js';
import { experimentRun, fullTrace } from '../../src/experiment/experiment-run.js';
import { initialLayers } from '../../src/problem/init.js';
import { buildTask } from '../../src/problem/task.js';
import { parseTraceCsv, traceCsv } from '../../src/results/trace-csv.js';
import { toSummary } from '../../src/results/summary.js';
import { restoreResult } from '../../src/results/restore.js';
import type { ExperimentResult } from '../../src/experiment/types.js';

const base = (edit: (c: Config) => void = () => {}): Config => {
  const config: Config = {
    task: { kind: 'factorization', target: { rows: 4, cols: 4, singularValues: [2, 1], seed: 1 } },
    network: { depth: 3, width: 64 },
    init: { kind: 'gaussian', gamma: 1.5, seed: 2 },
    train: { lr: 0.01, steps: 10 },
    record: { every: 5, linearized: true },
  };
  edit(config);
  return config;
};

function fieldOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigError) return error.field;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('init.gamma', () => {
  it('draws entries with variance w^−γ, w the hidden width', () => {
    const config = resolveConfig(base());
    const layers = initialLayers(config, buildTask(config));
    const middle = layers[1]!.data; // 64 × 64 entries
    const variance = middle.reduce((sum, v) => sum + v * v, 0) / middle.length;
    // 4096 samples: the sample variance has relative std √(2/4096) ≈ 2.2%; allow 5 of them.
    expect(Math.abs(variance / 64 ** -1.5 - 1)).toBeLessThan(0.11);
  });

  it('is rejected with std or gain, with a non-Gaussian init, at depth 1 and with unequal hidden widths', () => {
    expect(fieldOf(() => resolveConfig(base((c) => (c.init = { kind: 'gaussian', gamma: 1, std: 0.1 }))))).toBe(
      'init.gamma',
    );
    expect(fieldOf(() => resolveConfig(base((c) => (c.init = { kind: 'gaussian', gamma: 1, gain: 1 }))))).toBe(
      'init.gamma',
    );
    expect(fieldOf(() => resolveConfig(base((c) => (c.init = { kind: 'orthogonal', gamma: 1 }))))).toBe('init.gamma');
    expect(fieldOf(() => resolveConfig(base((c) => (c.network = { depth: 1, width: 4 }))))).toBe('init.gamma');
    expect(fieldOf(() => resolveConfig(base((c) => (c.network = { widths: [4, 8, 16, 4] }))))).toBe(
      'network.widths[2]',
    );
    expect(fieldOf(() => resolveConfig(base((c) => (c.init = { kind: 'gaussian', gamma: -1 }))))).toBe('init.gamma');
  });
});

describe('record.linearized', () => {
  it('is rejected on a flow run and with weight decay', () => {
    expect(
      fieldOf(() =>
        resolveConfig(base((c) => ((c.init = { kind: 'balanced', scale: 0.1 }), (c.train.method = 'flow')))),
      ),
    ).toBe('record.linearized');
    expect(fieldOf(() => resolveConfig(base((c) => (c.train.weightDecay = 0.01))))).toBe('train.weightDecay');
  });

  it('run.lazyDeviation is the maximum before divergence, run.unobservedChange the last value; both survive trace.csv and summary.json', () => {
    const config = base(
      (c) => (
        (c.task = { kind: 'completion', target: { rows: 4, cols: 4, singularValues: [2, 1], seed: 1 }, observed: 0.5 }),
        (c.seeds = 2)
      ),
    );
    const runs = expandRuns(config);
    const steps = [0, 5, 10];
    const result: ExperimentResult = {
      config,
      device: { adapter: 'test', fallback: true },
      timing: { seconds: 1, steps: 10, networkSteps: 20, networkStepsPerSecond: 20, kernels: [] },
      shard: null,
      aborted: false,
      runs: runs.map((run) =>
        experimentRun(
          run,
          fullTrace({
            steps,
            times: steps.map((s) => s * 0.01),
            losses: [1, 0.5, run.id === 1 ? NaN : 0.25],
            singularValues: steps.map(() => []),
            lazyDeviations: [0, 0.3, 0.2],
            unobservedChanges: [0, 0.1, 0.4],
          }),
          run.id === 1 ? { step: 10, reason: 'loss became NaN' } : false,
        ),
      ),
    };
    expect(result.runs.map((r) => [r.lazyDeviation, r.unobservedChange])).toEqual([
      [0.3, 0.4],
      [0.3, 0.1],
    ]);
    const text = traceCsv(result);
    expect(text.split('\n')[0]).toBe(
      'run,step,time,loss,objective,testError,lazyDeviation,unobservedChange,logVolume,entropy',
    );
    const restored = restoreResult(toSummary(result), parseTraceCsv(text));
    expect(restored.runs.map((r) => [r.lazyDeviation, r.unobservedChange, r.trace.lazyDeviations])).toEqual(
      result.runs.map((r) => [r.lazyDeviation, r.unobservedChange, r.trace.lazyDeviations]),
    );
  });
});
