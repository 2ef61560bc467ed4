/**
 * What the Simulator's step loop needs from the GPU side of a batch, whatever it trains:
 * layerwise networks (LayerProgram, SPEC §3) or the end-to-end flow (SPEC §6).
 */
import type { LinearReference } from './linearized.js';
export interface StateMatrix {
  /** Batch-major buffer: network b's matrix at offset b·rows·cols. */
  buffer: GPUBuffer;
  rows: number;
  cols: number;
}

/** Anything that records its dispatches into a compute pass (a kernel wrapper). */
export interface Encodable {
  encode(pass: GPUComputePassEncoder): void;
}

/** A named part of a step (forward products, updates, record, …): what a profile times. */
export interface Phase {
  name: string;
  kernels: readonly Encodable[];
}

export function encodePhases(pass: GPUComputePassEncoder, phases: readonly Phase[]): void {
  for (const phase of phases) for (const kernel of phase.kernels) kernel.encode(pass);
}

/**
 * A program's step as phases, built once: without a record, and with a record into each slot
 * (`named` places the slot's recorders), so encoding a step allocates nothing.
 */
export class StepPhases {
  private readonly plain: Phase[];
  private readonly recording: Phase[][];

  constructor(named: (recorders: Encodable[] | null) => Phase[], recordersPerSlot: Encodable[][]) {
    this.plain = named(null);
    this.recording = recordersPerSlot.map(named);
  }

  at(slot?: number): readonly Phase[] {
    return slot === undefined ? this.plain : this.recording[slot]!;
  }
}

export interface BatchProgram {
  /** Record slots, laid out by records.ts's RecordLayout. */
  readonly records: GPUBuffer;
  /** record.linearized (layer programs): the norms that decode a record's linearised matrices. */
  readonly linearReference?: LinearReference;
  /** The trained state: W_1..W_N for layers, the single end-to-end W for the flow. */
  readonly state: StateMatrix[];
  /** Per-network η, λ, frozen flag and first loss (nets.ts), saved and restored with the state. */
  readonly nets: GPUBuffer;
  /** Floating-point operations of one step (2 per multiply-add), for throughput reports. */
  readonly flopsPerStep: number;
  /** Dispatches one step encodes; sets how many steps go into one command buffer. */
  readonly dispatchesPerStep: number;
  /** The step kernel that runs (train.kernel): reported in summary.json. */
  readonly kernelPath: 'fused' | 'layered' | 'flow';
  /** One step from W(t) to W(t+1); with `slot`, records W(t) into that slot first. */
  encodeStep(pass: GPUComputePassEncoder, slot?: number): void;
  /** `count` steps from W(t) (several per dispatch where the program can); `slot` as encodeStep's. */
  encodeSteps?(pass: GPUComputePassEncoder, count: number, slot?: number): void;
  /** The same step as named phases, in encoding order (built once; encodeStep encodes these). */
  phases(slot?: number): readonly Phase[];
  /** Records the current state into `slot` without stepping (the final state). */
  encodeRecordOnly(pass: GPUComputePassEncoder, slot: number): void;
  destroy(): void;
}
