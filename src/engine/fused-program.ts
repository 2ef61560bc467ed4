/**
 * The fused path of train.method "layers" (SPEC §3): the same batch as LayerProgram — the same
 * buffers, records and recorders — but its steps run in shaders/fused-step.wgsl, up to K whole
 * steps per dispatch with every network's matrices in workgroup memory. Record steps run the
 * layered forward pass, residual and recorders on W(t) first (what LayerProgram.encodeRecordOnly
 * does), so a record holds the same quantities, computed by the same kernels, on either path.
 *
 * K (steps per dispatch) keeps one dispatch to about FLOPS_PER_DISPATCH floating-point operations:
 * ~0.3 s at SwiftShader's 1–2 GFLOP/s and well under a millisecond on a discrete GPU, so no
 * dispatch comes near the 2 s watchdogs of Windows (TDR) and browsers; chunks (one command buffer)
 * hold as many steps as on the layered path, so progress and cancellation keep their cadence.
 */
import { stackedData } from '../problem/batch-tasks.js';
import type { TaskData } from '../problem/types.js';
import { FusedStepKernel, type FusedTask } from '../kernels/fused-step.js';
import { fusedLayout } from '../kernels/fused-layout.js';
import { storageBuffer } from '../gpu/buffers.js';
import { LayerProgram, type LayerBatchSpec } from './layer-program.js';
import type { BatchProgram, Phase, StateMatrix } from './program.js';

export const FLOPS_PER_DISPATCH = 2 ** 28;
/** More steps per dispatch gain nothing once launches are amortised, and keep K's pipelines few. */
const MAX_STEPS_PER_DISPATCH = 256;

/** K: whole steps per dispatch for a batch whose step costs `flopsPerStep`. */
export function stepsPerDispatch(flopsPerStep: number): number {
  return Math.max(1, Math.min(MAX_STEPS_PER_DISPATCH, Math.floor(FLOPS_PER_DISPATCH / Math.max(flopsPerStep, 1))));
}

export class FusedProgram implements BatchProgram {
  readonly kernelPath = 'fused' as const;
  readonly records: GPUBuffer;
  readonly state: StateMatrix[];
  readonly nets: GPUBuffer;
  readonly flopsPerStep: number;
  readonly dispatchesPerStep: number;
  /** K, the most steps one dispatch runs. */
  readonly stepsPerDispatch: number;
  private readonly layered: LayerProgram;
  private readonly kernel: FusedStepKernel;
  private readonly data: GPUBuffer;

  constructor(device: GPUDevice, spec: LayerBatchSpec) {
    const layered = (this.layered = new LayerProgram(device, spec));
    this.records = layered.records;
    this.state = layered.state;
    this.nets = layered.nets;
    this.flopsPerStep = layered.flopsPerStep;
    this.dispatchesPerStep = layered.dispatchesPerStep;
    this.stepsPerDispatch = stepsPerDispatch(layered.flopsPerStep);
    const { task, data } = fusedTask(spec.tasks);
    this.data = storageBuffer(device, 'fused task data', data.length, data);
    this.kernel = new FusedStepKernel(device, {
      batch: layered.batch,
      depth: layered.depth,
      layout: fusedLayout(spec.widths, spec.tasks[0]!),
      task: { ...task, data: this.data },
      divergenceFactor: spec.divergenceFactor,
      weights: layered.weights,
      nets: layered.nets,
    });
  }

  encodeStep(pass: GPUComputePassEncoder, slot?: number): void {
    this.encodeSteps(pass, 1, slot);
  }

  /** `count` steps from W(t); with `slot`, records W(t) into that slot first. */
  encodeSteps(pass: GPUComputePassEncoder, count: number, slot?: number): void {
    if (slot !== undefined) this.layered.encodeRecordOnly(pass, slot);
    for (let done = 0; done < count; done += this.stepsPerDispatch)
      this.kernel.encode(pass, Math.min(this.stepsPerDispatch, count - done));
  }

  phases(slot?: number): readonly Phase[] {
    const steps = { encode: (pass: GPUComputePassEncoder) => this.kernel.encode(pass, 1) };
    const layeredRecord =
      slot === undefined
        ? []
        : this.layered.phases(slot).filter((p) => p.name !== 'backward products' && p.name !== 'updates');
    return [...layeredRecord, { name: 'fused step', kernels: [steps] }];
  }

  encodeRecordOnly(pass: GPUComputePassEncoder, slot: number): void {
    this.layered.encodeRecordOnly(pass, slot);
  }

  destroy(): void {
    this.kernel.destroy();
    this.data.destroy();
    this.layered.destroy();
  }
}

/**
 * The kernel's task constants and its one data buffer (layout in shaders/fused-step.wgsl): one
 * network's data when the batch shares its task, else every network's, network-major.
 */
function fusedTask(tasks: readonly TaskData[]): { task: Omit<FusedTask, 'data'>; data: Float32Array } {
  const first = networkData(tasks[0]!);
  const { data, stride } = stackedData(tasks, (task) => (task === tasks[0] ? first.data : networkData(task).data));
  return { task: { ...first.task, dataStride: stride }, data };
}

/** One network's task constants and data. */
function networkData(task: TaskData): { task: Omit<FusedTask, 'data' | 'dataStride'>; data: Float32Array } {
  const s = task.lossScale;
  const concat = (...parts: ArrayLike<number>[]) => {
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  };
  switch (task.kind) {
    case 'factorization':
      return {
        task: { code: 0, scale: s, lossCoef: 0.5 / s, lossOffset: 0, measurements: 0 },
        data: Float32Array.from(task.target.data),
      };
    case 'completion': {
      // s/|Ω| and |Ω|/2s in the data, not constants: a batch may mix observed fractions.
      const omega = task.observedCount!;
      return {
        task: { code: 1, scale: 0, lossCoef: 0, lossOffset: 0, measurements: 0 },
        data: concat(task.target.data, task.mask!.data, [s / omega, omega / (2 * s)]),
      };
    }
    case 'regression':
      return {
        task: { code: 2, scale: s, lossCoef: 0.5, lossOffset: s * task.lossOffset!, measurements: 0 },
        data: concat(
          task.sxx!.data,
          task.syx!.data.map((v) => s * v),
        ),
      };
    case 'sensing': {
      const { a, y } = task.sensing!;
      const m = y.length;
      return {
        task: { code: 3, scale: s / m, lossCoef: s / (2 * m), lossOffset: 0, measurements: m },
        data: concat(a.data, y),
      };
    }
  }
}
