/**
 * Numbers in text results. Losses and GPU singular values are f32: printing them with the
 * shortest decimal that reads back to the same f32 keeps trace.csv exact and about half the size
 * of printing their double expansion (0.1f is 0.10000000149011612 as a double).
 */

/** The shortest decimal that rounds back to `value`: ≤ 9 digits for f32 values, exact otherwise. */
export function formatExact(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.fround(value) !== value) return String(value);
  const roundTrips = (digits: number) => Math.fround(Number(value.toPrecision(digits))) === value;
  let digits: number;
  if (isPowerOfTwo(value)) {
    digits = 1;
    while (digits < 9 && !roundTrips(digits)) digits++;
  } else {
    // Inside a binade an f32's rounding interval is symmetric about it, and d+1 digits land at least
    // as close as d did, so once d digits round-trip all longer ones do: bisect 1…9 (9 always does).
    // At a power of two the interval below is half the one above, so there the scan stays linear.
    let low = 1;
    let high = 9;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (roundTrips(mid)) high = mid;
      else low = mid + 1;
    }
    digits = low;
  }
  return String(Number(value.toPrecision(digits)));
}

/** Whether |value| is 2^k (an f32 with a zero mantissa; zero counts too, it needs one digit either way). */
function isPowerOfTwo(value: number): boolean {
  f32[0] = value;
  return (f32Bits[0]! & 0x7fffff) === 0;
}

const f32 = new Float32Array(1);
const f32Bits = new Uint32Array(f32.buffer);

/** t = lr·step in double: 12 significant digits hide the binary rounding of lr (0.1·3). */
export function formatTime(time: number): string {
  return String(Number(time.toPrecision(12)));
}

/** JSON numbers cannot be NaN or ±Infinity: those become null (and read back as NaN). */
export function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
