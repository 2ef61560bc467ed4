/**
 * Baseline (b): layerwise GD (SPEC §3) on one network in plain Float32Array loops, the fastest
 * straightforward CPU code: all buffers allocated once, row-major, loop orders that walk memory
 * contiguously. Factorization only (G = s·(E − Y)), which is all the bench trains.
 */
import type { Matrix } from '../src/linalg/matrix.js';

export class Float32Trainer {
  /** w[k] = W_{k+1}, n_{k+1} × n_k. */
  private readonly w: Float32Array[];
  /** prefix[k] = P_{<k+1} = W_k⋯W_1 (n_k × n_0), k ≥ 2; prefix[1] is W_1 itself. */
  private readonly prefix: Float32Array[] = [];
  /** q[k] = Q_k (n_k × n_0); q[N] = G. */
  private readonly q: Float32Array[] = [];
  private readonly target: Float32Array;
  private readonly decay: number;

  constructor(
    private readonly widths: number[],
    target: Matrix,
    layers: Matrix[],
    private readonly lr: number,
    weightDecay: number,
    private readonly lossScale: number,
  ) {
    const depth = widths.length - 1;
    const n0 = widths[0]!;
    this.w = layers.map((m) => Float32Array.from(m.data));
    this.target = Float32Array.from(target.data);
    this.decay = Math.fround(1 - lr * weightDecay);
    for (let k = 1; k <= depth; k++) {
      this.prefix[k] = k === 1 ? this.w[0]! : new Float32Array(widths[k]! * n0);
      this.q[k] = new Float32Array(widths[k]! * n0);
    }
  }

  step(): void {
    const { widths, w, prefix, q } = this;
    const depth = widths.length - 1;
    const n0 = widths[0]!;
    for (let k = 2; k <= depth; k++) multiply(w[k - 1]!, prefix[k - 1]!, prefix[k]!, widths[k]!, widths[k - 1]!, n0);
    const e = prefix[depth]!;
    const g = q[depth]!;
    for (let i = 0; i < g.length; i++) g[i] = this.lossScale * (e[i] - this.target[i]);
    // Every Q_k from the old weights before any update (SPEC §3).
    for (let k = depth; k >= 2; k--) multiplyTransA(w[k - 1]!, q[k]!, q[k - 1]!, widths[k]!, widths[k - 1]!, n0);
    // Descending k: W_2's update reads P_{<2} = W_1, so W_1 changes last.
    for (let k = depth; k >= 2; k--)
      updateWithProduct(w[k - 1]!, q[k]!, prefix[k - 1]!, widths[k]!, widths[k - 1]!, n0, this.decay, this.lr);
    const w1 = w[0]!;
    const q1 = q[1]!;
    for (let i = 0; i < w1.length; i++) w1[i] = this.decay * w1[i] - this.lr * q1[i];
  }

  /** C(W) = (s/2)‖W_N⋯W_1 − Y‖² at the current weights (one forward pass). */
  loss(): number {
    const { widths, w, prefix } = this;
    const depth = widths.length - 1;
    for (let k = 2; k <= depth; k++)
      multiply(w[k - 1]!, prefix[k - 1]!, prefix[k]!, widths[k]!, widths[k - 1]!, widths[0]!);
    const e = prefix[depth]!;
    let sum = 0;
    for (let i = 0; i < e.length; i++) sum += (e[i] - this.target[i]) ** 2;
    return (this.lossScale * sum) / 2;
  }
}

/** C (m×n) = A (m×k) · B (k×n), i-p-j order so the inner loop runs along rows of B and C. */
function multiply(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number): void {
  c.fill(0, 0, m * n);
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p];
      const bp = p * n;
      for (let j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
    }
  }
}

/** C (m×n) = Aᵀ B with A stored k×m (A = W_k, k = n_k rows), p-i-j order for the same reason. */
function multiplyTransA(a: Float32Array, b: Float32Array, c: Float32Array, k: number, m: number, n: number): void {
  c.fill(0, 0, m * n);
  for (let p = 0; p < k; p++) {
    const bp = p * n;
    for (let i = 0; i < m; i++) {
      const api = a[p * m + i];
      const ci = i * n;
      for (let j = 0; j < n; j++) c[ci + j] += api * b[bp + j];
    }
  }
}

/** W (m×k) ← decay·W − lr·Q Pᵀ with Q m×n and P k×n: row-by-row dot products, both contiguous. */
function updateWithProduct(
  w: Float32Array,
  q: Float32Array,
  p: Float32Array,
  m: number,
  k: number,
  n: number,
  decay: number,
  lr: number,
): void {
  for (let i = 0; i < m; i++) {
    const qi = i * n;
    for (let j = 0; j < k; j++) {
      const pj = j * n;
      let sum = 0;
      for (let t = 0; t < n; t++) sum += q[qi + t] * p[pj + t];
      w[i * k + j] = decay * w[i * k + j] - lr * sum;
    }
  }
}
