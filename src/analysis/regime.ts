/**
 * Lazy versus saddle-to-saddle (SPEC §9), read off a loss trace and its spectra. The two signatures:
 * - saddle-to-saddle (small initialisation): the loss stalls near successive saddles and leaves
 *   each in a sharp drop, so it shows plateaus after the initial one, and the rate of decrease
 *   −dC/dt grows by orders of magnitude at every escape (the tangent kernel ∝ σ^{2−2/N} grows
 *   with the learned singular values);
 * - lazy (initialisation comparable to or larger than the target): the network stays close to its
 *   linearisation, whose squared loss is a sum of decaying exponentials, so −dC/dt never increases
 *   (a completely monotone loss) and there is no plateau but the log-time artefact at t → 0.
 */
import { type LogTimeGrid, type TracePoint, logTimeGrid, segmentSlopes } from './logTimeGrid.js';
import {
  DEFAULT_PLATEAU_OPTIONS,
  type Plateau,
  type PlateauOptions,
  type SaddleContext,
  detectPlateaus,
} from './plateaus.js';

export interface RegimeOptions extends PlateauOptions {
  /** Largest rateGain still called lazy: a fixed kernel gives ≤ 1; 2 allows a mild drift. */
  maxLazyRateGain: number;
}

export const DEFAULT_REGIME_OPTIONS: RegimeOptions = { ...DEFAULT_PLATEAU_OPTIONS, maxLazyRateGain: 2 };

export interface RegimeMeasure {
  /** Every plateau detectPlateaus found, with the options given. */
  plateaus: Plateau[];
  /** Plateaus that are neither initial nor final: saddles visited after the start and left. */
  intermediatePlateaus: number;
  /** Learned rank of each non-initial plateau in order (the last one final if the run settled); null without spectra. */
  plateauRanks: (number | null)[];
  /**
   * max over t_a < t_b of r(t_b) / r(t_a), r = −ΔC/Δt between samples of the log-time grid,
   * over positive rates and above the loss floor: how much the loss's rate of decrease grew.
   * At least 1 (1 when it never grew, as for a linearised trace, or when fewer than two rates are
   * positive); of order (s/σ₀)^{2−2/N} for an escape from a small start.
   */
  rateGain: number;
}

export type RegimeLabel = 'lazy' | 'saddle-to-saddle' | 'undetermined';

export interface Regime {
  label: RegimeLabel;
  measure: RegimeMeasure;
  reason: string;
}

/**
 * - 'saddle-to-saddle' when at least one intermediate plateau was detected;
 * - 'lazy' when there is none, the loss moved (some |Δ ln C/Δ ln t| ≥ slopeThreshold), and
 *   rateGain ≤ maxLazyRateGain;
 * - 'undetermined' otherwise: a loss that never moved (nothing happened yet, or a saddle not yet
 *   left), or an accelerating loss with no intermediate plateau (a single saddle, e.g. a rank-one
 *   target from a small start: rich, but not a sequence of saddles; or saddles too brief for the
 *   plateau options, as at depth 2 unless σ₀ is tiny or the target's values far apart).
 */
export function classifyRegime(
  trace: readonly TracePoint[],
  options: Partial<RegimeOptions> = {},
  context: SaddleContext = {},
): Regime {
  const opts = { ...DEFAULT_REGIME_OPTIONS, ...options };
  const plateaus = detectPlateaus(trace, context, opts);
  const intermediate = plateaus.filter((p) => !p.initial && !p.final);
  const grid = logTimeGrid(trace, opts.logTimeResolution, opts.relativeLossFloor);
  const measure: RegimeMeasure = {
    plateaus,
    intermediatePlateaus: intermediate.length,
    plateauRanks: plateaus.filter((p) => !p.initial).map((p) => p.rank),
    rateGain: rateGain(grid),
  };
  if (intermediate.length > 0) {
    const levels = intermediate.map(
      (p) => `${p.loss.toPrecision(3)} (rank ${p.rank}, t ${p.startTime.toPrecision(3)}–${p.endTime.toPrecision(3)})`,
    );
    return {
      label: 'saddle-to-saddle',
      measure,
      reason: `${intermediate.length} intermediate plateau(s) at loss ${levels.join(', ')}`,
    };
  }
  if (segmentSlopes(grid).every((slope) => slope < opts.slopeThreshold)) {
    return {
      label: 'undetermined',
      measure,
      reason: `the loss never moved by ${opts.slopeThreshold} per unit ln t: nothing has happened yet, or a saddle has not been left`,
    };
  }
  const gain = measure.rateGain.toPrecision(3);
  if (measure.rateGain <= opts.maxLazyRateGain) {
    return {
      label: 'lazy',
      measure,
      reason: `no intermediate plateau and the loss's rate of decrease grew at most ${gain}× (≤ ${opts.maxLazyRateGain})`,
    };
  }
  return {
    label: 'undetermined',
    measure,
    reason: `no intermediate plateau, but the loss's rate of decrease grew ${gain}× (> ${opts.maxLazyRateGain}), so not lazy: one saddle only, or saddles too short to resolve with these options`,
  };
}

function rateGain(grid: LogTimeGrid): number {
  const { points, kept, floor } = grid;
  let slowest = Infinity;
  let gain = 1;
  for (let j = 0; j + 1 < kept.length; j++) {
    const a = points[kept[j]!]!;
    const b = points[kept[j + 1]!]!;
    // Below the floor the differences are round-off, not dynamics.
    if (b.loss <= floor) break;
    const rate = (a.loss - b.loss) / (b.time - a.time);
    if (!(rate > 0)) continue;
    if (slowest < Infinity) gain = Math.max(gain, rate / slowest);
    slowest = Math.min(slowest, rate);
  }
  return gain;
}
