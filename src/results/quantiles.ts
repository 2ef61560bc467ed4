/**
 * Order statistics of a sample, for summarising many seeds of one sweep point by their spread
 * rather than one line per run. One sort, O(n log n); non-finite values are left out and counted.
 */

export interface Quantiles {
  /** Finite values summarised; the rest (NaN, ±∞ from diverged runs) are not in the quantiles. */
  count: number;
  min: number;
  q10: number;
  q25: number;
  median: number;
  q75: number;
  q90: number;
  max: number;
  mean: number;
}

/** The quantiles of the finite values (linear interpolation between order statistics), or null when there are none. */
export function quantiles(values: ArrayLike<number>): Quantiles | null {
  const sorted = Float64Array.from(values).filter(Number.isFinite).sort();
  if (sorted.length === 0) return null;
  let sum = 0;
  for (const value of sorted) sum += value;
  const at = (p: number) => {
    const position = p * (sorted.length - 1);
    const below = Math.floor(position);
    const above = Math.min(below + 1, sorted.length - 1);
    return sorted[below]! + (position - below) * (sorted[above]! - sorted[below]!);
  };
  return {
    count: sorted.length,
    min: sorted[0]!,
    q10: at(0.1),
    q25: at(0.25),
    median: at(0.5),
    q75: at(0.75),
    q90: at(0.9),
    max: sorted[sorted.length - 1]!,
    mean: sum / sorted.length,
  };
}
