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
  /** What training does not see (SPEC §12); absent when the task has no held-out part. */
  heldOut?: HeldOut;
}

/**
 * The held-out error √(‖R‖² / denominator), with R computed from the end-to-end matrix E:
 * - entries: R = w ∘ (E − target) (completion: target Y, w = 1 − M; noisy factorization: target Y_clean, no w);
 * - samples: R = E X_t − Y X_t on fresh regression inputs X_t (n_0 × m_t), y = Y X_t;
 * - measurements: r_i = ⟨A_i, E⟩ − ⟨A_i, Y⟩ on fresh sensing matrices (rows vec(A_i)), y_i = ⟨A_i, Y⟩.
 * The denominator is ‖w ∘ target‖², ‖Y X_t‖² or ‖y‖², always > 0.
 */
export type HeldOut =
  | { kind: 'entries'; target: Matrix; weight?: Matrix; denominator: number }
  | { kind: 'samples'; x: Matrix; y: Matrix; denominator: number }
  | { kind: 'measurements'; a: Matrix; y: Float64Array; denominator: number };
