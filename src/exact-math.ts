/**
 * Deterministic elementary functions for everything random the project generates (SPEC §5: the
 * same seed gives bit-identical targets, data and initialisations on every engine).
 *
 * ECMAScript specifies +, −, ×, ÷, Math.sqrt, Math.floor/round/abs, % and comparisons exactly (IEEE
 * 754 round-to-nearest), but leaves Math.log, exp, sin, cos, pow, hypot and `**` implementation-
 * approximated: V8, SpiderMonkey and JavaScriptCore may differ in the last bit. The functions here
 * are built from the exactly specified operations alone (plus reading and writing a double's bits
 * through a DataView), in a fixed order, so they give the same bits everywhere. log, exp and the
 * sin/cos kernels are fdlibm's algorithms and minimax coefficients (Sun Microsystems, 1993; as in
 * FreeBSD's msun), errors below 1 ulp; test/unit/exact-math.test.ts measures them.
 */
import { invariant } from './errors.js';

const bits = new DataView(new ArrayBuffer(8));

/** 2^e for an integer e in [−1022, 1023], written straight into the exponent field. */
function powerOfTwo(e: number): number {
  bits.setUint32(0, (e + 1023) << 20);
  bits.setUint32(4, 0);
  return bits.getFloat64(0);
}

/** ⌊log₂ x⌋ for a positive normal double x (−1023 for a subnormal one): its exponent field. */
function exponentOf(x: number): number {
  bits.setFloat64(0, x);
  return ((bits.getUint32(0) >>> 20) & 0x7ff) - 1023;
}

// ln 2 = LN2_HI + LN2_LO; LN2_HI has 32 significant bits, so k·LN2_HI is exact for |k| < 2²¹.
const LN2_HI = 6.9314718036912381649e-1; // 0x3FE62E42 FEE00000
const LN2_LO = 1.90821492927058770002e-10; // 0x3DEA39EF 35793C76
const SQRT2 = 1.4142135623730951;
const TWO_54 = powerOfTwo(54);
const MIN_NORMAL = powerOfTwo(-1022);

/**
 * Natural logarithm. Reduction: x = m·2^k with m in [√½, √2) (m read from x's bits, so exact);
 * then log x = k·ln 2 + log(1 + f) with f = m − 1 (exact by Sterbenz), and with s = f/(2 + f),
 * log(1 + f) = 2·atanh(s) = 2s + s·R(s²), R a degree-7 minimax polynomial (|s| ≤ 0.1716).
 */
export function log(x: number): number {
  if (!(x > 0)) return x === 0 ? -Infinity : NaN;
  if (x === Infinity) return x;
  let k = 0;
  if (x < MIN_NORMAL) {
    x *= TWO_54; // subnormal: make it normal first
    k = -54;
  }
  bits.setFloat64(0, x);
  const high = bits.getUint32(0);
  k += (high >>> 20) - 1023;
  bits.setUint32(0, (high & 0x000fffff) | 0x3ff00000); // same mantissa, exponent 0: m in [1, 2)
  let m = bits.getFloat64(0);
  if (m >= SQRT2) {
    m *= 0.5;
    k += 1;
  }
  const f = m - 1;
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (3.999999999940941908e-1 + w * (2.222219843214978396e-1 + w * 1.531383769920937332e-1));
  const t2 =
    z *
    (6.66666666666673513e-1 +
      w * (2.857142874366239149e-1 + w * (1.818357216161805012e-1 + w * 1.479819860511658591e-1)));
  const r = t1 + t2;
  // 2s + s·R written as f − (f²/2 − s·(f²/2 + R)), which keeps the large terms exact.
  const halfSquare = 0.5 * f * f;
  return k * LN2_HI - (halfSquare - (s * (halfSquare + r) + k * LN2_LO) - f);
}

/**
 * e^y for |y| ≤ 700 (rootOf needs |y| < 400). Reduction: y = k·ln 2 + r with k = round(y / ln 2)
 * and |r| ≤ ln 2 / 2, r carried as hi − lo (k·LN2_HI exact); e^r from fdlibm's rational form
 * 1 + 2r/(2 − c) with c = r − r²·P(r²); then e^y = e^r·2^k, the last step exact.
 */
function exp(y: number): number {
  const k = Math.round(y * 1.442695040888963387);
  const hi = y - k * LN2_HI;
  const lo = k * LN2_LO;
  const r = hi - lo;
  const t = r * r;
  const c =
    r -
    t *
      (1.66666666666666019037e-1 +
        t *
          (-2.77777777770155933842e-3 +
            t * (6.61375632143793436117e-5 + t * (-1.6533902205465251539e-6 + t * 4.13813679705723846039e-8))));
  const er = 1 - (lo - (r * c) / (2 - c) - hi);
  return er * powerOfTwo(k);
}

/** a^n for an integer n ≥ 1 by binary powering: a fixed sequence of products. */
function integerPower(a: number, n: number): number {
  let result = 1;
  let square = a;
  for (let e = n; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) result *= square;
    if (e > 1) square *= square;
  }
  return result;
}

/**
 * The n-th root x^(1/n) of x ≥ 0 (n a positive integer): r = exp(log(x)/n), then one Newton step
 * on rⁿ = x. The first guess is off by up to |log x|/n ulp (log's rounding, magnified); the step
 * r ← r − r·(rⁿ/x − 1)/n removes that, leaving ≈ 1 ulp for x in (0, 1e6] and n ≤ 100 (measured).
 */
export function rootOf(x: number, n: number): number {
  invariant(Number.isInteger(n) && n >= 1, () => `rootOf: n must be a positive integer, got ${n}`);
  if (n === 1 || x === 0 || x === Infinity || Number.isNaN(x)) return x;
  if (x < 0) return NaN;
  if (n === 2) return Math.sqrt(x);
  const r = exp(log(x) / n);
  const ratio = integerPower(r, n) / x;
  return Number.isFinite(ratio) ? r - (r * (ratio - 1)) / n : r;
}

const SPLITTER = 134217729; // 2²⁷ + 1

/** a·b = product + error exactly (Dekker's product with Veltkamp's split; no overflow here). */
function twoProduct(a: number, b: number): [number, number] {
  const product = a * b;
  const ca = SPLITTER * a;
  const aHi = ca - (ca - a);
  const aLo = a - aHi;
  const cb = SPLITTER * b;
  const bHi = cb - (cb - b);
  const bLo = b - bHi;
  return [product, aHi * bHi - product + aHi * bLo + aLo * bHi + aLo * bLo];
}

// π/2 = PIO2 + PIO2_LO to about 2⁻¹⁰⁷ relative.
const PIO2 = 1.570796326794896558; // 0x3FF921FB 54442D18
const PIO2_LO = 6.12323399573676603587e-17; // 0x3C91A626 33145C07

/** sin(x + y) for |x| ≤ π/4, |y| ≤ ulp(x)/2: fdlibm's degree-13 odd minimax polynomial. */
function sinKernel(x: number, y: number): number {
  const z = x * x;
  const w = z * z;
  const r =
    8.33333333332248946124e-3 +
    z * (-1.98412698298579493134e-4 + z * 2.75573137070700676789e-6) +
    z * w * (-2.50507602534068634195e-8 + z * 1.58969099521155010221e-10);
  const v = z * x;
  return x - (z * (0.5 * y - v * r) - y - v * -1.66666666666666324348e-1);
}

/** cos(x + y) for |x| ≤ π/4, |y| ≤ ulp(x)/2: fdlibm's degree-14 even minimax polynomial. */
function cosKernel(x: number, y: number): number {
  const z = x * x;
  const w = z * z;
  const r =
    z * (4.16666666666666019037e-2 + z * (-1.38888888888741095749e-3 + z * 2.48015872894767294178e-5)) +
    w * w * (-2.75573143513906633035e-7 + z * (2.0875723212981748279e-9 + z * -1.13596475577881948265e-11));
  const halfZ = 0.5 * z;
  const oneMinus = 1 - halfZ;
  return oneMinus + (1 - oneMinus - halfZ + (z * r - x * y));
}

/**
 * [cos 2πu, sin 2πu] for finite |u| < 2¹⁰²¹ (Box–Muller's u is in (0, 1)). The reduction works on u itself and is exact: q = round(4u)
 * (4u exact) is the nearest quarter turn and v = 4u − q in [−½, ½] is exact (Sterbenz), so the
 * angle is q·π/2 + v·π/2 with |v·π/2| ≤ π/4. v·π/2 is formed as a head plus tail (Dekker's exact
 * product with PIO2, plus v·PIO2_LO) so the kernels see it to ~2⁻¹⁰⁵; then the quadrant q mod 4
 * rotates (cos, sin) by quarter turns, which only swaps and negates.
 */
export function sinCos2Pi(u: number): [number, number] {
  const q = Math.round(4 * u);
  const v = 4 * u - q;
  const [head, error] = twoProduct(v, PIO2);
  const tail = error + v * PIO2_LO;
  const x = head + tail;
  const y = tail - (x - head);
  const c = cosKernel(x, y);
  const s = sinKernel(x, y);
  switch (((q % 4) + 4) % 4) {
    case 0:
      return [c, s];
    case 1:
      return [-s, c];
    case 2:
      return [-c, -s];
    default:
      return [s, -c];
  }
}

/**
 * √(Σ xᵢ²) without overflow or underflow: every entry is scaled by 2^−e, 2^e the power of two at
 * or below the largest |xᵢ| (so exactly), the squares are summed in index order with Neumaier's
 * compensation (so the sum is good to ~1 ulp for any length), and √ is scaled back by 2^e.
 * Like Math.hypot: Infinity if any entry is infinite, else NaN if any is NaN; 0 for no entries.
 */
export function hypot(values: ArrayLike<number>): number {
  let largest = 0;
  let nan = false;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]!);
    if (a === Infinity) return Infinity;
    if (Number.isNaN(a)) nan = true;
    else if (a > largest) largest = a;
  }
  if (nan) return NaN;
  if (largest === 0) return 0;
  // Clamped so that 2^±e stay normal; the largest scaled entry is then in [1, 4) (or below 1 when subnormal).
  const e = Math.min(1022, Math.max(-1022, exponentOf(largest)));
  const down = powerOfTwo(-e);
  let sum = 0;
  let compensation = 0;
  for (let i = 0; i < values.length; i++) {
    const scaled = values[i]! * down;
    const square = scaled * scaled;
    const next = sum + square;
    compensation += sum >= square ? sum - next + square : square - next + sum;
    sum = next;
  }
  return Math.sqrt(sum + compensation) * powerOfTwo(e);
}
