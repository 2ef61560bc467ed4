/**
 * Float64 task losses C(W) and end-to-end gradients G = ∇_W C, exactly the SPEC §2 table, both
 * multiplied by task.lossScale.
 */
import { type Matrix, combine, dot, matmul, product, scale, sub } from '../linalg/matrix.js';
import type { HeldOut, TaskData } from '../problem/types.js';
import { invariant } from '../errors.js';

/** W = W_N ⋯ W_1 (SPEC §1); layers are given in order W_1 … W_N. */
export function endToEnd(layers: Matrix[]): Matrix {
  invariant(layers.length > 0, () => 'endToEnd: a network has at least one layer');
  return product(layers.slice().reverse());
}

export function taskLoss(task: TaskData, w: Matrix): number {
  return task.lossScale * unscaledLoss(task, w);
}

export function taskGradient(task: TaskData, w: Matrix): Matrix {
  return scale(unscaledGradient(task, w), task.lossScale);
}

function unscaledLoss(task: TaskData, w: Matrix): number {
  switch (task.kind) {
    case 'factorization': {
      const r = sub(w, task.target);
      return dot(r, r) / 2;
    }
    case 'completion': {
      const r = maskedResidual(task, w);
      return dot(r, r) / (2 * task.observedCount!);
    }
    case 'regression':
      // ½⟨W, WΣxx⟩ − ⟨W, Σyx⟩ + c, which expands (1/2m)‖WX − Y_data‖² with the precomputed moments.
      return dot(w, matmul(w, task.sxx!)) / 2 - dot(w, task.syx!) + task.lossOffset!;
    case 'sensing': {
      const r = sensingResiduals(task, w);
      return r.reduce((sum, ri) => sum + ri * ri, 0) / (2 * r.length);
    }
  }
}

function unscaledGradient(task: TaskData, w: Matrix): Matrix {
  switch (task.kind) {
    case 'factorization':
      return sub(w, task.target);
    case 'completion':
      return scale(maskedResidual(task, w), 1 / task.observedCount!);
    case 'regression':
      return combine(1, matmul(w, task.sxx!), -1, task.syx!);
    case 'sensing': {
      // (1/m) Σ_i r_i A_i = reshape of Aᵀ r / m.
      const r = sensingResiduals(task, w);
      const atr = matmul(task.sensing!.a, { rows: r.length, cols: 1, data: r }, true, false);
      return scale({ rows: w.rows, cols: w.cols, data: atr.data }, 1 / r.length);
    }
  }
}

/** M ∘ (W − Y). */
function maskedResidual(task: TaskData, w: Matrix): Matrix {
  const r = sub(w, task.target);
  const mask = task.mask!.data;
  for (let i = 0; i < r.data.length; i++) r.data[i] = r.data[i]! * mask[i]!;
  return r;
}

/** r_i = ⟨A_i, W⟩ − y_i. */
function sensingResiduals(task: TaskData, w: Matrix): Float64Array {
  const { a, y } = task.sensing!;
  const r = matmul(a, { rows: w.data.length, cols: 1, data: w.data }).data;
  for (let i = 0; i < r.length; i++) r[i] = r[i]! - y[i]!;
  return r;
}

/** The held-out error of SPEC §12 (TaskData.heldOut), or null when the task has none. */
export function heldOutError(task: TaskData, w: Matrix): number | null {
  return task.heldOut ? heldOutErrorOf(task.heldOut, w) : null;
}

/** SPEC §12's relative error of W on a held-out part. */
export function heldOutErrorOf(heldOut: HeldOut, w: Matrix): number {
  let squares: number;
  switch (heldOut.kind) {
    case 'entries': {
      const r = sub(w, heldOut.target);
      squares = r.data.reduce((sum, v, i) => sum + (heldOut.weight ? heldOut.weight.data[i]! : 1) * v * v, 0);
      break;
    }
    case 'samples': {
      const r = sub(matmul(w, heldOut.x), heldOut.y);
      squares = dot(r, r);
      break;
    }
    case 'measurements': {
      const r = matmul(heldOut.a, { rows: w.data.length, cols: 1, data: w.data }).data;
      squares = r.reduce((sum, v, i) => sum + (v - heldOut.y[i]!) ** 2, 0);
      break;
    }
  }
  return Math.sqrt(squares / heldOut.denominator);
}
