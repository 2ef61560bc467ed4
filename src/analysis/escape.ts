/**
 * Escape from the origin (issue 14 §5): from a small start, W(t) first grows along the top left
 * singular vector of −∇C(0), the direction gradient flow pushes the origin in. escapeAlignment
 * measures it at the first record where σ₁(W) reaches ESCAPE_FRACTION of the target's s₁: early
 * enough that the top mode is still alone, late enough that W(0)'s random part is left behind.
 */
import { singularValues, svd } from '../linalg/decompositions.js';
import type { Matrix } from '../linalg/matrix.js';

/** σ₁(W) = this fraction of s₁ marks the escape. */
export const ESCAPE_FRACTION = 0.01;

export interface EscapeAlignment {
  /** Index of the record where σ₁ first reached ESCAPE_FRACTION·s₁. */
  record: number;
  /** |⟨u₁(W), u₁(−∇C(0))⟩| there, in [0, 1]. */
  alignment: number;
}

/**
 * `matrices[i]`: W at record i (row-major, rows × cols); `direction`: u₁(−∇C(0)), unit length;
 * `topValues[i]`: σ₁ at record i when already known (recorded spectra), so that only the escape
 * record needs an SVD. Null when σ₁ never reaches the mark, or already starts above it (no escape
 * to see).
 */
export function escapeAlignment(
  matrices: readonly ArrayLike<number>[],
  rows: number,
  cols: number,
  s1: number,
  direction: ArrayLike<number>,
  topValues?: readonly number[],
): EscapeAlignment | null {
  const mark = ESCAPE_FRACTION * s1;
  const matrixAt = (i: number): Matrix => ({ rows, cols, data: Float64Array.from(matrices[i]!) });
  const record = topValues
    ? topValues.findIndex((sigma) => sigma >= mark)
    : matrices.findIndex((_, i) => singularValues(matrixAt(i))[0]! >= mark);
  if (record <= 0 || record >= matrices.length) return null;
  const { u } = svd(matrixAt(record));
  let dot = 0;
  for (let r = 0; r < rows; r++) dot += u.data[r * u.cols]! * direction[r]!;
  return { record, alignment: Math.min(1, Math.abs(dot)) };
}
