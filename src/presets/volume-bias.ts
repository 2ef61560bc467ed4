/**
 * The volume bias of infinite-depth-completion, measured (Cohen, Menon & Veraszto 2023: implicit
 * regularisation as a bias toward high state-space volume). Every W = [[1, a], [b, 1]] fits the
 * data, so the question is which of these minimisers the flow reaches, and whether they are the
 * ones of high log-volume density (SPEC §8, at the run's own flow depth) among all of them.
 *
 * The comparison set: UNIFORM_SAMPLES minimisers with (a, b) uniform on the box [−B, B]², B the
 * largest |w₁₂|, |w₂₁| any converged run reached, drawn on the host from a fixed Philox stream (the
 * same sample at every depth and every run of the verdict). A reached minimiser is the run's final
 * (w₁₂, w₂₁) with the diagonal set to its observed 1 (the converged runs fit it to ~1e-3), so both
 * sets are scored by the same formula on the same solution set. The density diverges as σ₂ → 0
 * (|det W| = σ₁σ₂ → 0), so a rank-one end alone already has high volume: the percentile is also
 * taken within equal-width bins of |det W|, which asks whether the dynamics prefer high volume
 * beyond preferring small |det W|.
 */
import { median } from '../analysis/statistics.js';
import type { FlowDepth } from '../config/types.js';
import type { ExperimentRun } from '../experiment/types.js';
import { logVolumeAt } from '../experiment/volume-diagnostics.js';
import { logVolumeDensity } from '../flow/volume.js';
import { singularValues } from '../linalg/decompositions.js';
import { fromRows } from '../linalg/matrix.js';
import { Rng, STREAMS } from '../random.js';

export const UNIFORM_SAMPLES = 4096;
/** Width of the |det W| bins; the last bin, from DET_BINS · width on, is open. */
export const DET_BIN_WIDTH = 0.25;
export const DET_BINS = 8;
/** Seed of the uniform sample (stream STREAMS.volumeSample). */
const SAMPLE_SEED = 1;

export interface VolumeBias {
  depth: FlowDepth;
  reached: number;
  /** Mean over reached minimisers of the fraction of the uniform sample with lower log-volume (ties count half). */
  percentile: number;
  /** The same, each reached minimiser against the uniform ones in its own |det W| bin (reached ones in an empty bin skipped). */
  binPercentile: number;
  /** Fraction of the reached, and of the uniform, minimisers in each |det W| bin. */
  reachedShare: number[];
  uniformShare: number[];
}

/** The uniform sample's (a, b) on [−box, box]²: the same points for every call with the same box. */
export function uniformMinimisers(box: number, count = UNIFORM_SAMPLES): [number, number][] {
  const rng = new Rng(SAMPLE_SEED, STREAMS.volumeSample);
  return Array.from({ length: count }, () => [box * (2 * rng.uniform() - 1), box * (2 * rng.uniform() - 1)]);
}

const binOf = (a: number, b: number) => Math.min(DET_BINS, Math.floor(Math.abs(1 - a * b) / DET_BIN_WIDTH));

function logVolumeOf(a: number, b: number, depth: FlowDepth): number {
  const value = logVolumeDensity(
    singularValues(
      fromRows([
        [1, a],
        [b, 1],
      ]),
    ),
    depth,
  );
  // A σ that is exactly 0 (ab = 1 to the last bit) is the density's divergence, not a missing value.
  return Number.isNaN(value) ? Infinity : value;
}

/** Fraction of `others` below `value`, ties counting half; NaN for no others. */
function percentileAmong(value: number, others: readonly number[]): number {
  if (others.length === 0) return NaN;
  let below = 0;
  for (const other of others) below += other < value ? 1 : other === value ? 0.5 : 0;
  return below / others.length;
}

/** The volume bias of the converged runs at one flow depth, against a uniform sample on [−box, box]². */
export function volumeBias(depth: FlowDepth, converged: readonly ExperimentRun[], box: number): VolumeBias {
  const uniform = uniformMinimisers(box).map(([a, b]) => ({ bin: binOf(a, b), volume: logVolumeOf(a, b, depth) }));
  const reached = converged.map((run) => ({
    bin: binOf(run.metrics.w12!, run.metrics.w21!),
    volume: logVolumeOf(run.metrics.w12!, run.metrics.w21!, depth),
  }));
  const all = uniform.map((u) => u.volume);
  const byBin = Array.from({ length: DET_BINS + 1 }, (_, bin) =>
    uniform.filter((u) => u.bin === bin).map((u) => u.volume),
  );
  const inBin = reached.map((r) => percentileAmong(r.volume, byBin[r.bin]!)).filter((p) => !Number.isNaN(p));
  const mean = (values: readonly number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
  const share = (bins: readonly { bin: number }[]) =>
    byBin.map((_, bin) => bins.filter((x) => x.bin === bin).length / bins.length);
  return {
    depth,
    reached: reached.length,
    percentile: mean(reached.map((r) => percentileAmong(r.volume, all))),
    binPercentile: mean(inBin),
    reachedShare: share(reached),
    uniformShare: share(uniform),
  };
}

/** The box half-width B: the largest |w₁₂|, |w₂₁| of the converged runs. */
export const reachedBox = (converged: readonly ExperimentRun[]) =>
  Math.max(...converged.flatMap((run) => [Math.abs(run.metrics.w12!), Math.abs(run.metrics.w21!)]));

/** Median over runs of the log-volume density at each record (nulls, where it is undefined, left out), as [time, median] points. */
export function medianLogVolume(runs: readonly ExperimentRun[]): [number, number][] {
  if (runs.length === 0) return [];
  const records = Math.min(...runs.map((run) => run.trace.times.length));
  const points: [number, number][] = [];
  for (let i = 0; i < records; i++) {
    const values = runs
      .map((run) => logVolumeAt(run.config, run.trace.singularValues[i] ?? []))
      .filter((v): v is number => v !== null);
    if (values.length > 0) points.push([runs[0]!.trace.times[i]!, median(values)]);
  }
  return points;
}
