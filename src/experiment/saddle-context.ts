/**
 * What the saddle analysis knows of a run before it trains: for factorization, the target's
 * singular values (the values its modes are learned towards; of the noisy Y with task.noise) and the saddle levels they predict,
 * ½ Σ_{i>k} s_i² times loss.scale (SPEC §9). Other tasks have neither in closed form: their modes
 * are measured against the run's own final values.
 */
import { saddleLevels, type SaddleContext } from '../analysis/index.js';
import type { ResolvedConfig } from '../config/types.js';
import { singularValues } from '../linalg/decompositions.js';
import { fromRows } from '../linalg/matrix.js';
import { factorizationTargets } from '../problem/task.js';

const ROUND_OFF = 1e-10;

export function saddleContext(config: ResolvedConfig): SaddleContext {
  const rankTolerance = config.record.rankTolerance;
  if (config.task.kind !== 'factorization') return { rankTolerance };
  const target = config.task.target;
  // With task.noise the network fits Y = Y_clean + noise·E: its modes are those of the noisy Y.
  const values =
    (config.task.noise ?? 0) > 0
      ? [...singularValues(factorizationTargets(config).target)]
      : 'matrix' in target
        ? [...singularValues(fromRows(target.matrix))]
        : target.singularValues;
  const largest = Math.max(0, ...values);
  // A given matrix's SVD has round-off values ~1e-16·σ₁ where the rank ends: not modes.
  const references = values.filter((s) => s > ROUND_OFF * largest).sort((a, b) => b - a);
  return { rankTolerance, references, levels: saddleLevels(references, config.loss.scale) };
}
