/** The group-orbit entropy of Menon–Yu (SPEC §8), up to its constant, on hand-computed spectra. */
import { describe, expect, it } from 'vitest';
import { groupOrbitEntropy } from '../../src/flow/volume.js';

describe('groupOrbitEntropy', () => {
  it('is ½ Σ_{i<j} ln((σ_i² − σ_j²)/(σ_i^{2/N} − σ_j^{2/N})) at finite N', () => {
    // N = 2: each pair's ratio is σ_i + σ_j.
    expect(groupOrbitEntropy([2, 1], 2)).toBeCloseTo(0.5 * Math.log(3), 14);
    expect(groupOrbitEntropy([3, 2, 1], 2)).toBeCloseTo(0.5 * Math.log(5 * 4 * 3), 14);
    // N = 4, σ = (4, 1): (16 − 1)/(2 − 1) = 15.
    expect(groupOrbitEntropy([4, 1], 4)).toBeCloseTo(0.5 * Math.log(15), 14);
    // N = 1: the two Vandermondes are equal.
    expect(groupOrbitEntropy([3, 2, 1], 1)).toBe(0);
  });

  it('at N = ∞ replaces σ^{2/N} differences by ln σ² differences', () => {
    expect(groupOrbitEntropy([Math.E, 1], 'infinity')).toBeCloseTo(0.5 * Math.log((Math.E ** 2 - 1) / 2), 14);
    // The finite-N value minus the N-dependent constant (d(d−1)/4) ln N tends to it.
    const sigma = [2.5, 1.2, 0.3];
    const limit = groupOrbitEntropy(sigma, 'infinity');
    const n = 1e6;
    expect(groupOrbitEntropy(sigma, n) - (3 / 2) * Math.log(n)).toBeCloseTo(limit, 4);
  });

  it('is continuous where two singular values meet (the pair’s ratio tends to N σ^{2−2/N}), undefined at σ = 0 for N = ∞', () => {
    const met = groupOrbitEntropy([1.5, 1.5], 3);
    expect(met).toBeCloseTo(0.5 * Math.log(3 * 1.5 ** (4 / 3)), 14);
    expect(groupOrbitEntropy([1.5 + 1e-7, 1.5], 3)).toBeCloseTo(met, 6);
    expect(groupOrbitEntropy([1.5, 1.5], 'infinity')).toBeCloseTo(Math.log(1.5), 14);
    expect(groupOrbitEntropy([1, 0], 'infinity')).toBeNaN();
    expect(() => groupOrbitEntropy([1, -1], 2)).toThrow(/≥ 0/);
  });
});
