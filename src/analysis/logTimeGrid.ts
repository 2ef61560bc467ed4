/**
 * The sampling shared by plateau detection and regime classification: a loss trace restricted to
 * t > 0, thinned to a minimum spacing in ln t, with losses floored before taking logs.
 */

/** One recorded point of a run: t = η·step (SPEC §1), and the end-to-end singular values (descending) when recorded. */
export interface TracePoint {
  step: number;
  time: number;
  loss: number;
  singularValues?: readonly number[];
}

export interface LogTimeGrid {
  /** The trace's points with t > 0, in order. */
  points: TracePoint[];
  /** Indices into points, at least `resolution` apart in ln t; first and last always included. */
  kept: number[];
  logTime: number[];
  /** ln max(C, floor). */
  logLoss: number[];
  /** relativeLossFloor · (largest loss of the trace). */
  floor: number;
}

/**
 * The floor keeps ln finite at C = 0 and turns the converged tail (which in f32 ends in round-off
 * noise) into a stationary stretch rather than an ever-steepening descent. Thinning matters for
 * dense late sampling (a record every step at large t), which would otherwise divide f32 round-off
 * in ln C by tiny Δ ln t; a last sample too close to the previous kept one replaces it.
 */
export function logTimeGrid(trace: readonly TracePoint[], resolution: number, relativeLossFloor: number): LogTimeGrid {
  const points = trace.filter((p) => p.time > 0);
  points.forEach((p, i) => {
    if (i > 0 && !(p.time > points[i - 1]!.time))
      throw new RangeError(`trace times must be strictly ascending (step ${p.step})`);
  });
  const largest = points.reduce((m, p) => Math.max(m, p.loss), 0);
  const floor = Math.max(relativeLossFloor * largest, Number.MIN_VALUE);
  const logLoss = points.map((p) => Math.log(Math.max(p.loss, floor)));
  const logTime = points.map((p) => Math.log(p.time));
  const kept = points.length > 0 ? [0] : [];
  for (let i = 1; i < points.length; i++)
    if (logTime[i]! - logTime[kept[kept.length - 1]!]! >= resolution) kept.push(i);
  const last = points.length - 1;
  if (last > 0 && kept[kept.length - 1] !== last) {
    if (kept.length > 1) kept.pop();
    kept.push(last);
  }
  return { points, kept, logTime, logLoss, floor };
}

/** |Δ ln C / Δ ln t| between consecutive kept samples: the loss's relative change per unit log-time. */
export function segmentSlopes(grid: LogTimeGrid): number[] {
  const { kept, logTime, logLoss } = grid;
  return kept.slice(0, -1).map((i, j) => {
    const next = kept[j + 1]!;
    return Math.abs(logLoss[next]! - logLoss[i]!) / (logTime[next]! - logTime[i]!);
  });
}
