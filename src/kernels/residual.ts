/**
 * Kernel wrappers for shaders/residual.wgsl: the elementwise task residual G (factorization,
 * completion) and the per-network loss with its divergence check.
 */
import kernelSource from '../../shaders/residual.wgsl?raw';
import { composeWgsl, NET_WGSL } from './wgsl.js';
import { bindBuffers, computePipeline, workgroupGrid } from '../gpu/pipelines.js';

const source = composeWgsl(NET_WGSL, kernelSource);

export interface ResidualSpec {
  batch: number;
  rows: number;
  cols: number;
  /** End-to-end matrices, batch × rows × cols. */
  e: GPUBuffer;
  target: GPUBuffer;
  /** Floats between networks' targets: 0 when they share one (the usual case), rows · cols when each has its own. */
  targetStride?: number;
  /** 0/1 mask (completion); omitted for factorization. */
  mask?: GPUBuffer;
  /** As targetStride, for the mask. */
  maskStride?: number;
  /** loss.scale, divided by |Ω| for completion: shared, or one per network in a buffer. */
  scale: number | GPUBuffer;
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
        MASK_STRIDE: spec.maskStride ?? 0,
        MASKED: spec.mask !== undefined,
        SCALE: typeof spec.scale === 'number' ? spec.scale : 1,
        PER_NETWORK_SCALE: typeof spec.scale !== 'number',
      },
      'residual',
    );
    this.bindGroup = bindBuffers(
      device,
      this.pipeline,
      [
        spec.e,
        spec.target,
        spec.mask ?? spec.target,
        spec.g,
        typeof spec.scale === 'number' ? spec.target : spec.scale,
      ],
      'residual',
    );
    this.grid = workgroupGrid(device, Math.ceil((spec.batch * spec.rows * spec.cols) / 64));
  }

  encode(pass: GPUComputePassEncoder): void {
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroups(this.grid[0], this.grid[1]);
  }
}

export type LossForm =
  /** loss = coef · Σ x² over `count` entries per network; coef shared, or one per network in a buffer. */
  | { kind: 'squares'; x: GPUBuffer; count: number; coef: number | GPUBuffer }
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
        MODE: form.kind === 'regression' ? 1 : typeof form.coef === 'number' ? 0 : 2,
        COUNT: form.count,
        COEF: form.kind === 'squares' && typeof form.coef === 'number' ? form.coef : 0.5,
        OFFSET: form.kind === 'regression' ? form.offset : 0,
        DIVERGENCE_FACTOR: spec.divergenceFactor,
        OUT_OFFSET: spec.recordOffset,
        BATCH: spec.batch,
      },
      'loss',
    );
    const e = form.kind === 'regression' ? form.e : form.x;
    const d = form.kind === 'regression' ? form.d : typeof form.coef === 'number' ? form.x : form.coef;
    this.bindGroup = bindBuffers(device, this.pipeline, [form.x, e, d, spec.nets, spec.records], 'loss');
    this.grid = workgroupGrid(device, spec.batch);
  }

  encode(pass: GPUComputePassEncoder): void {
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroups(this.grid[0], this.grid[1]);
  }
}

export interface SumSquaresSpec {
  batch: number;
  /** Entries per network. */
  count: number;
  /** batch × count values. */
  x: GPUBuffer;
  /** Subtracted from every network's x (count values), if given. */
  y?: GPUBuffer;
  /** Weights of the squares (count values), if given. */
  w?: GPUBuffer;
  /** Floats between networks' y and w: 0 (default) when all networks share them, count when each has its own. */
  stride?: number;
  out: GPUBuffer;
  /** Where network 0's sum goes in `out`; network b's is at outOffset + b. */
  outOffset: number;
  /** Add to what `out` holds instead of overwriting it (sums over several buffers). */
  accumulate: boolean;
  /** Multiplies the sum (default 1). */
  scale?: number;
  /** Writes √(scale · sum) instead (a relative Frobenius error). */
  root?: boolean;
}

/** Per network scale · Σ_i w_i (x_i − y_i)² (or its root), in the loss kernel's fixed-order tree sum. */
export class SumSquaresKernel {
  private readonly pipeline: GPUComputePipeline;
  private readonly bindGroup: GPUBindGroup;
  private readonly grid: [number, number];

  constructor(device: GPUDevice, spec: SumSquaresSpec) {
    this.pipeline = computePipeline(
      device,
      'residual',
      source,
      {
        COUNT: spec.count,
        BATCH: spec.batch,
        OUT_OFFSET: spec.outOffset,
        SQ_STRIDE: spec.stride ?? 0,
        SQ_SUBTRACT: spec.y !== undefined,
        SQ_WEIGHTED: spec.w !== undefined,
        SQ_ACCUMULATE: spec.accumulate,
        SQ_SCALE: spec.scale ?? 1,
        SQ_ROOT: spec.root ?? false,
      },
      'sum_squares',
    );
    // Every binding is statically used, so an absent y or w is bound to x (and never read).
    this.bindGroup = bindBuffers(
      device,
      this.pipeline,
      [spec.x, spec.y ?? spec.x, spec.w ?? spec.x, spec.out],
      'sum of squares',
    );
    this.grid = workgroupGrid(device, spec.batch);
  }

  encode(pass: GPUComputePassEncoder): void {
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroups(this.grid[0], this.grid[1]);
  }
}
