/**
 * The kernel that records spectra (`record.svd`): Householder bidiagonalisation and bisection
 * (BatchedSingularValues, the default) or the one-sided Jacobi SVD (BatchedSvd, values only).
 * Both write r descending values per matrix to the same place, so records do not depend on which.
 */
import type { SvdAlgorithm } from '../config/types.js';
import { BatchedSingularValues } from '../kernels/singular-values.js';
import { BatchedSvd } from '../kernels/svd.js';
import type { MatrixBatchSpec } from '../kernels/workspace.js';
import type { Encodable } from './program.js';

export function spectraKernel(device: GPUDevice, algorithm: SvdAlgorithm, spec: MatrixBatchSpec): Encodable {
  return algorithm === 'jacobi' ? new BatchedSvd(device, spec) : new BatchedSingularValues(device, spec);
}
