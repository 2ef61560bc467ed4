/**
 * Sweep-point aggregates: the runs that differ only in their init seed pooled, with the spread of
 * each per-run quantity over the seeds. summary.json, report.html and the CLI overview all show
 * these instead of one line per run, so their size does not grow with the number of seeds. The
 * accumulator takes runs one at a time (a batch at a time when streaming) in O(1) each and keeps
 * only one number per run and quantity.
 */
import type { ExperimentRun } from '../experiment/types.js';
import { formatOverrides } from '../display/format.js';
import { type Quantiles, quantiles } from './quantiles.js';

/** A per-run number summarised by its quantiles over the seeds; a new per-run field is one line here. */
interface AggregatedQuantity {
  name: string;
  value: (run: ExperimentRun) => number | null;
}

export const AGGREGATED_QUANTITIES: readonly AggregatedQuantity[] = [
  { name: 'finalLoss', value: (run) => run.finalLoss },
  { name: 'rank', value: (run) => run.rank },
  { name: 'effectiveRank', value: (run) => run.effectiveRank },
  { name: 'saddles', value: (run) => saddleCount(run) },
];

export interface SweepPointAggregate {
  /** The swept values of this point (init.seed left out); {} without a sweep. */
  point: Record<string, unknown>;
  /** formatOverrides(point), or 'all runs' without a sweep. */
  label: string;
  runs: number;
  diverged: number;
  /** Final numerical rank → number of runs ending there ('none' for runs without spectra). */
  rankCounts: Record<string, number>;
  /** Quantiles over the seeds of each of AGGREGATED_QUANTITIES (null when no run has a finite value). */
  quantiles: Record<string, Quantiles | null>;
}

/** Plateaus strictly inside the run: saddles seen to be entered and left. */
export function saddleCount(run: ExperimentRun): number {
  let count = 0;
  for (const plateau of run.plateaus) if (!plateau.initial && !plateau.final) count++;
  return count;
}

/** The sweep point a run belongs to: its overrides without init.seed. */
export function sweepPointOf(run: { overrides: Record<string, unknown> }): {
  point: Record<string, unknown>;
  label: string;
} {
  const { 'init.seed': _seed, ...point } = run.overrides;
  const label = formatOverrides(point);
  return { point, label: label === '—' ? 'all runs' : label };
}

interface PointState {
  point: Record<string, unknown>;
  label: string;
  runs: number;
  diverged: number;
  rankCounts: Map<string, number>;
  values: number[][];
}

export class SweepPointAccumulator {
  private readonly points = new Map<string, PointState>();

  add(run: ExperimentRun): void {
    const { point, label } = sweepPointOf(run);
    let state = this.points.get(label);
    if (!state)
      this.points.set(
        label,
        (state = {
          point,
          label,
          runs: 0,
          diverged: 0,
          rankCounts: new Map(),
          values: AGGREGATED_QUANTITIES.map(() => []),
        }),
      );
    state.runs++;
    if (run.diverged) state.diverged++;
    const rank = run.rank === null ? 'none' : String(run.rank);
    state.rankCounts.set(rank, (state.rankCounts.get(rank) ?? 0) + 1);
    AGGREGATED_QUANTITIES.forEach((quantity, q) => state.values[q]!.push(quantity.value(run) ?? NaN));
  }

  /** In the order the points were first seen (sweep order, since runs come in id order). */
  aggregates(): SweepPointAggregate[] {
    return [...this.points.values()].map((state) => ({
      point: state.point,
      label: state.label,
      runs: state.runs,
      diverged: state.diverged,
      rankCounts: Object.fromEntries([...state.rankCounts].sort(([a], [b]) => rankOrder(a) - rankOrder(b))),
      quantiles: Object.fromEntries(
        AGGREGATED_QUANTITIES.map((quantity, q) => [quantity.name, quantiles(state.values[q]!)]),
      ),
    }));
  }
}

const rankOrder = (rank: string) => (rank === 'none' ? Infinity : Number(rank));

export function sweepPointAggregates(runs: Iterable<ExperimentRun>): SweepPointAggregate[] {
  const accumulator = new SweepPointAccumulator();
  for (const run of runs) accumulator.add(run);
  return accumulator.aggregates();
}
