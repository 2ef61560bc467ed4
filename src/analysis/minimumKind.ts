/**
 * Which minimum of J = C + (λ/2) Σ_k ‖W_k‖² a full-observation factorization run reached, from its
 * final end-to-end singular values against the closed form of each mode of Y (SPEC §7, l2Minima.ts).
 *
 * The rule (docs/analysis.md):
 * 1. Stationary: the layers are balanced, |Σ‖W_k‖² / (N Σσ_i^{2/N}) − 1| ≤ BALANCE_TOLERANCE over the
 *    σ_i above tol_0 (every regularised critical point is balanced, SPEC §7), and J moved by at most DRIFT_TOLERANCE·J over
 *    the last record interval. Otherwise "not-converged".
 * 2. Each final σ_i sits at a local minimiser of one mode j of Y (each mode used once): at σ₊(s_j)
 *    within tol_j = min(VALUE_SLACK·ε₃₂·s_1, ¼(σ₊ − σ₋)) (σ₋ = 0 for N ≤ 2), or at 0 within
 *    tol_0 = min(VALUE_SLACK·ε₃₂·s_1, ¼ min_j σ₋(s_j)), where 0 must be a minimiser of every mode left
 *    at it. ε₃₂ = 2⁻²³ is f32's precision; the quarter-gaps keep the labels of neighbouring critical
 *    points from overlapping. A σ_i that fits nowhere makes the run "not-converged".
 * 3. "global" when every mode sits at its global minimiser, else "local".
 */
import { l2Mode, type L2Mode } from './l2Minima.js';

export type MinimumKind = 'global' | 'local' | 'not-converged';

export const BALANCE_TOLERANCE = 1e-3;
export const DRIFT_TOLERANCE = 1e-5;
/** tol = VALUE_SLACK·ε₃₂·s_1 ≈ 1.2e-3·s_1 before the gap caps: f32 GD and the f32 spectrum sit well inside it. */
export const VALUE_SLACK = 1e4;
const F32_EPSILON = 2 ** -23;

export interface MinimumEvidence {
  depth: number;
  lambda: number;
  /** Singular values of the training target Y, descending, min(rows, cols) of them (zeros included). */
  target: readonly number[];
  /** Final singular values of W, descending. */
  final: readonly number[];
  /** Σ_k ‖W_k‖² at the end. */
  weightNormSq: number;
  /** |J(last) − J(previous record)| / J(last). */
  objectiveDrift: number;
}

export interface ModeState {
  /** The mode's target value s_j and its closed form. */
  mode: L2Mode;
  /** The final σ matched to this mode (0 for a mode no σ_i was matched to). */
  sigma: number;
  /** Where it sits: the nonzero minimum σ₊, or 0. */
  at: 'upper' | 'zero';
  /** Whether that is the mode's global minimiser. */
  global: boolean;
}

export interface MinimumLabel {
  kind: MinimumKind;
  /** Per mode of Y (descending s_j), when every σ_i found its place; [] for "not-converged". */
  modes: ModeState[];
  /** Why it is "not-converged", else null. */
  reason: string | null;
}

export function classifyMinimum(evidence: MinimumEvidence): MinimumLabel {
  const { depth, lambda, target, final } = evidence;
  const notConverged = (reason: string): MinimumLabel => ({ kind: 'not-converged', modes: [], reason });
  if (!final.every(Number.isFinite) || final.length === 0) return notConverged('no finite final spectrum');
  const modes = target.map((s) => l2Mode(depth, lambda, s));
  const scale = VALUE_SLACK * F32_EPSILON * Math.max(target[0] ?? 0, final[0] ?? 0);
  const barriers = modes.map((m) => m.lower).filter((b): b is number => b !== null);
  const zeroTolerance = Math.min(scale, ...barriers.map((b) => b / 4));

  const moving = notStationary(evidence, zeroTolerance);
  if (moving) return notConverged(moving);
  const matched = new Array<number | null>(modes.length).fill(null);
  for (const sigma of final) {
    if (sigma <= zeroTolerance) continue;
    let best = -1;
    modes.forEach((m, j) => {
      if (matched[j] !== null || m.upper === null) return;
      const tolerance = Math.min(scale, (m.upper - (m.lower ?? 0)) / 4);
      const distance = Math.abs(sigma - m.upper);
      if (distance <= tolerance && (best < 0 || distance < Math.abs(sigma - modes[best]!.upper!))) best = j;
    });
    if (best < 0) return notConverged(`σ = ${sigma.toPrecision(6)} is at no mode's minimum`);
    matched[best] = sigma;
  }
  const states: ModeState[] = modes.map((mode, j) => {
    const sigma = matched[j];
    if (sigma !== null && sigma !== undefined) return { mode, sigma, at: 'upper', global: mode.global === mode.upper };
    return { mode, sigma: 0, at: 'zero', global: mode.global === 0 };
  });
  const stranded = states.find((state) => state.at === 'zero' && !state.mode.minimisers.includes(0));
  if (stranded)
    return notConverged(`the mode s = ${stranded.mode.s.toPrecision(6)} is at 0, which is not one of its minima`);
  return { kind: states.every((state) => state.global) ? 'global' : 'local', modes: states, reason: null };
}

/**
 * Step 1 of the rule, for any task (no closed form needed): why the run is not at a critical point
 * of J, or null when it is. σ ≤ zeroTolerance count as 0: what the f32 spectrum shows there is its
 * noise floor (~ε₃₂·σ_1), and σ^{2/N} is steep enough near 0 to turn that floor into a visible share.
 */
export function notStationary(
  evidence: Omit<MinimumEvidence, 'target' | 'lambda'>,
  zeroTolerance: number,
): string | null {
  const { depth, final } = evidence;
  const schatten =
    depth * final.reduce((sum, sigma) => sum + (sigma > zeroTolerance ? Math.pow(sigma, 2 / depth) : 0), 0);
  const balance = Math.abs(evidence.weightNormSq / schatten - 1);
  if (!(balance <= BALANCE_TOLERANCE))
    return `layers not balanced: |Σ‖W_k‖²/(NΣσ^{2/N}) − 1| = ${balance.toPrecision(2)} > ${BALANCE_TOLERANCE}`;
  if (!(evidence.objectiveDrift <= DRIFT_TOLERANCE))
    return `J still moving: relative change ${evidence.objectiveDrift.toPrecision(2)} > ${DRIFT_TOLERANCE} over the last record`;
  return null;
}
