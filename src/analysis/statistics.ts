/** Order statistics shared by verdicts, summaries and ensemble plots. */

/** The q-quantile (0 ≤ q ≤ 1) of values in any order, interpolating between order statistics; NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = isAscending(values) ? values : [...values].sort((a, b) => a - b);
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (at - lo) * (sorted[hi]! - sorted[lo]!);
}

/** The median (mean of the middle two for an even count); NaN when empty. */
export const median = (values: readonly number[]): number => quantile(values, 0.5);

/** The interquartile range: the spread of the middle half. */
export const interquartileRange = (values: readonly number[]): number =>
  quantile(values, 0.75) - quantile(values, 0.25);

/** Callers that sorted already (the ensemble plots, per record) skip a second sort. */
function isAscending(values: readonly number[]): boolean {
  for (let i = 1; i < values.length; i++) if (!(values[i - 1]! <= values[i]!)) return false;
  return true;
}

/** The binomial standard error √(p(1 − p)/n) of a fraction p of n trials; NaN when n = 0. */
export const binomialStandardError = (p: number, n: number): number => (n === 0 ? NaN : Math.sqrt((p * (1 - p)) / n));
