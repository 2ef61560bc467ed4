/**
 * Escape from the origin (issue 14 §5): from a small start, W(t) first grows along the top left
 * singular vector of −∇C(0), the direction gradient flow pushes the origin in. escapeAlignment
 * measures it at the first record where σ₁(W) reaches ESCAPE_FRACTION of the target's s₁: early
 * enough that the top mode is still alone, late enough that W(0)'s random part is left behind.
 */
import { svd } from '../linalg/decompositions.js';
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
 * `matrices[i]`: W at record i (row-major, rows × cols); `direction`: u₁(−∇C(0)), unit length.
 * Null when σ₁ never reaches the mark, or already starts above it (no escape to see).
 */
export function escapeAlignment(matrices: readonly ArrayLike<number>[], rows: number, cols: number, s1: number, direction: ArrayLike<number>): EscapeAlignment | null {
  const mark = ESCAPE_FRACTION * s1;
  for (let i = 0; i < matrices.length; i++) {
    const w: Matrix = { rows, cols, data: Float64Array.from(matrices[i]!) };
    const { u, s } = svd(w);
    if (s[0]! < mark) continue;
    if (i === 0) return null;
    let dot = 0;
    for (let r = 0; r < rows; r++) dot += u.data[r * u.cols]! * direction[r]!;
    return { record: i, alignment: Math.min(1, Math.abs(dot)) };
  }
  return null;
}
