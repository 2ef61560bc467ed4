/** Order statistics for verdicts over seeds. */

/** The q-quantile (0 ≤ q ≤ 1) by linear interpolation between order statistics; NaN for no values. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (at - lo) * (sorted[hi]! - sorted[lo]!);
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);

/** The interquartile range: the spread of the middle half. */
export const interquartileRange = (values: readonly number[]): number => quantile(values, 0.75) - quantile(values, 0.25);
