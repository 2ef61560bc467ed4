/**
 * Kernel wrapper for shaders/singular-values.wgsl: the singular values (no vectors) of a batch of
 * rows×cols matrices by Householder bidiagonalisation and multisection, one workgroup per matrix.
 * This is what records spectra: on trained end-to-end matrices it is 5–15× faster than one-sided
 * Jacobi (BatchedSvd, which the flow keeps for its singular vectors), because bidiagonalisation
 * costs a fixed (8/3)·n³ flops where Jacobi needs 8–25 sweeps of 6·n³ each.
 */
import source from '../../shaders/singular-values.wgsl?raw';
import { isSoftwareDevice } from '../gpu/device.js';
import { bindBuffers, computePipeline, workgroupGrid } from '../gpu/pipelines.js';
import {
  chooseWorkMemory, type MatrixBatchSpec, resolveMatrixBatch, withWorkMatrix, workgroupBytes, workMatrixFixedBytes, workMatrixSetup, type WorkMemory,
} from './workspace.js';

export interface SingularValuesSpec extends MatrixBatchSpec {
  /** Invocations per workgroup; default singularValuesWorkgroupSize(). */
  workgroupSize?: number;
}

export class BatchedSingularValues {
  readonly memory: WorkMemory;
  private readonly pipeline: GPUComputePipeline;
  private readonly bindGroup: GPUBindGroup;
  private readonly grid: [number, number];

  constructor(device: GPUDevice, spec: SingularValuesSpec) {
    const batch = resolveMatrixBatch(spec, 'singular values');
    const { rows, cols, r, m, label } = batch;
    const maxInvocations = Math.min(device.limits.maxComputeInvocationsPerWorkgroup, device.limits.maxComputeWorkgroupSizeX);
    const workgroupSize = spec.workgroupSize ?? singularValuesWorkgroupSize(device, r);
    if (!Number.isInteger(workgroupSize) || workgroupSize < 1 || workgroupSize > maxInvocations) {
      throw new RangeError(`${label}: workgroupSize must be an integer in [1, ${maxInvocations}] on this device, got ${workgroupSize}`);
    }
    const workFloats = m * r;
    // diag, superdiag, sigma, the squared Golub–Kahan off-diagonal; four scalars.
    const sharedBytes = workgroupBytes(workFloats) + workMatrixFixedBytes(workgroupSize) + 3 * workgroupBytes(r) + workgroupBytes(2 * r) + 4 * 16;
    this.memory = chooseWorkMemory(device, spec.memory ?? 'auto', sharedBytes, `${label}: the singular values of a ${rows}×${cols} matrix`);
    const { constants, scratch } = workMatrixSetup(device, batch, this.memory, workFloats, workgroupSize);
    this.pipeline = computePipeline(device, 'singular values', withWorkMatrix(source), constants);
    this.bindGroup = bindBuffers(device, this.pipeline, [spec.input, spec.values, scratch], label);
    this.grid = workgroupGrid(device, batch.batch);
  }

  encode(pass: GPUComputePassEncoder): void {
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroups(this.grid[0], this.grid[1]);
  }
}

/**
 * Default invocations per workgroup. The reflections' updates run one column (or row) per
 * invocation and the bisections one value per invocation, so up to r of them are useful on a GPU
 * (rounded up to 32, a warp). Software adapters (SwiftShader) run a workgroup on one core, a few
 * SIMD lanes (4) at a time, and every extra invocation is another fiber to switch at each
 * barrier. Measured there: for 32 matrices of 64×64, 4 to 16 invocations take 114–117 ms, 64 take
 * 172 ms; for 256 of 16×16, 4 take 52 ms, 16 take 71 ms (1 takes 115: the lanes go unused). So 4
 * for small matrices, 16 from r > 16 (256×256: 206 ms at 16, 216 at 4).
 */
export function singularValuesWorkgroupSize(device: GPUDevice, r: number): number {
  const maxInvocations = Math.min(device.limits.maxComputeInvocationsPerWorkgroup, device.limits.maxComputeWorkgroupSizeX);
  if (isSoftwareDevice(device)) return Math.min(r <= 16 ? 4 : 16, maxInvocations);
  return Math.min(256, Math.ceil(r / 32) * 32, maxInvocations);
}
