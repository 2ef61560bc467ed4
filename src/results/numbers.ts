/**
 * Numbers in text results. Losses and GPU singular values are f32: printing them with the
 * shortest decimal that reads back to the same f32 keeps trace.csv exact and about half the size
 * of printing their double expansion (0.1f is 0.10000000149011612 as a double).
 */

/** The shortest decimal that rounds back to `value`: ≤ 9 digits for f32 values, exact otherwise. */
export function formatExact(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.fround(value) !== value) return String(value);
  for (let digits = 1; digits < 9; digits++) {
    const text = value.toPrecision(digits);
    if (Math.fround(Number(text)) === value) return String(Number(text));
  }
  return String(Number(value.toPrecision(9)));
}

/** t = lr·step in double: 12 significant digits hide the binary rounding of lr (0.1·3). */
export function formatTime(time: number): string {
  return String(Number(time.toPrecision(12)));
}

/** JSON numbers cannot be NaN or ±Infinity: those become null (and read back as NaN). */
export function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
