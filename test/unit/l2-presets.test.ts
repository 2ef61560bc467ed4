/**
 * The verdicts of l2-local-minima and l2-local-minima-completion on hand-made results: what they
 * judge, that they can fail, and that the completion variant groups minima by (rank, J).
 */
import { describe, expect, it } from 'vitest';
import { expandRuns } from '../../src/config/index.js';
import type { ExperimentResult, ExperimentRun } from '../../src/experiment/types.js';
import type { MinimumKind } from '../../src/analysis/index.js';
import { l2LocalMinima } from '../../src/presets/l2-local-minima.js';
import { l2LocalMinimaCompletion } from '../../src/presets/l2-local-minima-completion.js';
import { resultOf } from '../helpers/results.js';

function result(config: ExperimentResult['config'], runs: ExperimentRun[]): ExperimentResult {
  return resultOf(config, runs);
}

/** Runs of the preset's sweep (4 seeds) with `label` deciding each run's minimum and testError. */
function denoisingRuns(
  label: (depth: number, lambda: number, scale: number, seed: number) => [MinimumKind, number],
): ExperimentRun[] {
  return expandRuns({ ...l2LocalMinima.config, seeds: 4 }).map((run) => {
    const [minimum, testError] = label(
      run.config.widths.length - 1,
      run.config.train.weightDecay,
      run.config.init.scale!,
      run.config.init.seed,
    );
    return {
      id: run.id,
      overrides: run.overrides,
      config: run.config,
      minimum,
      testError,
      objective: 0.4,
      weightNormSq: 1,
      rank: 2,
      singularValues: [2, 0.3],
      diverged: false,
    } as unknown as ExperimentRun;
  });
}

describe('l2-local-minima verdict', () => {
  it('passes when, in the judged windows, local runs have the lower test error by more than the seed spread', () => {
    const runs = denoisingRuns((_d, _l, scale, seed) =>
      scale >= 0.2 ? ['local', 0.1 + 0.001 * seed] : ['global', 0.23 + 0.001 * seed],
    );
    const verdict = l2LocalMinima.verdict(result(l2LocalMinima.config, runs));
    expect(verdict.pass).toBe(true);
    expect(verdict.measured.join('\n')).toMatch(/s_glob/);
    expect(verdict.measured.join('\n')).toMatch(/control/);
  });

  it('fails when the local runs are not better by more than the spread', () => {
    const runs = denoisingRuns((_d, _l, scale, seed) =>
      scale >= 0.2 ? ['local', 0.2 + 0.02 * seed] : ['global', 0.23 + 0.02 * seed],
    );
    expect(l2LocalMinima.verdict(result(l2LocalMinima.config, runs)).pass).toBe(false);
  });

  it('fails when one depth never reaches both kinds', () => {
    const runs = denoisingRuns((depth, _l, scale) => (depth === 4 || scale < 0.2 ? ['global', 0.23] : ['local', 0.1]));
    expect(l2LocalMinima.verdict(result(l2LocalMinima.config, runs)).summary).toMatch(/only at N = 3/);
  });
});

describe('l2-local-minima-completion verdict', () => {
  it('groups converged runs by (rank, J) and reports test error per group, "best found" first', () => {
    const config = { ...l2LocalMinimaCompletion.config, seeds: 2 };
    const values = [3, 1, 0];
    // Balanced layers: Σ‖W_k‖² = N Σ σ^{2/N}; J settled over the last two records.
    const weightNormSq = 3 * (3 ** (2 / 3) + 1);
    const runs = expandRuns(config).map((run, i) => {
      const objective = i % 2 === 0 ? 1.0 : 1.2;
      return {
        id: run.id,
        config: run.config,
        rank: 2,
        singularValues: values,
        weightNormSq,
        objective,
        testError: i % 2 === 0 ? 0.3 : 0.2,
        diverged: false,
        trace: { steps: [0, 1], objectives: [objective, objective] },
      } as unknown as ExperimentRun;
    });
    const verdict = l2LocalMinimaCompletion.verdict(result(config, runs));
    expect(verdict.measured.join('\n')).toMatch(/best found/);
    expect(verdict.summary).toMatch(/^OBSERVED: 2 distinct minima; a higher-J minimum .* lower held-out error/);
  });
});
