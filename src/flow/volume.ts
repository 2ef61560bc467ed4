/**
 * Log-density of the volume form of the depth-normalised metric (SPEC §8, Cohen–Menon–Veraszto
 * Theorem 1.1) in SVD coordinates, for a full-rank d × d W with distinct singular values:
 *
 *   N finite: (d(d−1)/2) ln N + ((1−N)/(2N)) Σ_i ln σ_i² + Σ_{i<j} ln|σ_i^{2/N} − σ_j^{2/N}|
 *   N = ∞:    −Σ_i ln σ_i + Σ_{i<j} ln|ln σ_i² − ln σ_j²|
 *
 * It equals −½ Σ_{i,j} ln(K_ij/N) + Σ_{i<j} ln|σ_i² − σ_j²|: the metric's density det(A_N/N)^{−1/2}
 * times the Jacobian of the SVD coordinates. The finite-N value tends to the N = ∞ one as written
 * (the ln N term is what makes the limit finite), with difference (d/(2N)) Σ ln σ_i² + O(1/N²).
 *
 * Outside the formula's domain: −Infinity when two σ coincide (the density vanishes there), NaN
 * when some σ is 0 and N ≥ 2 or ∞ (SVD coordinates break down and the density diverges). For
 * N = 1 (the Euclidean metric) a zero σ is fine.
 */
import type { FlowDepth } from '../config/types.js';
import { assertFlowDepth } from './multipliers.js';
import { invariant } from '../errors.js';

export function logVolumeDensity(singularValues: ArrayLike<number>, depth: FlowDepth): number {
  assertFlowDepth(depth);
  const sigma = Array.from(singularValues);
  invariant(
    sigma.every((s) => s >= 0),
    () => `logVolumeDensity: singular values must be ≥ 0, got ${sigma.join(', ')}`,
  );
  if (depth !== 1 && sigma.includes(0)) return NaN;
  const d = sigma.length;
  let total = 0;
  if (depth === 'infinity') {
    for (const s of sigma) total -= Math.log(s);
    forEachPair(sigma, (hi, lo) => (total += Math.log(2 * Math.log1p((hi - lo) / lo))));
  } else {
    const p = 2 / depth;
    total += ((d * (d - 1)) / 2) * Math.log(depth);
    // (1−N)/(2N) vanishes at N = 1; skipping it there avoids 0 · ln 0 for a zero σ.
    if (depth > 1) for (const s of sigma) total += ((1 - depth) / (2 * depth)) * 2 * Math.log(s);
    forEachPair(sigma, (hi, lo) => (total += logPowerGap(hi, lo, p)));
  }
  return total;
}

/**
 * The group-orbit entropy of Menon & Yu (2025, arXiv 2509.09088) up to its constant, for d ≥ 2
 * singular values: S = ½ ln(van(Σ²) / van(Σ^{2/N})), van(x) = ∏_{i<j} |x_i − x_j|. The constant
 * (N − 1) ln c_d is dropped. SPEC §8 states this form, with the ½ (the square root of the
 * Vandermonde ratio), citing the paper; a secondary source quotes it without, which doubles S and
 * changes no comparison between runs. docs/flow.md says the same.
 *
 * Each pair's ratio (σ_i² − σ_j²)/(σ_i^{2/N} − σ_j^{2/N}) has a finite limit N σ^{2−2/N} when the
 * two values meet, used there, so S is defined at coinciding values. At N = ∞ the denominator's
 * pairs are replaced by |ln σ_i² − ln σ_j²| (the (1/N) factor each pair loses is an N-dependent
 * constant, (d(d−1)/4) ln N in S): S_∞ = ½ Σ_{i<j} ln((σ_i² − σ_j²)/(ln σ_i² − ln σ_j²)), limit 2 ln σ
 * per pair at coinciding values. NaN when a σ is 0 at N = ∞ (ln 0); 0 at N = 1 (the ratio is 1).
 */
export function groupOrbitEntropy(singularValues: ArrayLike<number>, depth: FlowDepth): number {
  assertFlowDepth(depth);
  const sigma = Array.from(singularValues);
  invariant(
    sigma.every((s) => s >= 0),
    () => `groupOrbitEntropy: singular values must be ≥ 0, got ${sigma.join(', ')}`,
  );
  let total = 0;
  forEachPair(sigma, (hi, lo) => {
    if (depth === 'infinity') {
      if (lo === 0) total = NaN;
      else total += hi === lo ? 2 * Math.log(hi) : logPowerGap(hi, lo, 2) - Math.log(2 * Math.log1p((hi - lo) / lo));
    } else if (depth !== 1) {
      const p = 2 / depth;
      total += hi === lo ? Math.log(depth) + (2 - p) * Math.log(hi) : logPowerGap(hi, lo, 2) - logPowerGap(hi, lo, p);
    }
  });
  return total / 2;
}

/**
 * ln(hi^p − lo^p) for hi ≥ lo ≥ 0 as p ln hi + ln(1 − (lo/hi)^p): at large N both powers are
 * close to 1 and their plain difference loses log₁₀(N) digits; −Infinity when hi = lo.
 */
function logPowerGap(hi: number, lo: number, p: number): number {
  if (hi === lo) return -Infinity;
  return p * Math.log(hi) + Math.log(-Math.expm1(-p * Math.log1p((hi - lo) / lo)));
}

function forEachPair(sigma: number[], visit: (hi: number, lo: number) => void): void {
  for (let i = 0; i < sigma.length; i++) {
    for (let j = i + 1; j < sigma.length; j++) visit(Math.max(sigma[i]!, sigma[j]!), Math.min(sigma[i]!, sigma[j]!));
  }
}
