/**
 * The held-out (test) error of matrix completion, SPEC §12: ‖(1−M)∘(W − Y)‖_F / ‖(1−M)∘Y‖_F, the
 * relative Frobenius error on the unobserved entries, for a W computed anywhere (the baselines of
 * src/baselines). It is the held-out error the GPU records and the reference computes
 * (heldOutErrorOf), on the entries the mask leaves out: one definition.
 */
import { DlnsimError } from '../errors.js';
import type { Matrix } from '../linalg/matrix.js';
import { entriesHeldOut } from '../problem/task.js';
import { heldOutErrorOf } from '../reference/loss.js';

export function completionTestError(w: Matrix, y: Matrix, mask: Matrix): number {
  if (w.rows !== y.rows || w.cols !== y.cols || mask.rows !== y.rows || mask.cols !== y.cols) {
    throw new DlnsimError(
      `completionTestError: W ${w.rows}×${w.cols}, Y ${y.rows}×${y.cols} and mask ${mask.rows}×${mask.cols} must have one shape`,
    );
  }
  const unobserved: Matrix = { rows: mask.rows, cols: mask.cols, data: mask.data.map((m) => (m === 0 ? 1 : 0)) };
  const heldOut = entriesHeldOut(y, unobserved);
  // Nothing held out, or a zero target there: the relative error is undefined.
  return heldOut ? heldOutErrorOf(heldOut, w) : NaN;
}
