/** Size of the balancedness defects D_k (SPEC §4) of a network, absolute and relative. */
import { type Matrix, frobenius } from '../linalg/matrix.js';
import { balancednessDefects } from '../reference/balancedness.js';

export interface Balancedness {
  /** ‖D_k‖_F for k = 1 … N−1, D_k = W_{k+1}ᵀW_{k+1} − W_kW_kᵀ. */
  defects: number[];
  /**
   * ‖D_k‖_F / (‖W_{k+1}‖²_F + ‖W_k‖²_F) ∈ [0, 1] (0 when both layers are 0): scale-free, so a
   * network that grew by orders of magnitude during training can be compared with its start.
   */
  relative: number[];
}

/** Layers in order W_1 … W_N; a depth-1 network has no defects. */
export function balancedness(layers: Matrix[]): Balancedness {
  const defects = balancednessDefects(layers).map(frobenius);
  const relative = defects.map((d, i) => {
    const size = frobenius(layers[i]!) ** 2 + frobenius(layers[i + 1]!) ** 2;
    return size > 0 ? d / size : 0;
  });
  return { defects, relative };
}
