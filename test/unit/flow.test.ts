import { describe, expect, it } from 'vitest';
import type { FlowDepth } from '../../src/config/types.js';
import { ConfigError, DlnsimError } from '../../src/errors.js';
import { fullSvd, svd } from '../../src/linalg/decompositions.js';
import {
  type Matrix,
  combine,
  frobenius,
  identity,
  matmul,
  maxAbsDiff,
  product,
  scale,
  sub,
  transpose,
  zeros,
} from '../../src/linalg/matrix.js';
import { initialLayers } from '../../src/problem/init.js';
import { buildTask, frameProduct } from '../../src/problem/task.js';
import type { TaskData } from '../../src/problem/types.js';
import { endToEnd, taskGradient } from '../../src/reference/loss.js';
import { ReferenceTrainer } from '../../src/reference/layers.js';
import { kDepth, kDirect, kInfinity, multiplierMatrix } from '../../src/flow/multipliers.js';
import { DEFAULT_FLOW_TOLERANCE, endToEndOperator } from '../../src/flow/operator.js';
import { type FlowOptions, ReferenceFlow, flowVelocity } from '../../src/flow/reference.js';
import { logVolumeDensity } from '../../src/flow/volume.js';
import { Rng, gaussianMatrix, haarColumns } from '../../src/random.js';
import { type ConfigParts, testConfig } from '../helpers/configs.js';

const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const maxAbs = (m: Matrix) => m.data.reduce((s, v) => Math.max(s, Math.abs(v)), 0);
const relativeMatrix = (a: Matrix, b: Matrix) => maxAbsDiff(a, b) / maxAbs(b);
const randomMatrix = (seed: number, rows: number, cols: number) => gaussianMatrix(new Rng(seed, 99), rows, cols);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** 3 × 4 factorization target with singular values 2, 1, 0.5 and a random balanced start. */
function balancedSetup(widths: number[], task: ConfigParts['task'] = {}): { task: TaskData; layers: Matrix[] } {
  const config = testConfig({
    task: { kind: 'factorization', target: { rows: 3, cols: 4, singularValues: [2, 1, 0.5] }, ...task },
    widths,
    init: { kind: 'balanced', scale: 1 },
  });
  const data = buildTask(config);
  return { task: data, layers: initialLayers(config, data) };
}

/**
 * Balanced layers of rank r = sigma.length, W_k = Q_k Σ^{1/N} Q_{k−1}ᵀ with Haar frames Q_k (n_k × r):
 * SPEC §5's construction for a W(0) of rank r, which balanced init refuses to truncate to.
 */
function rankBalancedLayers(widths: number[], sigma: number[]): Matrix[] {
  const depth = widths.length - 1;
  const frames = widths.map((n, k) => haarColumns(new Rng(20 + k, 99), n, sigma.length));
  const layerSigma = sigma.map((s) => s ** (1 / depth));
  return range(1, depth).map((k) => frameProduct(frames[k]!, layerSigma, frames[k - 1]!));
}

function runFlow(task: TaskData, w0: Matrix, options: FlowOptions, time: number): Matrix {
  const flow = new ReferenceFlow(task, w0, options);
  flow.steps(Math.round(time / options.lr));
  return flow.w;
}

/** p-th power of a symmetric PSD matrix through its SVD (= eigen-decomposition), 0⁰ = 1. */
function psdPower(a: Matrix, p: number): Matrix {
  const { u, s } = svd(a);
  const scaled = matmul(u, { rows: s.length, cols: s.length, data: diagonal(Array.from(s, (x) => x ** p)) });
  return matmul(scaled, u, false, true);
}

function diagonal(values: number[]): Float64Array {
  const n = values.length;
  const out = new Float64Array(n * n);
  values.forEach((v, i) => (out[i * n + i] = v));
  return out;
}

describe('multipliers K^N (SPEC §6)', () => {
  // 0, tiny, equal and 1e-9-close values (relative), well-separated ones.
  const grid = [0, 1e-3, 0.5, 1, 1 + 1e-9, 2, 2 + 2e-9, 7.3];

  it('closed form matches the defining sum to 1e-12 relative for N = 1..20 on the grid', () => {
    for (const depth of range(1, 20)) {
      for (const si of grid) {
        for (const sj of grid) {
          const direct = kDirect(si, sj, depth);
          if (direct === 0) expect(kDepth(si, sj, depth)).toBe(0);
          else expect(relative(kDepth(si, sj, depth), direct)).toBeLessThan(1e-12);
        }
      }
    }
  });

  it("agrees with SPEC's quotient (σ_i² − σ_j²)/(σ_i^{2/N} − σ_j^{2/N}) for separated values to 1e-13", () => {
    const separated = [0.3, 0.9, 2.5, 6];
    for (const depth of range(2, 12)) {
      for (const si of separated) {
        for (const sj of separated.filter((s) => s !== si)) {
          const quotient = (si ** 2 - sj ** 2) / (si ** (2 / depth) - sj ** (2 / depth));
          expect(relative(kDepth(si, sj, depth), quotient)).toBeLessThan(1e-13);
        }
      }
    }
  });

  it('special cases: N σ^{2−2/N} on the diagonal, σ^{2−2/N} with one zero, 0 with two (N ≥ 2), 1 at N = 1', () => {
    expect(relative(kDepth(1.7, 1.7, 5), 5 * 1.7 ** 1.6)).toBeLessThan(1e-15);
    expect(relative(kDepth(1.7, 0, 5), 1.7 ** 1.6)).toBeLessThan(1e-15);
    expect(relative(kDepth(0, 1.7, 5), 1.7 ** 1.6)).toBeLessThan(1e-15);
    expect(kDepth(0, 0, 2)).toBe(0);
    expect(kDepth(0, 0, 1)).toBe(1);
    expect(kDepth(3, 0.2, 1)).toBe(1);
  });
});

describe('infinite-depth multiplier K^∞ (logarithmic mean)', () => {
  it('is σ² on the diagonal, 0 with a zero, and the textbook quotient for separated values (1e-14)', () => {
    expect(kInfinity(1.5, 1.5)).toBe(2.25);
    expect(kInfinity(0, 1.5)).toBe(0);
    expect(kInfinity(1.5, 0)).toBe(0);
    expect(relative(kInfinity(0.4, 3), (3 ** 2 - 0.4 ** 2) / (Math.log(9) - Math.log(0.16)))).toBeLessThan(1e-14);
  });

  it('stays accurate 1e-9 apart: within 1e-15 of the arithmetic mean of σ² (AM − L = O(gap²))', () => {
    for (const s of [0.01, 1, 3]) {
      const t = s * (1 + 1e-9);
      expect(relative(kInfinity(s, t), (s * s + t * t) / 2)).toBeLessThan(1e-15);
    }
  });

  const values = [0, 0.3, 0.7, 2, 5];
  const pairs = values.flatMap((si) => values.map((sj) => [si, sj] as const)).filter(([si, sj]) => si + sj > 0);
  const gap = (si: number, sj: number, depth: number) => kDepth(si, sj, depth) / depth - kInfinity(si, sj);

  it('K^N/N → K^∞ like 1/N: gap(N)/gap(2N) ∈ [1.95, 2.05] at N = 200', () => {
    for (const [si, sj] of pairs) expect(gap(si, sj, 200) / gap(si, sj, 400)).toBeGreaterThan(1.95);
    for (const [si, sj] of pairs) expect(gap(si, sj, 200) / gap(si, sj, 400)).toBeLessThan(2.05);
  });

  it('leading term: N (K^N/N − K^∞) → −K^∞ ln(σ_i σ_j) for positive σ (1e-3 relative at N = 10⁴)', () => {
    for (const [si, sj] of pairs.filter(([a, b]) => a > 0 && b > 0)) {
      const expected = -kInfinity(si, sj) * Math.log(si * sj);
      expect(relative(1e4 * gap(si, sj, 1e4), expected)).toBeLessThan(1e-3);
    }
  });
});

describe('multiplierMatrix', () => {
  it('builds K_ij = K(sRows[i], sCols[j]), divides by N when normalised, and uses K^∞ at depth ∞', () => {
    const rows = [3, 1, 0];
    const cols = [3, 1, 0, 0];
    const k = multiplierMatrix(rows, cols, 4, false);
    const normalised = multiplierMatrix(rows, cols, 4, true);
    const infinite = multiplierMatrix(rows, cols, 'infinity', true);
    expect([k.rows, k.cols]).toEqual([3, 4]);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 4; j++) {
        expect(k.data[i * 4 + j]).toBe(kDepth(rows[i]!, cols[j]!, 4));
        expect(normalised.data[i * 4 + j]).toBe(kDepth(rows[i]!, cols[j]!, 4) / 4);
        expect(infinite.data[i * 4 + j]).toBe(kInfinity(rows[i]!, cols[j]!));
      }
    }
  });

  it('rejects an unnormalised K^∞ and depths that are not integers ≥ 1', () => {
    expect(() => multiplierMatrix([1], [1], 'infinity', false)).toThrow(DlnsimError);
    expect(() => multiplierMatrix([1], [1], 0, true)).toThrow(ConfigError);
    expect(() => multiplierMatrix([1], [1], 2.5, true)).toThrow(ConfigError);
  });
});

describe('fullSvd', () => {
  const rankTwo = matmul(randomMatrix(3, 4, 2), randomMatrix(4, 2, 4));
  const cases: [string, Matrix][] = [
    ['3×5', randomMatrix(1, 3, 5)],
    ['5×3', randomMatrix(2, 5, 3)],
    ['4×4 of rank 2', rankTwo],
  ];

  it.each(cases)('%s: square orthogonal U, V (1e-14), A = U diag(s, 0…) Vᵀ (1e-13), thin factors kept', (_, a) => {
    const { u, s, v } = fullSvd(a);
    const thin = svd(a);
    expect([u.rows, u.cols, v.rows, v.cols]).toEqual([a.rows, a.rows, a.cols, a.cols]);
    expect(maxAbsDiff(matmul(u, u, true, false), identity(a.rows))).toBeLessThan(1e-14);
    expect(maxAbsDiff(matmul(v, v, true, false), identity(a.cols))).toBeLessThan(1e-14);
    const sigma = zeros(a.rows, a.cols);
    s.forEach((value, i) => (sigma.data[i * a.cols + i] = value));
    expect(relativeMatrix(product([u, sigma, transpose(v)]), a)).toBeLessThan(1e-13);
    for (let i = 0; i < a.rows; i++)
      for (let c = 0; c < thin.u.cols; c++) expect(u.data[i * a.rows + c]).toBe(thin.u.data[i * thin.u.cols + c]);
  });
});

describe('end-to-end operator A_N(W)[Z]', () => {
  it('square full-rank W: equals Σ_k (WWᵀ)^{(N−k)/N} Z (WᵀW)^{(k−1)/N} with SVD matrix powers, N = 1..6 (1e-12)', () => {
    const w = randomMatrix(5, 4, 4);
    const z = randomMatrix(6, 4, 4);
    const left = matmul(w, w, false, true);
    const right = matmul(w, w, true, false);
    for (const depth of range(1, 6)) {
      let sum = zeros(4, 4);
      for (let k = 1; k <= depth; k++)
        sum = combine(1, sum, 1, product([psdPower(left, (depth - k) / depth), z, psdPower(right, (k - 1) / depth)]));
      expect(relativeMatrix(endToEndOperator(w, z, depth, { normalised: false, tolerance: 0 }), sum)).toBeLessThan(
        1e-12,
      );
    }
  });

  // The layerwise meaning of A_N, with no fractional powers at all: for balanced layers,
  // dW = Σ_k P_{>k} (P_{>k}ᵀ Z P_{<k}ᵀ) P_{<k}. Covers rectangular W and a rank-2 bottleneck.
  const layerCases: [string, () => Matrix[]][] = [
    ...[
      [4, 3],
      [4, 5, 6, 3],
      [4, 6, 5, 7, 3],
    ].map((widths): [string, () => Matrix[]] => [
      `balanced init, widths ${JSON.stringify(widths)}`,
      () => balancedSetup(widths).layers,
    ]),
    [
      'rank-2 balanced layers through a width-2 layer, widths [4, 2, 5, 3]',
      () => rankBalancedLayers([4, 2, 5, 3], [1.5, 0.4]),
    ],
  ];
  it.each(layerCases)('%s: equals Σ_k P_{>k}P_{>k}ᵀ Z P_{<k}ᵀP_{<k} (1e-10)', (_, build) => {
    const layers = build();
    const depth = layers.length;
    const z = randomMatrix(7, 3, 4);
    let sum = zeros(3, 4);
    for (let k = 1; k <= depth; k++) {
      const above = layers.slice(k).reverse();
      const below = layers.slice(0, k - 1).reverse();
      const pAbove = product(above, 3);
      const pBelow = product(below, 4);
      sum = combine(1, sum, 1, product([pAbove, transpose(pAbove), z, transpose(pBelow), pBelow]));
    }
    const operator = endToEndOperator(endToEnd(layers), z, depth, {
      normalised: false,
      tolerance: DEFAULT_FLOW_TOLERANCE,
    });
    expect(relativeMatrix(operator, sum)).toBeLessThan(1e-10);
    const normalised = endToEndOperator(endToEnd(layers), z, depth, {
      normalised: true,
      tolerance: DEFAULT_FLOW_TOLERANCE,
    });
    expect(relativeMatrix(scale(normalised, depth), operator)).toBeLessThan(1e-14);
  });

  // K^∞(σ, ε) ≈ σ²/(2 ln(σ/ε)) decays only logarithmically, so without the threshold a
  // round-off σ_3 ≈ 1e-16 σ_1 of an exactly rank-2 W would couple to the range like σ²/74.
  it("depth ∞: the threshold keeps a rank-2 W's round-off σ_3 at 0 (no output along its left null vector, 1e-12), tolerance 0 leaks (> 1e-3)", () => {
    const w = matmul(randomMatrix(10, 3, 2), randomMatrix(11, 2, 4));
    const z = randomMatrix(12, 3, 4);
    const nullVector = matmul(fullSvd(w).u, { rows: 3, cols: 1, data: Float64Array.of(0, 0, 1) });
    const leak = (tolerance: number) => {
      const out = endToEndOperator(w, z, 'infinity', { normalised: true, tolerance });
      return frobenius(matmul(nullVector, out, true, false)) / frobenius(out);
    };
    expect(leak(DEFAULT_FLOW_TOLERANCE)).toBeLessThan(1e-12);
    expect(leak(0)).toBeGreaterThan(1e-3);
  });
});

describe('ReferenceFlow (depth-normalised end-to-end flow)', () => {
  it('depth 1 with Euler is plain gradient descent, weight decay included (1e-13)', () => {
    const { task } = balancedSetup([4, 3]);
    const w0 = randomMatrix(8, 3, 4);
    const flow = new ReferenceFlow(task, w0, { depth: 1, lr: 0.05, integrator: 'euler', weightDecay: 0.1 });
    const gd = new ReferenceTrainer(task, [w0], { lr: 0.05, weightDecay: 0.1 });
    flow.steps(20);
    gd.steps(20);
    expect(relativeMatrix(flow.w, gd.endToEnd())).toBeLessThan(1e-13);
  });

  it('flowVelocity: 0 at W = 0 for N ≥ 2 and ∞, −G at N = 1', () => {
    const { task } = balancedSetup([4, 3]);
    const w = zeros(3, 4);
    expect(maxAbs(flowVelocity(task, w, 3, DEFAULT_FLOW_TOLERANCE))).toBe(0);
    expect(maxAbs(flowVelocity(task, w, 'infinity', DEFAULT_FLOW_TOLERANCE))).toBe(0);
    expect(maxAbsDiff(flowVelocity(task, w, 1, DEFAULT_FLOW_TOLERANCE), scale(taskGradient(task, w), -1))).toBe(0);
  });

  // Euler on the flow with step η and layer GD with step η/N (same λ) are both first-order
  // discretisations of one ODE in t = η·step, so at fixed t = 1 their gap is O(η).
  it.each([0, 0.1])(
    'depth 3, λ = %s: Euler flow at η vs layer GD at η/3 from a balanced start; gap halves with η (ratio ∈ [1.7, 2.3])',
    (weightDecay) => {
      const { task, layers } = balancedSetup([4, 5, 6, 3]);
      const w0 = endToEnd(layers);
      const gapAt = (lr: number) => {
        const flow = runFlow(task, w0, { depth: 3, lr, integrator: 'euler', weightDecay }, 1);
        const gd = new ReferenceTrainer(task, layers, { lr: lr / 3, weightDecay });
        gd.steps(Math.round(1 / lr));
        return frobenius(sub(flow, gd.endToEnd()));
      };
      const gaps = [0.02, 0.01, 0.005].map(gapAt);
      expect(gaps[0]! / frobenius(w0)).toBeLessThan(0.01);
      for (let i = 0; i < 2; i++) {
        expect(gaps[i]! / gaps[i + 1]!).toBeGreaterThan(1.7);
        expect(gaps[i]! / gaps[i + 1]!).toBeLessThan(2.3);
      }
    },
  );

  it('depth-N flow tends to the N = ∞ flow at t = 1 like 1/N: gap ratios at N = 8, 16, 32 ∈ [1.8, 2.2] (RK4, η = 0.02)', () => {
    const { task, layers } = balancedSetup([4, 3]);
    const w0 = endToEnd(layers);
    const at = (depth: FlowDepth) => runFlow(task, w0, { depth, lr: 0.02, integrator: 'rk4' }, 1);
    const limit = at('infinity');
    const gaps = [8, 16, 32].map((depth) => frobenius(sub(at(depth), limit)));
    for (let i = 0; i < 2; i++) {
      expect(gaps[i]! / gaps[i + 1]!).toBeGreaterThan(1.8);
      expect(gaps[i]! / gaps[i + 1]!).toBeLessThan(2.2);
    }
  });

  // Orders from η = 0.025 → 0.0125 against RK4 at η = 0.05/64: at η ≥ 0.05 the depth-∞ RK4 error is
  // not yet in its asymptotic regime (observed ratios 64 and 10 there).
  it.each<FlowDepth>([3, 'infinity'])(
    'depth %s: RK4 error < 1e-4 × Euler error at the same η; observed orders log₂(ratio) ∈ [3.5, 4.5] and [0.8, 1.2]',
    (depth) => {
      const { task, layers } = balancedSetup([4, 3]);
      const w0 = endToEnd(layers);
      const exact = runFlow(task, w0, { depth, lr: 0.05 / 64, integrator: 'rk4' }, 1);
      const error = (integrator: 'euler' | 'rk4', lr: number) =>
        frobenius(sub(runFlow(task, w0, { depth, lr, integrator }, 1), exact));
      const euler = [error('euler', 0.025), error('euler', 0.0125)];
      const rk4 = [error('rk4', 0.025), error('rk4', 0.0125)];
      expect(rk4[0]! / euler[0]!).toBeLessThan(1e-4);
      expect(Math.log2(euler[0]! / euler[1]!)).toBeGreaterThan(0.8);
      expect(Math.log2(euler[0]! / euler[1]!)).toBeLessThan(1.2);
      expect(Math.log2(rk4[0]! / rk4[1]!)).toBeGreaterThan(3.5);
      expect(Math.log2(rk4[0]! / rk4[1]!)).toBeLessThan(4.5);
    },
  );

  it.each<FlowDepth>([3, 'infinity'])(
    'depth %s, completion: the loss never increases and falls below 0.4 × its start by t = 40',
    (depth) => {
      const { task, layers } = balancedSetup([4, 3], {
        kind: 'completion',
        observed: 0.6,
        target: { rows: 3, cols: 4, singularValues: [2] },
      });
      const flow = new ReferenceFlow(task, endToEnd(layers), { depth, lr: 0.1, integrator: 'euler' });
      const losses = [flow.loss()];
      for (let i = 0; i < 400; i++) {
        flow.step();
        losses.push(flow.loss());
      }
      for (let i = 1; i < losses.length; i++) expect(losses[i]!).toBeLessThanOrEqual(losses[i - 1]!);
      expect(losses[losses.length - 1]! / losses[0]!).toBeLessThan(0.4);
      expect(flow.time).toBeCloseTo(40, 12);
    },
  );

  it('reports the tolerance in force and rejects bad options', () => {
    const { task } = balancedSetup([4, 3]);
    const w0 = randomMatrix(9, 3, 4);
    expect(new ReferenceFlow(task, w0, { depth: 2, lr: 0.1, integrator: 'rk4' }).options.tolerance).toBe(
      DEFAULT_FLOW_TOLERANCE,
    );
    expect(
      new ReferenceFlow(task, w0, { depth: 2, lr: 0.1, integrator: 'rk4', tolerance: 1e-6 }).options.tolerance,
    ).toBe(1e-6);
    expect(() => new ReferenceFlow(task, w0, { depth: 0, lr: 0.1, integrator: 'euler' })).toThrow(ConfigError);
    expect(() => new ReferenceFlow(task, w0, { depth: 2, lr: -1, integrator: 'euler' })).toThrow(ConfigError);
    expect(() => new ReferenceFlow(task, w0, { depth: 2, lr: 0.1, integrator: 'euler', weightDecay: -1 })).toThrow(
      ConfigError,
    );
    expect(() => new ReferenceFlow(task, w0, { depth: 2, lr: 0.1, integrator: 'euler', tolerance: 1 })).toThrow(
      DlnsimError,
    );
    expect(() => new ReferenceFlow(task, randomMatrix(9, 4, 3), { depth: 2, lr: 0.1, integrator: 'euler' })).toThrow(
      DlnsimError,
    );
  });
});

describe('volume form (SPEC §8)', () => {
  const sigma = [3.1, 1.4, 0.6, 0.25];

  // det(A_N/N)^{−1/2} (the metric's density) times the Jacobian ∏_{i<j}|σ_i² − σ_j²| of SVD coordinates.
  it.each<FlowDepth>([1, 2, 3, 7, 50, 'infinity'])(
    'depth %s: equals −½ Σ_ij ln(K_ij/N) + Σ_{i<j} ln|σ_i² − σ_j²| (1e-12)',
    (depth) => {
      const k = multiplierMatrix(sigma, sigma, depth, true);
      let expected = -0.5 * k.data.reduce((s, v) => s + Math.log(v), 0);
      for (let i = 0; i < 4; i++)
        for (let j = i + 1; j < 4; j++) expected += Math.log(Math.abs(sigma[i]! ** 2 - sigma[j]! ** 2));
      expect(relative(logVolumeDensity(sigma, depth), expected)).toBeLessThan(1e-12);
    },
  );

  // No normalisation to remove: the (d(d−1)/2) ln N term is exactly what keeps the limit finite.
  it('finite N tends to ∞ as written: N (V_N − V_∞) → (d/2) Σ ln σ_i² (1e-3 at N = 10⁴), gap ratio N : 2N ∈ [1.95, 2.05] at N = 100', () => {
    const limit = logVolumeDensity(sigma, 'infinity');
    const gap = (depth: number) => logVolumeDensity(sigma, depth) - limit;
    const leading = 2 * sigma.reduce((s, x) => s + Math.log(x * x), 0);
    expect(relative(1e4 * gap(1e4), leading)).toBeLessThan(1e-3);
    expect(gap(100) / gap(200)).toBeGreaterThan(1.95);
    expect(gap(100) / gap(200)).toBeLessThan(2.05);
  });

  it('is −Infinity for repeated σ, NaN for a zero σ at N ≥ 2 or ∞, finite at N = 1', () => {
    expect(logVolumeDensity([2, 1, 1], 3)).toBe(-Infinity);
    expect(logVolumeDensity([2, 1, 1], 'infinity')).toBe(-Infinity);
    expect(logVolumeDensity([2, 1, 0], 3)).toBeNaN();
    expect(logVolumeDensity([2, 1, 0], 'infinity')).toBeNaN();
    expect(logVolumeDensity([2, 1, 0], 1)).toBeCloseTo(Math.log(3) + Math.log(4) + Math.log(1), 14);
  });
});
