/**
 * Plateau (saddle) detection on a loss trace, the modes learned on each plateau, and the
 * factorization saddle levels (SPEC §9).
 *
 * A saddle is a property of the loss curve and of which modes are learned, not of a fixed
 * relative rank threshold: while the loss rests at the saddle that has learned k modes, mode k+1
 * already rises from the init scale through any relative tolerance (1e-3·σ₁ is crossed long before
 * the loss moves), so the plateau is found on the loss alone and its rank is the number of modes
 * that have reached half their reference value (learnedRank).
 */
import { type LogTimeGrid, type TracePoint, logTimeGrid, segmentSlopes } from './logTimeGrid.js';

export interface PlateauOptions {
  /** Largest |Δ ln loss / Δ ln t| between grid samples on a plateau. */
  slopeThreshold: number;
  /** Shortest plateau, as the factor t_end / t_start it must span. */
  minSpanFactor: number;
  /** Slopes are taken between samples at least this far apart in ln t (a 1% step in t). */
  logTimeResolution: number;
  /** Losses below this fraction of the trace's largest loss are raised to it before taking logs. */
  relativeLossFloor: number;
  /**
   * Two flat stretches are one plateau when the loss changed by less than this fraction between
   * them (a blip of f32 round-off or a slow stretch, not an escape: successive saddle levels of
   * factorization differ by a factor ≥ 1 + s_{k+1}² / Σ_{i>k+1} s_i², at least 2 for any target).
   */
  mergeTolerance: number;
  /** A mode counts as learned once σ_i ≥ learnedFraction · (its reference value). */
  learnedFraction: number;
  /** Fewer records than this inside a plateau, and it is not seen: reported as unresolved. */
  minRecords: number;
}

export const DEFAULT_PLATEAU_OPTIONS: PlateauOptions = {
  slopeThreshold: 0.1,
  minSpanFactor: 1.15,
  logTimeResolution: 0.01,
  relativeLossFloor: 1e-6,
  mergeTolerance: 0.1,
  learnedFraction: 0.5,
  minRecords: 3,
};

export interface Plateau {
  startStep: number;
  endStep: number;
  startTime: number;
  endTime: number;
  /** Records with startTime ≤ t ≤ endTime. */
  records: number;
  /** Modes learned at the plateau's log-time midpoint (see learnedRank); null without spectra. */
  rank: number | null;
  /** The recorded loss at the sample nearest the plateau's log-time midpoint √(t_start·t_end). */
  loss: number;
  /** The predicted saddle level for `rank` learned modes (saddleLevels), when one is known. */
  predicted: number | null;
  /** |loss − predicted| / predicted; null without a positive prediction. */
  levelError: number | null;
  /**
   * Flat from the first sample with t > 0. Its true start is not seen (log-time excludes t = 0),
   * and every smooth trace looks flat in log-time near t = 0 (d ln C/d ln t = t Ċ/C → 0), so an
   * initial plateau is the origin saddle only if the loss then drops sharply: see classifyRegime.
   */
  initial: boolean;
  /**
   * Flat up to the last sample: convergence (the loss at the floor or at a minimum) or a saddle
   * that has not been left yet; either way not a saddle seen to be escaped.
   */
  final: boolean;
}

/** A saddle whose plateau falls between two records too few to see it (< minRecords inside). */
export interface UnresolvedSaddle {
  /** Modes learned at that saddle: it lies between the half-times of modes rank and rank + 1. */
  rank: number;
  startTime: number;
  endTime: number;
  /** Records strictly between the two half-times (the first record and the first half-time, for rank 0). */
  records: number;
}

export interface SaddleAnalysis {
  plateaus: Plateau[];
  unresolved: UnresolvedSaddle[];
  /** Per learnable mode i (descending): the first recorded time σ_i ≥ learnedFraction·reference_i, or null. */
  halfTimes: (number | null)[];
}

export interface SaddleContext {
  /**
   * Per-mode reference values, descending: the target's singular values when they are known
   * (factorization), else the final recorded singular values above rankTolerance·σ₁.
   */
  references?: readonly number[];
  /** The predicted loss at the saddle with k learned modes, k = 0 … (saddleLevels). */
  levels?: readonly number[];
  /** Relative tolerance that picks final values as references when none are given. */
  rankTolerance?: number;
}

/**
 * Plateaus: maximal stretches of the log-time grid on which |Δ ln C / Δ ln t| < slopeThreshold
 * between neighbouring samples, stretches joined when the loss changed by less than
 * mergeTolerance between them, spanning t_end/t_start ≥ minSpanFactor with ≥ minRecords records.
 * Samples with t ≤ 0 are skipped (log-time); times must be ascending.
 */
export function analyzeSaddles(
  trace: readonly TracePoint[],
  context: SaddleContext = {},
  options: Partial<PlateauOptions> = {},
): SaddleAnalysis {
  const opts = { ...DEFAULT_PLATEAU_OPTIONS, ...options };
  const grid = logTimeGrid(trace, opts.logTimeResolution, opts.relativeLossFloor);
  const references = context.references ?? finalReferences(grid.points, context.rankTolerance ?? 1e-3);
  const halfTimes = modeHalfTimes(grid.points, references, opts.learnedFraction);
  const plateaus = flatStretches(grid, opts).map(([start, end]) =>
    plateauOf(grid, start, end, references, context.levels, opts),
  );
  return { plateaus, halfTimes, unresolved: unresolvedSaddles(grid.points, plateaus, halfTimes, opts) };
}

/** The plateaus of analyzeSaddles alone. */
export function detectPlateaus(
  trace: readonly TracePoint[],
  context: SaddleContext = {},
  options: Partial<PlateauOptions> = {},
): Plateau[] {
  return analyzeSaddles(trace, context, options).plateaus;
}

/**
 * Saddle losses of factorization with target singular values s: the loss ½ Σ_{i>k} s_i² at the
 * critical point that has learned the k largest modes, for k = 0 … r (r = number of positive
 * values; the last level is 0, the global minimum). s in any order; `scale` is loss.scale.
 */
export function saddleLevels(s: readonly number[], scale = 1): number[] {
  const positive = s.filter((x) => x > 0).sort((x, y) => y - x);
  const levels = [0];
  for (let i = positive.length - 1; i >= 0; i--) levels.unshift(levels[0]! + (scale * positive[i]! ** 2) / 2);
  return levels;
}

/** #{i : σ_i ≥ fraction · reference_i}, σ and references both descending; null without spectra. */
export function learnedRank(
  singularValues: readonly number[] | undefined,
  references: readonly number[],
  fraction: number,
): number | null {
  if (!singularValues || singularValues.length === 0) return null;
  let count = 0;
  references.forEach((reference, i) => {
    if ((singularValues[i] ?? 0) >= fraction * reference) count++;
  });
  return count;
}

/** Index pairs [start, end] into grid.points of the flat stretches, merged, long enough and resolved. */
function flatStretches(grid: LogTimeGrid, opts: PlateauOptions): [number, number][] {
  const { kept, logTime, logLoss } = grid;
  const still = segmentSlopes(grid).map((slope) => slope < opts.slopeThreshold);
  const stretches: [number, number][] = [];
  for (let a = 0; a < still.length; a++) {
    if (!still[a]) continue;
    let b = a;
    while (b < still.length && still[b]) b++;
    // Segments a … b−1 are flat: the stretch spans kept samples a … b.
    const stretch: [number, number] = [kept[a]!, kept[b]!];
    const previous = stretches[stretches.length - 1];
    if (previous && Math.abs(logLoss[stretch[0]]! - logLoss[previous[1]]!) < Math.log1p(opts.mergeTolerance))
      previous[1] = stretch[1];
    else stretches.push(stretch);
    a = b;
  }
  return stretches.filter(
    ([start, end]) =>
      logTime[end]! - logTime[start]! >= Math.log(opts.minSpanFactor) && end - start + 1 >= opts.minRecords,
  );
}

function plateauOf(
  grid: LogTimeGrid,
  start: number,
  end: number,
  references: readonly number[],
  levels: readonly number[] | undefined,
  opts: PlateauOptions,
): Plateau {
  const { points, logTime } = grid;
  const mid = nearest(logTime, (logTime[start]! + logTime[end]!) / 2, start, end);
  const rank = learnedRank(points[mid]!.singularValues, references, opts.learnedFraction);
  const loss = points[mid]!.loss;
  const predicted = rank !== null && levels && rank < levels.length ? levels[rank]! : null;
  return {
    startStep: points[start]!.step,
    endStep: points[end]!.step,
    startTime: points[start]!.time,
    endTime: points[end]!.time,
    records: end - start + 1,
    rank,
    loss,
    predicted,
    levelError: predicted !== null && predicted > 0 ? Math.abs(loss - predicted) / predicted : null,
    initial: start === 0,
    final: end === points.length - 1,
  };
}

/** Final singular values above tolerance·σ₁: the modes the run learned, as their own references. */
function finalReferences(points: readonly TracePoint[], tolerance: number): number[] {
  const last = points[points.length - 1]?.singularValues ?? [];
  return last.filter((s) => s > tolerance * (last[0] ?? 0));
}

function modeHalfTimes(
  points: readonly TracePoint[],
  references: readonly number[],
  fraction: number,
): (number | null)[] {
  if (!points.some((p) => p.singularValues && p.singularValues.length > 0)) return [];
  return references.map(
    (reference, i) => points.find((p) => (p.singularValues?.[i] ?? 0) >= fraction * reference)?.time ?? null,
  );
}

/**
 * Saddle k sits between the half-times of modes k and k+1 (k = 0: between the first record with
 * t > 0 and the first half-time). When no plateau of rank k was found there and the records are
 * too sparse to show one of the shortest span (fewer than minRecords inside a factor
 * minSpanFactor of time around the window's log-time midpoint), the cadence could not tell: report the saddle
 * as unresolved rather than miss it silently. With enough records and no plateau, the modes
 * escaped together and there was no saddle to see; a window shorter than minSpanFactor holds no
 * plateau at any cadence.
 */
function unresolvedSaddles(
  points: readonly TracePoint[],
  plateaus: readonly Plateau[],
  halfTimes: readonly (number | null)[],
  opts: PlateauOptions,
): UnresolvedSaddle[] {
  const unresolved: UnresolvedSaddle[] = [];
  const bounds = [points[0]?.time ?? null, ...halfTimes];
  const count = (from: number, to: number) => points.filter((p) => p.time > from && p.time < to).length;
  for (let k = 0; k + 1 < bounds.length; k++) {
    const from = bounds[k];
    const to = bounds[k + 1];
    if (from === null || from === undefined || to === null || to === undefined || plateaus.some((p) => p.rank === k))
      continue;
    if (k > 0 && to / from < opts.minSpanFactor) continue;
    const middle = Math.sqrt(from * to);
    const half = Math.sqrt(opts.minSpanFactor);
    if (count(middle / half, middle * half) < opts.minRecords)
      unresolved.push({ rank: k, startTime: from, endTime: to, records: count(from, to) });
  }
  return unresolved;
}

function nearest(values: readonly number[], target: number, from: number, to: number): number {
  let best = from;
  for (let i = from; i <= to; i++) if (Math.abs(values[i]! - target) < Math.abs(values[best]! - target)) best = i;
  return best;
}
