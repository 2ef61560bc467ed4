/**
 * Scalar numerical building blocks for the closed forms (SPEC §10): adaptive Gauss–Legendre
 * quadrature, an adaptive Dormand–Prince 5(4) integrator for autonomous scalar ODEs, and
 * bisection to full double precision. Kept separate so the closed forms read as formulas.
 */
import { invariant } from '../errors.js';

/** 5-point Gauss–Legendre rule on [−1, 1]: exact for polynomials of degree ≤ 9. */
const GL_NODES = [0, -0.5384693101056831, 0.5384693101056831, -0.906179845938664, 0.906179845938664];
const GL_WEIGHTS = [0.5688888888888889, 0.4786286704993665, 0.4786286704993665, 0.2369268850561891, 0.2369268850561891];

function gaussLegendre(f: (x: number) => number, a: number, b: number): number {
  const half = (b - a) / 2;
  const mid = (a + b) / 2;
  let sum = 0;
  for (let i = 0; i < GL_NODES.length; i++) sum += GL_WEIGHTS[i]! * f(mid + half * GL_NODES[i]!);
  return sum * half;
}

/**
 * ∫_a^b f by recursive bisection of the 5-point rule until a panel and its two halves agree to
 * `relativeTolerance` of the whole integral (shared out over the panels). Meant for smooth
 * integrands of one sign, where the degree-9 rule makes the recursion shallow; `maxDepth` bounds
 * the work (2^maxDepth panels) if the integrand is worse than that.
 */
export function integrate(
  f: (x: number) => number,
  a: number,
  b: number,
  relativeTolerance = 1e-14,
  maxDepth = 20,
): number {
  const recurse = (lo: number, hi: number, whole: number, tol: number, depth: number): number => {
    const mid = (lo + hi) / 2;
    const left = gaussLegendre(f, lo, mid);
    const right = gaussLegendre(f, mid, hi);
    if (depth >= maxDepth || Math.abs(left + right - whole) <= tol) return left + right;
    return recurse(lo, mid, left, tol / 2, depth + 1) + recurse(mid, hi, right, tol / 2, depth + 1);
  };
  if (a === b) return 0;
  const whole = gaussLegendre(f, a, b);
  return recurse(a, b, whole, relativeTolerance * Math.abs(whole), 0);
}

export interface OdeOptions {
  /** Bound on each accepted step's local error estimate (absolute, in y). */
  tolerance: number;
  maxSteps: number;
}

const DP_A = [
  [],
  [1 / 5],
  [3 / 40, 9 / 40],
  [44 / 45, -56 / 15, 32 / 9],
  [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
  [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
  [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
];
/** Fifth-order weights minus the embedded fourth-order ones: the local error estimate. */
const DP_ERROR = [71 / 57600, 0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40];

/**
 * y at each of `times` (ascending, ≥ 0) for ẏ = f(y), y(0) = y0, by Dormand–Prince 5(4) with
 * step-size control. Steps are clipped to land exactly on the output times, so no interpolation
 * error is added to the integration error.
 */
export function solveAutonomous(
  f: (y: number) => number,
  y0: number,
  times: readonly number[],
  options: OdeOptions,
): number[] {
  const out: number[] = [];
  let t = 0;
  let y = y0;
  let h = Number.NaN;
  let steps = 0;
  for (const target of times) {
    invariant(target >= t, () => `solveAutonomous: output times must be ascending and ≥ 0, got ${target} after ${t}`);
    if (Number.isNaN(h)) h = Math.min(1e-3, target) || 1e-3;
    while (t < target) {
      invariant(
        ++steps <= options.maxSteps,
        () => `solveAutonomous: more than ${options.maxSteps} steps before t = ${target}`,
      );
      const step = Math.min(h, target - t);
      const k: number[] = [];
      for (let stage = 0; stage < 7; stage++) {
        let yi = y;
        for (let j = 0; j < stage; j++) yi += step * DP_A[stage]![j]! * k[j]!;
        k.push(f(yi));
      }
      // Stage 7 is f at the fifth-order solution (the "first same as last" stage): only the error
      // estimate needs it.
      let yNew = y;
      for (let j = 0; j < 6; j++) yNew += step * DP_A[6]![j]! * k[j]!;
      let error = 0;
      for (let j = 0; j < 7; j++) error += step * DP_ERROR[j]! * k[j]!;
      const ratio = Math.abs(error) / options.tolerance;
      if (ratio <= 1) {
        t = step === target - t ? target : t + step;
        y = yNew;
      }
      // Standard controller: safety 0.9, growth between 0.2× and 5×, fifth-root of the error ratio.
      h = step * Math.min(5, Math.max(0.2, 0.9 * Math.pow(Math.max(ratio, 1e-10), -1 / 5)));
    }
    out.push(y);
  }
  return out;
}

/**
 * The root of a continuous g on [lo, hi] with g(lo) and g(hi) of opposite signs, by bisection
 * until the midpoint is no longer strictly inside (full double precision, ≤ ~1100 halvings).
 */
export function bisect(g: (x: number) => number, lo: number, hi: number): number {
  let gLo = g(lo);
  if (gLo === 0) return lo;
  if (g(hi) === 0) return hi;
  for (;;) {
    const mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) return mid;
    const gMid = g(mid);
    if (gMid === 0) return mid;
    if (gMid < 0 === gLo < 0) {
      lo = mid;
      gLo = gMid;
    } else hi = mid;
  }
}
