/**
 * The page's copy of what the worker recorded, per network: loss, singular values, numerical rank
 * and the latest end-to-end matrix at every recorded step, plus the union of recorded steps across
 * batches (they share record.every, so it is the common time axis of the plots).
 */
import type { BatchRecord } from '../engine/records.js';
import { numericalRank } from '../analysis/index.js';
import type { LoadedInfo, RunInfo } from '../worker/protocol.js';

export class RunHistory {
  readonly steps: number[] = [];
  readonly losses: number[] = [];
  /** Descending singular values of the end-to-end matrix at each recorded step (empty without spectra). */
  readonly singularValues: Float64Array[] = [];
  readonly ranks: number[] = [];
  /** The end-to-end matrix at the last record that carried one (row-major n_N × n_0). */
  matrix: Float32Array | null = null;
  frozen = false;
  private readonly byStep = new Map<number, number>();

  constructor(
    readonly run: RunInfo,
    /** Index of the run's batch, and its position in that batch's record arrays. */
    readonly batch: number,
    readonly slot: number,
  ) {}

  get last(): number {
    return this.steps.length - 1;
  }

  /** The index of this run's record at `step`, or undefined. */
  indexOf(step: number): number | undefined {
    return this.byStep.get(step);
  }

  /** For each of `steps`, `value(recordIndex)` where this run recorded it, else null (a gap). */
  alignedTo(steps: readonly number[], value: (index: number) => number | null): (number | null)[] {
    return steps.map((step) => {
      const index = this.byStep.get(step);
      return index === undefined ? null : value(index);
    });
  }

  push(
    step: number,
    loss: number,
    frozen: boolean,
    singularValues: Float64Array | null,
    matrix: Float32Array | null,
  ): void {
    this.byStep.set(step, this.steps.length);
    this.steps.push(step);
    this.losses.push(loss);
    this.frozen ||= frozen;
    if (singularValues) {
      this.singularValues.push(singularValues);
      this.ranks.push(numericalRank(singularValues, this.run.config.record.rankTolerance));
    }
    if (matrix) this.matrix = matrix;
  }
}

export class History {
  readonly runs: RunHistory[];
  /** Every recorded step of any run, ascending. */
  readonly steps: number[] = [];
  /** Bumped on every change, so views can skip redraws. */
  version = 0;

  constructor(readonly info: LoadedInfo) {
    const runs = new Map(info.runs.map((run) => [run.id, run]));
    this.runs = info.batches.flatMap((batch, b) =>
      batch.runIds.map((id, slot) => new RunHistory(runs.get(id)!, b, slot)),
    );
    this.runs.sort((x, y) => x.run.id - y.run.id);
  }

  /** Adds a batch record; a step a run already has (a replay after device loss) is ignored. */
  add(batch: number, record: BatchRecord): void {
    const rank = record.rank;
    for (const history of this.runs) {
      if (history.batch !== batch) continue;
      const lastStep = history.steps[history.last];
      if (lastStep !== undefined && record.step <= lastStep) continue;
      const b = history.slot;
      const values = record.singularValues
        ? Float64Array.from(record.singularValues.subarray(b * rank, (b + 1) * rank))
        : null;
      const size = record.matrices ? record.matrices.length / this.info.batches[batch]!.runIds.length : 0;
      const matrix = record.matrices ? record.matrices.slice(b * size, (b + 1) * size) : null;
      history.push(record.step, record.losses[b]!, record.frozen[b] === 1, values, matrix);
    }
    this.insertStep(record.step);
    this.version++;
  }

  private insertStep(step: number): void {
    const steps = this.steps;
    if (steps.length === 0 || step > steps[steps.length - 1]!) {
      steps.push(step);
      return;
    }
    let lo = 0;
    let hi = steps.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (steps[mid]! < step) lo = mid + 1;
      else hi = mid;
    }
    if (steps[lo] !== step) steps.splice(lo, 0, step);
  }
}
