/**
 * The multipliers K^N_ij of the end-to-end operator A_N (SPEC §6) and their depth-normalised limit
 * K^∞. In the full SVD of W, A_N(W) scales the (i, j) entry of Uᵀ Z V by K^N(σ_i, σ_j), where σ_i
 * belongs to row i (left singular vector u_i) and σ_j to column j (right singular vector v_j);
 * padded rows and columns carry σ = 0.
 */
import type { FlowDepth } from '../config/types.js';
import { ConfigError, DlnsimError } from '../errors.js';
import { type Matrix, zeros } from '../linalg/matrix.js';

/**
 * The defining sum K^N_ij = Σ_{k=1}^{N} σ_i^{2(N−k)/N} σ_j^{2(k−1)/N} with 0⁰ = 1 (JavaScript's
 * 0 ** 0). O(N) and exact in form: the yardstick the closed form is tested against.
 */
export function kDirect(si: number, sj: number, depth: number): number {
  let sum = 0;
  for (let k = 1; k <= depth; k++) sum += si ** ((2 * (depth - k)) / depth) * sj ** ((2 * (k - 1)) / depth);
  return sum;
}

/**
 * K^N by its closed forms: (σ_i² − σ_j²)/(σ_i^{2/N} − σ_j^{2/N}) for distinct values,
 * N σ^{2−2/N} on the diagonal, σ^{2−2/N} when one is 0, 0 when both are (N ≥ 2), 1 for N = 1.
 *
 * The distinct case is evaluated as hi^{2−2/N} · (1 − r^N)/(1 − r) with r = (lo/hi)^{2/N} = e^{−δ},
 * δ = (2/N) ln(hi/lo), i.e. hi^{2−2/N} · expm1(−Nδ)/expm1(−δ): the textbook quotient cancels
 * catastrophically when σ_i ≈ σ_j (relative error ε/|σ_i − σ_j|), this form stays at a few ε for
 * any gap, and it reaches the one-zero case continuously (δ = ∞ gives ratio 1).
 */
export function kDepth(si: number, sj: number, depth: number): number {
  if (depth === 1) return 1;
  const hi = Math.max(si, sj);
  const lo = Math.min(si, sj);
  if (hi === 0) return 0;
  const scale = hi ** (2 - 2 / depth);
  if (lo === hi) return depth * scale;
  if (lo === 0) return scale;
  // log1p of the exact difference keeps δ accurate to relative ε even when hi/lo rounds to ~1.
  const delta = (2 / depth) * Math.log1p((hi - lo) / lo);
  return (scale * Math.expm1(-depth * delta)) / Math.expm1(-delta);
}

/**
 * K^∞ = lim K^N/N: the logarithmic mean (σ_i² − σ_j²)/(ln σ_i² − ln σ_j²), σ² on the diagonal,
 * 0 if either σ is 0. Evaluated as hi² (1 − e^{−u})/u with u = ln hi² − ln lo² for the same
 * reason as kDepth: no cancellation when σ_i ≈ σ_j.
 */
export function kInfinity(si: number, sj: number): number {
  const hi = Math.max(si, sj);
  const lo = Math.min(si, sj);
  if (lo === 0) return 0;
  if (lo === hi) return hi * hi;
  const u = 2 * Math.log1p((hi - lo) / lo);
  return (hi * hi * -Math.expm1(-u)) / u;
}

/** Throws unless depth is an integer ≥ 1 or 'infinity' (the values of train.flowDepth). */
export function assertFlowDepth(depth: FlowDepth): void {
  if (depth === 'infinity') return;
  if (!Number.isInteger(depth) || depth < 1)
    throw new ConfigError('train.flowDepth', depth, 'use an integer depth N ≥ 1 or "infinity"');
}

/**
 * The m × n matrix K_ij = K(sRows[i], sCols[j]) with m = sRows.length, n = sCols.length; the
 * caller pads each list with zeros to the full dimension. `normalised` divides K^N by N (the
 * depth-normalised operator (1/N) A_N). K^∞ exists only normalised: unnormalised K^N grows like N.
 */
export function multiplierMatrix(
  sRows: ArrayLike<number>,
  sCols: ArrayLike<number>,
  depth: FlowDepth,
  normalised: boolean,
): Matrix {
  assertFlowDepth(depth);
  if (depth === 'infinity' && !normalised) {
    throw new DlnsimError(
      'multiplierMatrix: K^∞ is the limit of the depth-normalised K^N/N (K^N itself diverges as N → ∞); pass normalised = true',
    );
  }
  const entry =
    depth === 'infinity' ? kInfinity : (a: number, b: number) => kDepth(a, b, depth) / (normalised ? depth : 1);
  const k = zeros(sRows.length, sCols.length);
  for (let i = 0; i < k.rows; i++)
    for (let j = 0; j < k.cols; j++) k.data[i * k.cols + j] = entry(sRows[i]!, sCols[j]!);
  return k;
}
