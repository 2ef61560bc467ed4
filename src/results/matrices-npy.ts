/**
 * record.matrices on disk: per run, `matrices/run-<id>.npy`, a float32 array of shape
 * (records, n_N, n_0) holding the end-to-end W at each recorded step (the steps are trace.csv's
 * rows for that run). The export is bounded: checkMatrixExport refuses, before any training, an
 * experiment whose files would exceed MATRIX_EXPORT_LIMIT_BYTES.
 */
import type { Run } from '../config/types.js';
import { ConfigError } from '../errors.js';
import type { ExperimentResult } from '../experiment/types.js';
import { npyFloat32 } from './npy.js';

/** 256 MiB in all: enough for hundreds of 64×64 trajectories, small enough to load in one go. */
export const MATRIX_EXPORT_LIMIT_BYTES = 256 * 2 ** 20;

/** Records per run: step 0, every record.every steps, and the last step. */
function recordCount(run: Run): number {
  const { steps } = run.config.train;
  const { every } = run.config.record;
  return Math.floor(steps / every) + 1 + (steps % every === 0 ? 0 : 1);
}

/** Bytes of float32 data the matrix files of these runs hold (headers aside). */
export function matrixExportBytes(runs: readonly Run[]): number {
  return runs.reduce(
    (total, run) =>
      run.config.record.matrices
        ? total + 4 * recordCount(run) * run.config.widths[0]! * run.config.widths.at(-1)!
        : total,
    0,
  );
}

export function checkMatrixExport(runs: readonly Run[]): void {
  const bytes = matrixExportBytes(runs);
  if (bytes <= MATRIX_EXPORT_LIMIT_BYTES) return;
  const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
  throw new ConfigError(
    'record.matrices',
    true,
    `the matrix files would hold ${mib(bytes)} (${runs.length} runs × records × n_N·n_0 × 4 bytes), over the limit of ${mib(MATRIX_EXPORT_LIMIT_BYTES)}; raise record.every, lower train.steps, seeds or the sweep, or set record.matrices to false`,
  );
}

/** One .npy file per run that recorded matrices: its name under the results directory and its bytes. */
export function* matrixFiles(result: ExperimentResult): Generator<{ name: string; bytes: Uint8Array }> {
  for (const run of result.runs) {
    const matrices = run.trace.matrices;
    if (!matrices || matrices.length === 0) continue;
    const [rows, cols] = [run.config.widths.at(-1)!, run.config.widths[0]!];
    const data = new Float32Array(matrices.length * rows * cols);
    matrices.forEach((w, i) => data.set(w, i * rows * cols));
    yield { name: `run-${run.id}.npy`, bytes: npyFloat32([matrices.length, rows, cols], data) };
  }
}
