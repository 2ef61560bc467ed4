/**
 * Scalar summaries of a singular-value spectrum (SPEC §9). All take the singular values in any
 * order (GPU and CPU SVDs return them descending, but nothing here relies on it) and treat them as
 * non-negative, as singular values are.
 */

/**
 * Default relative tolerance of the numerical rank (SPEC §9). Machine-epsilon tolerances (numpy's
 * matrix_rank) count the directions a small initialisation left at init scale, which is not what
 * a DLN researcher means by rank; 1e-3 counts a mode once it carries a thousandth of the largest.
 */
export const DEFAULT_RANK_TOLERANCE = 1e-3;

/** #{σ_i > tolerance · σ_max}; 0 for the zero matrix (and an empty spectrum). */
export function numericalRank(s: ArrayLike<number>, tolerance = DEFAULT_RANK_TOLERANCE): number {
  const cutoff = tolerance * largest(s);
  let rank = 0;
  for (let i = 0; i < s.length; i++) if (s[i]! > cutoff && s[i]! > 0) rank++;
  return rank;
}

/**
 * exp(−Σ p_i ln p_i) with p_i = σ_i / Σσ (Roy & Vetterli's effective rank): k for k equal nonzero
 * values, between 1 and the rank otherwise, and continuous in the spectrum. Zero terms contribute
 * 0 (p ln p → 0); the zero matrix has effective rank 0.
 */
export function effectiveRank(s: ArrayLike<number>): number {
  const total = schattenPower(s, 1);
  if (total === 0) return 0;
  let entropy = 0;
  for (let i = 0; i < s.length; i++) {
    const p = s[i]! / total;
    if (p > 0) entropy -= p * Math.log(p);
  }
  return Math.exp(entropy);
}

/**
 * Σ σ_i^p, p > 0: the p-th power of the Schatten (quasi-)norm. For p = 2/N, N times this is the
 * least Σ_k ‖W_k‖²_F over depth-N factorisations of the matrix (SPEC §7).
 */
export function schattenPower(s: ArrayLike<number>, p: number): number {
  assertExponent(p);
  let sum = 0;
  for (let i = 0; i < s.length; i++) sum += Math.pow(s[i]!, p);
  return sum;
}

/**
 * (Σ σ_i^p)^{1/p}, p > 0: nuclear norm at p = 1, Frobenius at 2, a quasi-norm below 1; p = ∞
 * gives σ_max. Computed as σ_max (Σ (σ_i/σ_max)^p)^{1/p} so large p neither overflows nor
 * underflows.
 */
export function schatten(s: ArrayLike<number>, p: number): number {
  assertExponent(p);
  const top = largest(s);
  if (top === 0) return 0;
  let sum = 0;
  for (let i = 0; i < s.length; i++) sum += Math.pow(s[i]! / top, p);
  return top * Math.pow(sum, 1 / p);
}

function largest(s: ArrayLike<number>): number {
  let top = 0;
  for (let i = 0; i < s.length; i++) top = Math.max(top, s[i]!);
  return top;
}

function assertExponent(p: number): void {
  if (!(p > 0)) throw new RangeError(`Schatten exponent must be > 0, got ${p}`);
}
