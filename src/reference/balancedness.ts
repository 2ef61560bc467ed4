/** Balancedness defects (SPEC §4), zero for a balanced start and e^{−2λt} D_k(0) under the flow. */
import { type Matrix, matmul, sub } from '../linalg/matrix.js';

/** D_k = W_{k+1}ᵀ W_{k+1} − W_k W_kᵀ (n_k × n_k) for k = 1…N−1; layers are W_1 … W_N. */
export function balancednessDefects(layers: Matrix[]): Matrix[] {
  return layers.slice(0, -1).map((w, i) => {
    const next = layers[i + 1]!;
    return sub(matmul(next, next, true, false), matmul(w, w, false, true));
  });
}
