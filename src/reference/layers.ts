/**
 * Float64 CPU reference of layerwise gradient descent with weight decay (SPEC §3), in exactly the
 * evaluation order the GPU kernels use, so that their results compare step by step.
 */
import { type Matrix, clone, combine, dot, identity, matmul } from '../linalg/matrix.js';
import type { TaskData } from '../problem/types.js';
import { endToEnd, taskGradient, taskLoss } from './loss.js';

/**
 * Data parts P_{>k}ᵀ G P_{<k}ᵀ of ∂/∂W_k, k = 1…N, in SPEC §3's order: forward prefix products
 * P_{<k}; G from the task; backward Q_N = G, Q_{k−1} = W_kᵀ Q_k; then Q_k P_{<k}ᵀ.
 */
function dataGradients(task: TaskData, layers: Matrix[]): Matrix[] {
  const prefixes = [identity(layers[0]!.cols)];
  for (const w of layers) prefixes.push(matmul(w, prefixes[prefixes.length - 1]!));
  const g = taskGradient(task, prefixes.pop()!);
  const grads: Matrix[] = new Array(layers.length);
  let q = g;
  for (let k = layers.length - 1; k >= 0; k--) {
    grads[k] = matmul(q, prefixes[k]!, false, true);
    if (k > 0) q = matmul(layers[k]!, q, true, false);
  }
  return grads;
}

/** ∂/∂W_k [C(W_N⋯W_1) + (λ/2) Σ_j ‖W_j‖²] = P_{>k}ᵀ G P_{<k}ᵀ + λ W_k (SPEC §3). */
export function layerGradients(task: TaskData, layers: Matrix[], weightDecay: number): Matrix[] {
  return dataGradients(task, layers).map((grad, k) => combine(1, grad, weightDecay, layers[k]!));
}

/** Layerwise GD on one network: W_k ← (1 − ηλ) W_k − η Q_k P_{<k}ᵀ, all layers from one iterate. */
export class ReferenceTrainer {
  private current: Matrix[];
  private count = 0;

  constructor(
    private readonly task: TaskData,
    layers: Matrix[],
    private readonly hyper: { lr: number; weightDecay: number },
  ) {
    this.current = layers.map(clone);
  }

  step(): void {
    const { lr, weightDecay } = this.hyper;
    const grads = dataGradients(this.task, this.current);
    this.current = this.current.map((w, k) => combine(1 - lr * weightDecay, w, -lr, grads[k]!));
    this.count++;
  }

  steps(n: number): void {
    for (let i = 0; i < n; i++) this.step();
  }

  /** Copies of W_1 … W_N, so callers cannot change the trainer's state by accident. */
  get layers(): Matrix[] {
    return this.current.map(clone);
  }

  get stepCount(): number {
    return this.count;
  }

  endToEnd(): Matrix {
    return endToEnd(this.current);
  }

  /** C(W), without the regulariser. */
  loss(): number {
    return taskLoss(this.task, this.endToEnd());
  }

  /** C(W) + (λ/2) Σ_k ‖W_k‖²_F, the objective the layers descend. */
  objective(): number {
    const penalty = this.current.reduce((sum, w) => sum + dot(w, w), 0);
    return this.loss() + (this.hyper.weightDecay / 2) * penalty;
  }
}
