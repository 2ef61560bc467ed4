/**
 * Layout of one record slot in the GPU records buffer, and its decoding on the host.
 * A slot holds, for every network of the batch: loss, frozen flag, then (as configured) the
 * end-to-end singular values, the end-to-end matrix, and every layer's singular values.
 */
import type { SpectraMode } from '../config/types.js';

/**
 * Record slots a records buffer holds at most: the Simulator allocates min(this, records per
 * chunk + 1) slots, and batch sizing (experiment/batch-size.ts) budgets for this many.
 */
export const MAX_RECORD_SLOTS = 16;

export interface RecordLayout {
  batch: number;
  /** Singular values per end-to-end matrix (min(n_0, n_N)); 0 when spectra are not on the GPU. */
  rank: number;
  /** Floats per end-to-end matrix copied back (exact spectra or record.matrices), else 0. */
  matrixFloats: number;
  /** min(n_k, n_{k−1}) per layer when layer spectra are recorded, else []. */
  layerRanks: number[];
  lossOffset: number;
  svOffset: number;
  matrixOffset: number;
  layerOffsets: number[];
  /** Σ_k ‖W_k‖²_F per network (batches with weight decay), else −1. */
  weightNormOffset: number;
  /** The held-out error per network (tasks with a held-out part, SPEC §12), else −1. */
  heldOutOffset: number;
  /** record.linearized: E − A_lin per network (and E − A(0) for completion), rows × cols each; else 0. */
  linearFloats: number;
  linearOffset: number;
  slotFloats: number;
}

/** Record fields beyond the loss and spectra. */
export interface RecordExtras {
  /** One float per network each. */
  weightNorms: boolean;
  heldOut: boolean;
  /** The matrices per network the linearised model records (linearized.ts), 0 without it. */
  linearMatrices: number;
}

const NO_EXTRAS: RecordExtras = { weightNorms: false, heldOut: false, linearMatrices: 0 };

export function recordLayout(
  batch: number,
  widths: number[],
  spectra: SpectraMode,
  matrices: boolean,
  layers: boolean,
  extras: RecordExtras = NO_EXTRAS,
): RecordLayout {
  const rows = widths[widths.length - 1]!;
  const cols = widths[0]!;
  const rank = spectra === 'gpu' ? Math.min(rows, cols) : 0;
  const matrixFloats = spectra === 'exact' || matrices ? rows * cols : 0;
  const layerRanks = layers ? widths.slice(1).map((n, k) => Math.min(n, widths[k]!)) : [];
  let offset = 0;
  const lossOffset = offset;
  offset += 2 * batch;
  const svOffset = offset;
  offset += batch * rank;
  const matrixOffset = offset;
  offset += batch * matrixFloats;
  const layerOffsets = layerRanks.map((r) => {
    const at = offset;
    offset += batch * r;
    return at;
  });
  const extra = (on: boolean) => {
    if (!on) return -1;
    offset += batch;
    return offset - batch;
  };
  const weightNormOffset = extra(extras.weightNorms);
  const heldOutOffset = extra(extras.heldOut);
  const linearFloats = extras.linearMatrices * rows * cols;
  const linearOffset = offset;
  offset += batch * linearFloats;
  return {
    batch,
    rank,
    matrixFloats,
    layerRanks,
    lossOffset,
    svOffset,
    matrixOffset,
    layerOffsets,
    weightNormOffset,
    heldOutOffset,
    linearFloats,
    linearOffset,
    slotFloats: offset,
  };
}

/** What one record step delivers for the whole batch. Arrays are network-major. */
export interface BatchRecord {
  step: number;
  /** C(W) of every network at this step (f32 from the GPU). */
  losses: Float32Array;
  /** 1 where the network is frozen after diverging. */
  frozen: Uint8Array;
  /** Descending singular values of every end-to-end matrix, `rank` per network (gpu or exact mode). */
  singularValues?: Float32Array | Float64Array;
  rank: number;
  /** End-to-end matrices, row-major, when record.matrices or exact spectra. */
  matrices?: Float32Array;
  /** Per layer k: descending singular values, layerRanks[k] per network. */
  layerSingularValues?: Float32Array[];
  /** Σ_k ‖W_k‖²_F of every network, when the batch has weight decay (layer programs). */
  weightNormSq?: Float32Array;
  /** Every network's held-out error (SPEC §12), when the task has one. */
  testErrors?: Float32Array;
  /** record.linearized, raw: E − A_lin (then E − A(0) for completion) per network; the Simulator turns it into the two fields below. */
  linearMatrices?: Float32Array;
  /** record.linearized: ‖A(t) − A_lin(t)‖_F / ‖A(0) − Y‖_F per network. */
  lazyDeviation?: Float64Array;
  /** record.linearized on completion: ‖(1−M)∘(A(t) − A(0))‖_F / ‖(1−M)∘(Y − A(0))‖_F per network. */
  unobservedChange?: Float64Array;
}

export function decodeSlot(layout: RecordLayout, values: Float32Array, slot: number, step: number): BatchRecord {
  const base = slot * layout.slotFloats;
  const { batch } = layout;
  const losses = values.slice(base + layout.lossOffset, base + layout.lossOffset + batch);
  const frozen = Uint8Array.from(
    values.subarray(base + layout.lossOffset + batch, base + layout.lossOffset + 2 * batch),
    (v) => (v !== 0 ? 1 : 0),
  );
  const record: BatchRecord = { step, losses, frozen, rank: layout.rank };
  if (layout.rank > 0)
    record.singularValues = values.slice(base + layout.svOffset, base + layout.svOffset + batch * layout.rank);
  if (layout.matrixFloats > 0)
    record.matrices = values.slice(
      base + layout.matrixOffset,
      base + layout.matrixOffset + batch * layout.matrixFloats,
    );
  if (layout.layerRanks.length > 0) {
    record.layerSingularValues = layout.layerRanks.map((r, k) =>
      values.slice(base + layout.layerOffsets[k]!, base + layout.layerOffsets[k]! + batch * r),
    );
  }
  if (layout.weightNormOffset >= 0)
    record.weightNormSq = values.slice(base + layout.weightNormOffset, base + layout.weightNormOffset + batch);
  if (layout.heldOutOffset >= 0)
    record.testErrors = values.slice(base + layout.heldOutOffset, base + layout.heldOutOffset + batch);
  if (layout.linearFloats > 0)
    record.linearMatrices = values.slice(
      base + layout.linearOffset,
      base + layout.linearOffset + batch * layout.linearFloats,
    );
  return record;
}
