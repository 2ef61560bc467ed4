/**
 * The Node side of the browser checks: the Float64 reference (src/reference/layers.ts) trained on
 * the same config and seeds as the page, giving every network's loss and end-to-end singular
 * values after a number of steps.
 *
 * Tolerance: the page trains in f32 on the GPU. For the small, well-conditioned problems of these
 * specs (≤ 300 steps) the f32 iterate stays within ~1e-4 relative of the f64 one (the engine's own
 * GPU tests allow 2e-4 on matrices and 1e-3 on losses); the specs use those bounds.
 */
import type { Config } from '../../src/config/types.js';
import { expandRuns } from '../../src/config/index.js';
import { buildTask } from '../../src/problem/task.js';
import { initialLayers } from '../../src/problem/init.js';
import { ReferenceTrainer } from '../../src/reference/layers.js';
import { singularValues } from '../../src/linalg/decompositions.js';

export const LOSS_TOLERANCE = 1e-3;
/** On singular values, relative to σ₁ (small σ sit at the f32 floor of the GPU's Jacobi SVD). */
export const SINGULAR_TOLERANCE = 2e-4;

export interface ReferenceNetwork {
  id: number;
  loss: number;
  singularValues: number[];
}

export function referenceRun(config: Config, steps: number): ReferenceNetwork[] {
  return expandRuns(config).map((run) => {
    const task = buildTask(run.config);
    const trainer = new ReferenceTrainer(task, initialLayers(run.config, task), {
      lr: run.config.train.lr,
      weightDecay: run.config.train.weightDecay,
    });
    trainer.steps(steps);
    return { id: run.id, loss: trainer.loss(), singularValues: Array.from(singularValues(trainer.endToEnd())) };
  });
}

/** A small factorization that shows saddle-to-saddle learning within 300 steps: 3 seeds, depth 3. */
export const SMALL_CONFIG: Config = {
  name: 'browser-check',
  task: { kind: 'factorization', target: { rows: 6, cols: 6, singularValues: [3, 2, 1, 0.5], seed: 4 } },
  network: { depth: 3, width: 8 },
  init: { kind: 'gaussian', std: 0.04, seed: 1 },
  train: { lr: 0.05, steps: 300 },
  record: { every: 5 },
  seeds: 3,
};
