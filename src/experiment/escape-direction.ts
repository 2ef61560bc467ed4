/**
 * u₁(−∇C(0)): the top left singular vector of the negative task gradient at W = 0 (for
 * factorization, of Y; for completion, of M∘Y), from the run's own task data in Float64, and the
 * s₁ the escape is measured against (the target's, as for the saddles; else the run's final σ₁).
 */
import type { ResolvedConfig } from '../config/types.js';
import { svd } from '../linalg/decompositions.js';
import { scale, zeros } from '../linalg/matrix.js';
import { buildTask } from '../problem/task.js';
import { taskGradient } from '../reference/loss.js';

export function escapeDirection(config: ResolvedConfig): Float64Array {
  const rows = config.widths.at(-1)!;
  const cols = config.widths[0]!;
  const { u } = svd(scale(taskGradient(buildTask(config), zeros(rows, cols)), -1));
  return Float64Array.from({ length: rows }, (_, r) => u.data[r * u.cols]!);
}
