/**
 * The in-memory trace of a batch: every delivered record, in step order, kept as the typed arrays
 * the GPU produced (a few floats per network per record), with per-network views.
 */
import type { BatchRecord } from './records.js';

export class Trace {
  readonly records: BatchRecord[] = [];

  constructor(readonly batch: number) {}

  push(record: BatchRecord): void {
    this.records.push(record);
  }

  get steps(): number[] {
    return this.records.map((r) => r.step);
  }

  /** Network b's loss at every recorded step. */
  losses(b: number): number[] {
    return this.records.map((r) => r.losses[b]!);
  }

  /** Network b's end-to-end singular values at every recorded step (empty without spectra). */
  singularValues(b: number): number[][] {
    return this.records.map((r) =>
      r.singularValues ? Array.from(r.singularValues.subarray(b * r.rank, (b + 1) * r.rank)) : [],
    );
  }

  /** Network b's Σ_k ‖W_k‖² at every recorded step; NaN where the batch did not record it. */
  weightNormSq(b: number): number[] {
    return this.records.map((r) => (r.weightNormSq ? r.weightNormSq[b]! : NaN));
  }

  /** Network b's held-out error (SPEC §12) at every recorded step; NaN where the task has none. */
  testErrors(b: number): number[] {
    return this.records.map((r) => (r.testErrors ? r.testErrors[b]! : NaN));
  }

  /** Network b's lazyDeviation at every recorded step (record.linearized); NaN without it. */
  lazyDeviations(b: number): number[] {
    return this.records.map((r) => (r.lazyDeviation ? r.lazyDeviation[b]! : NaN));
  }

  /** Network b's unobservedChange at every recorded step (record.linearized on completion); NaN otherwise. */
  unobservedChanges(b: number): number[] {
    return this.records.map((r) => (r.unobservedChange ? r.unobservedChange[b]! : NaN));
  }

  /** Network b's end-to-end matrix (row-major f32, `size` floats) at every recorded step; [] without record.matrices. */
  matrices(b: number, size: number): Float32Array[] {
    return this.records.flatMap((r) => (r.matrices ? [r.matrices.subarray(b * size, (b + 1) * size)] : []));
  }

  last(): BatchRecord | undefined {
    return this.records[this.records.length - 1];
  }
}
