/**
 * The completion-vs-observations verdict on hand-made results (no GPU), its sign-test threshold,
 * and its baselines on the very target and mask each run trains on (each run its own task in the
 * batch, src/problem/batch-tasks.ts). A 10×10 rank-1 version of the preset keeps the host solves fast.
 */
import { describe, expect, it } from 'vitest';
import { completionTestError } from '../../src/analysis/heldout.js';
import { greedyLowRank } from '../../src/baselines/glrl.js';
import { nuclearNormCompletion } from '../../src/baselines/nuclear-norm.js';
import { expandRuns, groupBatches } from '../../src/config/index.js';
import type { Config } from '../../src/config/types.js';
import { experimentRun, fullTrace } from '../../src/experiment/index.js';
import type { ExperimentResult } from '../../src/experiment/types.js';
import {
  completionVsObservations,
  groupByObserved,
  signTestThreshold,
  SUCCESS,
} from '../../src/presets/completion-vs-observations.js';
import { batchTasks } from '../../src/problem/batch-tasks.js';
import { buildTask } from '../../src/problem/task.js';
import { resultOf } from '../helpers/results.js';

// Few observations (the nuclear norm fails there) and many (everything exact); 4 (mask, target) draws.
const preset = completionVsObservations.config;
const config: Config = {
  ...preset,
  task: { ...preset.task, target: { rows: 10, cols: 10, singularValues: [10] } },
  network: { depth: 2, width: 10 },
  sweep: { 'task.observed': [0.3, 0.8], 'task.seed': [1, 2, 3, 4], 'network.depth': [1, 2, 3, 4] },
};
const runs = expandRuns(config);

/** The nuclear-norm testError of each run's own task, keyed by (observed, task seed). */
const nuclear = new Map<string, number>();
const taskKey = (task: { observed?: number; seed: number }) => `${task.observed}|${task.seed}`;
for (const run of runs) {
  const key = taskKey(run.config.task);
  if (nuclear.has(key)) continue;
  const { target, mask } = buildTask(run.config);
  nuclear.set(key, completionTestError(nuclearNormCompletion(target, mask!).x, target, mask!));
}

/** Each run's final testError from its depth, its draw's nuclear-norm error and its task seed (1–4). */
function result(testError: (depth: number, nuclear: number, seed: number) => number): ExperimentResult {
  const experimentRuns = runs.map((run) => {
    const error = testError(run.config.widths.length - 1, nuclear.get(taskKey(run.config.task))!, run.config.task.seed);
    return experimentRun(
      run,
      fullTrace({
        steps: [0, 4000],
        times: [0, 4000],
        losses: [1, 1e-8],
        singularValues: [[], []],
        testErrors: [1, error],
      }),
      false,
    );
  });
  return resultOf(config, experimentRuns);
}

/** Where the nuclear norm fails (its error ≥ SUCCESS): depth 1 at 1, depth 2 at `shallow`, deeper at `deep`; elsewhere every depth exact (1e-3). */
const whereNuclearFails =
  (shallow: (nuclear: number, seed: number) => number, deep: (nuclear: number, seed: number) => number) =>
  (depth: number, nuclearError: number, seed: number) =>
    depth === 1
      ? 1
      : nuclearError < SUCCESS
        ? 1e-3
        : depth === 2
          ? shallow(nuclearError, seed)
          : deep(nuclearError, seed);

/** Depth 2 at the nuclear norm's error, 1 % apart per draw. */
const atNuclear = (nuclearError: number, seed: number) => nuclearError * (1 + 0.01 * seed);

describe('completion-vs-observations baseline', () => {
  it('solves the same target and mask as each run trains on, one batch per depth', () => {
    // Every draw and fraction of one depth is one GPU batch, each network with its own task.
    expect(groupBatches(runs)).toHaveLength(4);
    for (const batch of groupBatches(runs)) {
      const tasks = batchTasks(batch.map((run) => run.config));
      batch.forEach((run, b) => expect(tasks[b]!.mask!.data).toEqual(buildTask(run.config).mask!.data));
    }
    const groups = groupByObserved(result(() => 0.5));
    expect(groups.map((g) => g.observed)).toEqual([0.3, 0.8]);
    for (const group of groups) {
      expect(group.count).toBe(Math.round(group.observed * 100));
      expect(group.masks.map((mask) => mask.seed).sort()).toEqual([1, 2, 3, 4]);
      for (const mask of group.masks)
        expect(mask.nuclear).toBe(nuclear.get(taskKey({ observed: group.observed, seed: mask.seed })));
    }
    // GLRL on the same task, as the verdict's table shows it.
    const mask = groups[1]!.masks[0]!;
    const task = buildTask(
      runs.find((run) => run.config.task.observed === 0.8 && run.config.task.seed === mask.seed)!.config,
    );
    expect(mask.glrl).toBe(completionTestError(greedyLowRank(task.target, task.mask!).w, task.target, task.mask!));
    expect(mask.glrl).toBeLessThan(1e-3);
    // 30 entries leave the nuclear norm far from exact on a rank-1 10×10 matrix; 80 recover it.
    expect(Math.min(...groups[0]!.masks.map((m) => m.nuclear))).toBeGreaterThan(SUCCESS);
    expect(Math.max(...groups[1]!.masks.map((m) => m.nuclear))).toBeLessThan(1e-3);
  });
});

describe('signTestThreshold', () => {
  it('is the smallest k with P(Bin(n, ½) ≥ k) < 0.05', () => {
    expect(signTestThreshold(8)).toBe(7); // P(≥ 7) = 9/256 = 0.035, P(≥ 6) = 0.145
    expect(signTestThreshold(16)).toBe(12); // P(≥ 12) = 0.038, P(≥ 11) = 0.105
    expect(signTestThreshold(4)).toBe(5); // even 4/4 (1/16 = 0.0625) is not significant
  });
});

describe('completion-vs-observations verdict', () => {
  it('passes when deeper is below depth 2 and the nuclear norm on every draw where the nuclear norm fails', () => {
    const verdict = completionVsObservations.verdict(result(whereNuclearFails(atNuclear, (_, seed) => 0.01 * seed)));
    expect(verdict.summary).toMatch(/^PASS: at the smallest fractions where any method succeeds/);
    expect(verdict.pass).toBe(true);
    expect(verdict.measured.join('\n')).toContain('8/8 / 8/8 (sign test needs 7)');
    expect(verdict.measured[0]).toContain('depth 1: median [Q1, Q3]');
    expect(verdict.measured[0]).toContain('GLRL: median');
    expect(verdict.measured.join('\n')).toContain('information limit r(2n − r)/n²: 0.19');
  });

  it('fails when deeper equals depth 2: the first fraction where anything succeeds is where everything is exact', () => {
    const verdict = completionVsObservations.verdict(result(whereNuclearFails(atNuclear, atNuclear)));
    expect(verdict.pass).toBe(false);
    expect(verdict.summary).toMatch(/^FAIL: at 0.8 /);
  });

  it('fails when deeper is below depth 2 but not below the nuclear norm', () => {
    const verdict = completionVsObservations.verdict(
      result(
        whereNuclearFails(
          (n, seed) => 3 * atNuclear(n, seed),
          (n, seed) => 1.5 * atNuclear(n, seed),
        ),
      ),
    );
    expect(verdict.pass).toBe(false);
    expect(verdict.summary).toContain('below nuclear on 0/8');
  });

  it('fails the sign test when deeper is lower on too few draws, even with lower medians', () => {
    // Draw 1 goes deeper-higher on both deep depths: 6/8 pairs below, under the 7 needed.
    const verdict = completionVsObservations.verdict(
      result(whereNuclearFails(atNuclear, (n, seed) => (seed === 1 ? 2 * n : 0.01))),
    );
    expect(verdict.pass).toBe(false);
    expect(verdict.summary).toMatch(/^FAIL: the medians are lower, but not significantly/);
    expect(verdict.summary).toContain('below depth 2 on 6/8');
  });

  it('fails with nothing to judge when no depth and not the nuclear norm succeeds', () => {
    const all = result(() => 0.9);
    const few = { ...all, runs: all.runs.filter((run) => run.config.task.observed === 0.3) };
    expect(completionVsObservations.verdict(few).summary).toMatch(/^FAIL: no depth and not the nuclear/);
  });
});
