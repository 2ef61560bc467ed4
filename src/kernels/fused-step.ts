/**
 * Kernel wrapper for shaders/fused-step.wgsl: `count` whole gradient steps of every network in one
 * dispatch, one workgroup per network. A pipeline per step count (the count is an override, so
 * the step loop has a constant trip count); the engine uses few counts (K, and the gaps between
 * record steps), and pipelines are cached per device.
 */
import kernelSource from '../../shaders/fused-step.wgsl?raw';
import { composeWgsl, NET_WGSL } from './wgsl.js';
import { bindBuffers, type Constants, computePipeline, workgroupGrid } from '../gpu/pipelines.js';
import { FUSED_MAX_DEPTH, type FusedLayout } from './fused-layout.js';
import { storageBuffer } from '../gpu/buffers.js';

const source = composeWgsl(NET_WGSL, kernelSource);

/** The task's part of the kernel: which residual, its constants, and its data (one buffer). */
export interface FusedTask {
  /** 0 factorization, 1 completion, 2 regression, 3 sensing (the shader's TASK). */
  code: number;
  scale: number;
  lossCoef: number;
  lossOffset: number;
  measurements: number;
  /** Every network's data, network-major `dataStride` floats apart (0: one copy shared by all). */
  data: GPUBuffer;
  dataStride: number;
}

export interface FusedStepSpec {
  batch: number;
  depth: number;
  layout: FusedLayout;
  task: FusedTask;
  divergenceFactor: number;
  weights: GPUBuffer[];
  nets: GPUBuffer;
}

export class FusedStepKernel {
  private readonly layoutBuffer: GPUBuffer;
  /** Distinct placeholders for the layer bindings past N: writable bindings may not alias. */
  private readonly unused: GPUBuffer[];
  private readonly grid: [number, number];
  private readonly constants: Constants;
  private readonly bound = new Map<number, { pipeline: GPUComputePipeline; bindGroup: GPUBindGroup }>();

  constructor(
    private readonly device: GPUDevice,
    private readonly spec: FusedStepSpec,
  ) {
    this.layoutBuffer = device.createBuffer({
      label: 'fused layout',
      size: 256,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    device.queue.writeBuffer(this.layoutBuffer, 0, spec.layout.words);
    this.unused = Array.from({ length: FUSED_MAX_DEPTH - spec.depth }, (_, i) =>
      storageBuffer(device, `fused unused layer ${spec.depth + i + 1}`, 4),
    );
    this.grid = workgroupGrid(device, spec.batch);
    this.constants = {
      BATCH: spec.batch,
      DEPTH: spec.depth,
      MEM: spec.layout.floats,
      TASK: spec.task.code,
      SCALE: spec.task.scale,
      LOSS_COEF: spec.task.lossCoef,
      LOSS_OFFSET: spec.task.lossOffset,
      MEASUREMENTS: spec.task.measurements,
      DATA_STRIDE: spec.task.dataStride,
      DIVERGENCE_FACTOR: spec.divergenceFactor,
    };
  }

  /** Encodes `count` steps of every network as one dispatch. */
  encode(pass: GPUComputePassEncoder, count: number): void {
    const { pipeline, bindGroup } = this.forCount(count);
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(this.grid[0], this.grid[1]);
  }

  destroy(): void {
    this.layoutBuffer.destroy();
    for (const b of this.unused) b.destroy();
  }

  private forCount(count: number) {
    let entry = this.bound.get(count);
    if (!entry) {
      const pipeline = computePipeline(this.device, 'fused-step', source, { ...this.constants, STEPS: count });
      const { weights, nets, task } = this.spec;
      const bindGroup = bindBuffers(
        this.device,
        pipeline,
        [this.layoutBuffer, nets, task.data, ...weights, ...this.unused],
        'fused step',
      );
      this.bound.set(count, (entry = { pipeline, bindGroup }));
    }
    return entry;
  }
}
