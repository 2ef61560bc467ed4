/**
 * The end-to-end operator of SPEC §6, A_N(W)[Z] = U (K^N ∘ (Uᵀ Z V)) Vᵀ in the full SVD of W,
 * or its depth-normalised form (1/N) A_N with the N = ∞ limit K^∞.
 *
 * It never forms (WWᵀ)^p: the powers live only in the scalar multipliers, and singular values
 * below tolerance · σ_max count as exactly 0. The threshold matters most at N = ∞, where
 * K^∞(σ, ε) ≈ σ²/(2 ln(σ/ε)) decays only logarithmically: a round-off σ of 1e-16 σ_max would
 * still get a multiplier of σ_max²/74 instead of 0.
 */
import type { FlowDepth } from '../config/types.js';
import { fullSvd } from '../linalg/decompositions.js';
import { type Matrix, matmul } from '../linalg/matrix.js';
import { multiplierMatrix } from './multipliers.js';
import { invariant } from '../errors.js';

/**
 * Default relative threshold of the Float64 flow: 10⁶ above the round-off level of the Jacobi SVD,
 * far below any singular value a DLN experiment resolves (an initialisation 10⁻⁴ below a target
 * of 10² is still 10⁻⁶ of σ_max). An f32 implementation needs a larger one.
 */
export const DEFAULT_FLOW_TOLERANCE = 1e-10;

export interface OperatorOptions {
  /** (1/N) A_N instead of A_N; required for depth 'infinity'. */
  normalised: boolean;
  /** σ < tolerance · σ_max is treated as 0. */
  tolerance: number;
}

export function endToEndOperator(w: Matrix, z: Matrix, depth: FlowDepth, options: OperatorOptions): Matrix {
  invariant(
    z.rows === w.rows && z.cols === w.cols,
    () => `endToEndOperator: Z is ${z.rows}×${z.cols}, W is ${w.rows}×${w.cols}`,
  );
  const { u, s, v } = fullSvd(w);
  const cutoff = options.tolerance * (s[0] ?? 0);
  const sigma = (length: number) => Array.from({ length }, (_, i) => (i < s.length && s[i]! >= cutoff ? s[i]! : 0));
  const k = multiplierMatrix(sigma(w.rows), sigma(w.cols), depth, options.normalised);
  const inner = matmul(matmul(u, z, true, false), v);
  for (let i = 0; i < inner.data.length; i++) inner.data[i] = inner.data[i]! * k.data[i]!;
  return matmul(matmul(u, inner), v, false, true);
}
