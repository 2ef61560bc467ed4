/**
 * Kernel wrappers for shaders/residual.wgsl: the elementwise task residual G (factorization,
 * completion) and the per-network loss with its divergence check.
 */
import source from '../../shaders/residual.wgsl?raw';
import { bindBuffers, computePipeline, workgroupGrid } from '../gpu/pipelines.js';

export interface ResidualSpec {
  batch: number;
  rows: number;
  cols: number;
  /** End-to-end matrices, batch × rows × cols. */
  e: GPUBuffer;
  target: GPUBuffer;
  targetStride?: number;
  /** 0/1 mask (completion); omitted for factorization. */
  mask?: GPUBuffer;
  /** loss.scale, divided by |Ω| for completion. */
  scale: number;
  g: GPUBuffer;
}

export class ResidualKernel {
  private readonly pipeline: GPUComputePipeline;
  private readonly bindGroup: GPUBindGroup;
  private readonly grid: [number, number];

  constructor(device: GPUDevice, spec: ResidualSpec) {
    this.pipeline = computePipeline(
      device,
      'residual',
      source,
      {
        ROWS: spec.rows,
        COLS: spec.cols,
        BATCH: spec.batch,
        TARGET_STRIDE: spec.targetStride ?? 0,
        MASKED: spec.mask !== undefined,
        SCALE: spec.scale,
      },
      'residual',
    );
    this.bindGroup = bindBuffers(device, this.pipeline, [spec.e, spec.target, spec.mask ?? spec.target, spec.g], 'residual');
    this.grid = workgroupGrid(device, Math.ceil((spec.batch * spec.rows * spec.cols) / 64));
  }

  encode(pass: GPUComputePassEncoder): void {
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroups(this.grid[0], this.grid[1]);
  }
}

export type LossForm =
  /** loss = coef · Σ x² over `count` entries per network. */
  | { kind: 'squares'; x: GPUBuffer; count: number; coef: number }
  /** loss = ½ Σ e·(x − d) + offset (regression, x = G, d = s·Σyx shared by all networks). */
  | { kind: 'regression'; x: GPUBuffer; e: GPUBuffer; d: GPUBuffer; count: number; offset: number };

export interface LossSpec {
  batch: number;
  form: LossForm;
  nets: GPUBuffer;
  divergenceFactor: number;
  /** Record buffer and the slot start: batch losses, then batch frozen flags. */
  records: GPUBuffer;
  recordOffset: number;
}

/** Floats one loss record takes: the losses and the frozen flags. */
export const lossRecordFloats = (batch: number) => 2 * batch;

export class LossKernel {
  private readonly pipeline: GPUComputePipeline;
  private readonly bindGroup: GPUBindGroup;
  private readonly grid: [number, number];

  constructor(device: GPUDevice, spec: LossSpec) {
    const form = spec.form;
    this.pipeline = computePipeline(
      device,
      'residual',
      source,
      {
        MODE: form.kind === 'regression' ? 1 : 0,
        COUNT: form.count,
        COEF: form.kind === 'squares' ? form.coef : 0.5,
        OFFSET: form.kind === 'regression' ? form.offset : 0,
        DIVERGENCE_FACTOR: spec.divergenceFactor,
        OUT_OFFSET: spec.recordOffset,
        BATCH: spec.batch,
      },
      'loss',
    );
    const e = form.kind === 'regression' ? form.e : form.x;
    const d = form.kind === 'regression' ? form.d : form.x;
    this.bindGroup = bindBuffers(device, this.pipeline, [form.x, e, d, spec.nets, spec.records], 'loss');
    this.grid = workgroupGrid(device, spec.batch);
  }

  encode(pass: GPUComputePassEncoder): void {
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroups(this.grid[0], this.grid[1]);
  }
}
