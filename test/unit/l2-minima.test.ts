/**
 * The minima of one regularised mode f(σ) = ½(σ − s)² + (λN/2)σ^{2/N} (SPEC §7) against the SPEC's
 * formulas, an independent closed form of s_glob, and brute-force minimisation on a fine grid; and
 * the run.minimum rule on hand-built final spectra.
 */
import { describe, expect, it } from 'vitest';
import { classifyMinimum, l2Mode, l2ModeObjective, l2Thresholds } from '../../src/analysis/index.js';

const CASES: [number, number][] = [
  [3, 0.05],
  [3, 0.1],
  [4, 0.1],
  [4, 0.3],
  [5, 0.1],
  [6, 0.02],
];

/**
 * s_glob by hand: f'(σ) = 0 gives s = σ + λσ^{2/N−1}; substituted into f(σ) = s²/2 this leaves
 * −σ²/2 + λ(N/2 − 1)σ^{2/N} = 0, so σ_g = (λ(N − 2))^{N/(2N−2)} and s_glob = σ_g + λσ_g^{2/N−1}.
 */
function handGlobalThreshold(depth: number, lambda: number): { sigma: number; s: number } {
  const sigma = Math.pow(lambda * (depth - 2), depth / (2 * depth - 2));
  return { sigma, s: sigma + lambda * Math.pow(sigma, 2 / depth - 1) };
}

/** Local minimisers of f on a uniform grid of [0, hi] (interior points below both neighbours, and 0 if f rises from it). */
function gridMinima(
  depth: number,
  lambda: number,
  s: number,
  hi: number,
  points: number,
): { locals: number[]; global: number; spacing: number } {
  const spacing = hi / points;
  const f = Array.from({ length: points + 1 }, (_, i) => l2ModeObjective(depth, lambda, s, i * spacing));
  const locals: number[] = [];
  if (f[1]! > f[0]!) locals.push(0);
  for (let i = 1; i < points; i++) if (f[i]! < f[i - 1]! && f[i]! <= f[i + 1]!) locals.push(i * spacing);
  let best = 0;
  f.forEach((v, i) => (v < f[best]! ? (best = i) : undefined));
  return { locals, global: best * spacing, spacing };
}

describe('closed forms of one regularised mode (SPEC §7)', () => {
  it.each(CASES)('N = %i, λ = %f: σ*, s_min as the SPEC states, s_glob to 1e-12', (depth, lambda) => {
    const t = l2Thresholds(depth, lambda);
    const sigmaStar = Math.pow((lambda * (depth - 2)) / depth, depth / (2 * (depth - 1)));
    expect(t.sigmaStar).toBeCloseTo(sigmaStar, 15);
    expect(t.sMin / ((sigmaStar * (2 * depth - 2)) / (depth - 2)) - 1).toBeLessThan(1e-14);
    const hand = handGlobalThreshold(depth, lambda);
    expect(Math.abs(t.sGlob / hand.s - 1)).toBeLessThan(1e-12);
    expect(t.sGlob).toBeGreaterThan(t.sMin);
    // At s_glob the nonzero minimum ties with 0.
    const mode = l2Mode(depth, lambda, t.sGlob);
    expect(Math.abs(mode.upper! / hand.sigma - 1)).toBeLessThan(1e-9);
    expect(Math.abs(l2ModeObjective(depth, lambda, t.sGlob, mode.upper!) / (t.sGlob ** 2 / 2) - 1)).toBeLessThan(1e-12);
  });

  it.each(CASES)('N = %i, λ = %f: minimisers and the global one agree with a fine grid', (depth, lambda) => {
    const { sMin, sGlob } = l2Thresholds(depth, lambda);
    for (const s of [
      0.5 * sMin,
      0.99 * sMin,
      1.02 * sMin,
      (sMin + sGlob) / 2,
      0.98 * sGlob,
      1.02 * sGlob,
      2 * sGlob,
      5 * sGlob,
    ]) {
      const mode = l2Mode(depth, lambda, s);
      const grid = gridMinima(depth, lambda, s, 1.2 * s, 400_000);
      expect(grid.locals.length).toBe(mode.minimisers.length);
      grid.locals.forEach((sigma, i) =>
        expect(Math.abs(sigma - mode.minimisers[i]!)).toBeLessThanOrEqual(2 * grid.spacing),
      );
      expect(Math.abs(grid.global - mode.global)).toBeLessThanOrEqual(2 * grid.spacing);
      if (mode.lower !== null) {
        expect(mode.lower).toBeGreaterThan(0);
        expect(mode.lower).toBeLessThan(mode.upper!);
      }
    }
  });

  it('N = 2 soft-thresholds and N = 1 shrinks: one minimum, s_glob = s_min', () => {
    expect(l2Thresholds(2, 0.3)).toMatchObject({ sigmaStar: null, sMin: 0.3, sGlob: 0.3 });
    expect(l2Mode(2, 0.3, 1)).toMatchObject({ lower: null, upper: 0.7, global: 0.7, minimisers: [0.7] });
    expect(l2Mode(2, 0.3, 0.2)).toMatchObject({ upper: null, global: 0, minimisers: [0] });
    expect(l2Mode(1, 0.25, 1).global).toBeCloseTo(0.8, 15);
  });

  it('the depth-l2 cases of issue 14 are local, not global, minima', () => {
    for (const [depth, s] of [
      [4, 0.44],
      [5, 0.6],
    ] as const) {
      const mode = l2Mode(depth, 0.1, s);
      expect(s).toBeGreaterThan(mode.sMin);
      expect(s).toBeLessThan(mode.sGlob);
      expect(mode.global).toBe(0);
      expect(mode.minimisers).toEqual([0, mode.upper]);
    }
  });

  it('rejects λ ≤ 0', () => {
    expect(() => l2Thresholds(3, 0)).toThrow(/λ/);
  });
});

describe('run.minimum: the kind of minimum a final spectrum sits at', () => {
  const depth = 3;
  const lambda = 0.1;
  const { sMin, sGlob } = l2Thresholds(depth, lambda);
  const strong = 2;
  const weak = (sMin + sGlob) / 2;
  const target = [strong, weak, 0];
  const upper = (s: number) => l2Mode(depth, lambda, s).upper!;
  /** Evidence with balanced layers (Σ‖W_k‖² = NΣσ^{2/N}) and a settled J. */
  const evidence = (final: number[], imbalance = 0, objectiveDrift = 0) => ({
    depth,
    lambda,
    target,
    final,
    weightNormSq: depth * final.reduce((sum, s) => sum + Math.pow(s, 2 / depth), 0) * (1 + imbalance),
    objectiveDrift,
  });

  it('global when the weak mode (s_min < s < s_glob) is killed, local when it keeps σ₊', () => {
    expect(classifyMinimum(evidence([upper(strong), 1e-9, 0])).kind).toBe('global');
    const local = classifyMinimum(evidence([upper(strong), upper(weak), 0]));
    expect(local.kind).toBe('local');
    expect(local.modes.map((m) => [m.at, m.global])).toEqual([
      ['upper', true],
      ['upper', false],
      ['zero', true],
    ]);
  });

  it('matches modes as a set, and accepts f32-sized errors', () => {
    expect(classifyMinimum(evidence([upper(strong) * (1 + 1e-5), upper(weak) * (1 - 1e-5), 1e-6])).kind).toBe('local');
  });

  it('not-converged off the critical points, with unbalanced layers, or while J moves', () => {
    expect(
      classifyMinimum(evidence([upper(strong), (upper(weak) + l2Mode(depth, lambda, weak).lower!) / 2, 0])).kind,
    ).toBe('not-converged');
    expect(classifyMinimum(evidence([upper(strong) * 0.9, 0, 0])).kind).toBe('not-converged');
    expect(classifyMinimum(evidence([upper(strong), 0, 0], 0.01)).reason).toMatch(/balanced/);
    expect(classifyMinimum(evidence([upper(strong), 0, 0], 0, 1e-3)).reason).toMatch(/J still moving/);
    expect(classifyMinimum(evidence([NaN, 0, 0])).kind).toBe('not-converged');
  });
});
