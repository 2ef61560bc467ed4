/**
 * Greedy Low-Rank Learning (Li, Luo & Lyu 2021, "Towards resolving the implicit bias of gradient
 * descent for matrix factorization: greedy low-rank learning"), Float64, for matrix completion
 * with the loss L(W) = ½‖(W − Y)_Ω‖²_F:
 *
 *   W₀ = 0; for k = 1, 2, …: (u, v) = top singular pair of −∇L(W_{k−1}) = (Y − W_{k−1})_Ω;
 *   append √ε u, √ε v to the factors (U, V) and re-optimise L(U Vᵀ) by gradient descent within
 *   rank k; stop at a loss ≤ lossThreshold·L(0) or at maxRank.
 *
 * This is the limit of gradient descent from an infinitesimal init that the paper proves (for
 * depth 2) and what its Algorithm 1 runs. `path` keeps W after each rank's re-optimisation.
 */
import { svd } from '../linalg/decompositions.js';
import { type Matrix, matmul, zeros } from '../linalg/matrix.js';
import { observedLoss, observedResidual } from './masked.js';

export interface GlrlOptions {
  maxRank: number;
  /** stop once L(W) ≤ lossThreshold · L(0) (default 1e-8). */
  lossThreshold: number;
  /** scale of each new rank-one direction, √ε u and √ε v (default 1e-3). */
  epsilon: number;
  /** gradient-descent step on (U, V); default 0.2/‖Y_Ω‖₂. */
  lr?: number;
  /** re-optimisation stops when the relative loss decrease per step falls below this (default 1e-10) or after maxSteps. */
  stallTolerance: number;
  maxSteps: number;
}

export const DEFAULT_GLRL_OPTIONS: GlrlOptions = {
  maxRank: Infinity,
  lossThreshold: 1e-8,
  epsilon: 1e-3,
  stallTolerance: 1e-10,
  maxSteps: 20000,
};

export interface GlrlResult {
  w: Matrix;
  /** W at the end of each rank's re-optimisation: path[k − 1] has rank ≤ k. */
  path: Matrix[];
  /** ½‖(W − Y)_Ω‖² after each rank. */
  losses: number[];
}

export function greedyLowRank(y: Matrix, mask: Matrix, options: Partial<GlrlOptions> = {}): GlrlResult {
  const o = { ...DEFAULT_GLRL_OPTIONS, ...options };
  const { rows, cols } = y;
  const observedNorm = svd(observedResidual(zeros(rows, cols), y, mask)).s[0]!;
  const lr = o.lr ?? 0.2 / Math.max(observedNorm, 1e-300);
  const initialLoss = observedLoss(zeros(rows, cols), y, mask);
  let u = zeros(rows, 0);
  let v = zeros(cols, 0);
  let w = zeros(rows, cols);
  const path: Matrix[] = [];
  const losses: number[] = [];
  const maxRank = Math.min(o.maxRank, rows, cols);
  for (let k = 1; k <= maxRank && observedLoss(w, y, mask) > o.lossThreshold * initialLoss; k++) {
    const top = svd(observedResidual(w, y, mask));
    u = appendColumn(u, top.u, Math.sqrt(o.epsilon));
    v = appendColumn(v, top.v, Math.sqrt(o.epsilon));
    ({ u, v, w } = reoptimise(u, v, y, mask, lr, o));
    path.push(w);
    losses.push(observedLoss(w, y, mask));
  }
  return { w, path, losses };
}

/** Gradient descent on L(U Vᵀ) until the loss stalls: ∇_U = R V, ∇_V = Rᵀ U with R = (U Vᵀ − Y)_Ω. */
function reoptimise(
  u: Matrix,
  v: Matrix,
  y: Matrix,
  mask: Matrix,
  lr: number,
  o: GlrlOptions,
): { u: Matrix; v: Matrix; w: Matrix } {
  let w = matmul(u, v, false, true);
  let loss = observedLoss(w, y, mask);
  for (let step = 0; step < o.maxSteps; step++) {
    const r = observedResidual(w, y, mask); // (Y − W)_Ω = −R
    const gu = matmul(r, v);
    const gv = matmul(r, u, true);
    for (let i = 0; i < u.data.length; i++) u.data[i] += lr * gu.data[i]!;
    for (let i = 0; i < v.data.length; i++) v.data[i] += lr * gv.data[i]!;
    w = matmul(u, v, false, true);
    const next = observedLoss(w, y, mask);
    const stalled = loss - next <= o.stallTolerance * loss;
    loss = next;
    if (stalled) break;
  }
  return { u, v, w };
}

/** [a | scale · b's first column]. */
function appendColumn(a: Matrix, b: Matrix, scale: number): Matrix {
  const out = zeros(a.rows, a.cols + 1);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) out.data[i * out.cols + j] = a.data[i * a.cols + j]!;
    out.data[i * out.cols + a.cols] = scale * b.data[i * b.cols]!;
  }
  return out;
}
