/** Plateau (saddle) detection on a loss trace and the factorization saddle levels (SPEC §9). */
import { type TracePoint, logTimeGrid, segmentSlopes } from './logTimeGrid.js';

export interface PlateauOptions {
  /** Largest |Δ ln loss / Δ ln t| between samples on a plateau. */
  slopeThreshold: number;
  /** Shortest plateau, as the factor t_end / t_start it must span. */
  minSpanFactor: number;
  /** Slopes are taken between samples at least this far apart in ln t (a 1% step in t). */
  logTimeResolution: number;
  /** Losses below this fraction of the trace's largest loss are raised to it before taking logs. */
  relativeLossFloor: number;
}

export const DEFAULT_PLATEAU_OPTIONS: PlateauOptions = {
  slopeThreshold: 0.05,
  minSpanFactor: 1.5,
  logTimeResolution: 0.01,
  relativeLossFloor: 1e-6,
};

export interface Plateau {
  startStep: number;
  endStep: number;
  startTime: number;
  endTime: number;
  /** The numerical rank, constant over the plateau. */
  rank: number;
  /** The recorded loss at the sample nearest the plateau's log-time midpoint √(t_start·t_end). */
  loss: number;
  /**
   * The loss has not moved since the first sample with t > 0 (a plateau split from the start
   * only by rank changes counts too: at init all σ_i are equal, so the rank falls as the first
   * mode separates). Its true start is not seen (log-time excludes t = 0), and every smooth trace
   * looks flat in log-time near t = 0 (d ln C/d ln t = t Ċ/C → 0), so an initial plateau is the
   * origin saddle only if the loss then drops sharply: see classifyRegime.
   */
  initial: boolean;
  /**
   * The loss does not move again up to the last sample: convergence (the loss at the floor or at
   * a minimum) or a saddle that has not been left yet; either way not a saddle seen to be escaped.
   */
  final: boolean;
}

/**
 * Maximal time intervals on which |Δ ln C / Δ ln t| < slopeThreshold between consecutive
 * (thinned) samples and the numerical rank does not change, spanning at least minSpanFactor in t.
 * Samples with t ≤ 0 are skipped (log-time); times must be ascending.
 */
export function detectPlateaus(trace: readonly TracePoint[], options: Partial<PlateauOptions> = {}): Plateau[] {
  const { slopeThreshold, minSpanFactor, logTimeResolution, relativeLossFloor } = { ...DEFAULT_PLATEAU_OPTIONS, ...options };
  const grid = logTimeGrid(trace, logTimeResolution, relativeLossFloor);
  const { points, kept, logTime } = grid;
  const still = segmentSlopes(grid).map((slope) => slope < slopeThreshold);
  const flat = still.map((isStill, j) => isStill && rankConstant(points, kept[j]!, kept[j + 1]!));
  // Segments where the loss moves: plateaus before the first are initial, after the last final.
  const firstMove = still.includes(false) ? still.indexOf(false) : still.length;
  const lastMove = still.lastIndexOf(false);
  const plateaus: Plateau[] = [];
  for (let a = 0; a < flat.length; a++) {
    if (!flat[a]) continue;
    let b = a;
    while (b < flat.length && flat[b]) b++;
    // Segments a … b−1 are flat: the run spans kept samples a … b.
    const start = kept[a]!;
    const end = kept[b]!;
    if (logTime[end]! - logTime[start]! >= Math.log(minSpanFactor)) {
      const mid = nearest(logTime, (logTime[start]! + logTime[end]!) / 2, start, end);
      plateaus.push({
        startStep: points[start]!.step,
        endStep: points[end]!.step,
        startTime: points[start]!.time,
        endTime: points[end]!.time,
        rank: points[start]!.rank,
        loss: points[mid]!.loss,
        initial: a <= firstMove,
        final: b > lastMove,
      });
    }
    a = b;
  }
  return plateaus;
}

/**
 * Saddle losses of factorization with target singular values s: the loss ½ Σ_{i>k} s_i² at the
 * critical point that has learned the k largest modes, for k = 0 … r (r = number of positive
 * values; the last level is 0, the global minimum). s in any order.
 */
export function saddleLevels(s: readonly number[]): number[] {
  const positive = s.filter((x) => x > 0).sort((x, y) => y - x);
  const levels = [0];
  for (let i = positive.length - 1; i >= 0; i--) levels.unshift(levels[0]! + positive[i]! ** 2 / 2);
  return levels;
}

function rankConstant(points: readonly TracePoint[], from: number, to: number): boolean {
  for (let i = from + 1; i <= to; i++) if (points[i]!.rank !== points[from]!.rank) return false;
  return true;
}

function nearest(values: readonly number[], target: number, from: number, to: number): number {
  let best = from;
  for (let i = from; i <= to; i++) if (Math.abs(values[i]! - target) < Math.abs(values[best]! - target)) best = i;
  return best;
}
