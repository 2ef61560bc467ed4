/**
 * The completion baselines (issue 15 §3) against cases with known answers: minimum-nuclear-norm
 * completion recovers a random low-rank matrix exactly from enough random entries (Candès–Recht),
 * GLRL follows its known greedy path when every entry is observed (rank k: the best rank-k
 * approximation, Eckart–Young), and the held-out error is SPEC §12's.
 */
import { describe, expect, it } from 'vitest';
import { completionTestError } from '../../src/analysis/heldout.js';
import { greedyLowRank, nuclearNormCompletion, shrinkSingularValues } from '../../src/baselines/index.js';
import { svd } from '../../src/linalg/decompositions.js';
import { type Matrix, fromRows, matmul, maxAbsDiff, sub, frobenius, zeros } from '../../src/linalg/matrix.js';
import { Rng, gaussianMatrix, haarColumns } from '../../src/random.js';

function lowRank(n: number, r: number, seed: number): Matrix {
  const rng = new Rng(seed, 0);
  return matmul(gaussianMatrix(rng, n, r), gaussianMatrix(rng, n, r), false, true);
}

function randomMask(n: number, fraction: number, seed: number): Matrix {
  const rng = new Rng(seed, 1);
  return { rows: n, cols: n, data: Float64Array.from({ length: n * n }, () => (rng.uniform() < fraction ? 1 : 0)) };
}

describe('minimum-nuclear-norm completion (ADMM, Float64)', () => {
  it('recovers an incoherent 12×12 rank-1 matrix exactly from 60 % of its entries, to the stated residual', () => {
    // a bᵀ with entries in [1, 2): maximally incoherent, so Candès–Recht recovery applies at this
    // size (a Gaussian a bᵀ at n = 12 can have a smaller-norm completion, and then the solver rightly finds that).
    const rng = new Rng(3, 0);
    const [a, b] = [0, 1].map(() => fromRows(Array.from({ length: 12 }, () => [1 + rng.uniform()])));
    const y = matmul(a!, b!, false, true);
    const mask = randomMask(12, 0.6, 4);
    const result = nuclearNormCompletion(y, mask, { tolerance: 1e-8 });
    expect(result.converged).toBe(true);
    expect(result.observedResidual).toBeLessThan(1e-6);
    expect(frobenius(sub(result.x, y)) / frobenius(y)).toBeLessThan(1e-5);
    expect(completionTestError(result.x, y, mask)).toBeLessThan(1e-5);
  });

  it('does not recover a rank-2 matrix from far too few entries (it is a real solver, not the target)', () => {
    const y = lowRank(12, 2, 5);
    const mask = randomMask(12, 0.15, 6);
    const result = nuclearNormCompletion(y, mask);
    expect(result.observedResidual).toBeLessThan(1e-4);
    expect(completionTestError(result.x, y, mask)).toBeGreaterThan(0.3);
  });

  it('soft-thresholds singular values: diag(3, 1) by 2 is diag(1, 0)', () => {
    expect(
      maxAbsDiff(
        shrinkSingularValues(
          fromRows([
            [3, 0],
            [0, 1],
          ]),
          2,
        ),
        fromRows([
          [1, 0],
          [0, 0],
        ]),
      ),
    ).toBeLessThan(1e-14);
  });
});

describe('Greedy Low-Rank Learning', () => {
  it('fully observed Y = U diag(3, 2, 1) Vᵀ: after rank k it holds the best rank-k approximation, and stops at rank 3', () => {
    const rng = new Rng(7, 0);
    const [u, v] = [haarColumns(rng, 4, 3), haarColumns(rng, 4, 3)];
    const truncated = (k: number) => {
      const s = fromRows([
        [3, 0, 0],
        [0, k > 1 ? 2 : 0, 0],
        [0, 0, k > 2 ? 1 : 0],
      ]);
      return matmul(matmul(u, s), v, false, true);
    };
    const y = truncated(3);
    const mask = fromRows(Array.from({ length: 4 }, () => [1, 1, 1, 1]));
    const { path, losses } = greedyLowRank(y, mask);
    expect(path).toHaveLength(3);
    for (let k = 1; k <= 3; k++) expect(maxAbsDiff(path[k - 1]!, truncated(k))).toBeLessThan(1e-4);
    // The saddle levels ½ Σ_{i>k} sᵢ²: 2.5, 0.5, then 0.
    expect(losses[0]).toBeCloseTo(2.5, 6);
    expect(losses[1]).toBeCloseTo(0.5, 6);
    expect(losses[2]).toBeLessThan(1e-8);
  });

  it('completes a rank-1 matrix from 60 % of entries at rank 1 (one greedy step)', () => {
    const y = lowRank(10, 1, 8);
    const mask = randomMask(10, 0.6, 9);
    const { w, path } = greedyLowRank(y, mask, { lossThreshold: 1e-10 });
    expect(svd(path[0]!).s[1]).toBeLessThan(1e-9 * svd(path[0]!).s[0]!);
    expect(completionTestError(w, y, mask)).toBeLessThan(1e-3);
  });
});

describe('completionTestError (SPEC §12)', () => {
  it('is ‖(1−M)∘(W − Y)‖ / ‖(1−M)∘Y‖ on hand-made matrices', () => {
    const y = fromRows([
      [1, 2],
      [3, 4],
    ]);
    const mask = fromRows([
      [1, 0],
      [0, 1],
    ]);
    const w = fromRows([
      [9, 2],
      [0, 9],
    ]);
    expect(completionTestError(w, y, mask)).toBeCloseTo(3 / Math.sqrt(13), 14);
    expect(
      completionTestError(
        zeros(2, 2),
        y,
        fromRows([
          [1, 1],
          [1, 1],
        ]),
      ),
    ).toBeNaN();
    expect(() => completionTestError(zeros(2, 3), y, mask)).toThrow(/one shape/);
  });
});
