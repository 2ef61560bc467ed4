/** The observed-entry residual and loss that both completion baselines work with. */
import type { Matrix } from '../linalg/matrix.js';

/** (Y − W)_Ω: Y − W on the observed entries, 0 elsewhere; the negative gradient of observedLoss. */
export function observedResidual(w: Matrix, y: Matrix, mask: Matrix): Matrix {
  return {
    rows: y.rows,
    cols: y.cols,
    data: Float64Array.from(y.data, (value, i) => (mask.data[i] !== 0 ? value - w.data[i]! : 0)),
  };
}

/** ½‖(W − Y)_Ω‖²_F. */
export function observedLoss(w: Matrix, y: Matrix, mask: Matrix): number {
  let sum = 0;
  for (let i = 0; i < y.data.length; i++) if (mask.data[i] !== 0) sum += (w.data[i]! - y.data[i]!) ** 2;
  return sum / 2;
}
