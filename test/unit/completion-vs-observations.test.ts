/**
 * The completion-vs-observations verdict on hand-made results (no GPU), and its nuclear-norm
 * baseline on the very target and mask the GPU batch of each run trains on (buildTask of the
 * batch's first run, as the Simulator does).
 */
import { describe, expect, it } from 'vitest';
import { completionTestError } from '../../src/analysis/heldout.js';
import { greedyLowRank } from '../../src/baselines/glrl.js';
import { nuclearNormCompletion } from '../../src/baselines/nuclear-norm.js';
import { expandRuns, groupBatches } from '../../src/config/index.js';
import { experimentRun, fullTrace } from '../../src/experiment/index.js';
import type { ExperimentResult } from '../../src/experiment/types.js';
import { completionVsObservations, groupByObserved } from '../../src/presets/completion-vs-observations.js';
import { buildTask } from '../../src/problem/task.js';
import { resultOf } from '../helpers/results.js';

// Few observations (judged: the nuclear norm fails there) and many (everything exact).
const config = {
  ...completionVsObservations.config,
  sweep: { 'task.observed': [0.3, 0.8], 'task.seed': [1, 2], 'network.depth': [2, 3, 4] },
};
const runs = expandRuns(config);

/** The nuclear-norm testError of each GPU batch's task, keyed by (observed, mask seed). */
const nuclear = new Map<string, number>();
const taskKey = (task: { observed?: number; seed: number }) => `${task.observed}|${task.seed}`;
for (const batch of groupBatches(runs)) {
  const { target, mask } = buildTask(batch[0]!.config);
  nuclear.set(
    taskKey(batch[0]!.config.task),
    completionTestError(nuclearNormCompletion(target, mask!).x, target, mask!),
  );
}

/** Each run's final testError from its depth, its mask's nuclear-norm error and its init seed (0, 1, 2). */
function result(testError: (depth: number, nuclear: number, seed: number) => number): ExperimentResult {
  const experimentRuns = runs.map((run) => {
    const error = testError(run.config.widths.length - 1, nuclear.get(taskKey(run.config.task))!, run.config.init.seed);
    return experimentRun(
      run,
      fullTrace({
        steps: [0, 3000],
        times: [0, 1200],
        losses: [1, 1e-8],
        singularValues: [[], []],
        testErrors: [1, error],
      }),
      false,
    );
  });
  return resultOf(config, experimentRuns);
}

/** Where the nuclear norm fails (its error > 0.05): depth 2 at `shallow`, deeper at `deep`; elsewhere every depth exact (1e-3). */
const whereNuclearFails =
  (shallow: (nuclear: number, seed: number) => number, deep: (nuclear: number, seed: number) => number) =>
  (depth: number, nuclearError: number, seed: number) =>
    nuclearError <= 0.05 ? 1e-3 : depth === 2 ? shallow(nuclearError, seed) : deep(nuclearError, seed);

/** Depth 2 at the nuclear norm's error, 1 % apart per init seed. */
const atNuclear = (nuclearError: number, seed: number) => nuclearError * (1 + 0.01 * seed);

describe('completion-vs-observations baseline', () => {
  it('solves the same target and mask as each run’s GPU batch', () => {
    const groups = groupByObserved(result(() => 0.5));
    expect(groups.map((g) => g.observed)).toEqual([0.3, 0.8]);
    for (const group of groups) {
      expect(group.count).toBe(Math.round(group.observed * 100));
      expect(group.masks.map((mask) => mask.seed).sort()).toEqual([1, 2]);
      for (const mask of group.masks)
        expect(mask.nuclear).toBe(nuclear.get(taskKey({ observed: group.observed, seed: mask.seed })));
    }
    // Every run of a batch trains on its first run's task: the verdict's rebuild is that task.
    for (const batch of groupBatches(runs)) {
      const trained = buildTask(batch[0]!.config);
      for (const run of batch) expect(buildTask(run.config).mask!.data).toEqual(trained.mask!.data);
    }
    // GLRL on the same task, as the verdict's table shows it.
    const mask = groups[1]!.masks[0]!;
    const task = buildTask(
      runs.find((run) => run.config.task.observed === 0.8 && run.config.task.seed === mask.seed)!.config,
    );
    expect(mask.glrl).toBe(completionTestError(greedyLowRank(task.target, task.mask!).w, task.target, task.mask!));
    expect(mask.glrl).toBeLessThan(1e-3);
    // 30 entries leave the nuclear norm far from exact on a rank-1 10×10 matrix; 80 recover it.
    expect(Math.min(...groups[0]!.masks.map((mask) => mask.nuclear))).toBeGreaterThan(0.05);
    expect(Math.max(...groups[1]!.masks.map((mask) => mask.nuclear))).toBeLessThan(1e-3);
  });
});

describe('completion-vs-observations verdict', () => {
  it('passes when deeper is lower on every mask where depth 2 (at the nuclear norm) fails', () => {
    const verdict = completionVsObservations.verdict(
      result(whereNuclearFails(atNuclear, (_, seed) => 0.01 * (1 + 0.1 * seed))),
    );
    expect(verdict.summary).toMatch(/^PASS/);
    expect(verdict.pass).toBe(true);
    expect(verdict.measured.join('\n')).toContain('4/4 lower, 0 higher');
    // Depth 1 (not in this sweep) and GLRL are columns beside the judged depths.
    expect(verdict.measured[0]).toContain('depth 1: median [Q1, Q3]');
    expect(verdict.measured[0]).toContain('GLRL: median');
  });

  it('fails when deeper lies within the init-seed range of depth 2', () => {
    const verdict = completionVsObservations.verdict(
      result(whereNuclearFails(atNuclear, (nuclearError, seed) => nuclearError * (0.98 + 0.02 * seed))),
    );
    expect(verdict.pass).toBe(false);
    expect(verdict.summary).toMatch(
      /^FAIL: depths ≥ 3 lower than depth 2 on most masks at 0 of 1 judged fractions; within the init-seed range/,
    );
  });

  it('fails when deeper is higher', () => {
    const verdict = completionVsObservations.verdict(
      result(whereNuclearFails(atNuclear, (nuclearError) => 2 * nuclearError)),
    );
    expect(verdict.pass).toBe(false);
    expect(verdict.summary).toContain('depth 2 lower on more masks');
  });

  it('fails when depth 4 is nearer the nuclear norm than depth 2', () => {
    const verdict = completionVsObservations.verdict(
      result(
        whereNuclearFails(
          (n, seed) => 2 * atNuclear(n, seed),
          (n, seed) => 1.5 * atNuclear(n, seed),
        ),
      ),
    );
    expect(verdict.pass).toBe(false);
    expect(verdict.summary).toContain('depth 4 nearer the nuclear norm');
  });

  it('fails with nothing to judge when depth 2 is exact everywhere', () => {
    expect(completionVsObservations.verdict(result(() => 1e-3)).summary).toMatch(/^FAIL: depth 2 is exact/);
  });
});
