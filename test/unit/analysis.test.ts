import { describe, expect, it } from 'vitest';
import {
  type TracePoint,
  alignedModeDepth2,
  alignedModeHalfTime2,
  alignedModeTimeTo,
  alignedModeTrajectory,
  alignment,
  balancedness,
  classifyRegime,
  analyzeSaddles,
  detectPlateaus,
  learnedRank,
  effectiveRank,
  numericalRank,
  regularisedFixedPoints,
  regularisedThreshold,
  saddleLevels,
  schatten,
  schattenIdentity,
  schattenPower,
} from '../../src/analysis/index.js';
import { type Matrix, fromRows, identity, matmul, scale } from '../../src/linalg/matrix.js';
import { Rng, haarColumns } from '../../src/random.js';

function relativeError(x: number, y: number): number {
  return Math.abs(x - y) / Math.abs(y);
}

function diag(values: number[]): Matrix {
  const m = identity(values.length);
  values.forEach((v, i) => (m.data[i * values.length + i] = v));
  return m;
}

describe('numericalRank', () => {
  it('counts values strictly above tolerance·σ_max, in any order', () => {
    expect(numericalRank([4, 2, 1, 0.5])).toBe(4);
    expect(numericalRank([0.5, 4, 1e-6])).toBe(2);
    // 1e-3·σ_max itself is not counted; just above it is.
    expect(numericalRank([1, 1e-3, 5e-4])).toBe(1);
    expect(numericalRank([1, 1.0001e-3])).toBe(2);
    // Relative, not absolute: 2e3 > 1e-3·1e6.
    expect(numericalRank([1e6, 2e3])).toBe(2);
  });

  it('takes the tolerance as an option', () => {
    expect(numericalRank([1, 0.05, 0.001], 0.1)).toBe(1);
    expect(numericalRank([1, 0.05, 0.001], 0.01)).toBe(2);
    expect(numericalRank([1, 0.05, 0.001], 1e-6)).toBe(3);
  });

  it('ignores init-scale directions that machine-epsilon tolerances would count', () => {
    expect(numericalRank([4, 1e-6, 1e-6, 1e-6])).toBe(1);
  });

  it('is 0 for the zero matrix and an empty spectrum', () => {
    expect(numericalRank([0, 0, 0])).toBe(0);
    expect(numericalRank([])).toBe(0);
  });
});

describe('effectiveRank', () => {
  it('is k for k equal nonzero values, zeros ignored (1e-12)', () => {
    for (let k = 1; k <= 5; k++) {
      const s = [...Array<number>(k).fill(0.7), 0, 0];
      expect(Math.abs(effectiveRank(s) - k)).toBeLessThan(1e-12);
    }
  });

  it('matches a hand value for [4, 2, 1] (1e-12) and is 0 for the zero matrix', () => {
    // p = (4, 2, 1)/7, exp(−Σ p ln p) = 2.6004900059896596.
    expect(Math.abs(effectiveRank([4, 2, 1]) - 2.6004900059896596)).toBeLessThan(1e-12);
    expect(effectiveRank([0, 0])).toBe(0);
  });
});

describe('Schatten norms', () => {
  it('match hand values for [3, 4] (1e-12)', () => {
    expect(Math.abs(schatten([3, 4], 1) - 7)).toBeLessThan(1e-12);
    expect(Math.abs(schatten([3, 4], 2) - 5)).toBeLessThan(1e-12);
    expect(Math.abs(schatten([3, 4], 0.5) - 13.928203230275509)).toBeLessThan(1e-12);
    expect(Math.abs(schattenPower([3, 4], 0.5) - (Math.sqrt(3) + 2))).toBeLessThan(1e-12);
    expect(Math.abs(schattenPower([3, 4], 2) - 25)).toBeLessThan(1e-12);
  });

  it('tends to σ_max without overflow for large p, and is 0 for the zero matrix', () => {
    expect(schatten([3, 4], Infinity)).toBe(4);
    expect(Math.abs(schatten([3, 4], 1000) - 4)).toBeLessThan(1e-12);
    expect(schatten([0, 0], 2)).toBe(0);
  });

  it('rejects p ≤ 0', () => {
    expect(() => schatten([1], 0)).toThrow(RangeError);
    expect(() => schattenPower([1], -1)).toThrow(RangeError);
  });
});

/** Depth-3 network with widths 4 → 5 → 6 → 3 and end-to-end U diag(s) Vᵀ, balanced (SPEC §5). */
function balancedNetwork(s: number[]): Matrix[] {
  const rng = new Rng(7, 99);
  const [v, q1, q2, u] = [
    haarColumns(rng, 4, 3),
    haarColumns(rng, 5, 3),
    haarColumns(rng, 6, 3),
    haarColumns(rng, 3, 3),
  ];
  const root = diag(s.map((x) => Math.cbrt(x)));
  const layer = (left: Matrix, right: Matrix) => matmul(matmul(left, root), right, false, true);
  return [layer(q1, v), layer(q2, q1), layer(u, q2)];
}

describe('schattenIdentity and balancedness (SPEC §7, §4)', () => {
  const s = [3, 1.5, 0.2];
  const powerSum = s.reduce((sum, x) => sum + x ** (2 / 3), 0);
  const squaredPowerNorm = Math.sqrt(s.reduce((sum, x) => sum + x ** (4 / 3), 0));

  it('gives ratio 1 and zero defects for a balanced factorisation (1e-12)', () => {
    const layers = balancedNetwork(s);
    const identityCheck = schattenIdentity(layers);
    expect(relativeError(identityCheck.depthSchatten, 3 * powerSum)).toBeLessThan(1e-12);
    expect(Math.abs(identityCheck.ratio - 1)).toBeLessThan(1e-12);
    const b = balancedness(layers);
    expect(b.defects).toHaveLength(2);
    for (const d of [...b.defects, ...b.relative]) expect(d).toBeLessThan(1e-12);
  });

  it('gives the hand values for W_1·2, W_2/2 (same product, unbalanced) (1e-12)', () => {
    const [w1, w2, w3] = balancedNetwork(s);
    const layers = [scale(w1!, 2), scale(w2!, 0.5), w3!];
    // Σ‖W_k‖² = (4 + 1/4 + 1) Σσ^{2/3} against 3 Σσ^{2/3}.
    expect(Math.abs(schattenIdentity(layers).ratio - 5.25 / 3)).toBeLessThan(1e-12);
    // D_1 = (1/4 − 4) Q_1 Σ^{2/3} Q_1ᵀ, D_2 = (1 − 1/4) Q_2 Σ^{2/3} Q_2ᵀ.
    const b = balancedness(layers);
    expect(relativeError(b.defects[0]!, 3.75 * squaredPowerNorm)).toBeLessThan(1e-12);
    expect(relativeError(b.defects[1]!, 0.75 * squaredPowerNorm)).toBeLessThan(1e-12);
    expect(relativeError(b.relative[0]!, (3.75 * squaredPowerNorm) / (4.25 * powerSum))).toBeLessThan(1e-12);
  });

  it('handles zero products: ratio 1 for all-zero layers, Infinity for nonzero layers', () => {
    expect(schattenIdentity([diag([0, 0]), diag([0, 0])]).ratio).toBe(1);
    expect(schattenIdentity([diag([1, 0]), diag([0, 1])]).ratio).toBe(Infinity);
    expect(balancedness([diag([0, 0]), diag([0, 0])]).relative).toEqual([0]);
  });
});

describe('alignment', () => {
  const rng = new Rng(3, 11);
  const frames = { u: haarColumns(rng, 5, 3), v: haarColumns(rng, 4, 3) };

  it('is 1 for identical frames, also with flipped signs (1e-12)', () => {
    const flipped = { u: scale(frames.u, -1), v: frames.v };
    for (const learned of [frames, flipped]) {
      const a = alignment(learned, frames, 3);
      for (const x of [...a.modes, a.leftOverlap, a.rightOverlap]) expect(Math.abs(x - 1)).toBeLessThan(1e-12);
    }
  });

  it('is 0 for orthogonal frames (1e-15)', () => {
    const e = identity(4);
    const columns = (from: number) => ({
      rows: 4,
      cols: 2,
      data: Float64Array.from({ length: 8 }, (_, i) => e.data[Math.floor(i / 2) * 4 + from + (i % 2)]!),
    });
    const a = alignment({ u: columns(0), v: columns(0) }, { u: columns(2), v: columns(2) }, 2);
    for (const x of [...a.modes, a.leftOverlap, a.rightOverlap]) expect(x).toBeLessThan(1e-15);
  });

  it('separates mode alignment from subspace overlap for a rotation inside the subspace', () => {
    // Rotating the first two columns of U and V by 45°: each mode has cos² = 1/2, the span is unchanged.
    const c = Math.SQRT1_2;
    const rotation = fromRows([
      [c, -c, 0],
      [c, c, 0],
      [0, 0, 1],
    ]);
    const rotated = { u: matmul(frames.u, rotation), v: matmul(frames.v, rotation) };
    const a = alignment(rotated, frames, 2);
    for (const x of a.modes) expect(Math.abs(x - 0.5)).toBeLessThan(1e-12);
    expect(Math.abs(a.leftOverlap - 1)).toBeLessThan(1e-12);
    expect(Math.abs(a.rightOverlap - 1)).toBeLessThan(1e-12);
  });

  it('rejects k beyond the frames', () => {
    expect(() => alignment(frames, frames, 4)).toThrow(RangeError);
    expect(() => alignment(frames, { u: frames.u, v: haarColumns(rng, 6, 3) }, 2)).toThrow(RangeError);
  });
});

describe('aligned-mode closed forms (SPEC §10)', () => {
  const times = Array.from({ length: 60 }, (_, i) => 0.1 * (i + 1));

  it('integrates N = 2 to the logistic within 1e-8 relative, growing, shrinking and s = 0', () => {
    for (const [s, sigma0] of [
      [4, 1e-4],
      [0.5, 1e-6],
      [1, 3],
      [0, 1],
    ] as const) {
      const numeric = alignedModeTrajectory(2, s, sigma0, times);
      times.forEach((t, i) => expect(relativeError(numeric[i]!, alignedModeDepth2(s, sigma0, t))).toBeLessThan(1e-8));
    }
  });

  it('integrates N = 1 to s + (σ₀ − s)e^{−t} within 1e-8 relative', () => {
    for (const [s, sigma0] of [
      [4, 1e-4],
      [1, 3],
      [0, 1],
    ] as const) {
      const numeric = alignedModeTrajectory(1, s, sigma0, times);
      times.forEach((t, i) => expect(relativeError(numeric[i]!, s + (sigma0 - s) * Math.exp(-t))).toBeLessThan(1e-8));
    }
  });

  it('returns the trajectory in the order the times were given', () => {
    const shuffled = [3, 0.5, 2, 0];
    const sorted = alignedModeTrajectory(3, 2, 0.01, [0, 0.5, 2, 3]);
    expect(alignedModeTrajectory(3, 2, 0.01, shuffled)).toEqual([sorted[3], sorted[1], sorted[2], sorted[0]]);
    expect(relativeError(sorted[0]!, 0.01)).toBeLessThan(1e-15);
  });

  it('has the N = 2 half-time ln(s/σ₀ − 1)/(2s), a hand value and the logistic at it (1e-12)', () => {
    // σ₀ = s/(1 + e): the half-time is exactly 1/(2s).
    expect(Math.abs(alignedModeHalfTime2(2, 2 / (1 + Math.E)) - 0.25)).toBeLessThan(1e-12);
    for (const [s, sigma0] of [
      [4, 1e-4],
      [0.5, 0.1],
    ] as const) {
      const half = alignedModeHalfTime2(s, sigma0);
      expect(relativeError(alignedModeDepth2(s, sigma0, half), s / 2)).toBeLessThan(1e-12);
      expect(relativeError(alignedModeTimeTo(2, s, sigma0, s / 2), half)).toBeLessThan(1e-12);
    }
    expect(() => alignedModeHalfTime2(1, 0.6)).toThrow(RangeError);
  });

  it('alignedModeTimeTo inverts alignedModeTrajectory for N = 1…6 (1e-8 relative)', () => {
    // Two independent methods: Dormand–Prince in ln σ against quadrature in σ^{1/N}. Points within
    // 1e-6·s of s are skipped: there the time is ill-conditioned (dt/dσ ∝ 1/(s − σ)).
    for (let depth = 1; depth <= 6; depth++) {
      for (const [s, sigma0] of [
        [4, 1e-4],
        [0.5, 1e-3],
        [1, 3],
        [0, 1],
      ] as const) {
        const sigma = alignedModeTrajectory(depth, s, sigma0, times);
        let checked = 0;
        times.forEach((t, i) => {
          if (Math.abs(sigma[i]! - s) < 1e-6 * s || sigma[i] === sigma0) return;
          expect(relativeError(alignedModeTimeTo(depth, s, sigma0, sigma[i]!), t)).toBeLessThan(1e-8);
          checked++;
        });
        expect(checked).toBeGreaterThan(10);
      }
    }
  });

  it('reaches a target at the time alignedModeTimeTo gives, N = 3 from a small start (1e-8 relative)', () => {
    const t = alignedModeTimeTo(3, 2, 1e-6, 1.5);
    expect(relativeError(alignedModeTrajectory(3, 2, 1e-6, [t])[0]!, 1.5)).toBeLessThan(1e-8);
    // Escape from σ₀ ≪ s takes about σ₀^{−1/3}/s (σ̇ ≈ 3sσ^{4/3}): 50 here, up to O(1) corrections.
    expect(Math.abs(t - 50)).toBeLessThan(2);
  });

  it('gives 0 at the start and Infinity for values never reached', () => {
    expect(alignedModeTimeTo(3, 2, 0.1, 0.1)).toBe(0);
    expect(alignedModeTimeTo(3, 2, 0.1, 2)).toBe(Infinity);
    expect(alignedModeTimeTo(3, 2, 0.1, 2.5)).toBe(Infinity);
    expect(alignedModeTimeTo(3, 2, 0.1, 0.05)).toBe(Infinity);
    expect(alignedModeTimeTo(3, 1, 3, 0.5)).toBe(Infinity);
  });
});

describe('regularised critical points (SPEC §7)', () => {
  it('soft-thresholds at N = 2 and shrinks at N = 1', () => {
    expect(regularisedFixedPoints(2, 3, 0.5)).toEqual([2.5]);
    expect(regularisedFixedPoints(2, 0.5, 0.5)).toEqual([]);
    expect(regularisedFixedPoints(2, 0.2, 0.5)).toEqual([]);
    expect(regularisedThreshold(2, 0.5)).toBe(0.5);
    expect(regularisedFixedPoints(1, 3, 0.5)).toEqual([2]);
    expect(regularisedFixedPoints(3, 3, 0)).toEqual([3]);
  });

  it('at N = 3 has nonzero points only above the threshold, a barrier and a local minimum (1e-12)', () => {
    const lambda = 0.1;
    // σ* = (λ/3)^{3/4}, threshold σ* + λσ*^{−1/3}: hand value 0.3120463092427621.
    const threshold = regularisedThreshold(3, lambda);
    expect(Math.abs(threshold - 0.3120463092427621)).toBeLessThan(1e-12);
    expect(regularisedFixedPoints(3, 0.99 * threshold, lambda)).toEqual([]);
    const s = 1.01 * threshold;
    const roots = regularisedFixedPoints(3, s, lambda);
    expect(roots).toHaveLength(2);
    const energy = (x: number) => 0.5 * (s - x) ** 2 + 1.5 * lambda * Math.cbrt(x) ** 2;
    for (const x of roots) expect(Math.abs(s - x - lambda / Math.cbrt(x))).toBeLessThan(1e-12);
    const [barrier, minimum] = roots as [number, number];
    const d = 1e-4 * minimum;
    expect(energy(minimum - d)).toBeGreaterThan(energy(minimum));
    expect(energy(minimum + d)).toBeGreaterThan(energy(minimum));
    expect(energy(barrier - d * 1e-2)).toBeLessThan(energy(barrier));
    expect(energy(barrier + d * 1e-2)).toBeLessThan(energy(barrier));
  });

  it('for large s at N = 4 the stable point approaches s (within λ-order)', () => {
    const roots = regularisedFixedPoints(4, 10, 0.1);
    expect(roots).toHaveLength(2);
    // s − σ = λσ^{−1/2} ≈ 0.1/√10 for σ ≈ 10.
    expect(Math.abs(10 - roots[1]! - 0.1 / Math.sqrt(10))).toBeLessThan(1e-4);
  });
});

describe('saddleLevels', () => {
  it('is ½ Σ_{i>k} s_i² for k = 0 … r, sorted, zeros dropped', () => {
    expect(saddleLevels([4, 2, 1, 0.5])).toEqual([10.625, 2.625, 0.625, 0.125, 0]);
    expect(saddleLevels([1, 0, 2])).toEqual([2.5, 0.5, 0]);
  });
});

/** Closed-form factorization trace: loss ½Σ(s_i − σ_i(t))² and the aligned modes' σ_i(t) (SPEC §9, §10). */
function closedFormTrace(depth: number, s: number[], sigma0: number, times: number[], f32 = false): TracePoint[] {
  const round = f32 ? Math.fround : (x: number) => x;
  const modes = s.map((si) => alignedModeTrajectory(depth, si, sigma0, times));
  return times.map((time, i) => {
    const sigma = modes.map((m) => round(m[i]!));
    return {
      step: i,
      time,
      loss: round(s.reduce((sum, si, k) => sum + (si - sigma[k]!) ** 2 / 2, 0)),
      singularValues: [...sigma].sort((a, b) => b - a),
    };
  });
}

/** What the pipeline knows of a factorization with target values s (saddleContext). */
const factorizationContext = (s: number[]) => ({ references: [...s].sort((a, b) => b - a), levels: saddleLevels(s) });

const uniformTimes = (end: number, dt: number) => Array.from({ length: Math.round(end / dt) + 1 }, (_, i) => i * dt);

/**
 * Saddle-to-saddle cases. σ₀ is small enough for every escape to be sharp in log-time: at depth 3
 * with s = [4, 2, 1, 0.5] and σ₀ = 1e-4 the loss already drifts by more than 5% per unit ln t
 * within a factor 1.4 of each escape, so no stretch passes the default 0.05 / factor 1.5 rules;
 * at depth 2 escapes are exponential, hence broad in log-time, and need target values further apart.
 */
const saddleCases = [
  { depth: 3, s: [4, 2, 1, 0.5], sigma0: 1e-6, end: 400, dt: 0.05 },
  { depth: 2, s: [8, 2, 0.5], sigma0: 1e-8, end: 40, dt: 0.005 },
];

describe('detectPlateaus on closed-form saddle-to-saddle traces (SPEC §9)', () => {
  for (const { depth, s, sigma0, end, dt } of saddleCases) {
    const levels = saddleLevels(s);
    const halfTimes = s.map((si) => alignedModeTimeTo(depth, si, sigma0, si / 2));
    const samplings: [string, number[], boolean][] = [
      ['uniform steps, f64', uniformTimes(end, dt), false],
      ['uniform steps, f32 rounding', uniformTimes(end, dt), true],
      [
        'log-spaced records',
        [0, ...Array.from({ length: 1500 }, (_, i) => (end / 4e4) * Math.pow(4e4, i / 1499))],
        false,
      ],
    ];
    for (const [sampling, times, f32] of samplings) {
      it(`depth ${depth}, s = [${s}], σ₀ = ${sigma0}, ${sampling}: one plateau per intermediate saddle at its level (2%), between half-times`, () => {
        const analysis = analyzeSaddles(closedFormTrace(depth, s, sigma0, times, f32), factorizationContext(s));
        const plateaus = analysis.plateaus;
        const intermediate = plateaus.filter((p) => !p.initial && !p.final);
        expect(intermediate.map((p) => p.rank)).toEqual(s.slice(1).map((_, i) => i + 1));
        intermediate.forEach((p, i) => {
          const k = i + 1;
          expect(relativeError(p.loss, levels[k]!)).toBeLessThan(0.02);
          expect(p.predicted).toBe(levels[k]);
          expect(p.levelError).toBeCloseTo(relativeError(p.loss, levels[k]!), 12);
          // Saddle k is visited after mode k escaped and before mode k+1 does.
          expect(p.startTime).toBeGreaterThan(halfTimes[k - 1]!);
          expect(p.endTime).toBeLessThan(halfTimes[k]!);
          expect(p.endTime / p.startTime).toBeGreaterThan(1.5);
        });
        // The initial plateau is reported once, with nothing learned.
        const initial = plateaus.filter((p) => p.initial);
        expect(initial).toHaveLength(1);
        expect(initial[0]!.rank).toBe(0);
        expect(relativeError(initial[0]!.loss, levels[0]!)).toBeLessThan(0.02);
        expect(initial[0]!.endTime).toBeLessThan(halfTimes[0]!);
        // Half-times: the first sample at or past the closed-form time σ_i = s_i/2.
        analysis.halfTimes.forEach((t, i) => {
          expect(t).toBeGreaterThanOrEqual(halfTimes[i]!);
          expect(t! - halfTimes[i]!).toBeLessThanOrEqual(
            Math.max(...times.slice(1).map((x, j) => x - times[j]!)) * 1.0001,
          );
        });
        expect(analysis.unresolved).toEqual([]);
        const final = plateaus.filter((p) => p.final);
        expect(final).toHaveLength(1);
        expect(final[0]!.rank).toBe(s.length);
        expect(final[0]!.loss).toBeLessThan(1e-6 * levels[0]!);
      });
    }
  }

  const { s, sigma0 } = saddleCases[0]!;

  it('labels the trace saddle-to-saddle, rank rising one at a time', () => {
    const regime = classifyRegime(closedFormTrace(3, s, sigma0, uniformTimes(400, 0.05)), {}, factorizationContext(s));
    expect(regime.label).toBe('saddle-to-saddle');
    expect(regime.measure.intermediatePlateaus).toBe(3);
    expect(regime.measure.plateauRanks).toEqual([1, 2, 3, 4]);
    expect(regime.measure.rateGain).toBeGreaterThan(1e4);
  });

  it('finds no intermediate plateau in a lazy trace (σ₀ = 1) and labels it lazy', () => {
    for (const depth of [2, 3]) {
      const trace = closedFormTrace(depth, s, 1, uniformTimes(10, 0.001));
      expect(detectPlateaus(trace).filter((p) => !p.initial && !p.final)).toEqual([]);
      const regime = classifyRegime(trace);
      expect(regime.label).toBe('lazy');
      expect(regime.measure.rateGain).toBeLessThan(2);
    }
  });

  it('leaves a single escape (rank-one target) and a loss that never moved undetermined', () => {
    const single = classifyRegime(closedFormTrace(3, [4], sigma0, uniformTimes(100, 0.05)));
    expect(single.label).toBe('undetermined');
    expect(single.measure.intermediatePlateaus).toBe(0);
    expect(single.measure.rateGain).toBeGreaterThan(1e4);
    const stuck = classifyRegime(closedFormTrace(3, s, sigma0, uniformTimes(10, 0.05)));
    expect(stuck.label).toBe('undetermined');
    expect(stuck.measure.plateaus.map((p) => [p.initial, p.final])).toEqual([[true, true]]);
    // Too short for any plateau, but the loss never moved: no evidence for lazy either.
    const short = [0, 0.1, 0.105, 0.11].map((time, step) => ({ step, time, loss: 5 }));
    expect(detectPlateaus(short)).toEqual([]);
    expect(classifyRegime(short).label).toBe('undetermined');
    expect(classifyRegime([]).label).toBe('undetermined');
  });
});

describe('detectPlateaus mechanics', () => {
  /** Loss given as a function of t on a log-spaced grid from 0.01 to 100, plus t = 0; σ(t) optional. */
  const synthetic = (loss: (t: number) => number, sigma?: (t: number) => number[]): TracePoint[] =>
    [0, ...Array.from({ length: 401 }, (_, i) => 0.01 * Math.pow(1e4, i / 400))].map((time, step) => ({
      step,
      time,
      loss: loss(time),
      ...(sigma ? { singularValues: sigma(time) } : {}),
    }));

  it('does not split a plateau where a mode crosses a rank tolerance; its rank counts modes at half their reference', () => {
    // The second mode rises through 1e-3·σ₁ at t = 1 while the loss stays flat: one plateau, rank 1.
    const sigma = (t: number) => [2, 1e-4 * t * t];
    const plateaus = detectPlateaus(
      synthetic(() => 1, sigma),
      { references: [2, 1] },
    );
    expect(plateaus.map((p) => [p.rank, p.initial, p.final])).toEqual([[1, true, true]]);
    expect(plateaus[0]!.startTime).toBeCloseTo(0.01, 12);
    expect(plateaus[0]!.endTime).toBeCloseTo(100, 10);
    // Without references, the final values above rankTolerance·σ₁ are the references: σ₂(100) = 1 is learned at the end, not at the midpoint (σ₂(1) = 1e-4).
    expect(learnedRank([2, 0.6], [2, 1], 0.5)).toBe(2);
    expect(learnedRank([2, 0.4], [2, 1], 0.5)).toBe(1);
    expect(learnedRank([], [2, 1], 0.5)).toBeNull();
    expect(detectPlateaus(synthetic(() => 1, sigma))[0]!.rank).toBe(1);
    // Without spectra the plateau has no rank.
    expect(detectPlateaus(synthetic(() => 1))[0]!.rank).toBeNull();
  });

  it('joins flat stretches the loss did not leave (a blip under mergeTolerance), not those split by a drop', () => {
    const blip = (t: number) => (Math.abs(Math.log(t)) < 0.05 ? 1.05 : 1);
    expect(detectPlateaus(synthetic(blip))).toHaveLength(1);
    const drop = (t: number) => (t < 1 ? 1 : 0.5);
    expect(detectPlateaus(synthetic(drop)).map((p) => [p.loss, p.initial, p.final])).toEqual([
      [1, true, false],
      [0.5, false, true],
    ]);
    expect(detectPlateaus(synthetic(blip), {}, { mergeTolerance: 0.01 })).toHaveLength(2);
  });

  it('applies the slope threshold to |Δ ln C / Δ ln t| and reports the loss at the log-time midpoint', () => {
    // C = t^{−0.08} has slope 0.08 everywhere: a plateau under 0.1, none under 0.05.
    const plateaus = detectPlateaus(synthetic((t) => Math.pow(t, -0.08)));
    expect(plateaus).toHaveLength(1);
    // The level is C at the log-time midpoint √(0.01·100) = 1, not at either end (1.45, 0.69).
    expect(plateaus[0]!.loss).toBeCloseTo(1, 12);
    expect(
      detectPlateaus(
        synthetic((t) => Math.pow(t, -0.08)),
        {},
        { slopeThreshold: 0.05 },
      ),
    ).toHaveLength(0);
  });

  it('drops flat stretches shorter than minSpanFactor', () => {
    // Flat on [2, 2.8] (a factor 1.4) between two steep power-law stretches.
    const loss = (t: number) => (t < 2 ? Math.pow(t / 2, -2) : t < 2.8 ? 1 : Math.pow(t / 2.8, -2));
    expect(
      detectPlateaus(synthetic(loss), {}, { minSpanFactor: 1.5 }).filter((p) => !p.initial && !p.final),
    ).toHaveLength(0);
    const short = detectPlateaus(synthetic(loss)).filter((p) => !p.initial && !p.final);
    expect(short).toHaveLength(1);
    expect(short[0]!.loss).toBeCloseTo(1, 12);
  });

  it('treats the converged tail below the loss floor as one final plateau, even at C = 0', () => {
    const plateaus = detectPlateaus(synthetic((t) => (t < 10 ? Math.pow(t / 0.01, -3) : 0)));
    const final = plateaus.filter((p) => p.final);
    expect(final).toHaveLength(1);
    expect(final[0]!.endTime).toBeCloseTo(100, 10);
  });

  it('rejects unordered times', () => {
    const trace = synthetic(() => 1);
    expect(() => detectPlateaus([trace[2]!, trace[1]!])).toThrow(RangeError);
  });
});
