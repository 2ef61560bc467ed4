/**
 * Kernel wrapper for shaders/svd.wgsl: the thin SVD (values and, on request, vectors) of a batch of
 * ROWS×COLS matrices by one-sided Jacobi, one workgroup per matrix, with fixed-order sums and no
 * float atomics. The flow needs its vectors every step; recorded spectra (values only) use the
 * faster BatchedSingularValues unless `record.svd` is "jacobi".
 */
import source from '../../shaders/svd.wgsl?raw';
import { DeviceLimitError, invariant } from '../errors.js';
import { isSoftwareDevice } from '../gpu/device.js';
import { bindBuffers, computePipeline, workgroupGrid } from '../gpu/pipelines.js';
import {
  chooseWorkMemory,
  maxWorkgroupInvocations,
  type MatrixBatchSpec,
  placeholder,
  requireFloats,
  resolveMatrixBatch,
  withWorkMatrix,
  workgroupBytes,
  workMatrixFixedBytes,
  workMatrixSetup,
  type WorkMemory,
} from './workspace.js';

/**
 * Stop when a sweep finds every column pair with |γ| ≤ tol·√(αβ): all pairs orthogonal to within
 * an angle of 1e-6 rad, which is what the computed U and V columns keep (UᵀU = I to ~2e-6).
 * Values do not improve beyond it: the f32 rounding of the rotations bounds them at ~1e-6·σ₁
 * (2e-6 at 64×64, 4e-6 at 128×128 on SwiftShader) for tolerances 1e-5 to 1e-7, while each decade
 * tighter costs about one more sweep (64×64 Gaussian: 8.8, 9.0, 10.4 sweeps).
 */
export const SVD_DEFAULT_TOLERANCE = 1e-6;
/**
 * Pairs with |γ| ≤ absTol²·‖A‖²_F / r also stop rotating, which moves no singular value by more
 * than absTol·‖A‖_F (Weyl's bound on the Gram matrix's remaining off-diagonal): far below the
 * ~1e-6·σ₁ rounding floor above, yet it spares the sweeps that columns of f32 noise (the tiny
 * singular values of a deep product) would otherwise spend failing the relative test.
 */
export const SVD_DEFAULT_ABS_TOLERANCE = 1e-7;
/** Jacobi converges quadratically: 4–11 sweeps for 5×12 to 128×128 matrices; 30 is a safety net. */
export const SVD_DEFAULT_MAX_SWEEPS = 30;

export interface SvdSpec extends MatrixBatchSpec {
  /**
   * U_b (rows×r) at u[b·rows·r], V_b (cols×r) at v[b·cols·r], row-major, columns in the order of
   * the values. A column of the factor with more rows (U, or V when rows < cols) is zero where
   * σ = 0; the other factor is always orthonormal.
   */
  vectors?: { u: GPUBuffer; v: GPUBuffer };
  /** One u32 per matrix: sweeps run (the last rotation-free), maxSweeps + 1 if unconverged. */
  sweeps?: GPUBuffer;
  /** Orthogonality tolerance on |γ|/√(αβ); default SVD_DEFAULT_TOLERANCE. */
  tolerance?: number;
  /** Absolute floor of the orthogonality test, relative to ‖A‖_F; default SVD_DEFAULT_ABS_TOLERANCE. */
  absTolerance?: number;
  maxSweeps?: number;
  /** Invocations per column pair (a power of two is not required); default svdPairThreads(). */
  pairThreads?: number;
}

/** Floats each output buffer must hold (beyond valuesOffset for `values`). */
export function svdOutputFloats(batch: number, rows: number, cols: number): { values: number; u: number; v: number } {
  const r = Math.min(rows, cols);
  return { values: batch * r, u: batch * rows * r, v: batch * cols * r };
}

export class BatchedSvd {
  /** Where the working matrices live, as resolved from `memory`. */
  readonly memory: WorkMemory;
  private readonly pipeline: GPUComputePipeline;
  private readonly bindGroup: GPUBindGroup;
  private readonly grid: [number, number];

  constructor(device: GPUDevice, spec: SvdSpec) {
    const resolved = resolveMatrixBatch(spec, 'svd');
    const { batch, rows, cols, r, m, label } = resolved;
    const tolerance = spec.tolerance ?? SVD_DEFAULT_TOLERANCE;
    const maxSweeps = spec.maxSweeps ?? SVD_DEFAULT_MAX_SWEEPS;
    const absTolerance = spec.absTolerance ?? SVD_DEFAULT_ABS_TOLERANCE;
    invariant(tolerance > 0 && tolerance < 1, () => `${label}: tolerance must be in (0, 1), got ${tolerance}`);
    invariant(
      absTolerance >= 0 && absTolerance < 1,
      () => `${label}: absTolerance must be in [0, 1), got ${absTolerance}`,
    );
    invariant(
      Number.isInteger(maxSweeps) && maxSweeps >= 1,
      () => `${label}: maxSweeps must be a positive integer, got ${maxSweeps}`,
    );
    const outputs = svdOutputFloats(batch, rows, cols);
    if (spec.vectors) {
      requireFloats(label, 'u', spec.vectors.u, outputs.u);
      requireFloats(label, 'v', spec.vectors.v, outputs.v);
    }
    if (spec.sweeps) requireFloats(label, 'sweeps', spec.sweeps, batch);

    const pairs = Math.ceil(r / 2);
    const maxInvocations = maxWorkgroupInvocations(device);
    if (pairs > maxInvocations) {
      throw new DeviceLimitError(
        `${label}: a ${rows}×${cols} SVD rotates ${pairs} column pairs at once, one invocation each, but this device allows ` +
          `${maxInvocations} invocations per workgroup. Use matrices with min(rows, cols) ≤ ${2 * maxInvocations}, or compute spectra on the CPU (record.spectra = 'exact').`,
      );
    }
    const pairThreads = spec.pairThreads ?? svdPairThreads(device, rows, cols);
    invariant(
      Number.isInteger(pairThreads) && pairThreads >= 1 && pairs * pairThreads <= maxInvocations,
      () =>
        `${label}: pairThreads = ${pairThreads} needs ${pairs}·${pairThreads} invocations per workgroup; this device allows ${maxInvocations}.`,
    );
    const workgroupSize = pairs * pairThreads;
    const workFloats = m * r + (spec.vectors ? r * r : 0);
    // partial_beta, partial_gamma; norms, order; rotated, flag, gamma_floor.
    const sharedBytes =
      workgroupBytes(workFloats) +
      workMatrixFixedBytes(workgroupSize) +
      2 * workgroupBytes(workgroupSize) +
      2 * workgroupBytes(r) +
      3 * 16;
    this.memory = chooseWorkMemory(
      device,
      spec.memory ?? 'auto',
      sharedBytes,
      `${label}: a ${rows}×${cols} SVD${spec.vectors ? ' with vectors' : ''}`,
    );

    const { constants, scratch } = workMatrixSetup(device, resolved, this.memory, workFloats, workgroupSize);
    this.pipeline = computePipeline(device, 'svd', withWorkMatrix(source), {
      ...constants,
      WANT_VECTORS: spec.vectors !== undefined,
      WANT_SWEEPS: spec.sweeps !== undefined,
      PAIR_THREADS: pairThreads,
      TOL: tolerance,
      ABS_TOL: absTolerance,
      MAX_SWEEPS: maxSweeps,
    });
    // Unused read-write bindings get distinct placeholders: WebGPU rejects aliased writable bindings.
    const buffers = [
      spec.input,
      spec.values,
      scratch,
      spec.vectors?.u ?? placeholder(device, 'u'),
      spec.vectors?.v ?? placeholder(device, 'v'),
      spec.sweeps ?? placeholder(device, 'sweeps'),
    ];
    this.bindGroup = bindBuffers(device, this.pipeline, buffers, label);
    this.grid = workgroupGrid(device, batch);
  }

  encode(pass: GPUComputePassEncoder): void {
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroups(this.grid[0], this.grid[1]);
  }
}

/**
 * Default invocations per column pair. T of them split a round's dot products (M/T rows each),
 * then each re-adds the 3T partials, so T ≈ √(M/3) minimises a round's latency on a GPU.
 * Software adapters (SwiftShader) run a workgroup's invocations one after another, where extra
 * invocations only add work and a barrier per round: T = 1 is 2–3× faster there.
 */
export function svdPairThreads(device: GPUDevice, rows: number, cols: number): number {
  if (isSoftwareDevice(device)) return 1;
  const m = Math.max(rows, cols);
  const pairs = Math.ceil(Math.min(rows, cols) / 2);
  const maxInvocations = Math.min(maxWorkgroupInvocations(device), 256);
  let threads = 1;
  while (3 * (2 * threads) ** 2 <= m && pairs * threads * 2 <= maxInvocations) threads *= 2;
  return threads;
}
