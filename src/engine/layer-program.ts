/**
 * The GPU side of one batch of layerwise-trained networks (SPEC §3): its buffers and the kernels
 * of one gradient step, specialised to the batch's shapes once, so encoding a step is a fixed
 * list of dispatches with no allocation.
 *
 * Buffers (one per layer, so no dispatch reads and writes the same buffer):
 *   W_k            weights, batch × n_k × n_{k−1}, updated in place
 *   P_{<k}         prefix products W_{k−1}⋯W_1 for k ≥ 3 (P_{<2} is W_1 itself, P_{<1} = I)
 *   E = P_{<N+1}   the end-to-end matrix (W_1 itself when N = 1)
 *   Q_k            backward products, Q_N = G, Q_{k−1} = W_kᵀ Q_k
 * A step: forward prefix products, the task residual G, [record], backward, then the fused update
 * W_k ← (1 − η_bλ_b) W_k − η_b Q_k P_{<k}ᵀ of every layer, all from the same iterate.
 */
import type { TaskData } from '../problem/types.js';
import { type HeldOutRecorder, heldOutRecorder, taskKernels } from './task-kernels.js';
import type { Matrix } from '../linalg/matrix.js';
import { storageBuffer } from '../gpu/buffers.js';
import { BatchedMatmul } from '../kernels/matmul.js';
import { LossKernel, type LossForm, SumSquaresKernel } from '../kernels/residual.js';
import {
  type BatchProgram,
  type Encodable,
  encodePhases,
  type Phase,
  StepPhases,
  type StateMatrix,
} from './program.js';
import type { RecordLayout } from './records.js';
import { spectraKernel } from './spectra-kernel.js';
import type { SvdAlgorithm } from '../config/types.js';
import { NET_FLOATS, type NetworkHyper, netsData } from './nets.js';
import { type LinearReference, LinearizedModel } from './linearized.js';

export interface LayerBatchSpec {
  widths: number[];
  /** Network b's task (the same instance when the batch shares one; problem/batch-tasks.ts). */
  tasks: readonly TaskData[];
  /** Initial layers of every network: layers[b][k] is W_{k+1} of network b. */
  layers: Matrix[][];
  hyper: NetworkHyper[];
  /** `nets` words saved by a snapshot (resuming); else fresh from `hyper`. */
  savedNets?: Float32Array;
  divergenceFactor: number;
  layout: RecordLayout;
  /** The kernel of recorded spectra (record.svd). */
  svd: SvdAlgorithm;
  /** Record slots per records buffer (one readback per chunk of steps). */
  slots: number;
  /** record.linearized: train the frozen-NTK model of `layers` alongside (linearized.ts). */
  linearized?: boolean;
}

export class LayerProgram implements BatchProgram {
  readonly kernelPath = 'layered' as const;
  readonly batch: number;
  readonly depth: number;
  readonly weights: GPUBuffer[];
  readonly state: StateMatrix[];
  readonly endToEnd: GPUBuffer;
  readonly records: GPUBuffer;
  readonly nets: GPUBuffer;
  /** Multiply-adds ×2 of one step, for throughput reports. */
  readonly flopsPerStep: number;
  readonly dispatchesPerStep: number;
  /** record.linearized: the host's norms that turn a record's matrices into lazyDeviation. */
  readonly linearReference?: LinearReference;
  private readonly linear?: LinearizedModel;
  private readonly forward: Encodable[];
  private readonly residual: Encodable[];
  private readonly backward: Encodable[];
  private readonly update: Encodable[];
  private readonly recorders: Encodable[][];
  private readonly stepPhases: StepPhases;
  private readonly owned: GPUBuffer[] = [];

  constructor(
    private readonly device: GPUDevice,
    spec: LayerBatchSpec,
  ) {
    const { widths } = spec;
    const batch = (this.batch = spec.layers.length);
    const depth = (this.depth = widths.length - 1);
    const rows = widths[depth]!;
    const cols = widths[0]!;
    const buffer = (label: string, floats: number, data?: ArrayLike<number>) => {
      const b = storageBuffer(device, label, floats, data);
      this.owned.push(b);
      return b;
    };
    const size = (k: number) => widths[k]! * widths[k - 1]!; // W_k's entries

    this.weights = widths.slice(1).map((_, i) => {
      const k = i + 1;
      const data = new Float32Array(batch * size(k));
      spec.layers.forEach((layers, b) => data.set(layers[i]!.data, b * size(k)));
      return buffer(`W_${k}`, data.length, data);
    });
    this.state = this.weights.map((b, i) => ({ buffer: b, rows: widths[i + 1]!, cols: widths[i]! }));
    const nets = (this.nets = buffer('nets', batch * NET_FLOATS, netsData(spec.hyper, spec.savedNets)));

    // prefix[k] = P_{<k} for k = 2..N+1 (index k), prefix[2] = W_1.
    const prefix: GPUBuffer[] = [];
    prefix[2] = this.weights[0]!;
    this.forward = [];
    for (let k = 2; k <= depth; k++) {
      prefix[k + 1] = buffer(`P<${k + 1}`, batch * widths[k]! * cols);
      this.forward.push(
        new BatchedMatmul(device, {
          batch,
          m: widths[k]!,
          n: cols,
          k: widths[k - 1]!,
          a: this.weights[k - 1]!,
          b: prefix[k]!,
          c: prefix[k + 1]!,
          label: `forward ${k}`,
        }),
      );
    }
    this.endToEnd = prefix[depth + 1]!;

    // backward[k] = Q_k, backward[N] = G.
    const backward: GPUBuffer[] = [];
    backward[depth] = buffer('G', batch * rows * cols);
    this.backward = [];
    for (let k = depth; k >= 2; k--) {
      backward[k - 1] = buffer(`Q_${k - 1}`, batch * widths[k - 1]! * cols);
      this.backward.push(
        new BatchedMatmul(device, {
          batch,
          m: widths[k - 1]!,
          n: cols,
          k: widths[k]!,
          transA: true,
          a: this.weights[k - 1]!,
          b: backward[k]!,
          c: backward[k - 1]!,
          label: `backward ${k}`,
        }),
      );
    }

    const { residual, lossForm } = taskKernels(device, {
      batch,
      rows,
      cols,
      tasks: spec.tasks,
      e: this.endToEnd,
      g: backward[depth]!,
      buffer,
    });
    this.residual = residual;
    const heldOut = heldOutRecorder(device, { batch, rows, cols, tasks: spec.tasks, e: this.endToEnd, buffer });

    // Descending k: W_2's update reads P_{<2}, which is W_1's own buffer, so W_1 must change last.
    this.update = [];
    for (let k = depth; k >= 1; k--) {
      this.update.push(
        new BatchedMatmul(device, {
          batch,
          m: widths[k]!,
          n: widths[k - 1]!,
          k: cols,
          transB: true,
          bIdentity: k === 1,
          a: backward[k]!,
          b: k === 1 ? undefined : prefix[k]!,
          c: this.weights[k - 1]!,
          epilogue: { kind: 'layer-update', nets },
          label: `update ${k}`,
        }),
      );
    }

    if (spec.linearized) {
      this.linear = new LinearizedModel(device, {
        batch,
        widths,
        tasks: spec.tasks,
        layers: spec.layers,
        endToEnd: this.endToEnd,
        nets,
        buffer,
      });
      this.linearReference = this.linear.reference;
    }

    this.records = buffer('records', spec.slots * spec.layout.slotFloats);
    this.recorders = Array.from({ length: spec.slots }, (_, slot) =>
      this.slotRecorders(spec, slot, lossForm, nets, heldOut),
    );

    const named = (recorders: Encodable[] | null): Phase[] => [
      { name: 'forward products', kernels: this.forward },
      { name: 'task residual', kernels: this.residual },
      ...(recorders ? [{ name: 'record', kernels: recorders }] : []),
      { name: 'backward products', kernels: this.backward },
      { name: 'updates', kernels: this.update },
      ...(this.linear ? [{ name: 'linearized model', kernels: this.linear.step }] : []),
    ];
    this.stepPhases = new StepPhases(named, this.recorders);

    const products = [...this.forward, ...this.backward, ...this.update, ...this.residual].filter(
      (k): k is BatchedMatmul => k instanceof BatchedMatmul,
    );
    this.flopsPerStep = products.reduce((sum, k) => sum + k.flops, 0) + (this.linear?.flopsPerStep ?? 0);
    this.dispatchesPerStep =
      this.forward.length +
      this.residual.length +
      this.backward.length +
      this.update.length +
      (this.linear?.step.length ?? 0);
  }

  /** Encodes one step; with `slot`, records the state before the update into that slot. */
  encodeStep(pass: GPUComputePassEncoder, slot?: number): void {
    encodePhases(pass, this.phases(slot));
  }

  phases(slot?: number): readonly Phase[] {
    return this.stepPhases.at(slot);
  }

  /** Encodes only the forward pass and a record (the final state, after the last update). */
  encodeRecordOnly(pass: GPUComputePassEncoder, slot: number): void {
    for (const k of this.forward) k.encode(pass);
    for (const k of this.residual) k.encode(pass);
    for (const k of this.recorders[slot]!) k.encode(pass);
  }

  destroy(): void {
    for (const b of this.owned) b.destroy();
  }

  private slotRecorders(
    spec: LayerBatchSpec,
    slot: number,
    lossForm: LossForm,
    nets: GPUBuffer,
    heldOut: HeldOutRecorder | null,
  ): Encodable[] {
    const { layout, widths } = spec;
    const device = this.device;
    const batch = this.batch;
    const base = slot * layout.slotFloats;
    const rows = widths[this.depth]!;
    const cols = widths[0]!;
    const recorders: Encodable[] = [
      new LossKernel(device, {
        batch,
        form: lossForm,
        nets,
        divergenceFactor: spec.divergenceFactor,
        records: this.records,
        recordOffset: base + layout.lossOffset,
      }),
    ];
    if (layout.rank > 0) {
      recorders.push(
        spectraKernel(device, spec.svd, {
          batch,
          rows,
          cols,
          input: this.endToEnd,
          values: this.records,
          valuesOffset: base + layout.svOffset,
          label: 'end-to-end spectra',
        }),
      );
    }
    if (layout.matrixFloats > 0) {
      recorders.push(
        new BatchedMatmul(device, {
          batch,
          m: rows,
          n: cols,
          k: cols,
          bIdentity: true,
          a: this.endToEnd,
          c: this.records,
          cOffset: base + layout.matrixOffset,
          label: 'record matrices',
        }),
      );
    }
    if (this.linear) recorders.push(...this.linear.recorders(this.records, layout, base));
    layout.layerRanks.forEach((_, i) => {
      recorders.push(
        spectraKernel(device, spec.svd, {
          batch,
          rows: widths[i + 1]!,
          cols: widths[i]!,
          input: this.weights[i]!,
          values: this.records,
          valuesOffset: base + layout.layerOffsets[i]!,
          label: `layer ${i + 1} spectra`,
        }),
      );
    });
    if (layout.weightNormOffset >= 0) {
      // Σ_k ‖W_k‖²: the first layer's sum overwrites the slot, the others add to it.
      this.weights.forEach((w, i) => {
        const count = widths[i + 1]! * widths[i]!;
        recorders.push(
          new SumSquaresKernel(device, {
            batch,
            count,
            x: w,
            out: this.records,
            outOffset: base + layout.weightNormOffset,
            accumulate: i > 0,
          }),
        );
      });
    }
    if (heldOut && layout.heldOutOffset >= 0) recorders.push(...heldOut(this.records, base + layout.heldOutOffset));
    return recorders;
  }
}
