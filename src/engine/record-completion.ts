/**
 * What the host adds to a decoded record before anyone sees it: the exact singular values, by a
 * Float64 SVD of the read-back end-to-end matrices (record.spectra "exact"; the matrices are then
 * dropped unless record.matrices asked for them), and the linearized model's comparisons
 * (record.linearized). Kept apart from the step loop, which only moves records in order.
 */
import type { ResolvedConfig } from '../config/types.js';
import { singularValues } from '../linalg/decompositions.js';
import { fromArray } from '../linalg/matrix.js';
import { decodeLinearRecord, type LinearReference } from './linearized.js';
import type { BatchRecord } from './records.js';

export function completeRecord(
  record: BatchRecord,
  config: ResolvedConfig,
  batch: number,
  linear: LinearReference | undefined,
): void {
  const rows = config.widths[config.widths.length - 1]!;
  const cols = config.widths[0]!;
  if (config.record.spectra === 'exact' && record.matrices) {
    const rank = Math.min(rows, cols);
    const values = new Float64Array(batch * rank);
    for (let b = 0; b < batch; b++)
      values.set(singularValues(fromArray(rows, cols, record.matrices, b * rows * cols)), b * rank);
    record.singularValues = values;
    record.rank = rank;
    if (!config.record.matrices) delete record.matrices;
  }
  if (record.linearMatrices && linear) {
    Object.assign(record, decodeLinearRecord(record.linearMatrices, linear, batch, rows * cols));
    delete record.linearMatrices;
  }
}
