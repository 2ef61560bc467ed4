/**
 * Closed forms for factorization with an aligned balanced start (SPEC §10) and the weight-decay
 * critical points of one mode (SPEC §7). Every aligned mode evolves on its own:
 *
 *   σ̇ = N σ^{2−2/N} (s − σ),   σ(0) = σ₀,
 *
 * with s the target singular value and N the depth; t is the gradient-flow time η·step (SPEC §1).
 */
import { bisect, integrate, solveAutonomous } from './numerics.js';

/** σ(t) for N = 2: the logistic s / (1 + (s/σ₀ − 1) e^{−2st}); for s = 0 it is σ₀/(1 + 2σ₀t). */
export function alignedModeDepth2(s: number, sigma0: number, t: number): number {
  assertMode(s, sigma0, false);
  if (s === 0) return sigma0 / (1 + 2 * sigma0 * t);
  if (sigma0 === 0) return 0;
  return s / (1 + (s / sigma0 - 1) * Math.exp(-2 * s * t));
}

/**
 * N = 2 half-time ln(s/σ₀ − 1)/(2s): when the logistic reaches s/2. Defined for 0 < σ₀ ≤ s/2
 * (a start above s/2 has no half-way point ahead of it).
 */
export function alignedModeHalfTime2(s: number, sigma0: number): number {
  if (!(sigma0 > 0 && sigma0 <= s / 2))
    throw new RangeError(`alignedModeHalfTime2: needs 0 < σ₀ ≤ s/2, got s = ${s}, σ₀ = ${sigma0}`);
  return Math.log(s / sigma0 - 1) / (2 * s);
}

export interface TrajectoryOptions {
  /** Bound on each Dormand–Prince step's local error in ln σ, i.e. a relative error in σ. */
  tolerance: number;
  maxSteps: number;
}

export const DEFAULT_TRAJECTORY_OPTIONS: TrajectoryOptions = { tolerance: 1e-13, maxSteps: 1_000_000 };

/**
 * σ(t) at each of `times` (any order, ≥ 0) for any depth N ≥ 1, by adaptive Dormand–Prince
 * 5(4) on y = ln σ: ẏ = N σ^{1−2/N} (s − σ). In ln σ the small-initialisation plateau, where σ
 * is tiny and grows geometrically, is a straight line the integrator crosses in a few steps, and
 * the error control is relative in σ. N = 1 is the linear model σ̇ = s − σ. Needs σ₀ > 0 (σ = 0
 * is a fixed point for N ≥ 2 anyway).
 */
export function alignedModeTrajectory(
  depth: number,
  s: number,
  sigma0: number,
  times: readonly number[],
  options: Partial<TrajectoryOptions> = {},
): number[] {
  assertDepth(depth);
  assertMode(s, sigma0, true);
  const { tolerance, maxSteps } = { ...DEFAULT_TRAJECTORY_OPTIONS, ...options };
  const order = times.map((_, i) => i).sort((i, j) => times[i]! - times[j]!);
  const exponent = 1 - 2 / depth;
  const logs = solveAutonomous(
    (y) => {
      const sigma = Math.exp(y);
      return depth * Math.pow(sigma, exponent) * (s - sigma);
    },
    Math.log(sigma0),
    order.map((i) => times[i]!),
    { tolerance, maxSteps },
  );
  const out = new Array<number>(times.length);
  order.forEach((i, rank) => (out[i] = Math.exp(logs[rank]!)));
  return out;
}

/**
 * The first time σ(t) equals `target` (0 if σ₀ does; Infinity if never, i.e. unless the target
 * lies between σ₀ and s, s excluded). Exact quadrature, independent of alignedModeTrajectory:
 * with b = 2/N − 1, partial fractions split t = ∫ dσ / (N σ^{2−2/N} (s − σ)) into
 *
 *   N s · t = (σ^b − σ₀^b)/b  [ln(σ/σ₀) when N = 2]  +  s^b ln((s − σ₀)/(s − σ))  +  ∫ g,
 *
 * g = (σ^b − s^b)/(s − σ), both singular parts integrated by hand. In w = σ^{1/N} the remainder
 * g dσ = (N w/s) · expm1((N−2)r)/expm1(N r) dw with r = ln(w/s^{1/N}) is analytic on the whole
 * interval (the constant −1 for N = 1, zero for N = 2), so Gauss–Legendre converges fast;
 * expm1 keeps it accurate near σ = s.
 */
export function alignedModeTimeTo(depth: number, s: number, sigma0: number, target: number): number {
  assertDepth(depth);
  assertMode(s, sigma0, true);
  if (target === sigma0) return 0;
  const between = sigma0 < s ? target > sigma0 && target < s : target < sigma0 && target > s;
  if (!between) return Infinity;
  if (s === 0) {
    // σ̇ = −N σ^{3−2/N}: t = (σ^{−a} − σ₀^{−a})/(N a) with a = 2 − 2/N; N = 1 is σ̇ = −σ.
    const a = 2 - 2 / depth;
    return a === 0 ? Math.log(sigma0 / target) : (target ** -a - sigma0 ** -a) / (depth * a);
  }
  const b = 2 / depth - 1;
  const powerPart = b === 0 ? Math.log(target / sigma0) : (target ** b - sigma0 ** b) / b;
  const logPart = s ** b * Math.log((s - sigma0) / (s - target));
  const logRoot = Math.log(s) / depth;
  const remainder = (w: number): number => {
    const r = Math.log(w) - logRoot;
    // At r = 0 (σ = s) the ratio of expm1's tends to (N − 2)/N.
    const ratio = r === 0 ? (depth - 2) / depth : Math.expm1((depth - 2) * r) / Math.expm1(depth * r);
    return ((depth * w) / s) * ratio;
  };
  const smoothPart = integrate(remainder, sigma0 ** (1 / depth), target ** (1 / depth));
  return (powerPart + logPart + smoothPart) / (depth * s);
}

/**
 * Nonzero solutions σ > 0 of s − σ = λ σ^{2/N−1}, ascending: the critical points of one aligned
 * mode's regularised loss ½(s − σ)² + (λN/2) σ^{2/N} (SPEC §7; its derivative is −(s − σ − λσ^{2/N−1})).
 * - N = 1: [s/(1 + λ)] (ridge shrinkage).
 * - N = 2: [s − λ] when s > λ, else []: soft-thresholding, the minimiser is max(s − λ, 0).
 * - N ≥ 3: σ = 0 is always a local minimum; h(σ) = s − σ − λσ^{2/N−1} is concave with its maximum
 *   at σ* = (λ(N−2)/N)^{N/(2N−2)}, so there are two roots (a local maximum below σ*, the barrier,
 *   and a local minimum above it) when s > regularisedThreshold(N, λ), one when equal, else none.
 */
export function regularisedFixedPoints(depth: number, s: number, lambda: number): number[] {
  assertDepth(depth);
  assertRegularised(s, lambda);
  if (s === 0) return [];
  if (lambda === 0) return [s];
  if (depth === 1) return [s / (1 + lambda)];
  if (depth === 2) return s > lambda ? [s - lambda] : [];
  const c = 2 / depth - 1;
  const h = (sigma: number) => s - sigma - lambda * Math.pow(sigma, c);
  const peak = ridgePeak(depth, lambda);
  const top = h(peak);
  if (top < 0) return [];
  if (top === 0) return [peak];
  return [bisect(h, 0, peak), bisect(h, peak, s)];
}

/**
 * The smallest target value s for which the regularised mode has a nonzero critical point:
 * 0 for N = 1, λ for N = 2, and σ* + λσ*^{2/N−1} (h(σ*) = 0 at the peak σ*) for N ≥ 3.
 */
export function regularisedThreshold(depth: number, lambda: number): number {
  assertDepth(depth);
  assertRegularised(0, lambda);
  if (depth === 1) return 0;
  if (depth === 2) return lambda;
  const peak = ridgePeak(depth, lambda);
  return peak + lambda * Math.pow(peak, 2 / depth - 1);
}

/** σ* where h(σ) = s − σ − λσ^{2/N−1} peaks (N ≥ 3): h'(σ*) = 0. */
function ridgePeak(depth: number, lambda: number): number {
  return Math.pow((lambda * (depth - 2)) / depth, depth / (2 * depth - 2));
}

function assertDepth(depth: number): void {
  if (!(Number.isInteger(depth) && depth >= 1)) throw new RangeError(`depth must be an integer ≥ 1, got ${depth}`);
}

function assertMode(s: number, sigma0: number, positiveStart: boolean): void {
  if (!(s >= 0 && Number.isFinite(s))) throw new RangeError(`target singular value must be finite and ≥ 0, got ${s}`);
  const valid = Number.isFinite(sigma0) && (positiveStart ? sigma0 > 0 : sigma0 >= 0);
  if (!valid) throw new RangeError(`σ₀ must be finite and ${positiveStart ? '> 0' : '≥ 0'}, got ${sigma0}`);
}

function assertRegularised(s: number, lambda: number): void {
  if (!(s >= 0 && Number.isFinite(s))) throw new RangeError(`target singular value must be finite and ≥ 0, got ${s}`);
  if (!(lambda >= 0 && Number.isFinite(lambda)))
    throw new RangeError(`weight decay λ must be finite and ≥ 0, got ${lambda}`);
}
