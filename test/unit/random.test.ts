import { describe, expect, it } from 'vitest';
import { Rng, STREAMS, philox4x32_10 } from '../../src/random.js';

function draw(rng: Rng, n: number, next: (r: Rng) => number): Float64Array {
  return Float64Array.from({ length: n }, () => next(rng));
}

function mean(x: Float64Array): number {
  return x.reduce((s, v) => s + v, 0) / x.length;
}

function variance(x: Float64Array): number {
  const mu = mean(x);
  return x.reduce((s, v) => s + (v - mu) ** 2, 0) / x.length;
}

describe('Philox4x32-10 block', () => {
  // Random123 known-answer tests (kat_vectors, philox4x32 10 rounds).
  it.each([
    { counter: [0, 0, 0, 0], key: [0, 0], expected: [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8] },
    {
      counter: [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
      key: [0xffffffff, 0xffffffff],
      expected: [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd],
    },
    {
      counter: [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
      key: [0xa4093822, 0x299f31d0],
      expected: [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1],
    },
  ])('matches the known answer for key $key', ({ counter, key, expected }) => {
    expect(philox4x32_10(counter, key)).toEqual(expected);
  });
});

describe('Rng', () => {
  it('reads key (seed lo, seed hi) and counter (block lo, block hi, stream, substream)', () => {
    const seed = 3 * 2 ** 32 + 17;
    const rng = new Rng(seed, 4, 9);
    const words = Array.from({ length: 8 }, () => rng.nextUint32());
    expect(words.slice(0, 4)).toEqual(philox4x32_10([0, 0, 4, 9], [17, 3]));
    expect(words.slice(4)).toEqual(philox4x32_10([1, 0, 4, 9], [17, 3]));
  });

  it('is pinned: these numbers feed every experiment and must never change', () => {
    const words = new Rng(42, STREAMS.init);
    expect([words.nextUint32(), words.nextUint32()]).toEqual([0x7b835adf, 0x68b79cb4]);
    const uniforms = new Rng(42, STREAMS.init);
    expect([uniforms.uniform(), uniforms.uniform()]).toEqual([0.4824730635363734, 0.48098997676731114]);
    const normals = new Rng(42, STREAMS.init);
    expect([normals.normal(), normals.normal(), normals.normal()]).toEqual([
      -1.1987339185872097, 0.1438657905366673, -0.5713490445743606,
    ]);
  });

  it('is deterministic: the same (seed, stream, substream) gives the same sequence', () => {
    const a = draw(new Rng(123, STREAMS.data, 2), 1000, (r) => r.normal());
    const b = draw(new Rng(123, STREAMS.data, 2), 1000, (r) => r.normal());
    expect(a).toEqual(b);
  });

  it('gives different, uncorrelated sequences for different seeds, streams and substreams', () => {
    const n = 100_000;
    const base = draw(new Rng(5, STREAMS.target), n, (r) => r.uniform());
    const others = [
      new Rng(6, STREAMS.target),
      new Rng(5 + 2 ** 32, STREAMS.target),
      new Rng(5, STREAMS.mask),
      new Rng(5, STREAMS.target, 1),
    ];
    // Correlation of independent uniforms has standard deviation 1/√n ≈ 0.003; 0.02 is ~6σ.
    for (const other of others) {
      const x = draw(other, n, (r) => r.uniform());
      let cov = 0;
      for (let i = 0; i < n; i++) cov += (base[i]! - 0.5) * (x[i]! - 0.5);
      expect(Math.abs(cov / n / (1 / 12))).toBeLessThan(0.02);
    }
  });

  it('has distinct stream numbers', () => {
    const values = Object.values(STREAMS);
    expect(new Set(values).size).toBe(values.length);
  });

  it('draws uniforms in (0, 1) with mean 1/2 and variance 1/12', () => {
    const u = draw(new Rng(1, STREAMS.data), 100_000, (r) => r.uniform());
    expect(u.every((v) => v > 0 && v < 1)).toBe(true);
    // Standard errors: 0.0009 for the mean, 0.0003 for the variance; tolerances are ~6σ.
    expect(Math.abs(mean(u) - 0.5)).toBeLessThan(0.006);
    expect(Math.abs(variance(u) - 1 / 12)).toBeLessThan(0.002);
  });

  it('draws standard normals: mean 0 ± 0.02, variance 1 ± 0.03 on 1e5 samples (~6σ)', () => {
    const z = draw(new Rng(2, STREAMS.measurements), 100_000, (r) => r.normal());
    expect(Math.abs(mean(z))).toBeLessThan(0.02);
    expect(Math.abs(variance(z) - 1)).toBeLessThan(0.03);
  });

  it('draws integers below n uniformly', () => {
    const rng = new Rng(3, STREAMS.mask);
    const counts = new Array(7).fill(0);
    for (let i = 0; i < 70_000; i++) counts[rng.below(7)]++;
    // Each count is Binomial(70000, 1/7): mean 10000, standard deviation 93.
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(600);
  });

  it('rejects seeds and streams that are not non-negative safe integers', () => {
    expect(() => new Rng(-1, 0)).toThrow(RangeError);
    expect(() => new Rng(0.5, 0)).toThrow(RangeError);
    expect(() => new Rng(2 ** 53, 0)).toThrow(RangeError);
    expect(() => new Rng(0, 2 ** 32)).toThrow(RangeError);
  });
});
