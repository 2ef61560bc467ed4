/**
 * Kernel wrappers for shaders/flow.wgsl: the elementwise assembly of the depth-normalised
 * end-to-end operator (1/N) A_N(W)[G] (SPEC §6) between its products, and the stages of RK4.
 */
import kernelSource from '../../shaders/flow.wgsl?raw';
import { composeWgsl, NET_WGSL } from './wgsl.js';
import type { FlowDepth } from '../config/types.js';
import { DlnsimError } from '../errors.js';
import { assertFlowDepth } from '../flow/multipliers.js';
import { bindBuffers, computePipeline, workgroupGrid } from '../gpu/pipelines.js';

const source = composeWgsl(NET_WGSL, kernelSource);

export interface FlowOperatorSpec {
  batch: number;
  rows: number;
  cols: number;
  /** N ≥ 2 or 'infinity'; depth 1 needs no operator (A_1 is the identity). */
  depth: FlowDepth;
  /** σ < tolerance·σ_max counts as 0: the config's train.flowThreshold (its default explains the value). */
  tolerance: number;
  /** Thin SVD of W: σ (r per network, descending), U (rows × r), V (cols × r). */
  sigma: GPUBuffer;
  u: GPUBuffer;
  v: GPUBuffer;
  /** X = G V, rows × r. */
  x: GPUBuffer;
  /** M = Uᵀ X on entry, H = K̃ ∘ M after (r × r). */
  inner: GPUBuffer;
  /** Written: −(X D)ᵀ, r × rows. */
  minusXdT: GPUBuffer;
  /** Written: rows r..2r−1 of Lt (2r × rows), i.e. (U D)ᵀ. */
  lt: GPUBuffer;
  /** Written: rows 0..r−1 of Rt (2r × cols), i.e. Vᵀ. */
  rt: GPUBuffer;
}

export class FlowOperatorKernel {
  private readonly pipeline: GPUComputePipeline;
  private readonly bindGroup: GPUBindGroup;
  private readonly grid: [number, number];

  constructor(device: GPUDevice, spec: FlowOperatorSpec) {
    const { batch, rows, cols, depth } = spec;
    assertFlowDepth(depth);
    if (depth === 1)
      throw new DlnsimError(
        'FlowOperatorKernel: at depth 1 the operator is the identity (dW/dt = −G − λW); no kernel is needed',
      );
    if (!(spec.tolerance > 0 && spec.tolerance < 1))
      throw new DlnsimError(
        `FlowOperatorKernel: tolerance = ${spec.tolerance}; it is relative to σ_max and must lie in (0, 1)`,
      );
    const r = Math.min(rows, cols);
    this.pipeline = computePipeline(
      device,
      'flow',
      source,
      { ROWS: rows, COLS: cols, R: r, BATCH: batch, DEPTH: depth === 'infinity' ? 0 : depth, TOL: spec.tolerance },
      'assemble',
    );
    this.bindGroup = bindBuffers(
      device,
      this.pipeline,
      [spec.sigma, spec.u, spec.v, spec.x, spec.inner, spec.minusXdT, spec.lt, spec.rt],
      'flow operator',
    );
    this.grid = workgroupGrid(device, Math.ceil((batch * r * (r + 2 * rows + cols)) / 64));
  }

  encode(pass: GPUComputePassEncoder): void {
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroups(this.grid[0], this.grid[1]);
  }
}

export interface Rk4StageSpec {
  batch: number;
  rows: number;
  cols: number;
  /** 1..4 */
  stage: number;
  /** W, updated by stage 4. */
  w: GPUBuffer;
  /** The stage point E_s the drift was evaluated at; set to E_{s+1} (to the new W by stage 4). */
  stagePoint: GPUBuffer;
  /** P_s = (1/N) A_N(E_s)[G(E_s)]. */
  drift: GPUBuffer;
  /** Running k₁ + 2k₂ + 2k₃. */
  slope: GPUBuffer;
  /** Per-network η, λ and the frozen flag (the layout of net.wgsl's Net). */
  nets: GPUBuffer;
}

export class Rk4StageKernel {
  private readonly pipeline: GPUComputePipeline;
  private readonly bindGroup: GPUBindGroup;
  private readonly grid: [number, number];

  constructor(device: GPUDevice, spec: Rk4StageSpec) {
    const { batch, rows, cols, stage } = spec;
    if (![1, 2, 3, 4].includes(stage))
      throw new DlnsimError(`Rk4StageKernel: stage must be 1, 2, 3 or 4, got ${stage}`);
    this.pipeline = computePipeline(
      device,
      'flow',
      source,
      { ROWS: rows, COLS: cols, BATCH: batch, STAGE: stage },
      'rk4_stage',
    );
    this.bindGroup = bindBuffers(
      device,
      this.pipeline,
      [spec.w, spec.stagePoint, spec.drift, spec.slope, spec.nets],
      `rk4 stage ${stage}`,
    );
    this.grid = workgroupGrid(device, Math.ceil((batch * rows * cols) / 64));
  }

  encode(pass: GPUComputePassEncoder): void {
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroups(this.grid[0], this.grid[1]);
  }
}
