/**
 * A task instance: everything the loss needs, built once on the CPU in Float64 from the config's
 * seeds (identical in Node and the browser), uploaded as f32 to the GPU and used as-is by the
 * Float64 reference.
 */
import type { TaskKind } from '../config/types.js';
import type { Matrix } from '../linalg/matrix.js';

export interface TaskData {
  kind: TaskKind;
  /** Y, n_N × n_0. For regression the true map, for sensing the true matrix. */
  target: Matrix;
  /** completion: 0/1 mask (n_N × n_0) and |Ω|. */
  mask?: Matrix;
  observedCount?: number;
  /** regression: Σxx = XXᵀ/m (n_0 × n_0), Σyx = Y_data Xᵀ/m (n_N × n_0), c = ‖Y_data‖²_F/(2m). */
  sxx?: Matrix;
  syx?: Matrix;
  lossOffset?: number;
  /** sensing: row i is vec(A_i) (row-major n_N·n_0 entries); y_i = ⟨A_i, Y⟩. */
  sensing?: { a: Matrix; y: Float64Array };
  /** loss.scale of SPEC §2 (multiplies C and G). */
  lossScale: number;
}
