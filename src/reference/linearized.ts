/**
 * Float64 reference of the frozen-NTK linear model of record.linearized (engine/linearized.ts):
 * A_lin ← A_lin − η Σ_k L_k ∇C(A_lin) R_k, with the Gram factors of the initial layers.
 */
import { type Matrix, combine, matmul, product } from '../linalg/matrix.js';
import type { TaskData } from '../problem/types.js';
import { endToEnd, taskGradient } from './loss.js';

/** The Gram factors of Θ₀ at these layers (W_1 … W_N): L_k, R_k for k = 1 … N (index k − 1). */
export function ntkFactors(layers: Matrix[]): { left: Matrix[]; right: Matrix[] } {
  const depth = layers.length;
  const rows = layers[depth - 1]!.rows;
  const cols = layers[0]!.cols;
  const left: Matrix[] = [];
  const right: Matrix[] = [];
  for (let k = 1; k <= depth; k++) {
    const after = product(layers.slice(k).reverse(), rows); // P_{>k}
    const before = product(layers.slice(0, k - 1).reverse(), cols); // P_{<k}
    left.push(matmul(after, after, false, true));
    right.push(matmul(before, before, true, false));
  }
  return { left, right };
}

export class LinearizedReference {
  a: Matrix;
  private readonly factors: { left: Matrix[]; right: Matrix[] };

  constructor(
    private readonly task: TaskData,
    initialLayers: Matrix[],
    private readonly lr: number,
  ) {
    this.a = endToEnd(initialLayers);
    this.factors = ntkFactors(initialLayers);
  }

  /** Θ₀[Z] = Σ_k L_k Z R_k. */
  tangent(z: Matrix): Matrix {
    const { left, right } = this.factors;
    return left.map((l, k) => matmul(matmul(l, z), right[k]!)).reduce((sum, term) => combine(1, sum, 1, term));
  }

  step(): void {
    this.a = combine(1, this.a, -this.lr, this.tangent(taskGradient(this.task, this.a)));
  }
}
