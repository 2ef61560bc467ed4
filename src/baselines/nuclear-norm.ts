/**
 * Minimum-nuclear-norm matrix completion, the convex baseline of Arora–Cohen–Hu–Luo 2019:
 *
 *   min ‖X‖_*  subject to  X_Ω = Y_Ω,
 *
 * solved in Float64 by ADMM on the split X = Z (X feasible, Z carries the nuclear norm):
 *
 *   Z ← shrink(X + U, 1/ρ)    (soft-threshold the singular values by 1/ρ)
 *   X ← Z − U with the observed entries reset to Y_Ω
 *   U ← U + X − Z
 *
 * ADMM converges to the constrained minimiser for any ρ > 0; ρ sets the speed only. We take
 * 1/ρ = 0.1·‖Y_Ω‖₂. It stops when the primal residual ‖X − Z‖_F and the dual residual
 * ρ‖Z − Z_prev‖_F are both at most `tolerance`·‖Y_Ω‖_F (the stated residual, default 1e-6), and
 * returns Z with its observed-entry residual ‖(Z − Y)_Ω‖_F/‖Y_Ω‖_F.
 */
import { svd } from '../linalg/decompositions.js';
import { type Matrix, combine, frobenius, sub, zeros } from '../linalg/matrix.js';
import { observedLoss, observedResidual } from './masked.js';

export interface NuclearNormOptions {
  /** relative primal and dual residual to stop at (default 1e-6). */
  tolerance: number;
  maxIterations: number;
}

export const DEFAULT_NUCLEAR_NORM_OPTIONS: NuclearNormOptions = { tolerance: 1e-6, maxIterations: 5000 };

export interface NuclearNormResult {
  x: Matrix;
  iterations: number;
  /** ‖(X − Y)_Ω‖_F / ‖Y_Ω‖_F of the returned X. */
  observedResidual: number;
  converged: boolean;
}

export function nuclearNormCompletion(
  y: Matrix,
  mask: Matrix,
  options: Partial<NuclearNormOptions> = {},
): NuclearNormResult {
  const { tolerance, maxIterations } = { ...DEFAULT_NUCLEAR_NORM_OPTIONS, ...options };
  const observed = observedResidual(zeros(y.rows, y.cols), y, mask);
  const scale = frobenius(observed);
  if (scale === 0) return { x: zeros(y.rows, y.cols), iterations: 0, observedResidual: 0, converged: true };
  const threshold = 0.1 * svd(observed).s[0]!;
  const rho = 1 / threshold;
  let x = observed;
  let z = zeros(y.rows, y.cols);
  const u = zeros(y.rows, y.cols);
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const previous = z;
    z = shrinkSingularValues(combine(1, x, 1, u), threshold);
    x = sub(z, u);
    for (let i = 0; i < x.data.length; i++) if (mask.data[i] !== 0) x.data[i] = y.data[i]!;
    let primal = 0;
    let dual = 0;
    for (let i = 0; i < x.data.length; i++) {
      const gap = x.data[i]! - z.data[i]!;
      u.data[i] += gap;
      primal += gap * gap;
      dual += (z.data[i]! - previous.data[i]!) ** 2;
    }
    if (Math.sqrt(primal) <= tolerance * scale && rho * Math.sqrt(dual) <= tolerance * scale) {
      return {
        x: z,
        iterations: iteration,
        observedResidual: Math.sqrt(2 * observedLoss(z, y, mask)) / scale,
        converged: true,
      };
    }
  }
  return {
    x: z,
    iterations: maxIterations,
    observedResidual: Math.sqrt(2 * observedLoss(z, y, mask)) / scale,
    converged: false,
  };
}

/** U diag(max(σ − τ, 0)) Vᵀ: the proximal map of τ‖·‖_*. */
export function shrinkSingularValues(a: Matrix, threshold: number): Matrix {
  const { u, s, v } = svd(a);
  const out = zeros(a.rows, a.cols);
  for (let k = 0; k < s.length; k++) {
    const shrunk = s[k]! - threshold;
    if (shrunk <= 0) break; // descending: the rest shrink to 0 too
    for (let i = 0; i < a.rows; i++) {
      const ui = shrunk * u.data[i * u.cols + k]!;
      for (let j = 0; j < a.cols; j++) out.data[i * a.cols + j] += ui * v.data[j * v.cols + k]!;
    }
  }
  return out;
}
