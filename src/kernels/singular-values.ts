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
import { invariant } from '../errors.js';
import {
  chooseWorkMemory,
  type MatrixBatchSpec,
  maxWorkgroupInvocations,
  resolveMatrixBatch,
  withWorkMatrix,
  workgroupBytes,
  workMatrixFixedBytes,
  workMatrixSetup,
  type WorkMemory,
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
    const maxInvocations = maxWorkgroupInvocations(device);
    const workgroupSize = spec.workgroupSize ?? singularValuesWorkgroupSize(device, r);
    invariant(
      Number.isInteger(workgroupSize) && workgroupSize >= 1 && workgroupSize <= maxInvocations,
      () => `${label}: workgroupSize must be an integer in [1, ${maxInvocations}] on this device, got ${workgroupSize}`,
    );
    const workFloats = m * r;
    // diag, superdiag, sigma, the squared Golub–Kahan off-diagonal; two scalars.
    const sharedBytes =
      workgroupBytes(workFloats) +
      workMatrixFixedBytes(workgroupSize) +
      3 * workgroupBytes(r) +
      workgroupBytes(2 * r) +
      2 * 16;
    this.memory = chooseWorkMemory(
      device,
      spec.memory ?? 'auto',
      sharedBytes,
      `${label}: the singular values of a ${rows}×${cols} matrix`,
    );
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
 * Default invocations per workgroup. The reflections' updates run four columns (or rows) per
 * invocation and the multisections one value per invocation, so up to r of them are useful on a GPU
 * (rounded up to 32, a warp). Software adapters (SwiftShader) run a workgroup on one core, a few
 * SIMD lanes (4) at a time: there one SIMD group is fastest. Measured for 32 matrices of 64×64:
 * 64 ms with 4 invocations, 68 with 8, 84 with 16; 256 of 16×16: 25, 32, 42 ms.
 */
export function singularValuesWorkgroupSize(device: GPUDevice, r: number): number {
  const maxInvocations = maxWorkgroupInvocations(device);
  if (isSoftwareDevice(device)) return Math.min(4, maxInvocations);
  return Math.min(256, Math.ceil(r / 32) * 32, maxInvocations);
}
