/** A hand-made experiment result around these runs, for verdict and figure tests that need no GPU. */
import type { Config } from '../../src/config/types.js';
import type { ExperimentResult, ExperimentRun } from '../../src/experiment/types.js';

export function resultOf(config: Config, runs: ExperimentRun[]): ExperimentResult {
  return {
    config,
    device: { adapter: 'test', fallback: true },
    timing: { seconds: 1, steps: 1, networkSteps: 1, networkStepsPerSecond: 1, kernels: [] },
    shard: null,
    aborted: false,
    runs,
  };
}
