/**
 * The minima of one regularised mode (SPEC §7): with weight decay λ on the layers of a depth-N
 * network, a full-observation factorization mode of target value s ends at a minimiser of
 *
 *   f(σ) = ½(σ − s)² + (λN/2) σ^{2/N}.
 *
 * N = 1 is ridge shrinkage (one minimum s/(1 + λ)), N = 2 soft-thresholding (one minimum
 * max(s − λ, 0)). For N ≥ 3, σ = 0 is always a local minimum; above the existence threshold s_min
 * a second one, σ₊, appears with the barrier σ₋ between them, and σ₊ becomes the global one only
 * above the global threshold s_glob > s_min, where f(σ₊) = f(0) = s²/2.
 */
import { regularisedFixedPoints, regularisedThreshold } from './closedForms.js';
import { bisect } from './numerics.js';

export interface L2Thresholds {
  depth: number;
  lambda: number;
  /** Where h(σ) = s − σ − λσ^{2/N−1} peaks, (λ(N−2)/N)^{N/(2(N−1))}; null for N ≤ 2. */
  sigmaStar: number | null;
  /** Smallest s with a nonzero critical point: σ*(2N−2)/(N−2) for N ≥ 3, λ for N = 2, 0 for N = 1. */
  sMin: number;
  /** Smallest s whose nonzero minimum is global (f(σ₊) = s²/2); equals s_min for N ≤ 2. */
  sGlob: number;
}

export interface L2Mode extends L2Thresholds {
  s: number;
  /** The barrier σ₋ between 0 and σ₊ (N ≥ 3 and s > s_min), else null. */
  lower: number | null;
  /** The nonzero local minimum σ₊, or null when there is none. */
  upper: number | null;
  /** The global minimiser: σ₊ when s > s_glob, else 0 (a tie at s = s_glob counts as 0). */
  global: number;
  /** The local minimisers, ascending: [0], [σ₊] (N ≤ 2 above s_min) or [0, σ₊]. */
  minimisers: number[];
}

/** f(σ) of one mode. */
export function l2ModeObjective(depth: number, lambda: number, s: number, sigma: number): number {
  return 0.5 * (sigma - s) ** 2 + ((lambda * depth) / 2) * Math.pow(sigma, 2 / depth);
}

/** s_glob to full double precision (≤ 1e-12 relative, the bracket is bisected until it cannot shrink). */
export function l2Thresholds(depth: number, lambda: number): L2Thresholds {
  assertPositive(lambda);
  const sMin = regularisedThreshold(depth, lambda);
  if (depth <= 2) return { depth, lambda, sigmaStar: null, sMin, sGlob: sMin };
  const sigmaStar = Math.pow((lambda * (depth - 2)) / depth, depth / (2 * depth - 2));
  return { depth, lambda, sigmaStar, sMin, sGlob: globalThreshold(depth, lambda, sMin) };
}

/** Every critical point and minimiser of the mode of target value s ≥ 0. */
export function l2Mode(depth: number, lambda: number, s: number): L2Mode {
  const thresholds = l2Thresholds(depth, lambda);
  const roots = regularisedFixedPoints(depth, s, lambda);
  const upper = roots.length > 0 ? roots[roots.length - 1]! : null;
  const lower = depth >= 3 && roots.length === 2 ? roots[0]! : null;
  const zeroIsMinimum = depth >= 3 || upper === null;
  const minimisers = [...(zeroIsMinimum ? [0] : []), ...(upper !== null ? [upper] : [])];
  const global = upper !== null && (depth <= 2 || s > thresholds.sGlob) ? upper : 0;
  return { ...thresholds, s, lower, upper, global, minimisers };
}

/**
 * g(s) = f(σ₊(s)) − f(0) falls strictly with s (by the envelope theorem dg/ds = −σ₊ < 0), is
 * positive at s_min and negative for large s: bracket its root by doubling, then bisect.
 */
function globalThreshold(depth: number, lambda: number, sMin: number): number {
  const gap = (s: number) => {
    const roots = regularisedFixedPoints(depth, s, lambda);
    return l2ModeObjective(depth, lambda, s, roots[roots.length - 1]!) - (s * s) / 2;
  };
  let hi = 2 * sMin;
  while (gap(hi) >= 0) hi *= 2;
  return bisect(gap, sMin * (1 + 1e-12), hi);
}

function assertPositive(lambda: number): void {
  if (!(lambda > 0 && Number.isFinite(lambda)))
    throw new RangeError(`weight decay λ must be finite and > 0, got ${lambda}`);
}
