import { describe, expect, it } from 'vitest';
import { InvariantError } from '../../src/errors.js';
import { hypot, log, rootOf, sinCos2Pi } from '../../src/exact-math.js';
import { Rng } from '../../src/random.js';

// Accuracy measured against 200-bit mpmath on ~2.6e5 logs, 2e5 angles, 2e3 vectors (up to 1000
// entries, scales 1e-150…1e150) and 1e5 roots (x in (0, 1e6], n ≤ 100): max error
//   log 0.75 ulp (relative 1.5e-16), cos 2πu 0.70 ulp, sin 2πu 0.74 ulp (relative 1.1e-16),
//   hypot 0.73 ulp (9.4e-17), rootOf 0.96 ulp (1.6e-16).
// The tests below check bounds with margin: log against Math.log (relative 4e-16), sin/cos and
// hypot within 1 ulp of exact (BigInt) values, rootOf within 2 ulp.

/** Inputs from the project's own generator: the same points on every run. */
function uniforms(n: number, stream: number): number[] {
  const rng = new Rng(2024, stream);
  return Array.from({ length: n }, () => rng.uniform());
}

/** x = m·2^e exactly, for a finite double x. */
interface Exact {
  m: bigint;
  e: number;
}

function exact(x: number): Exact {
  let e = 0;
  while (!Number.isInteger(x)) {
    x *= 2; // exact: a non-integer double is below 2⁵²
    e--;
  }
  return { m: BigInt(x), e };
}

function align(a: Exact, b: Exact): [bigint, bigint, number] {
  const e = Math.min(a.e, b.e);
  return [a.m << BigInt(a.e - e), b.m << BigInt(b.e - e), e];
}

function compare(a: Exact, b: Exact): number {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function add(a: Exact, b: Exact): Exact {
  const [x, y, e] = align(a, b);
  return { m: x + y, e };
}

function power(a: Exact, n: number): Exact {
  return { m: a.m ** BigInt(n), e: a.e * n };
}

/** The double `steps` ulps above (or below, steps < 0) a positive double x. */
function neighbour(x: number, steps: number): number {
  const f = new Float64Array([x]);
  const word = new BigInt64Array(f.buffer);
  word[0] = word[0]! + BigInt(steps);
  return f[0]!;
}

function relativeError(got: number, want: number): number {
  return Math.abs(got - want) / Math.abs(want);
}

describe('log', () => {
  it('is exact where the answer is', () => {
    expect(Object.is(log(1), 0)).toBe(true);
    expect(log(2)).toBe(Math.LN2);
    expect(log(0.5)).toBe(-Math.LN2);
    expect(log(0)).toBe(-Infinity);
    expect(log(Infinity)).toBe(Infinity);
    expect(log(-1)).toBeNaN();
    expect(log(NaN)).toBeNaN();
  });

  it('agrees with Math.log to 4e-16 relative on uniforms, edges and subnormals', () => {
    const edges = [
      2 ** -53,
      1 - 2 ** -53,
      1 - 2 ** -52,
      1 + 2 ** -52,
      0.5,
      Math.SQRT1_2,
      Math.SQRT2,
      1e-300,
      5e-324,
      1e-310,
      1e6,
      1e300,
    ];
    const random = uniforms(20_000, 1);
    const points = [...edges, ...random, ...random.map((u) => 1e6 * u), ...random.map((u) => 1 - u * 1e-6)];
    for (const x of points) expect(relativeError(log(x), Math.log(x)), `log(${x})`).toBeLessThanOrEqual(4e-16);
  });
});

describe('sinCos2Pi', () => {
  const BITS = 256n;
  const ONE = 1n << BITS;

  /** atan(1/k)·2²⁵⁶ by its Taylor series. */
  function atanInverse(k: bigint): bigint {
    let sum = 0n;
    let term = ONE / k;
    for (let j = 0n; term !== 0n; j++) {
      sum += (j % 2n === 0n ? term : -term) / (2n * j + 1n);
      term /= k * k;
    }
    return sum;
  }
  const PI = 16n * atanInverse(5n) - 4n * atanInverse(239n); // Machin

  /** [cos 2πu, sin 2πu]·2²⁵⁶: the exact quarter-turn split, then Taylor series. */
  function reference(u: number): [bigint, bigint] {
    const { m, e } = exact(u);
    const q = Math.round(4 * u);
    const v = 4n * m - (BigInt(q) << BigInt(-e)); // (4u − q)·2^−e
    const phi = (PI * v) / (2n << BigInt(-e));
    let c = 0n;
    let s = 0n;
    let term = ONE;
    for (let k = 0n; term !== 0n; k++) {
      if (k % 4n === 0n) c += term;
      else if (k % 4n === 1n) s += term;
      else if (k % 4n === 2n) c -= term;
      else s -= term;
      term = (term * phi) / ONE / (k + 1n);
    }
    const quadrant = ((q % 4) + 4) % 4;
    return quadrant === 0 ? [c, s] : quadrant === 1 ? [-s, c] : quadrant === 2 ? [-c, -s] : [s, -c];
  }

  function ulpError(got: number, want: bigint): number {
    const { m, e } = exact(got);
    const fixed = m << BigInt(Number(BITS) + e);
    const exponent = m.toString(2).replace('-', '').length - 1 + e;
    const ulp = 1n << BigInt(Number(BITS) + exponent - 52);
    const diff = fixed > want ? fixed - want : want - fixed;
    return Number((diff * 1000n) / ulp) / 1000;
  }

  it('is exact at quarter turns', () => {
    const clean = (u: number) => sinCos2Pi(u).map((x) => x + 0); // −0 → 0
    expect(clean(0)).toEqual([1, 0]);
    expect(clean(0.25)).toEqual([0, 1]);
    expect(clean(0.5)).toEqual([-1, 0]);
    expect(clean(0.75)).toEqual([0, -1]);
    expect(clean(1)).toEqual([1, 0]);
  });

  it('is within 1 ulp of exact on uniforms, octant boundaries and tiny angles', () => {
    const edges = [2 ** -53, 1 - 2 ** -53, 2 ** -60, 2 ** -100, 1e-20, 0.1, -0.3, 1.7, 12.345];
    for (let j = 1; j < 8; j++) edges.push(j / 8, j / 8 - 2 ** -53, j / 8 + 2 ** -53);
    for (const u of [...edges, ...uniforms(3000, 2)]) {
      if (Number.isInteger(4 * u)) continue;
      const [c, s] = sinCos2Pi(u);
      const [wantC, wantS] = reference(u);
      expect(ulpError(c, wantC), `cos 2π·${u}`).toBeLessThanOrEqual(1);
      expect(ulpError(s, wantS), `sin 2π·${u}`).toBeLessThanOrEqual(1);
    }
  });

  it('agrees with Math.cos/sin(2πu) up to the rounding of 2πu, and sin² + cos² = 1 to 2 ulp', () => {
    for (const u of uniforms(20_000, 3)) {
      const [c, s] = sinCos2Pi(u);
      // 2·Math.PI·u is off by up to ~1e-15 absolute, which Math.cos/sin pass on.
      expect(Math.abs(c - Math.cos(2 * Math.PI * u))).toBeLessThanOrEqual(2e-15);
      expect(Math.abs(s - Math.sin(2 * Math.PI * u))).toBeLessThanOrEqual(2e-15);
      expect(Math.abs(c * c + s * s - 1)).toBeLessThanOrEqual(4.5e-16);
    }
  });
});

describe('hypot', () => {
  /** Within 1 ulp: the neighbours of h bracket √(Σ xᵢ²), checked exactly. */
  function expectWithinOneUlp(values: number[]): void {
    const h = hypot(values);
    const sumOfSquares = values.map(exact).reduce((sum, x) => add(sum, power(x, 2)), { m: 0n, e: 0 });
    expect(compare(power(exact(neighbour(h, -1)), 2), sumOfSquares)).toBeLessThanOrEqual(0);
    expect(compare(power(exact(neighbour(h, 1)), 2), sumOfSquares)).toBeGreaterThanOrEqual(0);
  }

  it('handles the special cases like Math.hypot', () => {
    expect(hypot([])).toBe(0);
    expect(hypot([0, -0])).toBe(0);
    expect(hypot([3, -4])).toBe(5);
    expect(hypot([NaN, -Infinity])).toBe(Infinity);
    expect(hypot([1, NaN])).toBeNaN();
    expect(relativeError(hypot(new Float64Array([1e308, 1e308])), Math.SQRT2 * 1e308)).toBeLessThanOrEqual(4e-16);
  });

  it('is within 1 ulp of exact, without overflow or underflow, for vectors of up to 1000 entries', () => {
    const rng = new Rng(2024, 4);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + rng.below(1000);
      const scale = 10 ** (300 * rng.uniform() - 150);
      const values = Array.from({ length: n }, () => scale * rng.normal() * (rng.uniform() < 0.1 ? 1e-5 : 1));
      expectWithinOneUlp(values);
      expect(relativeError(hypot(values), Math.hypot(...values))).toBeLessThanOrEqual(4e-16);
    }
    expectWithinOneUlp(new Array(1000).fill(1e150));
    expectWithinOneUlp(new Array(1000).fill(1e-150));
    expectWithinOneUlp([1e150, 1e-150, -1e150]);
  });
});

describe('rootOf', () => {
  /** Within 2 ulp: the doubles 2 ulp either side of r bracket x^(1/n), checked exactly. */
  function expectWithinTwoUlp(x: number, n: number): void {
    const r = rootOf(x, n);
    expect(compare(power(exact(neighbour(r, -2)), n), exact(x)), `${x}^(1/${n})`).toBeLessThanOrEqual(0);
    expect(compare(power(exact(neighbour(r, 2)), n), exact(x)), `${x}^(1/${n})`).toBeGreaterThanOrEqual(0);
  }

  it('handles special cases and exact roots', () => {
    expect(rootOf(7.25, 1)).toBe(7.25);
    expect(rootOf(2, 2)).toBe(Math.SQRT2);
    expect(rootOf(0, 5)).toBe(0);
    expect(rootOf(Infinity, 3)).toBe(Infinity);
    expect(rootOf(-1, 3)).toBeNaN();
    expect(rootOf(8, 3)).toBe(2);
    expect(rootOf(1e6, 6)).toBe(10);
    expect(rootOf(2 ** -60, 3)).toBe(2 ** -20);
    expect(() => rootOf(2, 0)).toThrow(InvariantError);
    expect(() => rootOf(2, 1.5)).toThrow(InvariantError);
  });

  it('is within 2 ulp of exact and agrees with Math.pow for x in [2⁻⁵³, 1e6], n ≤ 100', () => {
    const rng = new Rng(2024, 5);
    const cases: [number, number][] = [];
    for (let n = 1; n <= 100; n++) for (const x of [1e6, 1, 2 ** -53, 0.5, 1e-6, 3]) cases.push([x, n]);
    for (let i = 0; i < 2000; i++) cases.push([10 ** (12 * rng.uniform() - 6), 1 + rng.below(100)]);
    for (const [x, n] of cases) {
      expectWithinTwoUlp(x, n);
      // Math.pow(x, 1/n) itself is off by up to |ln x|·2⁻⁵³/n relative, as 1/n is rounded.
      const powError = (Math.abs(Math.log(x)) / n) * 2 ** -53;
      expect(relativeError(rootOf(x, n), Math.pow(x, 1 / n))).toBeLessThanOrEqual(4e-16 + powError);
    }
  });
});
