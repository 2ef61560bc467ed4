/** Alignment of learned singular vectors with the target's (SPEC §9). */
import { type Matrix, matmul } from '../linalg/matrix.js';

/** Left and right singular vectors as columns, ordered by descending singular value (an Svd fits). */
export interface SingularFrames {
  u: Matrix;
  v: Matrix;
}

export interface Alignment {
  /**
   * |u_iᵀū_i| · |v_iᵀv̄_i| for i = 1 … k: 1 when the i-th learned mode is the i-th target mode (up
   * to the sign an SVD is free to pick), 0 when either side is orthogonal. Mode by mode, so it
   * also checks the ORDER (which mode was learned as the i-th largest); it is meaningless inside a
   * block of equal target values, where any rotation of the block is an equally valid SVD.
   */
  modes: number[];
  /**
   * ‖U_kᵀŪ_k‖²_F / k: the mean squared cosine of the principal angles between the learned and
   * target top-k left subspaces. 1 iff the subspaces coincide, whatever the basis and order
   * inside them; about k/n for unrelated random subspaces of R^n.
   */
  leftOverlap: number;
  /** The same for the right singular vectors, ‖V_kᵀV̄_k‖²_F / k. */
  rightOverlap: number;
}

export function alignment(learned: SingularFrames, target: SingularFrames, k: number): Alignment {
  const frames = [learned.u, learned.v, target.u, target.v];
  if (!(Number.isInteger(k) && k >= 1 && frames.every((f) => f.cols >= k))) {
    throw new RangeError(
      `alignment: k = ${k} must be an integer between 1 and every frame's column count (${frames.map((f) => f.cols).join(', ')})`,
    );
  }
  if (learned.u.rows !== target.u.rows || learned.v.rows !== target.v.rows)
    throw new RangeError('alignment: learned and target frames live in different spaces');
  const left = matmul(leadingColumns(learned.u, k), leadingColumns(target.u, k), true, false);
  const right = matmul(leadingColumns(learned.v, k), leadingColumns(target.v, k), true, false);
  const modes = Array.from({ length: k }, (_, i) => Math.abs(left.data[i * k + i]!) * Math.abs(right.data[i * k + i]!));
  return { modes, leftOverlap: squaredNorm(left) / k, rightOverlap: squaredNorm(right) / k };
}

function leadingColumns(m: Matrix, k: number): Matrix {
  const out: Matrix = { rows: m.rows, cols: k, data: new Float64Array(m.rows * k) };
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < k; j++) out.data[i * k + j] = m.data[i * m.cols + j]!;
  return out;
}

function squaredNorm(m: Matrix): number {
  return m.data.reduce((sum, x) => sum + x * x, 0);
}
